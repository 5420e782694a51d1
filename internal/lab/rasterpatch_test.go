package lab

import (
	"fmt"
	"image/color"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/viz"
)

// applyPatch sets the href of the p.Image-th <image> of svg to p.Href, as
// the page does.
func applyPatch(t *testing.T, svg string, p RasterPatch) string {
	t.Helper()
	at := -1
	for range p.Image + 1 {
		i := strings.Index(svg[at+1:], "<image ")
		if i < 0 {
			t.Fatalf("patch for <image> %d: the SVG has fewer", p.Image)
		}
		at += 1 + i
	}
	const href = `href="`
	start := at + strings.Index(svg[at:], href) + len(href)
	end := start + strings.IndexByte(svg[start:], '"')
	return svg[:start] + p.Href + svg[end:]
}

func TestRasterChange(t *testing.T) {
	img := func(href string) string {
		return `<image x="1" y="2" width="3" height="4" xlink:href="data:image/png;base64,` + href + `" transform="scale(1,-1)"/>`
	}
	doc := func(parts ...string) string {
		return `<svg><path d="M0,0h1"/>` + strings.Join(parts, `<text x="1">a</text>`) + `</svg>`
	}
	for _, tc := range []struct {
		name     string
		was, now string
		image    int // −1: no patch
	}{
		{"first image", doc(img("AAAA"), img("BBBB")), doc(img("AAAC"), img("BBBB")), 0},
		{"second image", doc(img("AAAA"), img("BBBB")), doc(img("AAAA"), img("BCBB")), 1},
		{"longer href", doc(img("AAAA")), doc(img("AAAAAAAA==")), 0},
		{"shorter href", doc(img("AAAAAAAA")), doc(img("A")), 0},
		{"empty href", doc(img("AAAA")), doc(img("")), 0},
		{"two images", doc(img("AAAA"), img("BBBB")), doc(img("AAAC"), img("BBBC")), -1},
		{"image and text", doc(img("AAAA")) + "x", doc(img("AAAC")) + "y", -1},
		{"another attribute", doc(img("AAAA")), strings.Replace(doc(img("AAAA")), `width="3"`, `width="5"`, 1), -1},
		{"not an image's href", `<svg><a href="u1">x</a></svg>`, `<svg><a href="u2">x</a></svg>`, -1},
		{"before any href", doc(img("AAAA")), strings.Replace(doc(img("AAAA")), "M0,0", "M0,1", 1), -1},
	} {
		p := rasterChange(tc.was, tc.now)
		switch {
		case tc.image < 0 && p != nil:
			t.Errorf("%s: patch %+v, want none", tc.name, *p)
		case tc.image >= 0 && p == nil:
			t.Errorf("%s: no patch, want one for <image> %d", tc.name, tc.image)
		case tc.image >= 0 && p.Image != tc.image:
			t.Errorf("%s: patch for <image> %d, want %d", tc.name, p.Image, tc.image)
		case p != nil:
			if got := applyPatch(t, tc.was, *p); got != tc.now {
				t.Errorf("%s: patched SVG\n%s\nwant\n%s", tc.name, got, tc.now)
			}
		}
	}
	// Random edits: a patch, when given, always rebuilds the new SVG.
	rng := rand.New(rand.NewPCG(3, 4))
	base := doc(img("QUJD"), img("REVG"), img("R0hJ"))
	patched := 0
	for range 2000 {
		b := []byte(base)
		for range 1 + rng.IntN(2) {
			b[rng.IntN(len(b))] = "AB\"<>= x"[rng.IntN(8)]
		}
		now := string(b)
		if p := rasterChange(base, now); p != nil {
			patched++
			if got := applyPatch(t, base, *p); got != now {
				t.Fatalf("patch %+v of\n%s\ngives\n%s\nwant\n%s", *p, base, got, now)
			}
		}
	}
	if patched == 0 {
		t.Fatal("no random edit made a patch: the check checks nothing")
	}
}

// rasterModel draws two panels over a raster whose cells turn one by
// one: "map" changes in its raster alone, "titled" also in its title
// from step 3 on.
type rasterModel struct{ step int }

func (m *rasterModel) Step() error        { m.step++; return nil }
func (m *rasterModel) Done() bool         { return false }
func (m *rasterModel) Snapshot() Snapshot { return Snapshot{} }
func (m *rasterModel) Data() [][]string   { return [][]string{{"x"}} }

func (m *rasterModel) Plot(panel string) (*plot.Plot, error) {
	p := viz.NewPlot("", "x₁", "x₂")
	if panel == "titled" && m.step >= 3 {
		p.Title.Text = fmt.Sprintf("step %d", m.step)
	}
	viz.AddRegionRaster(p, viz.Box{XMax: 1, YMax: 1}, viz.RegionCells(8, func(k int) color.RGBA {
		if k < m.step {
			return color.RGBA{200, 30, 30, 255}
		}
		return color.RGBA{30, 30, 200, 255}
	}))
	return p, nil
}

// A client's frames carry a panel that changed only in its raster as the
// raster's href; patched in, its SVG is at every step the panel drawn
// whole. A panel whose title moves is sent whole. Frames to a room carry
// every changed panel whole.
func TestFramesPatchRasters(t *testing.T) {
	sc := &Scenario{Slug: "rasters", Title: "Rasters", Chapter: "0. Tests", Summary: "rasters", MaxSteps: 100, Speed: 10,
		Params: Params(Seed), Panels: []Panel{{Name: "map", Title: "Map"}, {Name: "titled", Title: "Titled"}},
		New: func(Values) (Model, error) { return &rasterModel{}, nil }}
	for _, rasters := range []bool{true, false} {
		r, err := NewRun(sc, Defaults(sc.Params))
		if err != nil {
			t.Fatal(err)
		}
		whole, _ := NewRun(sc, Defaults(sc.Params))
		sent := newSentPanels()
		sent.rasters = rasters
		have := map[string]string{}
		for step := 0; step <= 6; step++ {
			f, err := r.frame(true, sent)
			if err != nil {
				t.Fatal(err)
			}
			w, err := whole.frame(true, nil)
			if err != nil {
				t.Fatal(err)
			}
			for name, svg := range f.Plots {
				have[name] = svg
			}
			for name, p := range f.Rasters {
				have[name] = applyPatch(t, have[name], p)
			}
			for _, name := range []string{"map", "titled"} {
				if have[name] != w.Plots[name] {
					t.Fatalf("rasters %v, step %d: the client's %s differs from the panel drawn whole", rasters, step, name)
				}
				_, patched := f.Rasters[name]
				wantPatch := rasters && step > 0 && (name == "map" || step < 3)
				if patched != wantPatch {
					t.Errorf("rasters %v, step %d: %s sent as a raster patch %v, want %v", rasters, step, name, patched, wantPatch)
				}
				if _, ok := f.Viewports[name]; !ok {
					t.Errorf("rasters %v, step %d: no viewport for %s", rasters, step, name)
				}
			}
			r.Step()
			whole.Step()
		}
	}
}
