package lab

import (
	"context"
	"fmt"
	"image"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/viz"
)

// Frame is one step of a run as it goes over the wire.
type Frame struct {
	Type      string                  `json:"type"` // "frame"
	Step      int                     `json:"step"`
	Done      bool                    `json:"done"`
	Note      string                  `json:"note,omitempty"`
	Caveat    string                  `json:"caveat,omitempty"`
	Metrics   Metrics                 `json:"metrics"`
	State     any                     `json:"state"`
	Plots     map[string]string       `json:"plots,omitempty"`
	Viewports map[string]viz.Viewport `json:"viewports,omitempty"`
	// Rasters holds, for a websocket client, the panels that changed
	// only in one raster since the frame it was last sent them in: the
	// raster's new href, for the page to set on that panel's <image>.
	Rasters map[string]RasterPatch `json:"rasters,omitempty"`
}

// Run is one model stepping through a scenario. It counts steps, stops at
// the scenario's MaxSteps and turns a panic inside the model into an error,
// so a broken scenario ends its run, never the server. A Run is not safe for
// concurrent use.
type Run struct {
	Scenario *Scenario
	Values   Values
	model    Model
	step     int
	reached  int // the highest step reached, kept by Reset (see Seek)
	failed   error
	// checkpoints are copies of the model every `every` steps, for
	// going back on the timeline (seek.go); kept by Reset.
	checkpoints   []checkpoint
	every         int
	noCheckpoints bool         // the model failed to copy itself
	log           *slog.Logger // receives recovered panics
	// work does one unit of the run's work (unitStep, unitFrame); the
	// server's runs hand it to the scheduler. Nil: done at once.
	work func(unit string, f func() error) error
	// rasters keeps each panel's last rasters, so that an unchanged region
	// map is not encoded again.
	rasters map[string]*viz.RasterCache
	// backdrops keep the panels a model draws as a raster over a fixed
	// rest (RasterPanels), drawn whole, to splice the next rasters into.
	backdrops map[string]*viz.Backdrop
	// drawn keeps, for each panel the model versions (PanelVersioner), the
	// SVG it was last drawn as and its version then: a panel whose version
	// has not changed is not drawn again, for any frame. Reset empties it.
	drawn map[string]drawnPanel
	// panels, when not nil, is the server's cache of drawn panels, shared
	// by every run (panelcache.go), and id tells this run from others.
	panels *PanelCache
	id     uint64
	// ask asks for a slot for one unit without waiting (see grant); the
	// server's runs ask the scheduler. Nil: granted at once.
	ask func(unit string) *grant
}

// drawnPanel is a versioned panel as last drawn.
type drawnPanel struct {
	version uint64
	svg     string
	vp      viz.Viewport
}

// grant is one unit of a run's work whose slot was asked for without
// waiting: once ready is closed the slot is held, and exactly one of use
// (run f in it, then free it) or drop (give it up) must follow; before
// then drop leaves the queue.
type grant struct {
	ready <-chan struct{}
	use   func(f func() error) error
	drop  func()
}

// askFor asks for a slot for one unit of work without waiting.
func (r *Run) askFor(unit string) *grant {
	if r.ask != nil {
		return r.ask(unit)
	}
	ready := make(chan struct{})
	close(ready)
	return &grant{ready: ready, use: func(f func() error) error { return f() }, drop: func() {}}
}

// Units of a run's work, as the scheduler and its metrics name them.
const (
	unitStep  = "step"
	unitFrame = "frame"
)

// do runs f as one unit of work.
func (r *Run) do(unit string, f func() error) error {
	if r.work == nil {
		return f()
	}
	return r.work(unit, f)
}

// runIDs numbers runs, for the panel cache.
var runIDs atomic.Uint64

// NewRun builds a run at step 0. A panic in the scenario is logged to
// slog.Default(); the server's runs log to the server's logger.
func NewRun(s *Scenario, v Values) (*Run, error) {
	return newRun(s, v, slog.Default())
}

func newRun(s *Scenario, v Values, log *slog.Logger) (*Run, error) {
	r := &Run{Scenario: s, Values: v, log: log, id: runIDs.Add(1)}
	if err := r.Reset(); err != nil {
		return nil, err
	}
	return r, nil
}

// Reset starts the run over from step 0 with the same values.
func (r *Run) Reset() error {
	var m Model
	err := r.safely("new", func() error {
		var err error
		m, err = r.Scenario.New(r.Values)
		return err
	})
	if err != nil {
		return err
	}
	r.model, r.step, r.failed = m, 0, nil
	clear(r.drawn) // versions are only comparable within one model
	clear(r.backdrops)
	return nil
}

// StepNumber is the number of steps taken since the start.
func (r *Run) StepNumber() int { return r.step }

// Done reports whether the run has ended: the model finished, the step
// limit was reached or the model failed.
func (r *Run) Done() bool {
	if r.failed != nil || r.step >= r.Scenario.MaxSteps {
		return true
	}
	done := false
	if err := r.safely("done", func() error { done = r.model.Done(); return nil }); err != nil {
		r.failed = err
		return true
	}
	return done
}

// Step advances one step; at the end of the run it does nothing.
func (r *Run) Step() error {
	if r.failed != nil {
		return r.failed
	}
	if r.Done() {
		return r.failed
	}
	if err := r.do(unitStep, r.stepNow); err != nil {
		r.failed = err
		return err
	}
	return nil
}

// stepNow takes one step in a slot the caller already holds.
func (r *Run) stepNow() error {
	if r.failed != nil || r.Done() {
		return r.failed
	}
	if rt, ok := r.model.(Retuner); ok && r.Values.changesAt(r.step) {
		if err := r.safely("retune", func() error { rt.Retune(r.Values, r.step); return nil }); err != nil {
			r.failed = err
			return err
		}
	}
	if err := r.safely("step", r.model.Step); err != nil {
		r.failed = err
		return err
	}
	r.step++
	if r.step > r.reached {
		r.reached = r.step
		r.takeCheckpoint()
	}
	return nil
}

// Advance steps until step n or the end of the run.
func (r *Run) Advance(n int) error { return r.AdvanceContext(context.Background(), n) }

// AdvanceContext steps until step n, the end of the run or the end of
// ctx, when it returns context.Cause(ctx): a request whose client has gone
// stops computing between two steps.
func (r *Run) AdvanceContext(ctx context.Context, n int) error {
	for r.step < n && !r.Done() {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if err := r.Step(); err != nil {
			return err
		}
	}
	return r.failed
}

// Frame builds the current step's frame, with every panel's SVG when
// withPlots is set.
func (r *Run) Frame(withPlots bool) (Frame, error) {
	var f Frame
	err := r.do(unitFrame, func() error {
		var err error
		f, err = r.frame(withPlots, nil)
		return err
	})
	return f, err
}

// frame builds the current step's frame. With plots and a client's sent
// panels, it leaves out (neither draws nor sends) each panel that client
// already has: one whose version is the one it was sent, or, for a panel
// without a version, one whose SVG is byte for byte the one it was sent.
func (r *Run) frame(withPlots bool, sent *sentPanels) (Frame, error) {
	f := Frame{Type: "frame", Step: r.step}
	f.Done = r.Done()
	if r.failed != nil {
		return f, r.failed
	}
	err := r.safely("snapshot", func() error {
		s := r.model.Snapshot()
		f.Metrics, f.State, f.Note, f.Caveat = Metrics(s.Metrics), s.State, s.Note, s.Caveat
		return nil
	})
	if err != nil {
		r.failed = err
		return f, err
	}
	if f.Done && r.step >= r.Scenario.MaxSteps && f.Note == "" {
		f.Note = fmt.Sprintf("stopped at the step limit (%d)", r.Scenario.MaxSteps)
	}
	if !withPlots {
		return f, nil
	}
	f.Plots = make(map[string]string, len(r.Scenario.Panels))
	f.Viewports = make(map[string]viz.Viewport, len(r.Scenario.Panels))
	versions, _ := r.model.(PanelVersioner)
	url := ""
	if r.panels != nil {
		if u := r.Scenario.Slug + "?" + r.Values.Encode(); r.panels.shared(u, r.id, time.Now()) {
			url = u
		}
	}
	for _, pn := range r.Scenario.PanelsFor(r.Values) {
		var version uint64
		versioned := false
		if versions != nil {
			err := r.safely("version "+pn.Name, func() error { version, versioned = versions.PanelVersion(pn.Name); return nil })
			if err != nil {
				r.failed = err
				return f, err
			}
			if sent != nil && versioned {
				if v, ok := sent.version[pn.Name]; ok && v == version {
					continue
				}
			}
		}
		key := ""
		if url != "" {
			key = panelKey(url, r.step, pn.Name)
		}
		svg, vp, err := r.versionedSVG(pn.Name, version, versioned, key)
		if err != nil {
			return f, err
		}
		f.Viewports[pn.Name] = vp
		if sent != nil {
			send, patch := sent.changed(pn.Name, svg, version, versioned)
			if !send {
				delete(f.Viewports, pn.Name)
				continue
			}
			if patch != nil {
				if f.Rasters == nil {
					f.Rasters = make(map[string]RasterPatch)
				}
				f.Rasters[pn.Name] = *patch
				continue
			}
		}
		f.Plots[pn.Name] = svg
	}
	return f, nil
}

// sentPanels is what one client was last sent of each panel, so that a
// frame to it can leave out the panels it already shows. It assumes each
// frame built with it reaches the client; forget starts over, after which
// the next frame carries every panel.
type sentPanels struct {
	version map[string]uint64 // of panels whose model gives a version
	svg     map[string]string // of the others: their last SVG
	// rasters: a panel that changed only in one raster's href is sent as
	// that href (a RasterPatch). Off, every changed panel is sent whole.
	rasters bool
}

func newSentPanels() *sentPanels {
	return &sentPanels{version: map[string]uint64{}, svg: map[string]string{}, rasters: true}
}

func (s *sentPanels) forget() {
	clear(s.version)
	clear(s.svg)
}

// changed records a panel about to be sent and reports whether the client
// lacks it, and when it lacks only one raster's href, the patch that
// brings its SVG to svg. A panel without a version is drawn anyway;
// comparing its SVG saves only the bytes.
func (s *sentPanels) changed(panel, svg string, version uint64, versioned bool) (send bool, patch *RasterPatch) {
	if versioned {
		s.version[panel] = version
		delete(s.svg, panel)
		return true, nil
	}
	delete(s.version, panel)
	old, ok := s.svg[panel]
	if ok && old == svg {
		return false, nil
	}
	s.svg[panel] = svg
	if ok && s.rasters {
		return true, rasterChange(old, svg)
	}
	return true, nil
}

// RasterPatch is a panel that changed only in the href of one raster:
// Image counts the panel's <image> elements before it, in document order.
type RasterPatch struct {
	Image int    `json:"image"`
	Href  string `json:"href"`
}

// rasterChange returns the patch that turns the SVG was into now, when
// they differ only inside the href of one <image>; nil otherwise.
func rasterChange(was, now string) *RasterPatch {
	n := min(len(was), len(now))
	pre := 0 // the first byte that differs: found a block at a time
	for pre+64 <= n && was[pre:pre+64] == now[pre:pre+64] {
		pre += 64
	}
	for pre < n && was[pre] == now[pre] {
		pre++
	}
	// It lies in an attribute value starting with href=" ...
	const href = `href="`
	start := strings.LastIndex(now[:pre], href)
	if start < 0 {
		return nil
	}
	start += len(href)
	if strings.IndexByte(now[start:pre], '"') >= 0 {
		return nil
	}
	// ... whose closing quotes are followed by the same text in both ...
	endWas := strings.IndexByte(was[start:], '"')
	endNow := strings.IndexByte(now[start:], '"')
	if endWas < 0 || endNow < 0 || was[start+endWas:] != now[start+endNow:] {
		return nil
	}
	// ... of an <image>, the same element in both (they agree up to start).
	elem := strings.LastIndexByte(now[:start], '<')
	if elem < 0 || !strings.HasPrefix(now[elem:], "<image ") || strings.IndexByte(now[elem:start], '>') >= 0 {
		return nil
	}
	return &RasterPatch{Image: strings.Count(now[:elem], "<image "), Href: now[start : start+endNow]}
}

// JSON encodes the current frame.
func (r *Run) JSON(withPlots bool) ([]byte, error) {
	var b []byte
	err := r.do(unitFrame, func() error {
		var err error
		b, err = r.json(withPlots, nil)
		return err
	})
	return b, err
}

// json encodes the current frame, leaving out what sent says the client
// has (see frame); sent nil: every panel.
func (r *Run) json(withPlots bool, sent *sentPanels) ([]byte, error) {
	f, err := r.frame(withPlots, sent)
	if err != nil {
		return nil, err
	}
	b, err := encodeFrame(f)
	if err != nil {
		return nil, fmt.Errorf("lab: %s: encoding frame %d: %w", r.Scenario.Slug, r.step, err)
	}
	return b, nil
}

// versionedSVG draws a panel, or for a versioned panel whose version is
// the one it was last drawn at returns that drawing, or returns the
// drawing the panel cache holds under key (when key is not empty).
func (r *Run) versionedSVG(panel string, version uint64, versioned bool, key string) (string, viz.Viewport, error) {
	if d, ok := r.drawn[panel]; versioned && ok && d.version == version {
		return d.svg, d.vp, nil
	}
	svg, vp, cached := "", viz.Viewport{}, false
	if key != "" {
		svg, vp, cached = r.panels.get(key)
	}
	if !cached {
		b, v, err := r.svg(panel)
		if err != nil {
			return "", viz.Viewport{}, err
		}
		svg, vp = string(b), v
		if key != "" {
			r.panels.put(key, svg, vp)
		}
	}
	if versioned {
		if r.drawn == nil {
			r.drawn = make(map[string]drawnPanel)
		}
		r.drawn[panel] = drawnPanel{version: version, svg: svg, vp: vp}
	}
	return svg, vp, nil
}

// SVG draws one panel of the current step.
func (r *Run) SVG(panel string) ([]byte, viz.Viewport, error) {
	var svg []byte
	var vp viz.Viewport
	err := r.do(unitFrame, func() error {
		var err error
		svg, vp, err = r.svg(panel)
		return err
	})
	return svg, vp, err
}

func (r *Run) svg(panel string) ([]byte, viz.Viewport, error) {
	pn, err := r.panel(panel)
	if err != nil {
		return nil, viz.Viewport{}, err
	}
	w, h := pn.Size()
	rc := r.rasters[panel]
	if rc == nil {
		if r.rasters == nil {
			r.rasters = make(map[string]*viz.RasterCache)
		}
		rc = &viz.RasterCache{}
		r.rasters[panel] = rc
	}
	// A raster over a fixed rest is spliced into the panel as last drawn.
	var version uint64
	var raster image.Image
	splice := false
	if rp, is := r.model.(RasterPanels); is {
		err := r.safely("raster "+panel, func() error {
			version, raster, splice = rp.PanelRaster(panel)
			return nil
		})
		if err != nil {
			r.failed = err
			return nil, viz.Viewport{}, err
		}
	}
	bd := r.backdrops[panel]
	if splice && bd != nil {
		svg, vp, ok, err := bd.Splice(version, w, h, raster, rc)
		if ok || err != nil {
			return svg, vp, err
		}
	}
	var svg []byte
	var vp viz.Viewport
	err = r.drawPanel(panel, func(pn Panel, p *plot.Plot) error {
		var err error
		svg, vp, err = viz.CachedSVG(p, w, h, rc)
		return err
	})
	if err != nil || !splice {
		return svg, vp, err
	}
	if bd == nil {
		if r.backdrops == nil {
			r.backdrops = make(map[string]*viz.Backdrop)
		}
		bd = &viz.Backdrop{}
		r.backdrops[panel] = bd
	}
	return svg, vp, bd.Keep(version, w, h, svg, vp, raster, rc)
}

// Export draws one panel of the current step for a download, with caption
// lines under it: a PNG at dpi dots per inch, or an SVG when dpi is 0.
func (r *Run) Export(panel string, dpi int, caption []string) ([]byte, error) {
	var out []byte
	err := r.do(unitFrame, func() error {
		return r.drawPanel(panel, func(pn Panel, p *plot.Plot) error {
			w, h := pn.Size()
			var err error
			if dpi > 0 {
				out, err = viz.ExportPNG(p, w, h, dpi, caption)
			} else {
				out, err = viz.ExportSVG(p, w, h, caption)
			}
			return err
		})
	})
	return out, err
}

// panel is the scenario's panel of that name, unless there is none (a
// *ParamError) or the run has failed.
func (r *Run) panel(name string) (Panel, error) {
	pn, ok := r.Scenario.Panel(name)
	if !ok {
		return Panel{}, &ParamError{Name: "panel", Value: name, Allowed: "one of " + panelNames(r.Scenario)}
	}
	return pn, r.failed
}

func (r *Run) drawPanel(panel string, encode func(Panel, *plot.Plot) error) error {
	pn, err := r.panel(panel)
	if err != nil {
		return err
	}
	err = r.safely("plot "+panel, func() error {
		p, err := r.model.Plot(panel)
		if err != nil {
			return err
		}
		return encode(pn, p)
	})
	if err != nil {
		r.failed = err
	}
	return err
}

// Data returns the run's data set as CSV rows.
func (r *Run) Data() ([][]string, error) {
	var rows [][]string
	err := r.safely("data", func() error { rows = r.model.Data(); return nil })
	return rows, err
}

func panelNames(s *Scenario) string {
	names := ""
	for i, p := range s.Panels {
		if i > 0 {
			names += ", "
		}
		names += p.Name
	}
	return names
}

// PanicError is a panic recovered inside a scenario.
type PanicError struct {
	Slug, Where string
	Value       any
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("scenario %s failed during %s: internal error", e.Slug, e.Where)
}

// safely calls f, turning a panic into a *PanicError logged with its stack.
func (r *Run) safely(where string, f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			log := r.log
			if log == nil {
				log = slog.Default()
			}
			log.Error("scenario panic", "slug", r.Scenario.Slug, "during", where, "panic", v, "stack", string(debug.Stack()))
			err = &PanicError{Slug: r.Scenario.Slug, Where: where, Value: v}
		}
	}()
	return f()
}
