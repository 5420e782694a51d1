package viz

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// texts returns the character data of every <text> element, in order.
func texts(t *testing.T, svg []byte) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	var out []string
	inText := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Local == "text" {
				inText = true
				out = append(out, "")
			}
		case xml.EndElement:
			inText = false
		case xml.CharData:
			if inText {
				out[len(out)-1] += string(tok)
			}
		}
	}
}

// wellFormed parses the whole document and checks its root.
func wellFormed(t *testing.T, svg []byte) {
	t.Helper()
	var root struct {
		XMLName xml.Name
		ViewBox string `xml:"viewBox,attr"`
	}
	if err := xml.Unmarshal(svg, &root); err != nil {
		t.Fatalf("not well-formed XML: %v", err)
	}
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Errorf("root = %v, want svg in the SVG namespace", root.XMLName)
	}
	if root.ViewBox == "" {
		t.Error("viewBox dropped")
	}
	texts(t, svg) // token by token too
}

var circleArcs = regexp.MustCompile(`d="M[-0-9.e+]+,[-0-9.e+]+A[^"]*A[^"]*Z"`)

func TestCompactKeepsContentAndShrinks(t *testing.T) {
	for _, tc := range []struct {
		name    string
		plot    func() *plot.Plot
		maxSize int
		ratio   float64 // raw/compact at least
	}{
		{"scatter+region", scatterRegionPlot, 20 << 10, 4},
		{"curves", curvesPlot, 12 << 10, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := raw(t, tc.plot())
			svg, _, err := SVG(tc.plot(), testW, testH)
			if err != nil {
				t.Fatal(err)
			}
			wellFormed(t, svg)
			t.Logf("raw %d bytes, compact %d bytes (%.1f×)", len(raw), len(svg), float64(len(raw))/float64(len(svg)))
			if len(svg) > tc.maxSize {
				t.Errorf("compact SVG is %d bytes, budget %d", len(svg), tc.maxSize)
			}
			if r := float64(len(raw)) / float64(len(svg)); r < tc.ratio {
				t.Errorf("compaction ratio %.2f, want ≥ %.1f", r, tc.ratio)
			}
			// Each filled circle is followed by its outline in vgsvg's
			// output; compaction merges the pair into one <circle>.
			wantCircles := len(circleArcs.FindAll(raw, -1))
			gotCircles := bytes.Count(svg, []byte("<circle "))
			if tc.name == "scatter+region" {
				wantCircles /= 2
			}
			if gotCircles != wantCircles {
				t.Errorf("%d circles, want %d", gotCircles, wantCircles)
			}
			rt, ct := texts(t, raw), texts(t, svg)
			if strings.Join(rt, "|") != strings.Join(ct, "|") {
				t.Errorf("texts changed:\nraw     %q\ncompact %q", rt, ct)
			}
			for _, junk := range []string{"<?xml", "<!--", "style=", "font-variant", "A2.5,2.5"} {
				if bytes.Contains(svg, []byte(junk)) {
					t.Errorf("compact SVG still contains %q", junk)
				}
			}
		})
	}
}

func TestScatterBudget(t *testing.T) {
	// The brief's reference frame: 300 points and a 100×100 region map of
	// 3 flat colours at 5×4.5 inch, under 20 KB.
	svg, _, err := SVG(scatterRegionPlot(), testW, testH)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("300 points + 100×100 region map: %d bytes", len(svg))
	if len(svg) >= 20000 {
		t.Errorf("%d bytes, want < 20000", len(svg))
	}
}

func TestTickLabelsUnchanged(t *testing.T) {
	p := NewPlot("", "x", "y")
	AddLine(p, []float64{0, 1}, []float64{0.125, 0.75}, ClassColor(0), "", false)
	p.X.Tick.Marker = plot.ConstantTicks{{Value: 0, Label: "0"}, {Value: 0.25, Label: "0.25"}, {Value: 0.5, Label: "0.50"}, {Value: 1, Label: "1.0e+00"}}
	svg, _, err := SVG(p, testW, testH)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(texts(t, svg), "|")
	for _, want := range []string{"0.25", "0.50", "1.0e+00"} {
		if !strings.Contains(got, want) {
			t.Errorf("tick label %q missing from %q", want, got)
		}
	}
}

var (
	circleRe = regexp.MustCompile(`<circle cx="([-0-9.]+)" cy="([-0-9.]+)" r="([0-9.]+)"`)
	imageRe  = regexp.MustCompile(`<image x="([-0-9.]+)" y="([-0-9.]+)" width="([0-9.]+)" height="([0-9.]+)"`)
)

func atof(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestViewportRoundTrip(t *testing.T) {
	// Points near opposite corners, so an error in either edge shows.
	targets := [][]float64{{1.3, -0.7}, {-3.5, -2.5}, {5.5, 1.5}}
	for _, tc := range []struct {
		name string
		plot func() *plot.Plot
	}{
		{"auto axes", func() *plot.Plot {
			p := NewPlot("title", "x", "y")
			X, y := blobs(30, 3)
			AddScatter(p, X, y, ScatterStyle{Shape: "square"})
			return p
		}},
		{"region map", func() *plot.Plot {
			p := NewPlot("", "", "")
			AddRegionMap(p, Box{-4, 6, -3, 2}, 10, func(x, y float64) color.Color { return RegionColor(0) })
			return p
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.plot()
			AddMarkers(p, targets, nil, "circle", 9)
			svg, vp, err := SVG(p, testW, testH)
			if err != nil {
				t.Fatal(err)
			}
			left, top, right, bottom := vp.Rect[0], vp.Rect[1], vp.Rect[2], vp.Rect[3]
			if !(left > 0 && top > 0 && right <= testW.Points() && bottom <= testH.Points() && left < right && top < bottom) {
				t.Errorf("data area %v outside the %v×%v viewBox", vp.Rect, testW.Points(), testH.Points())
			}
			var found [][]float64
			for _, m := range circleRe.FindAllSubmatch(svg, -1) {
				if string(m[3]) == "9" {
					found = append(found, []float64{atof(t, string(m[1])), atof(t, string(m[2]))})
				}
			}
			if len(found) != len(targets) {
				t.Fatalf("found %d marker circles, want %d", len(found), len(targets))
			}
			for i, c := range found {
				// The root group flips y: scale(1,-1) translate(0,-H).
				u, v := c[0], testH.Points()-c[1]
				x := vp.X[0] + (u-left)/(right-left)*(vp.X[1]-vp.X[0])
				y := vp.Y[1] - (v-top)/(bottom-top)*(vp.Y[1]-vp.Y[0])
				// 0.5 viewBox units, in data units per axis.
				tolX := 0.5 / (right - left) * (vp.X[1] - vp.X[0])
				tolY := 0.5 / (bottom - top) * (vp.Y[1] - vp.Y[0])
				if math.Abs(x-targets[i][0]) > tolX || math.Abs(y-targets[i][1]) > tolY {
					t.Errorf("circle at (%g, %g) maps to (%g, %g), want %v ± (%.3g, %.3g); viewport %+v",
						u, v, x, y, targets[i], tolX, tolY, vp)
				}
			}
		})
	}
}

func TestRegionMap(t *testing.T) {
	p := NewPlot("", "", "")
	AddRegionMap(p, Box{-1, 3, 0, 2}, 100, func(x, y float64) color.Color {
		switch {
		case x < 0.5:
			return RegionColor(0)
		case y < 1:
			return RegionColor(1)
		}
		return RegionColor(2)
	})
	if p.X.Min != -1 || p.X.Max != 3 || p.Y.Min != 0 || p.Y.Max != 2 {
		t.Errorf("axes %v..%v × %v..%v, want the raster's bounds", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	svg, vp, err := SVG(p, testW, testH)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(svg, []byte("<image")); n != 1 {
		t.Fatalf("%d <image> elements, want 1", n)
	}
	if bytes.Contains(svg, []byte("<rect")) {
		t.Error("region map drawn with rectangles")
	}
	m := imageRe.FindSubmatch(svg)
	if m == nil {
		t.Fatal("image attributes not found")
	}
	// The image sits in the flipped group with its own scale(1,-1), so its
	// y attribute is the negated top edge in top-left coordinates.
	x, y, w, h := atof(t, string(m[1])), atof(t, string(m[2])), atof(t, string(m[3])), atof(t, string(m[4]))
	got := [4]float64{x, y + testH.Points(), x + w, y + h + testH.Points()}
	for i := range got {
		if math.Abs(got[i]-vp.Rect[i]) > 0.11 {
			t.Errorf("image covers %v, data area is %v", got, vp.Rect)
			break
		}
	}
	if !bytes.Contains(svg, []byte(`preserveAspectRatio="none"`)) {
		t.Error("image would be letterboxed")
	}
}

func TestRasterize(t *testing.T) {
	var xs, ys []float64
	img := rasterize(Box{0, 4, 0, 2}, 4, func(x, y float64) color.RGBA {
		xs, ys = append(xs, x), append(ys, y)
		if x > 2 {
			return RGBA(color.White)
		}
		return RGBA(nil)
	})
	// Cell centres, top row first.
	if xs[0] != 0.5 || xs[3] != 3.5 || ys[0] != 1.75 || ys[15] != 0.25 {
		t.Errorf("samples x %v y %v", xs, ys)
	}
	if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
		t.Error("nil colour should be transparent")
	}
	if r, _, _, _ := img.At(3, 3).RGBA(); r != 0xFFFF {
		t.Error("right column should be white")
	}
	// More than 256 colours still works, unpaletted.
	many := rasterize(Box{0, 1, 0, 1}, 20, func(x, y float64) color.RGBA {
		return color.RGBA{uint8(x * 255), uint8(y * 255), 0, 255}
	})
	if _, ok := many.(interface{ ColorIndexAt(x, y int) uint8 }); ok {
		t.Error("400 colours should not be paletted")
	}
}

func TestDeterministic(t *testing.T) {
	for _, mk := range []func() *plot.Plot{scatterRegionPlot, curvesPlot} {
		a, va, err := SVG(mk(), testW, testH)
		if err != nil {
			t.Fatal(err)
		}
		p := mk()
		b, vb, err := SVG(p, testW, testH)
		if err != nil {
			t.Fatal(err)
		}
		c, vc, err := SVG(p, testW, testH) // the same plot drawn twice
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) || !bytes.Equal(b, c) || va != vb || vb != vc {
			t.Error("same input gave different output")
		}
	}
}

func TestCompactPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"M0,0L360,0L360,324L0,324Z", "M0,0h360v324h-360Z"},
		{"M10.04,20.06L11.13,19.87L12.24,21.01L12.24,21.01L13.3,22", "M10,20.1l1.1-.2,1.1,1.1,1.1,1"},
		{"M1,1L2,2L3,3L3,4", "M1,1l1,1,1,1v1"},
		{"M0,0L1e-05,3", "M0,0v3"},
		{"M5,5A2,2 0 0 1 7,7Q1,2,3,4C1,2,3,4,5,6Z", "M5,5A2 2 0 0 1 7,7Q1,2,3,4C1,2,3,4,5,6Z"},
		{"M-0.04,-1.26L-0.5,-1.3", "M0-1.3h-.5"},
	} {
		got, err := compactPath(tc.in)
		if err != nil {
			t.Errorf("compactPath(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("compactPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if _, err := compactPath("M1,1X2"); err == nil {
		t.Error("unknown command accepted")
	}
}

func TestParseCircle(t *testing.T) {
	cx, cy, r, ok := parseCircle("M108.52,168.97A2.5,2.5 0 1 1 103.52,168.97A2.5,2.5 0 1 1 108.52,168.97Z")
	if !ok || cx != "106" || cy != "169" || r != "2.5" {
		t.Errorf("got (%s, %s, %s, %v)", cx, cy, r, ok)
	}
	for _, d := range []string{
		"M108.52,168.97A2.5,2.5 0 0 1 106,171.47Z",                               // a quarter arc
		"M108.52,168.97A2.5,2.5 0 1 1 103.52,168.97A2.5,2.5 0 1 1 108.52,160Z",   // not closed
		"M108.52,168.97A2.5,3 0 1 1 103.52,168.97A2.5,3 0 1 1 108.52,168.97Z",    // ellipse
		"M108.52,168.97L1,2A2.5,2.5 0 1 1 103.52,168.97A2.5,2.5 0 1 1 108.52,1Z", // extra segment
	} {
		if _, _, _, ok := parseCircle(d); ok {
			t.Errorf("%q taken for a circle", d)
		}
	}
}

func TestNumbers(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"scale(1, -1) translate(0, -324.04)", "scale(1, -1) translate(0, -324)"},
		{"47.23456789", "47.2"},
		{"-0.04", "0"},
		{"0.25", ".3"},
		{"-0.55", "-.6"},
		{"1.2e-05", "0"},
		{"rotate(90)", "rotate(90)"},
	} {
		if got := roundNums(tc.in); got != tc.want {
			t.Errorf("roundNums(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCompactRejectsSurprises(t *testing.T) {
	for _, in := range []string{
		`<svg><path d="M0,0" style="fill:#000"`,
		`<svg>stray text<g></g></svg>`,
		`<svg><path d="M0,0L1,1" style="nocolon"/></svg>`,
		`<svg><text x="1">unterminated</svg>`,
	} {
		if _, err := compact([]byte(in)); err == nil {
			t.Errorf("compact(%q) accepted", in)
		}
	}
}

func TestMergeOnlySameShape(t *testing.T) {
	in := `<svg><g>` +
		`<path d="M0,0L1,0L1,1Z" style="fill:#111111"/>` +
		`<path d="M0,0L1,0L1,1Z" style="fill:none;stroke:#222222;stroke-width:2"/>` +
		`<path d="M0,0L1,0L1,2Z" style="fill:none;stroke:#222222;stroke-width:2"/>` +
		`</g></svg>`
	out, err := compact([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := `<svg font-family="` + rootFont + `"><g>` +
		`<path d="M0,0h1v1Z" fill="#111111" stroke="#222222" stroke-width="2"/>` +
		`<path d="M0,0h1v2Z" fill="none" stroke="#222222" stroke-width="2"/>` +
		`</g></svg>`
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestLogTicks(t *testing.T) {
	labels := func(min, max float64) []string {
		var out []string
		for _, tk := range (logTicks{}).Ticks(min, max) {
			if tk.Value < min*(1-1e-9) || tk.Value > max*(1+1e-9) {
				t.Errorf("tick %g outside [%g, %g]", tk.Value, min, max)
			}
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	for _, tc := range []struct {
		min, max float64
		want     string
	}{
		{0.0115, 2.02, "0.02 0.05 0.1 0.2 0.5 1 2"},
		{1e-3, 10, "0.001 0.01 0.1 1 10"},
		{1e-6, 0.05, "10⁻⁶ 10⁻⁵ 10⁻⁴ 10⁻³ 10⁻²"}, // one format, not 0.01 beside 1e-6
		{0.2, 0.7, "0.2 0.3 0.4 0.5 0.6 0.7"},
		{1e-8, 1e8, "10⁻⁸ 10⁻⁵ 10⁻² 10¹ 10⁴ 10⁷"},
		{0, 100, "10⁻¹² 10⁻⁹ 10⁻⁶ 10⁻³ 10⁰"}, // zero clamped to LogFloor
	} {
		if got := strings.Join(labels(tc.min, tc.max), " "); got != tc.want {
			t.Errorf("log ticks on [%g, %g] = %q, want %q", tc.min, tc.max, got, tc.want)
		}
	}
	if n := (logScale{}).Normalize(0, 100, 0); n != 0 {
		t.Errorf("Normalize(0, 100, 0) = %v, want 0 (clamped)", n)
	}
}

func TestLogPlotWithZeros(t *testing.T) {
	p := NewPlot("", "", "")
	AddLine(p, []float64{0, 1, 2}, []float64{1, 0, 0.1}, ClassColor(0), "loss", false)
	AddHLine(p, 0.5, "target", nil)
	SetLogY(p)
	svg, _, err := SVG(p, testW, testH)
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, svg)
}

func TestBuildersSkipBadInput(t *testing.T) {
	p := NewPlot("all builders", "x", "y")
	nan := math.NaN()
	AddBands(p, []Band{{From: 2, To: 1, Label: "swapped"}, {From: nan, To: 1}, {From: 1, To: 1}})
	AddRegionMap(p, Box{1, 0, 0, 1}, 10, func(x, y float64) color.Color { return color.Black }) // empty: ignored
	AddScatter(p, [][]float64{{0, 0}, {nan, 1}, {1}, {1, 1, 7}, {2, 2}}, []int{0, 1, 2, -1}, ScatterStyle{Shape: "ring"})
	for _, shape := range []string{"circle", "ring", "cross", "square", "triangle", "blob"} {
		AddScatter(p, [][]float64{{0.5, 0.5}}, nil, ScatterStyle{Shape: shape, Outline: true, Radius: 4})
	}
	AddTrails(p, [][][]float64{{{0, 0}, {1, 1}, {nan, 0}}, {{2, 0}}, nil})
	AddLine(p, []float64{0, 1, 2, 3}, []float64{1, nan, 2, 3, 99}, color.Black, "broken", true)
	AddFunction(p, math.Sqrt, -1, 3, 50, ClassColor(3), "sqrt", false)
	AddFunction(p, nil, 0, 1, 10, nil, "", false)
	AddVLine(p, nan, "ignored", nil)
	AddVLine(p, 2.5, "right side", ClassColor(5))
	AddHLine(p, 1.5, "h", ClassColor(6))
	svg, _, err := SVG(p, testW, testH)
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, svg)
	if bytes.Contains(svg, []byte("NaN")) || bytes.Contains(svg, []byte("Inf")) {
		t.Error("non-finite number in output")
	}
	if p.X.Min != 0 || p.X.Max != 3 {
		t.Errorf("x axis %v..%v, want 0..3", p.X.Min, p.X.Max)
	}
}

func TestColours(t *testing.T) {
	if len(Palette) != 10 {
		t.Fatalf("palette has %d colours", len(Palette))
	}
	if ClassColor(-1) != Neutral || ClassColor(-7) != Neutral {
		t.Error("negative classes should be neutral")
	}
	if ClassColor(12) != Palette[2] {
		t.Error("palette should cycle")
	}
	for i := range Palette {
		c, r := ClassColor(i), RegionColor(i)
		if r.R < c.R || r.G < c.G || r.B < c.B || r.A != 0xFF {
			t.Errorf("RegionColor(%d) = %v is not a paler %v", i, r, c)
		}
	}
}

func TestPNG(t *testing.T) {
	b, err := PNG(scatterRegionPlot(), 4*vg.Inch, 3*vg.Inch, 100)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if s := img.Bounds().Size(); s.X != 400 || s.Y != 300 {
		t.Errorf("PNG is %v, want 400×300", s)
	}
}

func TestErrors(t *testing.T) {
	for name, err := range map[string]error{
		"nil plot":  func() error { _, _, err := SVG(nil, testW, testH); return err }(),
		"zero size": func() error { _, _, err := SVG(NewPlot("", "", ""), 0, testH); return err }(),
		"png dpi":   func() error { _, err := PNG(NewPlot("", "", ""), testW, testH, 0); return err }(),
		"panic": func() error {
			p := NewPlot("", "", "")
			p.Y.Scale = plot.LogScale{} // gonum's own panics on y ≤ 0
			AddLine(p, []float64{0, 1}, []float64{-1, 1}, nil, "", false)
			_, _, err := SVG(p, testW, testH)
			return err
		}(),
	} {
		if err == nil || !strings.HasPrefix(err.Error(), "viz: ") {
			t.Errorf("%s: error %v, want one prefixed with viz:", name, err)
		}
	}
}

func TestScanNumberMatchesStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []string{"0", "-0", "+3", ".5", "-.25", "1e-05", "1.2345e+06", "123456789012345678901", "7.", "1E3"}
	for range 20000 {
		v := (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(12)-6))
		cases = append(cases, strconv.FormatFloat(v, 'g', 5, 64), strconv.FormatFloat(v, 'g', -1, 64))
	}
	for _, s := range cases {
		want, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		got, n := scanNumber(s + ",")
		if n != len(s) || got != want {
			t.Errorf("scanNumber(%q) = %v, %d; want %v, %d", s, got, n, want, len(s))
		}
	}
	for _, s := range []string{"", "-", ".", "e5", ",1"} {
		if _, n := scanNumber(s); n != 0 {
			t.Errorf("scanNumber(%q) read %d bytes", s, n)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		min, max float64
		want     string
	}{
		{-5.5, 5.5, "-4 -2 0 2 4"},
		{0, 1, "0.0 0.2 0.4 0.6 0.8 1.0"},
		{0, 12, "0 2 4 6 8 10 12"}, {0, 12.5, "0.0 2.5 5.0 7.5 10.0 12.5"},
		{-0.3, 0.31, "-0.3 -0.2 -0.1 0.0 0.1 0.2 0.3"},
		{1e6, 5e6, "1×10⁶ 2×10⁶ 3×10⁶ 4×10⁶ 5×10⁶"}, {0, 2e6, "0 0.5×10⁶ 1.0×10⁶ 1.5×10⁶ 2.0×10⁶"},
		{0.00012, 0.00019, "0.00012 0.00014 0.00016 0.00018"},
		{1e-8, 5e-8, "1×10⁻⁸ 2×10⁻⁸ 3×10⁻⁸ 4×10⁻⁸ 5×10⁻⁸"},
	} {
		var got []string
		for _, tk := range (niceTicks{}).Ticks(tc.min, tc.max) {
			if tk.Value < tc.min || tk.Value > tc.max || tk.IsMinor() {
				t.Errorf("[%g, %g]: bad tick %+v", tc.min, tc.max, tk)
			}
			got = append(got, tk.Label)
		}
		if s := strings.Join(got, " "); s != tc.want {
			t.Errorf("ticks on [%g, %g] = %q, want %q", tc.min, tc.max, s, tc.want)
		}
	}
}

// The data area recorded while drawing is the one p.DataCanvas lays out,
// to the bit, with and without a title and on a log axis.
func TestViewportIsDataCanvas(t *testing.T) {
	titled := func() *plot.Plot {
		p := scatterRegionPlot()
		p.Title.Text = "A title"
		return p
	}
	for i, mk := range []func() *plot.Plot{scatterRegionPlot, curvesPlot, titled} {
		_, vp, err := SVG(mk(), testW, testH)
		if err != nil {
			t.Fatal(err)
		}
		p := mk()
		c := newSVGWriter(testW, testH, true)
		dc := draw.Crop(draw.New(c), margin, -rightMargin, margin, -margin)
		da := p.DataCanvas(dc)
		want := [4]float64{da.Min.X.Points(), (testH - da.Max.Y).Points(), da.Max.X.Points(), (testH - da.Min.Y).Points()}
		if vp.Rect != want {
			t.Errorf("plot %d: data area %v, DataCanvas %v", i, vp.Rect, want)
		}
	}
}
