package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mlplayground/playground/internal/lab"
)

// idleRelease is the idle limit of TestResume's server: long enough for a
// few clicks on Step in a row, short enough to wait for.
const idleRelease = time.Second

// TestResume: a run left paused is released by the server; the page says
// so and offers to resume it, and resuming lands on the same step, in the
// same state as a fresh run stepped that far, from which it plays on.
func TestResume(t *testing.T) {
	cases := []struct {
		name  string
		slug  string
		query string
		// reach brings the run to the step it is released at, and
		// returns that step.
		reach func(p *tab) int
		done  bool // the run has reached its end at that step
	}{
		{
			name:  "mid-run",
			slug:  "kmeans",
			query: "k=8", // converges at step 33
			reach: func(p *tab) int {
				for want := 1; want <= 5; want++ {
					p.step(want)
				}
				return 5
			},
		},
		{
			name: "at-its-end",
			slug: "kmeans", // converges at step 5
			reach: func(p *tab) int {
				for want := 1; want <= 5; want++ {
					p.step(want)
				}
				return 5
			},
			done: true,
		},
		{
			name:  "at-step-0",
			slug:  "kmeans",
			reach: func(*tab) int { return 0 },
		},
		{
			// Far enough that the page replays it playing at top speed,
			// not one step at a time (app.js RESUME_MARGIN is 60).
			name: "after-fast-play",
			slug: "logistic-regression", // converges at step 278
			reach: func(p *tab) int {
				p.setSpeed(-1)
				p.click("play")
				p.waitJS("the run played past step 80",
					`Number(document.querySelector('[data-testid=step-counter]').textContent) > 80`)
				p.pause()
				// The release names the step the run had reached; a frame
				// that followed the pause status is on screen by then.
				p.waitJS("the run was released", `!!document.querySelector('[data-testid=resume]')`)
				return p.counter()
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			progress(t)
			srv := newServer(t, func(c *lab.Config) { c.IdleRelease = idleRelease })
			p := newTab(t)
			p.open(srv + "/s/" + tc.slug + "?" + tc.query)
			step := tc.reach(p)

			p.waitJS("the server released the run and the page offers to resume it",
				`!!document.querySelector('[data-testid=resume]')`)
			conn := eval[string](p, `document.querySelector('[data-testid=conn]').textContent`)
			if !strings.Contains(conn, "released") {
				t.Errorf("after the release the page says %q, want it to say the run was released", conn)
			}
			label := eval[string](p, `document.querySelector('[data-testid=resume]').textContent`)
			if want := fmt.Sprintf("Resume at step %d", step); label != want {
				t.Errorf("the resume button reads %q, want %q", label, want)
			}
			if got := p.counter(); got != step {
				t.Errorf("after the release the counter reads %d, want %d, the step released", got, step)
			}
			p.screenshot("resume-" + tc.name + "-released")

			sockets := eval[int](p, `window.__e2e.sockets`)
			p.click("resume")
			p.waitJS(fmt.Sprintf("the resumed run is back at step %d and the page no longer says it is resuming", step),
				fmt.Sprintf(`window.__e2e.sockets > %d && window.__e2e.socketFrames > 0 &&
					document.querySelector('[data-testid=step-counter]').textContent === '%d' &&
					document.querySelector('[data-testid=conn]').textContent === '' &&
					!document.querySelector('[data-testid=resume]')`, sockets, step))
			// Any frame past the step is on its way by now: a status asked
			// for after it comes after it.
			statusBefore := p.statusCount()
			p.resendSpeed()
			p.waitJS("the server answered a speed change", fmt.Sprintf(`window.__e2e.status > %d`, statusBefore))
			if got := p.counter(); got != step {
				t.Fatalf("the resumed run went on to step %d, want it to stop at %d\npage state: %s", got, step, p.state())
			}
			// The server opens the run at the step: the page shows no other.
			if steps := eval[[]int](p, `window.__e2e.steps.slice(-window.__e2e.socketFrames)`); !slices.Equal(steps, []int{step}) {
				t.Errorf("the resumed run sent frames at steps %v, want one at step %d", steps, step)
			}

			query := eval[string](p, `window.playground.query`)
			want := apiFrame(t, srv, tc.slug, query, step)
			if got := eval[string](p, `document.querySelector('[data-testid=note]').textContent`); got != want.Note {
				t.Errorf("the resumed run's note reads %q, want %q, a fresh run's at step %d", got, want.Note, step)
			}
			if len(want.Plots) == 0 {
				t.Fatalf("the API frame at step %d has no plots", step)
			}
			for name, svg := range want.Plots {
				got := p.plotHTML(name)
				// The page holds the SVG as the browser serialises it.
				norm := eval[string](p, fmt.Sprintf(`(() => {
  const div = document.implementation.createHTMLDocument('').createElement('div');
  div.innerHTML = %s;
  return div.innerHTML;
})()`, jsString(svg)))
				if got != norm {
					t.Errorf("the resumed run's %s plot differs from a fresh run's at step %d: %s", name, step, firstDiff(got, norm))
				}
			}
			if want.Done != tc.done {
				t.Fatalf("the API frame at step %d has done=%v, want %v: the test's scenario changed", step, want.Done, tc.done)
			}

			if tc.done {
				if !eval[bool](p, `document.getElementById('play').disabled && document.getElementById('step').disabled`) {
					t.Errorf("the resumed run is at its end, yet Play or Step is enabled\npage state: %s", p.state())
				}
				return
			}
			p.click("play")
			p.waitJS(fmt.Sprintf("the resumed run plays past step %d", step),
				fmt.Sprintf(`Number(document.querySelector('[data-testid=step-counter]').textContent) > %d`, step))
		})
	}
}

// TestPlayResumes: Play on a released run resumes it at its step and plays
// on from there, not from step 0.
func TestPlayResumes(t *testing.T) {
	progress(t)
	srv := newServer(t, func(c *lab.Config) { c.IdleRelease = idleRelease })
	p := newTab(t)
	p.open(srv + "/s/kmeans?k=8") // converges at step 33
	for want := 1; want <= 3; want++ {
		p.step(want)
	}
	p.waitJS("the server released the run", `!!document.querySelector('[data-testid=resume]')`)
	sockets := eval[int](p, `window.__e2e.sockets`)
	p.click("play")
	p.waitJS("a new run plays past step 3",
		fmt.Sprintf(`window.__e2e.sockets > %d && window.__e2e.socketFrames > 1 &&
			Number(document.querySelector('[data-testid=step-counter]').textContent) > 3`, sockets))
	if first := eval[int](p, `window.__e2e.steps.at(-window.__e2e.socketFrames)`); first != 3 {
		t.Errorf("Play on the released run opened a run at step %d, want 3, where it was released", first)
	}
	if conn := eval[string](p, `document.querySelector('[data-testid=conn]').textContent`); conn != "" {
		t.Errorf("the resumed run plays, yet the page says %q", conn)
	}
}

// setSpeed moves the speed slider to the stop i, counted from the end when
// negative, as a user's drag does.
func (p *tab) setSpeed(i int) {
	p.t.Helper()
	p.do("setting the speed", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
  const el = document.getElementById('speed');
  const i = %d;
  el.value = String(i < 0 ? Number(el.max) + 1 + i : i);
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
})()`, i)))
}

// resendSpeed sends the speed on the slider again, as releasing the slider
// where it was does; the server answers with a status.
func (p *tab) resendSpeed() {
	p.t.Helper()
	p.do("sending the speed again", chromedp.Evaluate[chromedp.Void](
		`document.getElementById('speed').dispatchEvent(new Event('change', { bubbles: true }))`))
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// apiFrameMessage is a frame of the run API, GET /api/scenarios/{slug}/run.
type apiFrameMessage struct {
	Type  string            `json:"type"`
	Step  int               `json:"step"`
	Done  bool              `json:"done"`
	Note  string            `json:"note"`
	Plots map[string]string `json:"plots"`
}

// apiFrame asks the server's run API for a fresh run of the query stepped
// to step, with its plots, and returns that frame.
func apiFrame(t *testing.T, base, slug, query string, step int) apiFrameMessage {
	t.Helper()
	url := fmt.Sprintf("%s/api/scenarios/%s/run?%s", base, slug, strings.TrimPrefix(query+"&", "&"))
	url += fmt.Sprintf("steps=%d&plots=1", step)
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", url, resp.StatusCode)
	}
	var last apiFrameMessage
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var m apiFrameMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		if m.Type != "frame" {
			t.Fatalf("GET %s: a %q line: %s", url, m.Type, sc.Text())
		}
		last = m
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if last.Step != step {
		t.Fatalf("GET %s: the last frame is at step %d, want %d", url, last.Step, step)
	}
	return last
}
