// Package templates renders the playground's HTML pages with templ.
package templates

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/viz"
)

//go:generate go tool templ generate

// Pages implements lab.Pages.
type Pages struct{}

var _ lab.Pages = Pages{}

func (Pages) Catalogue(scenarios []*lab.Scenario) templ.Component { return catalogue(scenarios) }
func (Pages) Scenario(p lab.PageData) templ.Component             { return scenarioPage(p) }
func (Pages) Error(e lab.ErrorPage) templ.Component               { return errorPage(e) }
func (Pages) Notation() templ.Component                           { return notationPage() }

// speedIndex is the slider stop nearest to v steps per second.
func speedIndex(speeds []float64, v float64) int {
	best := 0
	for i, s := range speeds {
		if math.Abs(s-v) < math.Abs(speeds[best]-v) {
			best = i
		}
	}
	return best
}

// classColor is the CSS colour of class k on the plots.
func classColor(k int) string {
	c := viz.ClassColor(k)
	return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B)
}

// listPattern lets the browser flag a malformed number list before the
// server names what is wrong with it.
func listPattern(p lab.Param) string {
	num := `-?[0-9]+`
	if p.Kind == lab.KindFloats {
		num = `-?[0-9]*\.?[0-9]+([eE][+\-]?[0-9]+)?`
	}
	return `(` + num + `(,` + num + `)*)?`
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func stepAttr(p lab.Param) string {
	if p.Step > 0 {
		return fmtFloat(p.Step)
	}
	if p.Kind == lab.KindInt {
		return "1"
	}
	return "any"
}

func queryPrefix(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}

// panelGrid is the presentation layout's grid of n panels on a landscape
// screen before the page's script fits it to the screen it is on.
func panelGrid(n int) string {
	cols := min(n, 3)
	if n == 4 {
		cols = 2
	}
	rows := (n + cols - 1) / cols
	return fmt.Sprintf("--cols:%d;--rows:%d", cols, rows)
}

// pageQuery is the query of the page's own address: the run's canonical
// query and the page's view.
// pageQuery is the page's own address: the run's query, at=N when it
// opens past step 0, and the view, as the page's Share gives them.
func pageQuery(p lab.PageData) string {
	q := p.Query
	if p.Frame.Step > 0 {
		q += "&at=" + strconv.Itoa(p.Frame.Step)
	}
	if p.View != "" {
		q += "&view=" + p.View
	}
	return strings.TrimPrefix(q, "&")
}

func plotQuery(q, panel string) string {
	s := "step=0&panel=" + panel
	if q != "" {
		s = q + "&" + s
	}
	return s
}

func noteOrReady(note string) string {
	if note == "" {
		return "Ready: press Play or Step."
	}
	return note
}

func sortedMetricNames(m lab.Metrics) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// metricLabel turns a metric key such as "val_mse" into "val mse".
func metricLabel(name string) string { return strings.ReplaceAll(name, "_", " ") }

func fmtMetric(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	return strconv.FormatFloat(v, 'g', 5, 64)
}
