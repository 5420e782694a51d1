package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/lessons"
	"github.com/mlplayground/playground/scenarios"
	"github.com/mlplayground/playground/web/static"
	"github.com/mlplayground/playground/web/templates"
)

// Time limits. Tests wait for conditions, never for a fixed time, so these
// only bound how long a failure takes to report: they are generous, for a
// loaded machine. Every tab lives at most tabTimeout, so no test can hang.
const (
	tabTimeout     = 60 * time.Second
	actionTimeout  = 15 * time.Second
	waitTimeout    = 20 * time.Second
	pollInterval   = 25 * time.Millisecond
	browserStartup = 30 * time.Second
)

// baseURL is the in-process server's address, such as http://127.0.0.1:41234.
var baseURL string

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	url, stop, err := startServer(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	baseURL = url
	defer stop()
	defer shared.stop()
	return m.Run()
}

// startServer starts the real server in-process on 127.0.0.1, port 0,
// with the tests' configuration, changed by configure if it is not nil.
// It returns the server's address and a function that shuts it down.
func startServer(configure func(*lab.Config)) (url string, stop func(), err error) {
	cfg := lab.Config{
		Scenarios: scenarios.All(),
		Pages:     templates.Pages{},
		Static:    static.FS,
		Lessons:   lessons.FS,
		MaxRuns:   16,
		Log:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if configure != nil {
		configure(&cfg)
	}
	srv, err := lab.NewServer(cfg)
	if err != nil {
		return "", nil, fmt.Errorf("lab.NewServer: %w", err)
	}
	ts := httptest.NewServer(srv.Handler())
	stop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: server shutdown:", err)
		}
		ts.Close()
	}
	return ts.URL, stop, nil
}

// newServer starts a server of the test's own, configured by configure,
// and shuts it down when the test ends. Open it before the tabs that use
// it, so they close first.
func newServer(t *testing.T, configure func(*lab.Config)) string {
	t.Helper()
	url, stop, err := startServer(configure)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return url
}

// shared is the one browser all tests use; each test opens its own tabs.
var shared browserState

type browserState struct {
	once   sync.Once
	ctx    context.Context // a chromedp context whose browser has started
	stopFn func()
	err    error
	absent string // why there is no browser to run, when there is none
}

// findChrome returns the browser to run, from CHROME_PATH or PATH.
func findChrome() (string, error) {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("CHROME_PATH=%s: %w", p, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no browser found: set CHROME_PATH or put chromium, chromium-browser or google-chrome on PATH")
}

func (b *browserState) start() {
	path, err := findChrome()
	if err != nil {
		b.absent = err.Error()
		return
	}
	dir, err := os.MkdirTemp("", "playground-e2e-profile-")
	if err != nil {
		b.err = err
		return
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests may run as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	stop := func() {
		done := make(chan struct{})
		go func() {
			// Close the browser gracefully; the allocator kills it if not.
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			chromedp.Cancel(cctx)
			cancelCtx()
			cancelAlloc()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		}
		os.RemoveAll(dir)
	}
	// The first Do starts the browser. It must not carry a timeout (that
	// would stop the browser when it expires), so watch it from here.
	errc := make(chan error, 1)
	go func() { errc <- chromedp.Do(ctx) }()
	select {
	case err = <-errc:
	case <-time.After(browserStartup):
		err = fmt.Errorf("the browser did not start within %v", browserStartup)
	}
	if err != nil {
		stop()
		b.err = fmt.Errorf("starting %s: %w", path, err)
		return
	}
	b.ctx, b.stopFn = ctx, stop
}

func (b *browserState) stop() {
	if b.stopFn != nil {
		b.stopFn()
	}
}

// browserCtx returns the shared browser, starting it on first use. Without
// a browser the test skips, or fails under CI=true.
func browserCtx(t *testing.T) context.Context {
	t.Helper()
	shared.once.Do(shared.start)
	switch {
	case shared.absent != "" && os.Getenv("CI") == "true":
		t.Fatalf("CI=true and %s", shared.absent)
	case shared.absent != "":
		t.Skip(shared.absent)
	case shared.err != nil:
		t.Fatal(shared.err)
	}
	return shared.ctx
}

// instrumentJS runs before the page's scripts. It counts the websocket
// messages the page receives, so a test can wait for "a frame arrived" or
// "the status arrived" and not only for what the DOM shows; framesAtStatus
// is how many frames had come when the last status came, which tells the
// frames that followed a status; plotKeys lists each frame's panels, so a
// test can see which ones a frame left out, and rasterKeys the panels it
// changed by their raster alone. It records what the Content-Security-Policy
// blocked, as a console error too, so every test fails on it. It only
// listens; the app's own handlers run unchanged.
const instrumentJS = `(() => {
  const Native = window.WebSocket;
  const s = window.__e2e = {
    sockets: 0, runs: 0, frames: 0, status: 0, socketFrames: 0,
    lastStatus: null, framesAtStatus: 0, lastQuery: null, errors: [], steps: [], plotKeys: [], rasterKeys: [], csp: [],
  };
  document.addEventListener('securitypolicyviolation', (ev) => {
    const v = ev.effectiveDirective + ' blocked ' + (ev.blockedURI || 'inline') + ' at ' + ev.sourceFile + ':' + ev.lineNumber;
    s.csp.push(v);
    console.error('CSP violation: ' + v);
  });
  class Tracked extends Native {
    constructor(...args) {
      super(...args);
      const id = ++s.sockets;
      s.socketFrames = 0;
      this.addEventListener('message', (ev) => {
        if (id !== s.sockets) return; // a replaced socket
        let m;
        try { m = JSON.parse(ev.data); } catch (_) { return; }
        switch (m.type) {
          case 'run': s.runs++; s.lastQuery = m.query; break;
          case 'frame':
            s.frames++; s.socketFrames++; s.steps.push(m.step);
            s.plotKeys.push(Object.keys(m.plots || {}).sort());
            s.rasterKeys.push(Object.keys(m.rasters || {}).sort());
            break;
          case 'status': s.status++; s.lastStatus = m.running; s.framesAtStatus = s.steps.length; break;
          case 'error': s.errors.push(m.message); break;
        }
      });
    }
  }
  window.WebSocket = Tracked;
})();`

// tab is one browser tab of a test.
type tab struct {
	t   *testing.T
	ctx context.Context

	mu           sync.Mutex
	consoleErrs  []string
	allowConsole bool // the test expects error entries (an error page)
}

// newTab opens a tab on the shared browser. It collects console errors and
// uncaught exceptions and fails the test on any when the test ends.
func newTab(t *testing.T) *tab {
	t.Helper()
	bctx := browserCtx(t)
	base, cancelBase := context.WithTimeout(bctx, tabTimeout)
	ctx, cancel := chromedp.NewContext(base)
	p := &tab{t: t, ctx: ctx}
	t.Cleanup(func() {
		// Close the tab and wait for it to go (its websocket with it), so
		// the next test starts clean; wait at most 5 s.
		done := make(chan struct{})
		go func() { chromedp.Cancel(ctx); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
		cancel()
		cancelBase()
	})
	t.Cleanup(p.checkConsole) // runs first: cleanups run last-in first-out
	if err := chromedp.Listen(ctx, p.onEvent); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: instrumentJS}); err != nil {
		t.Fatalf("installing the websocket probe: %v", err)
	}
	return p
}

// onEvent runs in the tab's read loop: it must be quick and run no command.
func (p *tab) onEvent(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg = "uncaught exception: " + d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		msg += fmt.Sprintf(" (%s:%d:%d)", d.URL, d.LineNumber+1, d.ColumnNumber+1)
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			switch {
			case len(a.Value) > 0:
				parts = append(parts, string(a.Value))
			case a.Description != "":
				parts = append(parts, a.Description)
			default:
				parts = append(parts, string(a.Type))
			}
		}
		msg = "console.error: " + strings.Join(parts, " ")
	case *log.EventEntryAdded:
		if ev.Entry == nil || ev.Entry.Level != log.EntryLevelError {
			return
		}
		msg = fmt.Sprintf("log error (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
	default:
		return
	}
	p.mu.Lock()
	p.consoleErrs = append(p.consoleErrs, msg)
	p.mu.Unlock()
}

func (p *tab) consoleErrors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.consoleErrs...)
}

// takeConsoleErrors returns the errors so far and forgets them, so the
// check at the end of the test does not report them again.
func (p *tab) takeConsoleErrors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	errs := p.consoleErrs
	p.consoleErrs = nil
	return errs
}

func (p *tab) checkConsole() {
	if p.allowConsole {
		return
	}
	for _, e := range p.consoleErrors() {
		p.t.Errorf("browser reported an error: %s", e)
	}
}

// do runs actions with a time limit and fails the test on an error.
func (p *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %v\npage state: %s", what, err, p.state())
	}
}

// eval evaluates a JavaScript expression in the tab and decodes its value.
func eval[T any](p *tab, expr string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluating %s: %v\npage state: %s", expr, err, p.state())
	}
	return v
}

// waitJS waits until the expression is truthy, and fails the test with the
// page's state when it is not within waitTimeout.
func (p *tab) waitJS(what, expr string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, waitTimeout+2*time.Second)
	defer cancel()
	deadline := time.Now().Add(waitTimeout)
	var err error
	for {
		_, err = chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr,
			chromedp.WithPollingInterval(pollInterval), chromedp.WithPollingTimeout(time.Until(deadline))))
		// A navigation can replace the page's JavaScript context under a
		// poll that started in the old one: poll again in the new one.
		if err == nil || !strings.Contains(err.Error(), "Cannot find context with specified id") || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		if errors.Is(err, chromedp.ErrPollingTimeout) {
			err = fmt.Errorf("not within %v", waitTimeout)
		}
		p.t.Fatalf("waiting until %s (%s): %v\npage state: %s", what, expr, err, p.state())
	}
}

// state describes the page for a failure message.
func (p *tab) state() string {
	ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](`(() => {
  const text = (sel) => { const el = document.querySelector(sel); return el ? el.textContent.trim() : null; };
  const pg = window.playground;
  const e = window.__e2e;
  return {
    url: location.href,
    counter: text('[data-testid=step-counter]'),
    note: text('[data-testid=note]'),
    conn: text('[data-testid=conn]'),
    formError: text('[data-testid=form-error]'),
    client: pg ? { step: pg.step, running: pg.running, done: pg.done, query: pg.query, socket: pg.ws ? pg.ws.readyState : null } : null,
    received: e ? { sockets: e.sockets, runs: e.runs, frames: e.frames, socketFrames: e.socketFrames, status: e.status,
      lastStatus: e.lastStatus, errors: e.errors, lastSteps: e.steps.slice(-10) } : null,
  };
})()`))
	if err != nil {
		return "(unavailable: " + err.Error() + ")"
	}
	s := string(raw)
	if errs := p.consoleErrors(); len(errs) > 0 {
		s += "\nbrowser errors so far: " + strings.Join(errs, "; ")
	}
	return s
}

// open loads a URL (a path is relative to the server) and waits until the
// client has its first websocket frame and status.
func (p *tab) open(url string) {
	p.t.Helper()
	if strings.HasPrefix(url, "/") {
		url = baseURL + url
	}
	p.do("loading "+url, chromedp.Navigate(url))
	p.waitReady()
}

// waitReady waits for the client and its first frame and status.
func (p *tab) waitReady() {
	p.t.Helper()
	p.waitJS("the client connected and received its first frame and status",
		`window.playground && window.__e2e.socketFrames > 0 && window.__e2e.status > 0 && window.playground.ws && window.playground.ws.readyState === 1`)
}

// waitLoaded waits until the document, every asset it asked for and every
// font it uses have loaded or failed. The browser reports a failed asset
// before then, and the check itself is a round trip to the page after it,
// so any such error has reached the tab's error list.
func (p *tab) waitLoaded() {
	p.t.Helper()
	p.waitJS("the document and its assets have loaded", `document.readyState === 'complete'`)
	ctx, cancel := context.WithTimeout(p.ctx, waitTimeout)
	defer cancel()
	// fonts.ready settles once layout has asked for every font it needs
	// and those loads are over.
	status, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.fonts.ready.then(() => document.fonts.status)`, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("waiting for the page's fonts: %v\npage state: %s", err, p.state())
	}
	if status != "loaded" {
		p.t.Fatalf("document.fonts.status = %q once fonts.ready settled, want loaded", status)
	}
}

// statusCount returns how many status messages the page has received.
func (p *tab) statusCount() int {
	p.t.Helper()
	return eval[int](p, `window.__e2e.status`)
}

// waitResetAnswer waits for the server's answer to a reset sent after the
// page had received statusBefore statuses: a frame at step 0, then a
// status. A run that is not playing sends nothing more until told, so once
// these are here every frame of the run before the reset is here too.
func (p *tab) waitResetAnswer(statusBefore int) {
	p.t.Helper()
	p.waitJS("the server answered the reset with a frame at step 0, then a status",
		fmt.Sprintf(`window.__e2e.status > %d && window.__e2e.framesAtStatus > 0 &&
			window.__e2e.steps[window.__e2e.framesAtStatus - 1] === 0 &&
			document.querySelector('[data-testid=step-counter]').textContent === '0'`, statusBefore))
}

// pause clicks Pause and waits for the status that confirms it. It returns
// how many frames had come before that status.
func (p *tab) pause() int {
	p.t.Helper()
	statusBefore := p.statusCount()
	p.click("pause")
	p.waitJS("the pause status arrived",
		fmt.Sprintf(`window.__e2e.status > %d && window.__e2e.lastStatus === false && window.playground.running === false`, statusBefore))
	return eval[int](p, `window.__e2e.framesAtStatus`)
}

// resetAndCollect resets a run that is not playing and waits for the answer,
// which marks the end of what came before it. It returns the steps of all
// frames received, and of those after the first n and before the reset's.
func (p *tab) resetAndCollect(n int) (steps, after []int) {
	p.t.Helper()
	statusBefore := p.statusCount()
	p.click("reset")
	p.waitResetAnswer(statusBefore)
	steps = eval[[]int](p, `window.__e2e.steps`)
	return steps, steps[n : len(steps)-1]
}

// counter reads the step counter as a number.
func (p *tab) counter() int {
	p.t.Helper()
	s := eval[string](p, `document.querySelector('[data-testid=step-counter]').textContent`)
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		p.t.Fatalf("step counter reads %q, not a number", s)
	}
	return n
}

// click clicks the element with the data-testid.
func (p *tab) click(testid string) {
	p.t.Helper()
	p.do("clicking "+testid, chromedp.Click(chromedp.CSS(`[data-testid="`+testid+`"]`)))
}

// step clicks Step once and checks the counter moves from want-1 to want.
func (p *tab) step(want int) {
	p.t.Helper()
	prev := p.counter()
	p.waitJS("the step button is enabled", `!document.getElementById('step').disabled`)
	p.click("step")
	p.waitJS(fmt.Sprintf("the step counter passes %d after a click on step", prev),
		fmt.Sprintf(`Number(document.querySelector('[data-testid=step-counter]').textContent) > %d`, prev))
	if got := p.counter(); got != want {
		p.t.Fatalf("after a click on step from %d the counter reads %d, want %d\npage state: %s", prev, got, want, p.state())
	}
}

// key sends one key press to the page body.
func (p *tab) key(what, keys string) {
	p.t.Helper()
	p.do("pressing "+what,
		chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`),
		chromedp.KeyEvent(keys))
}

// plotHTML returns the markup inside a panel's plot container.
func (p *tab) plotHTML(panel string) string {
	p.t.Helper()
	return eval[string](p, fmt.Sprintf(`document.getElementById(%q).innerHTML`, "plot-"+panel))
}

// metrics returns the metric values shown, as name=value.
func (p *tab) metrics() []string {
	p.t.Helper()
	return eval[[]string](p, `[...document.querySelectorAll('#metrics dd')].map((d) => d.dataset.metric + '=' + d.textContent)`)
}

// screenshot saves a full-page screenshot and returns its path.
func (p *tab) screenshot(name string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, actionTimeout)
	defer cancel()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join(os.TempDir(), "playground-e2e")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot: %s", path)
	return path
}

// progress prints a line to stderr when a test ends, so a run without -v
// shows it is moving (-v prints its own). go test shows such lines as they
// come when run without package arguments (cd e2e && go test); with them it
// holds a passing package's output back.
func progress(t *testing.T) {
	if testing.Verbose() {
		return
	}
	start := time.Now()
	t.Cleanup(func() {
		verdict := "ok  "
		switch {
		case t.Skipped():
			return
		case t.Failed():
			verdict = "FAIL"
		}
		fmt.Fprintf(os.Stderr, "e2e: %s %-42s %4.1fs\n", verdict, t.Name(), time.Since(start).Seconds())
	})
}

// firstDiff locates the first difference of two strings for a message.
func firstDiff(a, b string) string {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	lo := max(i-60, 0)
	clip := func(s string) string { return s[lo:min(i+60, len(s))] }
	return fmt.Sprintf("lengths %d and %d, first difference at byte %d:\n  first:  …%s…\n  second: …%s…", len(a), len(b), i, clip(a), clip(b))
}
