// Package static holds the playground's browser assets, embedded in the
// binary so a classroom needs no internet.
package static

import "embed"

// FS is the asset tree served under /static/.
//
//go:embed app.js room.js room.css style.css favicon.svg vendor
var FS embed.FS
