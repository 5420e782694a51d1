// Package e2e holds the browser end-to-end tests of the playground. They
// serve the app in-process, drive a headless Chromium through chromedp and
// check what a student sees: the controls, the live plots, sharing a run,
// changing parameters and adding points by clicking a plot.
//
// Run them with
//
//	go test ./e2e/ -count=1 -v
//
// or, inside e2e/, with go test -count=1, which prints one line per test
// as it ends (given a package argument, go test holds back the output of
// a package that passes). They wait for what the page shows, never for a
// fixed time, and take about a minute and a half on a busy 2-core machine.
//
// Chromium is found through CHROME_PATH or on PATH (chromium,
// chromium-browser, google-chrome). Without it the tests skip, except under
// CI=true, where they fail. Screenshots go to $TMPDIR/playground-e2e; those
// of the presentation layout, for a person to look at, to
// $PLAYGROUND_SCREENSHOTS if it is set, else $TMPDIR/playground-e2e/present.
package e2e
