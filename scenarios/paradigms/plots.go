package paradigms

import (
	"image/color"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/ml/rl"
	"github.com/mlplayground/playground/internal/viz"
)

// Colours of the gridworld: goals green, the other cells shaded by their
// value as on the q-learning page.
var (
	goalColor = viz.ClassColor(4)
	cellLine  = color.RGBA{0xB0, 0xB0, 0xB0, 0xFF}
	arrowInk  = color.RGBA{0x30, 0x30, 0x30, 0xFF}
)

// addSamples draws the samples by split: train as circles, val as
// squares, test as triangles once opened and as grey rings while sealed.
// class gives a sample's colour (−1 for grey).
func (m *model) addSamples(p *plot.Plot, class func(i int) int, testOpen bool) {
	var pts [3][][]float64
	var cls [3][]int
	for i, x := range m.X {
		s := m.split[i]
		pts[s] = append(pts[s], x)
		c := class(i)
		if s == splitTest && !testOpen {
			c = -1
		}
		cls[s] = append(cls[s], c)
	}
	viz.AddScatter(p, pts[splitTrain], cls[splitTrain], viz.ScatterStyle{Outline: true})
	viz.AddScatter(p, pts[splitVal], cls[splitVal], viz.ScatterStyle{Shape: "square", Radius: 3.2, Outline: true})
	testShape, testWord := draw.GlyphDrawer(draw.TriangleGlyph{}), "test"
	if testOpen {
		viz.AddScatter(p, pts[splitTest], cls[splitTest], viz.ScatterStyle{Shape: "triangle", Radius: 3.8, Outline: true})
	} else {
		viz.AddScatter(p, pts[splitTest], cls[splitTest], viz.ScatterStyle{Shape: "ring", Radius: 3.2})
		testShape, testWord = draw.RingGlyph{}, "test (sealed)"
	}
	for _, e := range []struct {
		word  string
		shape draw.GlyphDrawer
	}{{"train", draw.CircleGlyph{}}, {"val", draw.BoxGlyph{}}, {testWord, testShape}} {
		p.Legend.Add(e.word, &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: viz.Neutral, Radius: 3, Shape: e.shape}})
	}
}

func (m *model) plotSupervised() *plot.Plot {
	p := viz.NewPlot("", "x₁", "x₂")
	b := m.bounds
	if len(m.cands) > 0 {
		c := m.cands[len(m.cands)-1]
		if m.chosen >= 0 {
			c = m.cands[m.chosen]
		}
		pt := make([]float64, 2)
		viz.AddRegionRaster(p, b, viz.RegionRasterLevels(b, regionRes, viz.RegionPalette, func(x, y float64) int {
			pt[0], pt[1] = x, y
			return viz.RegionLevel(c.predict(pt))
		}))
		p.Title.Text = "degree " + strconv.Itoa(c.degree)
		if m.chosen >= 0 {
			p.Title.Text += ", chosen on val"
		}
	} else {
		viz.SetAxes(p, b)
	}
	m.addSamples(p, func(i int) int { return m.labels[i] }, m.testAcc != nil)
	return p
}

func (m *model) plotUnsupervised() *plot.Plot {
	p := viz.NewPlot("", "x₁", "x₂")
	b := m.bounds
	if !m.emStart {
		viz.SetAxes(p, b)
		m.addSamples(p, func(int) int { return -1 }, false)
		return p
	}
	gm := m.gm
	pt := make([]float64, 2)
	viz.AddRegionRaster(p, b, viz.RegionRasterLevels(b, regionRes, viz.RegionPalette, func(x, y float64) int {
		pt[0], pt[1] = x, y
		return viz.RegionLevel(gm.MostLikelyComponent(pt))
	}))
	// Contours of log p(x) through the training points' 10th and 50th
	// percentiles: they enclose about 90% and 50% of them.
	Xtr, _ := m.of(splitTrain)
	lps := make([]float64, len(Xtr))
	for i, x := range Xtr {
		lps[i], _ = gm.LogDensity(x)
	}
	slices.Sort(lps)
	levels := []float64{lps[len(lps)/10], lps[len(lps)/2]}
	viz.AddContours(p, b, 16, func(x, y float64) float64 {
		pt[0], pt[1] = x, y
		lp, _ := gm.LogDensity(pt)
		return lp
	}, levels, viz.ClassColor(6))
	m.addSamples(p, func(i int) int { return gm.MostLikelyComponent(m.X[i]) }, m.llTest != nil)
	viz.AddMarkers(p, gm.Means(), seq(m.classes), "cross", 7)
	p.Title.Text = "EM iteration " + strconv.Itoa(gm.Iteration())
	return p
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// centre returns the centre of cell s in data coordinates.
func (m *model) centre(s int) (x, y float64) {
	b := m.bounds
	w, h := (b.XMax-b.XMin)/gridCols, (b.YMax-b.YMin)/gridRows
	return b.XMin + (float64(s%gridCols)+0.5)*w, b.YMax - (float64(s/gridCols)+0.5)*h
}

func (m *model) plotReinforcement() *plot.Plot {
	p := viz.NewPlot("", "x₁", "x₂")
	b := m.bounds
	g := m.grid
	values := m.ql.Values()
	viz.AddRegionMap(p, b, 10*gridCols, func(x, y float64) color.Color {
		s := m.cellAt(x, y)
		if g.Cell(s) == rl.Goal {
			return goalColor
		}
		return viz.Ramp(0.6 * min(max(values[s], 0), 1))
	})
	w, h := (b.XMax-b.XMin)/gridCols, (b.YMax-b.YMin)/gridRows
	borders := &strokes{style: draw.LineStyle{Color: cellLine, Width: 0.8}}
	for c := 1; c < gridCols; c++ {
		x := b.XMin + float64(c)*w
		borders.add(plotter.XY{X: x, Y: b.YMin}, plotter.XY{X: x, Y: b.YMax})
	}
	for r := 1; r < gridRows; r++ {
		y := b.YMin + float64(r)*h
		borders.add(plotter.XY{X: b.XMin, Y: y}, plotter.XY{X: b.XMax, Y: y})
	}
	p.Add(borders)
	// The mixture's means, as on the unsupervised panel: each goal holds one.
	viz.AddMarkers(p, m.goalsAt, seq(len(m.goalsAt)), "cross", 6)
	// The greedy policy, where Q has learnt something.
	arrows := &strokes{style: draw.LineStyle{Color: arrowInk, Width: 1.6}}
	for s := range g.Cells() {
		if g.Terminal(s) || values[s] <= 0 {
			continue
		}
		greedy := m.ql.Greedy(s)
		if len(greedy) == rl.Actions {
			continue
		}
		cx, cy := m.centre(s)
		for _, a := range greedy {
			dx, dy := []float64{0, 1, 0, -1}[a], []float64{1, 0, -1, 0}[a]
			// Shaft and head in one stroke: tail, tip, one barb, tip, the other.
			tx, ty := cx+0.38*w*dx, cy+0.38*h*dy
			hx, hy := 0.12*w, 0.12*h
			arrows.add(plotter.XY{X: cx, Y: cy}, plotter.XY{X: tx, Y: ty}, plotter.XY{X: tx - hx*dx + hx*dy, Y: ty - hy*dy - hy*dx})
			arrows.add(plotter.XY{X: tx, Y: ty}, plotter.XY{X: tx - hx*dx - hx*dy, Y: ty - hy*dy + hy*dx})
		}
	}
	p.Add(arrows)
	if path := m.ql.LastPath(); len(path) > 1 {
		xys := make(plotter.XYs, len(path))
		for i, s := range path {
			xys[i].X, xys[i].Y = m.centre(s)
		}
		// The last episode's path, dashed (the page says so: a legend
		// would find no free corner among the arrows).
		p.Add(&plotter.Line{XYs: xys, LineStyle: draw.LineStyle{Color: viz.ClassColor(1), Width: 1.4, Dashes: []vg.Length{4, 2.5}}})
	}
	var labels plotter.XYLabels
	for s := range g.Cells() {
		switch g.Cell(s) {
		case rl.Goal, rl.Start:
			x, y := m.centre(s)
			labels.XYs = append(labels.XYs, plotter.XY{X: x - 0.46*w, Y: y + 0.46*h})
			labels.Labels = append(labels.Labels, map[rl.Cell]string{rl.Goal: "G +1", rl.Start: "S"}[g.Cell(s)])
		}
	}
	if l, err := plotter.NewLabels(labels); err == nil {
		for i := range l.TextStyle {
			l.TextStyle[i] = p.X.Tick.Label
			l.TextStyle[i].Color = arrowInk
			l.TextStyle[i].XAlign = draw.XLeft
			l.TextStyle[i].YAlign = draw.YTop
		}
		p.Add(l)
	}
	viz.SetAxes(p, b)
	if m.rlStart {
		p.Title.Text = "episode " + strconv.Itoa(m.ql.Episode()) + ": max Q and the greedy moves"
	}
	return p
}

func (m *model) plotPerformance() *plot.Plot {
	v := m.views[m.cur]
	switch v {
	case supervised:
		p := viz.NewPlot("", "feature degree", "accuracy")
		var xs, tr, va []float64
		lo := 1.0
		for _, c := range m.cands {
			xs, tr, va = append(xs, float64(c.degree)), append(tr, c.trainAcc), append(va, c.valAcc)
			lo = min(lo, c.trainAcc, c.valAcc)
		}
		if len(xs) > 0 {
			viz.AddLine(p, xs, tr, viz.ClassColor(0), "train", false)
			viz.AddScatter(p, viz.Pairs(xs, tr), []int{0, 0, 0, 0}[:len(xs)], viz.ScatterStyle{Radius: 3.5})
			viz.AddLine(p, xs, va, viz.ClassColor(1), "val", false)
			viz.AddScatter(p, viz.Pairs(xs, va), []int{1, 1, 1, 1}[:len(xs)], viz.ScatterStyle{Shape: "square", Radius: 3.5})
		} else {
			viz.AddNotice(p, "Each step fits one feature degree, 1 to "+strconv.Itoa(maxDegree)+":",
				"its train and val accuracy appear here.")
		}
		if m.testAcc != nil {
			d := float64(m.cands[m.chosen].degree)
			viz.AddVLine(p, d, "chosen on val", viz.Neutral)
			viz.AddMarkers(p, [][]float64{{d, *m.testAcc}}, []int{2}, "triangle", 6)
			p.Legend.Add("test, opened once", &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: viz.ClassColor(2), Radius: 4, Shape: draw.TriangleGlyph{}}})
			lo = min(lo, *m.testAcc)
		}
		p.X.Min, p.X.Max = 0.5, maxDegree+0.5
		p.Y.Min, p.Y.Max = max(0, min(lo-0.1, 0.8)), 1.02
		return p
	case unsupervised:
		p := viz.NewPlot("", "EM iteration", "log-likelihood per point")
		if len(m.llTrain) > 0 {
			viz.AddHistory(p, 200,
				viz.Curve{Values: m.llTrain, Color: viz.ClassColor(0), Label: "train", Dot: 3},
				viz.Curve{Values: m.llVal, Color: viz.ClassColor(1), Label: "val", Dot: 3})
		} else {
			viz.AddNotice(p, "Step to run EM: after each iteration the log-likelihood",
				"per point of the train and val splits appears here.")
		}
		if m.llTest != nil {
			viz.AddHLine(p, *m.llTest, "test, opened once: "+f3(*m.llTest), viz.ClassColor(2))
		}
		p.X.Min = 0
		p.X.Max = max(p.X.Max, 5)
		return p
	}
	p := viz.NewPlot("", "episode", "return G")
	rets := m.ql.Returns()
	best := m.vstar[m.grid.Start()]
	viz.AddHLine(p, best, "V*(S) = "+f3(best), viz.ClassColor(4))
	// One point per step: the mean return of its episodes.
	var xs, means []float64
	for end := episodesPerStep; end <= len(rets); end += episodesPerStep {
		sum := 0.0
		for _, r := range rets[end-episodesPerStep : end] {
			sum += r
		}
		xs, means = append(xs, float64(end)), append(means, sum/episodesPerStep)
	}
	if len(xs) > 0 {
		viz.AddLine(p, xs, means, viz.ClassColor(0), "mean G of each step's "+strconv.Itoa(episodesPerStep)+" episodes", false)
		viz.AddScatter(p, viz.Pairs(xs, means), nil, viz.ScatterStyle{Radius: 3})
	}
	p.X.Min, p.X.Max = 0, episodes
	p.Y.Min, p.Y.Max = 0, 1.05
	return p
}

// strokes is a set of polylines drawn in one style as a single path: in
// the SVG, one element for all the cell borders or all the arrows.
type strokes struct {
	style draw.LineStyle
	lines []plotter.XYs
}

func (s *strokes) add(pts ...plotter.XY) { s.lines = append(s.lines, pts) }

// Plot implements plot.Plotter.
func (s *strokes) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var path vg.Path
	for _, l := range s.lines {
		for i, pt := range l {
			q := vg.Point{X: trX(pt.X), Y: trY(pt.Y)}
			if i == 0 {
				path.Move(q)
			} else {
				path.Line(q)
			}
		}
	}
	c.SetLineStyle(s.style)
	c.Stroke(path)
}
