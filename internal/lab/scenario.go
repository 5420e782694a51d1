package lab

import (
	"encoding/json"
	"fmt"
	"image"
	"math"
	"slices"
	"strconv"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Scenario is one lesson: its identity, its parameter table, its plots and
// the constructor of a run. One Scenario value serves the page, the
// websocket, the JSON API, the CSV export and the tests.
type Scenario struct {
	Slug    string
	Title   string
	Chapter string // course chapter, e.g. "2. Unsupervised learning"
	Summary string // one sentence for the catalogue
	Params  []Param
	Panels  []Panel
	// MaxSteps bounds every run; a run that has not finished by then stops.
	MaxSteps int
	// Speed is the default number of steps per second when playing.
	Speed float64
	// Deterministic says the run draws nothing at random, so the scenario
	// has no seed parameter: a seed control that changes nothing misleads.
	Deterministic bool
	// Explanation is the idea in a few paragraphs; formulas in
	// <span class="tex">…</span> (inline) or <div class="tex">…</div> are
	// typeset in the browser.
	Explanation templ.Component
	// ThumbStep is the step whose first panel the catalogue shows as the
	// scenario's picture, in a run with the default values; zero means
	// DefaultThumbStep, or the run's end if it comes sooner.
	ThumbStep int
	// New builds a run's model from checked values. Every random draw must
	// come from a generator seeded by v.Seed().
	New func(v Values) (Model, error)
}

// Panel is one plot of a scenario.
type Panel struct {
	Name  string
	Title string
	// Points names the KindPoints parameter that a click on this panel edits,
	// or "" when the panel is not clickable.
	Points        string
	Width, Height vg.Length // zero: DefaultPanelWidth × DefaultPanelHeight
	// Shown says whether a run with values v has this panel; nil: every
	// run. A panel that only one data set can fill is left off the others.
	Shown func(v Values) bool
}

// Default panel size; the page scales SVGs to their container.
const (
	DefaultPanelWidth  = 5 * vg.Inch
	DefaultPanelHeight = 4 * vg.Inch
)

// Size returns the panel's drawing size.
func (p Panel) Size() (w, h vg.Length) {
	w, h = p.Width, p.Height
	if w == 0 {
		w = DefaultPanelWidth
	}
	if h == 0 {
		h = DefaultPanelHeight
	}
	return w, h
}

// Model is a scenario's live state: a deterministic stepper plus the views a
// frame is built from. Step advances one visible unit (an assignment pass,
// an epoch, a split); the other methods only read.
type Model interface {
	Step() error
	Done() bool
	// Snapshot returns the numbers of the current step.
	Snapshot() Snapshot
	// Plot draws a panel of the current step.
	Plot(panel string) (*plot.Plot, error)
	// Data returns the data set as a table (header first), one row a sample.
	Data() [][]string
}

// PanelVersioner is implemented by a model some of whose panels often
// stay the same from step to step (a panel that depends only on the data
// set, one that changes only between stages). A session then neither
// draws nor sends such a panel while its version is the one the client
// was last sent; the page keeps the SVG it has.
type PanelVersioner interface {
	// PanelVersion returns a number that changes whenever what Plot(panel)
	// draws may change; ok false says the panel has no version and is
	// drawn every frame. Versions are compared only within one model (a
	// reset builds a new model and sends every panel again).
	PanelVersion(panel string) (version uint64, ok bool)
}

// RasterPanels is implemented by a model some of whose panels change from
// step to step only in one raster: a region map under samples and axes
// that stay put. Such a panel is drawn whole once; later frames encode the
// raster alone and put it in the place of the last one (viz.Backdrop),
// byte for byte the whole drawing, while the version stays the same.
type RasterPanels interface {
	// PanelRaster returns the raster Plot(panel) draws at the current step
	// and a number that changes whenever anything else Plot(panel) draws
	// may change; ok false says the panel is drawn whole. Versions are
	// compared only within one model, as PanelVersion's are.
	PanelRaster(panel string) (version uint64, raster image.Image, ok bool)
}

// Snapshot is what a frame says about one step besides its plots.
type Snapshot struct {
	// Metrics are the scalars drawn as curves (inertia, losses).
	Metrics map[string]float64
	// State holds the numbers a test needs (centroids, weights, …).
	State any
	// Note says in words what just happened ("converged after 6 iterations").
	Note string
	// Caveat says, for the whole run, what its frames leave out or round
	// to stay within the frame budget ("weights rounded to float32"); the
	// page shows it beside the note. Empty for most runs.
	Caveat string
}

// Metrics marshals non-finite values as null: a diverging run must still
// produce valid JSON.
type Metrics map[string]float64

func (m Metrics) MarshalJSON() ([]byte, error) {
	out := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			out[k] = json.RawMessage("null")
			continue
		}
		out[k] = json.RawMessage(strconv.FormatFloat(v, 'g', -1, 64))
	}
	return json.Marshal(out)
}

// reservedNames are the query names routes read for themselves: steps and
// plots (a headless run), step and panel (a plot), at (the step a run opens
// at), resume (a websocket's reconnect token) and view (the page's
// layout). A scenario parameter may not take one.
var reservedNames = []string{"steps", "step", "at", "resume", "panel", "plots", "view"}

// Validate reports a programming error in a scenario definition.
func (s *Scenario) Validate() error {
	if s.Slug == "" || s.Title == "" || s.Chapter == "" || s.New == nil || s.MaxSteps < 1 || len(s.Panels) == 0 {
		return fmt.Errorf("lab: scenario %q: slug, title, chapter, New, MaxSteps and panels are required", s.Slug)
	}
	if s.ThumbStep < 0 || s.ThumbStep > s.MaxSteps {
		return fmt.Errorf("lab: scenario %q: ThumbStep %d is not a step of its runs (0 to %d)", s.Slug, s.ThumbStep, s.MaxSteps)
	}
	seen := map[string]bool{}
	for _, p := range s.Params {
		if seen[p.Name] {
			return fmt.Errorf("lab: scenario %q: parameter %q twice", s.Slug, p.Name)
		}
		seen[p.Name] = true
		if !p.declared {
			return fmt.Errorf("lab: scenario %q: parameter %q is not declared through a handle (lab.Int, lab.Enum, …)", s.Slug, p.Name)
		}
		if slices.Contains(reservedNames, p.Name) {
			return fmt.Errorf("lab: scenario %q: parameter name %q is reserved", s.Slug, p.Name)
		}
		v := newValues(nil)
		if err := v.set(p, p.Default); err != nil {
			return fmt.Errorf("lab: scenario %q: default: %w", s.Slug, err)
		}
	}
	switch {
	case !seen["seed"] && !s.Deterministic:
		return fmt.Errorf("lab: scenario %q: has no seed parameter", s.Slug)
	case seen["seed"] && s.Deterministic:
		return fmt.Errorf("lab: scenario %q: draws nothing at random but shows a seed", s.Slug)
	}
	for _, pn := range s.Panels {
		if pn.Points != "" && !seen[pn.Points] {
			return fmt.Errorf("lab: scenario %q: panel %q edits unknown parameter %q", s.Slug, pn.Name, pn.Points)
		}
	}
	return nil
}

// Panel returns the named panel.
func (s *Scenario) Panel(name string) (Panel, bool) {
	for _, p := range s.Panels {
		if p.Name == name {
			return p, true
		}
	}
	return Panel{}, false
}

// PanelsFor returns the panels a run with values v shows, in order.
func (s *Scenario) PanelsFor(v Values) []Panel {
	out := make([]Panel, 0, len(s.Panels))
	for _, p := range s.Panels {
		if p.Shown == nil || p.Shown(v) {
			out = append(out, p)
		}
	}
	return out
}

// SeedParam is the seed parameter's table entry.
func SeedParam() Param { return Seed.Param() }
