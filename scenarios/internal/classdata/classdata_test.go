package classdata

import (
	"errors"
	"image/color"
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/viz"
)

func load(t *testing.T, o Options) *Set {
	t.Helper()
	s, err := Load(rand.New(rand.NewPCG(1, 2)), o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLoadEveryDataSet(t *testing.T) {
	for _, ds := range All {
		name := ds.Name
		o := Options{Dataset: ds, N: 200, Noise: 0.5, Classes: 2, TestShare: 0.3, Points: []lab.Point{{X: 1, Y: 2, Class: 1}}}
		s := load(t, o)
		n := len(s.X)
		wantN := map[*Dataset]int{Iris: 151, Wine: 179, Custom: 1}[ds]
		if wantN == 0 {
			wantN = 201
		}
		if n != wantN || len(s.Labels) != n || len(s.Split) != n {
			t.Errorf("%s: %d samples, want %d", name, n, wantN)
			continue
		}
		if len(s.Train)+len(s.Test) != n {
			t.Errorf("%s: train %d + test %d != %d", name, len(s.Train), len(s.Test), n)
		}
		if want := int(math.Round(0.3 * float64(n-1))); len(s.Test) != want {
			t.Errorf("%s: %d test samples, want %d", name, len(s.Test), want)
		}
		// The user's point is last and trains.
		last := s.X[n-1]
		if last[0] != 1 || last[1] != 2 || s.Labels[n-1] != 1 || s.Split[n-1] || s.User != 1 {
			t.Errorf("%s: last sample %v label %d test=%v", name, last, s.Labels[n-1], s.Split[n-1])
		}
		rows := s.Rows()
		if len(rows) != n+1 || rows[0][len(rows[0])-1] != "split" || len(rows[0]) != s.Dim()+2 {
			t.Errorf("%s: data.csv header %v, %d rows", name, rows[0], len(rows))
		}
		for i, x := range s.X {
			if len(x) != s.Dim() {
				t.Fatalf("%s: sample %d has %d features, want %d", name, i, len(x), s.Dim())
			}
		}
	}
}

func TestRealDataStandardised(t *testing.T) {
	for _, ds := range []*Dataset{Iris, Wine} {
		name := ds.Name
		s := load(t, Options{Dataset: ds, TestShare: 0.25, Classes: 2})
		for j := range s.Dim() {
			var mean, sq float64
			for _, x := range s.X {
				mean += x[j]
			}
			mean /= float64(len(s.X))
			for _, x := range s.X {
				sq += (x[j] - mean) * (x[j] - mean)
			}
			if sd := math.Sqrt(sq / float64(len(s.X))); math.Abs(mean) > 1e-12 || math.Abs(sd-1) > 1e-12 {
				t.Errorf("%s feature %d (%s): mean %v sd %v, want 0 and 1", name, j, s.FeatureNames[j], mean, sd)
			}
		}
		if s.Classes != 3 {
			t.Errorf("%s: %d classes, want 3", name, s.Classes)
		}
	}
	s := load(t, Options{Dataset: Iris, Binary: true, TestShare: 0.25})
	if len(s.X) != 100 || s.Classes != 2 || s.FeatureNames[0] != "petal_length" {
		t.Errorf("binary iris: %d samples, %d classes, first feature %q", len(s.X), s.Classes, s.FeatureNames[0])
	}
}

func TestParamErrors(t *testing.T) {
	for _, o := range []Options{
		{Dataset: XOR, N: 50, Classes: 3},
		{Dataset: Separable, N: 50, Classes: 2, Points: []lab.Point{{Class: 3}}},
	} {
		_, err := Load(rand.New(rand.NewPCG(1, 1)), o)
		var pe *lab.ParamError
		if !errors.As(err, &pe) {
			t.Errorf("%+v: error %v, want a ParamError", o, err)
		}
	}
	// A data set its scenario makes is not Load's to make.
	if _, err := Load(rand.New(rand.NewPCG(1, 1)), Options{Dataset: Named("stripes", "stripes: made by the scenario."), N: 50, Classes: 2}); err == nil {
		t.Error("Load made a data set declared with Named")
	}
}

func TestMultiClassBlobs(t *testing.T) {
	s := load(t, Options{Dataset: Separable, N: 100, Noise: 0.5, Classes: 4})
	count := map[int]int{}
	for _, l := range s.Labels {
		count[l]++
	}
	for k := range 4 {
		if count[k] != 25 {
			t.Errorf("class %d has %d samples, want 25", k, count[k])
		}
	}
	if s.ClassNames[3] != "class "+strconv.Itoa(3) {
		t.Errorf("class names %v", s.ClassNames)
	}
}

func TestBlend(t *testing.T) {
	sure := Blend([]float64{0, 1})
	mixed := Blend([]float64{0.5, 0.5})
	if sure == mixed {
		t.Error("a sure and an unsure prediction have the same colour")
	}
	// Tenths: 0.51 and 0.49 round to the same colour as 0.5.
	if Blend([]float64{0.51, 0.49}) != mixed {
		t.Error("Blend is not rounded to tenths")
	}
	// Three near-equal classes: the tenths still sum to one, so the colour
	// stays within the mix of the three (no uint8 wrap-around).
	got := Blend([]float64{0.35, 0.35, 0.30}).(color.RGBA)
	lo, hi := [3]uint8{255, 255, 255}, [3]uint8{}
	for k := range 3 {
		c := viz.RegionColor(k)
		for i, v := range [3]uint8{c.R, c.G, c.B} {
			lo[i], hi[i] = min(lo[i], v), max(hi[i], v)
		}
	}
	for i, v := range [3]uint8{got.R, got.G, got.B} {
		if v < lo[i] || v > hi[i] {
			t.Errorf("channel %d of the blend is %d, outside the classes' %d..%d", i, v, lo[i], hi[i])
		}
	}
}

// BlendRaster makes, pixel and palette entry for entry, the raster of
// BlendRGBA for one to three classes and for more, with sure, unsure and
// tied probabilities, and falls back to BlendRGBA's own colours where the
// probabilities are not numbers.
func TestBlendRasterIsBlendRGBA(t *testing.T) {
	b := viz.Box{XMin: -2, XMax: 3, YMin: -1, YMax: 2}
	for classes := 1; classes <= 5; classes++ {
		for _, nan := range []bool{false, true} {
			probs := make([]float64, classes)
			probsAt := func(x, y float64) []float64 {
				sum := 0.0
				for k := range probs {
					probs[k] = math.Exp(-math.Abs(x-float64(k)) - math.Abs(y*float64(k%2)))
					if k == 1 && x > 2.5 {
						probs[k] = probs[0] // exact ties
					}
					sum += probs[k]
				}
				for k := range probs {
					probs[k] /= sum
				}
				if nan && x < -1.5 && y > 1.5 {
					probs[0] = math.NaN()
				}
				return probs
			}
			got := BlendRaster(b, 60, classes, probsAt)
			want := viz.RegionRaster(b, 60, func(x, y float64) color.RGBA { return BlendRGBA(probsAt(x, y)) })
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%d classes (NaN corner %v): BlendRaster differs from BlendRGBA's raster", classes, nan)
			}
		}
	}
}
