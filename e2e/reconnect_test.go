package e2e

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios"
	"github.com/mlplayground/playground/web/static"
	"github.com/mlplayground/playground/web/templates"
)

// droppingServer is the real server whose websocket connections the test
// can cut, with no close frame, as a Wi-Fi blip does.
type droppingServer struct {
	url      string
	mu       sync.Mutex
	conns    []net.Conn // the websockets' connections
	killNext int        // cut this many new connections as soon as they open
}

func newDroppingServer(t *testing.T, ttl time.Duration) *droppingServer {
	t.Helper()
	srv, err := lab.NewServer(lab.Config{Scenarios: scenarios.All(), Pages: templates.Pages{}, Static: static.FS,
		MaxRuns: 16, ReconnectTTL: ttl, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	d := &droppingServer{}
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Config.ConnState = func(c net.Conn, s http.ConnState) {
		d.mu.Lock()
		defer d.mu.Unlock()
		switch {
		case s == http.StateNew && d.killNext > 0:
			d.killNext--
			c.Close()
		case s == http.StateHijacked:
			d.conns = append(d.conns, c)
		}
	}
	ts.Start()
	d.url = ts.URL
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		ts.Close()
	})
	return d
}

// drop cuts every websocket open so far, and the next kill ones as soon
// as they open.
func (d *droppingServer) drop(kill int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.killNext = kill
	for _, c := range d.conns {
		c.Close()
	}
	d.conns = nil
}

// TestReconnect: a page whose websocket drops gets its run back by
// itself, at the step it had reached, with nothing replayed; once the
// server has freed the run, the page offers to replay it to that step.
func TestReconnect(t *testing.T) {
	progress(t)
	t.Run("within-the-TTL", func(t *testing.T) {
		srv := newDroppingServer(t, time.Minute)
		p := newTab(t)
		p.open(srv.url + "/s/kmeans?k=8")
		for want := 1; want <= 4; want++ {
			p.step(want)
		}
		sockets := eval[int](p, `window.__e2e.sockets`)
		srv.drop(0)
		p.waitJS("the page reconnected to its run at step 4",
			fmt.Sprintf(`window.__e2e.sockets > %d && window.__e2e.socketFrames > 0 &&
				window.playground.ws && window.playground.ws.readyState === 1 &&
				document.querySelector('[data-testid=step-counter]').textContent === '4' &&
				document.querySelector('[data-testid=conn]').textContent === ''`, sockets))
		if steps := eval[[]int](p, `window.__e2e.steps.slice(-window.__e2e.socketFrames)`); !slices.Equal(steps, []int{4}) {
			t.Errorf("the run came back with frames at steps %v, want one at step 4 (nothing replayed)", steps)
		}
		p.step(5)
		p.checkConsole()
	})
	// The run is freed when the page could not reach the server within
	// the TTL (here 1 ms; an attempt within it is cut): the page offers to
	// replay it to its step. A token the server refuses ends alike
	// (internal/lab TestReconnectAfterTTL for the server's side).
	t.Run("after-the-TTL", func(t *testing.T) {
		srv := newDroppingServer(t, time.Millisecond)
		p := newTab(t)
		p.open(srv.url + "/s/kmeans?k=8")
		for want := 1; want <= 3; want++ {
			p.step(want)
		}
		srv.drop(1)
		p.waitJS("the page offers to replay the run to its step", `!!document.querySelector('[data-testid=resume]')`)
		if label := eval[string](p, `document.querySelector('[data-testid=resume]').textContent`); label != "Resume at step 3" {
			t.Errorf("the resume button reads %q, want %q", label, "Resume at step 3")
		}
		if conn := eval[string](p, `document.querySelector('[data-testid=conn]').textContent`); !strings.Contains(conn, "freed the run") {
			t.Errorf("the page says %q, want it to say the server freed the run", conn)
		}
		srv.drop(0) // whether or not the page tried before its TTL ran out
		// An attempt cut before its handshake is the one error expected.
		for _, e := range p.takeConsoleErrors() {
			if !strings.Contains(e, "resume=") {
				t.Errorf("browser reported an error: %s", e)
			}
		}
		p.click("resume")
		p.waitJS("the replayed run is at step 3",
			`window.playground.ws && window.playground.ws.readyState === 1 &&
				document.querySelector('[data-testid=step-counter]').textContent === '3' &&
				!document.querySelector('[data-testid=resume]')`)
		p.checkConsole()
	})
}
