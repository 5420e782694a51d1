// Package static holds the playground's browser assets, embedded in the
// binary so a classroom needs no internet.
package static

import "embed"

// FS is the asset tree served under /static/.
//
//go:embed app.js style.css favicon.svg vendor lesson.js lesson.css room.js room.css
var FS embed.FS
