package scenarios

import (
	"bytes"
	"context"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/viz"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

// TestSplicedPanelsAreWhole: for every model that splices a raster into a
// panel as last drawn (lab.RasterPanels), each frame's panel is byte for
// byte the panel drawn whole from the model's state, at every one of the
// first steps of every URL of the frame comparison (clicked points among
// them), and after a seek back on the timeline.
func TestSplicedPanelsAreWhole(t *testing.T) {
	const steps = 60
	found := 0
	for _, c := range frameCases() {
		q := c.query
		sc, v, m := c.model(t)
		rp, ok := m.(lab.RasterPanels)
		if !ok {
			continue
		}
		found++
		r := scenariotest.NewRun(t, sc, q)
		for step := 0; step <= steps; step++ {
			for _, pn := range sc.PanelsFor(v) {
				_, _, splice := rp.PanelRaster(pn.Name)
				if !splice {
					continue
				}
				got, _, err := r.SVG(pn.Name)
				if err != nil {
					t.Fatal(err)
				}
				p, err := m.Plot(pn.Name)
				if err != nil {
					t.Fatal(err)
				}
				w, h := pn.Size()
				want, _, err := viz.SVG(p, w, h)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("%s?%s step %d: panel %s spliced differs from the panel drawn whole", sc.Slug, q, step, pn.Name)
				}
			}
			if step < steps {
				if err := m.Step(); err != nil {
					t.Fatal(err)
				}
				r.Step()
			}
		}
		// Back on the timeline, from a checkpoint's copy of the model.
		if err := r.SeekContext(context.Background(), 3); err != nil {
			t.Fatal(err)
		}
		m, _ = sc.New(v)
		for range 3 {
			m.Step()
		}
		for _, pn := range sc.PanelsFor(v) {
			if _, _, splice := m.(lab.RasterPanels).PanelRaster(pn.Name); !splice {
				continue
			}
			got, _, _ := r.SVG(pn.Name)
			p, _ := m.Plot(pn.Name)
			w, h := pn.Size()
			want, _, _ := viz.SVG(p, w, h)
			if !bytes.Equal(got, want) {
				t.Fatalf("%s?%s after seeking to step 3: panel %s spliced differs from the panel drawn whole", sc.Slug, q, pn.Name)
			}
		}
	}
	if found == 0 {
		t.Fatal("no scenario splices its rasters: the test checks nothing")
	}
}
