package autoencoder

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of an autoencoder frame.
type frame struct {
	Step    int                `json:"step"`
	Note    string             `json:"note"`
	Metrics map[string]float64 `json:"metrics"`
	State   struct {
		Epoch               int         `json:"epoch"`
		Latent              int         `json:"latent"`
		Hidden              int         `json:"hidden"`
		Noise               float64     `json:"noise"`
		Params              int         `json:"params"`
		Train               int         `json:"train"`
		Test                int         `json:"test"`
		TestReconstructions [][]float64 `json:"test_reconstructions"`
	} `json:"state"`
}

// testRows reads the clean test samples from data.csv: every column
// before "label" (pixels, or x1..x3 then t, which is left out).
func testRows(t *testing.T, r *lab.Run) [][]float64 {
	t.Helper()
	rows := scenariotest.Rows(t, r)
	header := rows[0]
	d := 0
	for d < len(header) && header[d] != "label" && header[d] != "t" {
		d++
	}
	var X [][]float64
	for _, row := range rows[1:] {
		if row[len(row)-1] != "test" {
			continue
		}
		x := make([]float64, d)
		for j := range d {
			v, err := strconv.ParseFloat(row[j], 64)
			if err != nil {
				t.Fatal(err)
			}
			x[j] = v
		}
		X = append(X, x)
	}
	return X
}

// TestReconstructionFromExport: metrics.reconstruction is the mean squared
// error over the test split, recomputed from the test rows of data.csv
// and the frame's state.test_reconstructions. Those are rounded to 4
// decimals (δ = 5·10⁻⁵ at most per value), which moves the mean by at
// most 2δ·√MSE + δ² (Cauchy–Schwarz on Σ 2eΔ + Δ²); the test allows that
// and no more.
func TestReconstructionFromExport(t *testing.T) {
	for _, q := range []string{"", "latent=8&hidden=24", "noise=0.4", "dataset=scurve", "dataset=helix&latent=1&noise=0.1", "dataset=scurve&latent=3&seed=9"} {
		r := scenariotest.NewRun(t, sc, q)
		X := testRows(t, r)
		for _, steps := range []int{0, 3, 4} {
			r.Advance(steps)
			f := scenariotest.Decode[frame](t, r, false)
			R := f.State.TestReconstructions
			if len(R) != len(X) || len(X) != f.State.Test {
				t.Fatalf("%q: %d reconstructions, %d test rows in data.csv, state.test %d", q, len(R), len(X), f.State.Test)
			}
			var s float64
			count := 0
			for i := range X {
				if len(R[i]) != len(X[i]) {
					t.Fatalf("%q: reconstruction %d has %d values, the sample %d", q, i, len(R[i]), len(X[i]))
				}
				for j := range X[i] {
					d := R[i][j] - X[i][j]
					s += d * d
					count++
				}
			}
			got, want := s/float64(count), f.Metrics["reconstruction"]
			const delta = 5e-5
			if tol := 2*delta*math.Sqrt(want) + delta*delta + 1e-12; math.Abs(got-want) > tol {
				t.Errorf("%q step %d: MSE from the export %.10g, metric %.10g (tolerance %.2g)", q, f.Step, got, want, tol)
			}
		}
	}
}

// TestCodeWidthDecidesWhatSurvives: the S-curve is a sheet, so a code of
// 2 values rebuilds it far better than a code of 1 (which keeps the
// position along the S and loses the width); a digit code of 8 values
// beats one of 2.
func TestCodeWidthDecidesWhatSurvives(t *testing.T) {
	for _, tc := range []struct{ narrow, wide string }{
		{"dataset=scurve&latent=1", "dataset=scurve&latent=2"},
		{"latent=2", "latent=8"},
	} {
		mse := func(q string) float64 {
			r := scenariotest.NewRun(t, sc, q)
			r.Advance(60)
			return scenariotest.Decode[frame](t, r, false).Metrics["reconstruction"]
		}
		narrow, wide := mse(tc.narrow), mse(tc.wide)
		if wide > narrow/1.5 {
			t.Errorf("after 60 epochs: %s gives test MSE %.4g, %s %.4g; want the wider code at least 1.5 times better", tc.narrow, narrow, tc.wide, wide)
		}
	}
}

// TestDenoises: after training with s = 0.3, the outputs are closer to the
// clean test digits than the noisy inputs (whose MSE is s² = 0.09 on
// average: the noise is not clipped) by more than half.
func TestDenoises(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "noise=0.3")
	r.Advance(30)
	f := scenariotest.Decode[frame](t, r, false)
	if got := f.Metrics["reconstruction"]; got > 0.09/1.5 {
		t.Errorf("denoising MSE %.4g after 30 epochs; the noise alone is about 0.09", got)
	}
}

// TestNoteAndState: the first note states the architecture and the
// number of parameters, which equals (64+1)·16 + (16+1)·2 + (2+1)·16 +
// (16+1)·64 = 2 210 at the defaults.
func TestNoteAndState(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	f := scenariotest.Decode[frame](t, r, false)
	if f.State.Params != 2210 || f.State.Train != 600 || f.State.Test != 24 {
		t.Errorf("state: %d parameters, %d train, %d test; want 2210, 600, 24", f.State.Params, f.State.Train, f.State.Test)
	}
	for _, q := range []string{"", "dataset=helix&latent=1&noise=0.2", "dataset=scurve&latent=3"} {
		r := scenariotest.NewRun(t, sc, q)
		for range 3 {
			f := scenariotest.Decode[frame](t, r, false)
			scenariotest.CheckNote(t, f.Note, q)
			r.Step()
		}
	}
}

func TestRejects(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "dataset=faces", "latent=0", "latent=17", "latent=1.5", "hidden=0", "hidden=65",
		"noise=-0.1", "noise=1.5", "lr=0", "lr=2", "seed=x")
}

func TestDeterministic(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "noise=0.2&seed=4", 3)
	c := scenariotest.NewRun(t, sc, "noise=0.2&seed=5")
	c.Advance(3)
	scenariotest.SeedsDiffer(t, a, c)
}

// TestFrameSize: every data set's frame, panels and state, within 32 KB.
func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "noise=0.5&latent=1", "dataset=scurve&noise=0.3", "dataset=helix&latent=16&hidden=64"} {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(5)
		scenariotest.FrameWithin(t, r, 32<<10, fmt.Sprintf("%q", q))
	}
}

// BenchmarkStepAndFrame: one epoch and a drawn frame. On a loaded 2-core
// machine the wall time swings; the processor time is steadier:
//
//	go test ./scenarios/autoencoder -run '^$' -bench . -cpu 1 -count 3
func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "dataset=scurve", "noise=0.3")
}
