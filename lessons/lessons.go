// Package lessons holds the course's lesson playlists, one text file a
// lesson, embedded in the binary. The format is in README.md beside them;
// internal/lab reads and checks them (lab.LoadLessons).
package lessons

import "embed"

// FS holds every lesson file (*.txt).
//
//go:embed *.txt
var FS embed.FS
