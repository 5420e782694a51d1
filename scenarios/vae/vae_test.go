package vae

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of a vae frame.
type frame struct {
	Step    int                `json:"step"`
	Note    string             `json:"note"`
	Metrics map[string]float64 `json:"metrics"`
	State   struct {
		Epoch    int         `json:"epoch"`
		Beta     float64     `json:"beta"`
		Hidden   int         `json:"hidden"`
		Params   int         `json:"params"`
		AEParams int         `json:"ae_params"`
		Mu       [][]float64 `json:"mu"`
		LogVar   [][]float64 `json:"logvar"`
		Eps      [][]float64 `json:"eps"`
	} `json:"state"`
}

// kl is the page's formula, written from the frame alone:
// 1/n Σ_i ½ Σ_k (μ² + σ² − log σ² − 1), σ² = exp(log σ²).
func kl(mu, logVar [][]float64) float64 {
	var s float64
	for i := range mu {
		for k := range mu[i] {
			s += 0.5 * (mu[i][k]*mu[i][k] + math.Exp(logVar[i][k]) - logVar[i][k] - 1)
		}
	}
	return s / float64(len(mu))
}

// testRows are the evaluation images: the test rows of data.csv.
func testRows(t *testing.T, rows [][]string) [][]float64 {
	t.Helper()
	var X [][]float64
	for _, row := range rows[1:] {
		if row[len(row)-1] != "test" {
			continue
		}
		x := make([]float64, 64)
		for j := range x {
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

// TestKLFromState: metrics.kl is the closed form recomputed from the
// frame's state.mu and state.logvar (the evaluation batch, one row per
// test row of data.csv), to 1e-9; metrics.loss is reconstruction + β·KL.
func TestKLFromState(t *testing.T) {
	for _, q := range []string{"", "beta=0", "beta=4&hidden=8", "dataset=shapes&seed=3", "beta=0.3&lr=0.05"} {
		r := scenariotest.NewRun(t, sc, q)
		n := len(testRows(t, scenariotest.Rows(t, r)))
		for _, steps := range []int{0, 1, 5} {
			r.Advance(steps)
			f := scenariotest.Decode[frame](t, r, false)
			if len(f.State.Mu) != n || len(f.State.LogVar) != n || len(f.State.Eps) != n || n != evalImages {
				t.Fatalf("%q: %d μ, %d log σ², %d ε for %d test rows", q, len(f.State.Mu), len(f.State.LogVar), len(f.State.Eps), n)
			}
			if got, want := kl(f.State.Mu, f.State.LogVar), f.Metrics["kl"]; math.Abs(got-want) > 1e-9 {
				t.Errorf("%q step %d: KL from the state %.15g, metric %.15g", q, f.Step, got, want)
			}
			if got, want := f.Metrics["reconstruction"]+f.State.Beta*f.Metrics["kl"], f.Metrics["loss"]; math.Abs(got-want) > 1e-12 {
				t.Errorf("%q step %d: reconstruction + β·KL = %v, loss %v", q, f.Step, got, want)
			}
		}
	}
}

// TestReconstructionFromState: metrics.reconstruction is the stated
// cross-entropy, recomputed from the frame's μ, log σ² and ε, the test
// rows of data.csv and the decoder's weights, run by a forward pass
// written here (tanh hidden layer, sigmoid output), to 1e-9.
func TestReconstructionFromState(t *testing.T) {
	for _, q := range []string{"", "beta=2&dataset=shapes", "hidden=5"} {
		mdl, err := newModel(scenariotest.Values(t, sc, q))
		if err != nil {
			t.Fatal(err)
		}
		m := mdl.(*model)
		X := testRows(t, m.Data())
		for epoch := range 4 {
			if epoch > 0 {
				m.Step()
			}
			b, err := json.Marshal(lab.Metrics(m.Snapshot().Metrics))
			if err != nil {
				t.Fatal(err)
			}
			var f frame
			if err := json.Unmarshal(b, &f.Metrics); err != nil {
				t.Fatal(err)
			}
			b, _ = json.Marshal(m.Snapshot().State)
			if err := json.Unmarshal(b, &f.State); err != nil {
				t.Fatal(err)
			}
			l1, l2 := m.vae.Decoder.Layers[0], m.vae.Decoder.Layers[1]
			var s float64
			for i, x := range X {
				z := []float64{
					f.State.Mu[i][0] + math.Exp(0.5*f.State.LogVar[i][0])*f.State.Eps[i][0],
					f.State.Mu[i][1] + math.Exp(0.5*f.State.LogVar[i][1])*f.State.Eps[i][1],
				}
				hid := make([]float64, l1.W.Cols)
				for u := range hid {
					a := l1.B.Data[u]
					for k := range z {
						a += z[k] * l1.W.Data[k*l1.W.Cols+u]
					}
					hid[u] = math.Tanh(a)
				}
				for j := range x {
					a := l2.B.Data[j]
					for u := range hid {
						a += hid[u] * l2.W.Data[u*l2.W.Cols+j]
					}
					p := 1 / (1 + math.Exp(-a))
					s -= x[j]*math.Log(p) + (1-x[j])*math.Log(1-p)
				}
			}
			if got, want := s/float64(len(X)), f.Metrics["reconstruction"]; math.Abs(got-want) > 1e-9 {
				t.Errorf("%q epoch %d: reconstruction recomputed %.15g, metric %.15g", q, epoch, got, want)
			}
		}
	}
}

// TestParameterCounts: the plain autoencoder is the VAE less its variance
// head, (hidden + 1)·2 values: at hidden = 16, 2 244 against 2 210
// ((64+1)·16 + (16+1)·4 + (2+1)·16 + (16+1)·64 for the VAE).
func TestParameterCounts(t *testing.T) {
	f := scenariotest.Decode[frame](t, scenariotest.NewRun(t, sc, ""), false)
	if f.State.Params != 2244 || f.State.AEParams != 2210 {
		t.Errorf("parameters: VAE %d, plain %d; want 2244 and 2210", f.State.Params, f.State.AEParams)
	}
}

// TestFilledAgainstHoles: after 60 epochs the VAE's means stay near the
// prior (root mean square distance from 0 below 2, the prior's being
// √2) while the plain codes spread at least twice as far; β = 4 collapses
// every code onto the prior (KL below 0.05 nats) and β = 0 lets the KL
// grow past 10 nats, as the page says.
func TestFilledAgainstHoles(t *testing.T) {
	run := func(q string) *model {
		mdl, err := newModel(scenariotest.Values(t, sc, q))
		if err != nil {
			t.Fatal(err)
		}
		m := mdl.(*model)
		for range 60 {
			m.Step()
		}
		return m
	}
	m := run("")
	if v, a := spread(m.codes), spread(m.aeCodes); v > 2 || a < 2*v {
		t.Errorf("β = 1: RMS distance of the VAE means %.3g, of the plain codes %.3g", v, a)
	}
	if got := run("beta=4").v.kl[60]; got > 0.05 {
		t.Errorf("β = 4: KL %.3g after 60 epochs, want the codes collapsed (< 0.05)", got)
	}
	if got := run("beta=0").v.kl[60]; got < 10 {
		t.Errorf("β = 0: KL %.3g after 60 epochs, want > 10", got)
	}
}

func TestNotes(t *testing.T) {
	for _, q := range []string{"", "beta=0", "dataset=shapes&hidden=1"} {
		r := scenariotest.NewRun(t, sc, q)
		for range 3 {
			scenariotest.CheckNote(t, scenariotest.Decode[frame](t, r, false).Note, q)
			r.Step()
		}
	}
}

func TestRejects(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "dataset=mnist", "beta=-1", "beta=11", "hidden=0", "hidden=65", "hidden=2.5",
		"lr=0", "lr=1.5", "latent=3")
}

func TestDeterministic(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "beta=0.5&seed=8", 3)
	c := scenariotest.NewRun(t, sc, "beta=0.5&seed=9")
	c.Advance(3)
	scenariotest.SeedsDiffer(t, a, c)
}

// TestFrameSize: a frame, panels and state, stays within 32 KB at the
// defaults and at the longest curves.
func TestFrameSize(t *testing.T) {
	for q, steps := range map[string]int{"": 5, "dataset=shapes&hidden=64": 3, "beta=0": maxEpochs} {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(steps)
		scenariotest.FrameWithin(t, r, 32<<10, fmt.Sprintf("%q at step %d", q, steps))
	}
}

// BenchmarkStepAndFrame: an epoch of both networks and a drawn frame. On a
// loaded machine read the processor time, not the wall time:
//
//	go test ./scenarios/vae -run '^$' -bench . -cpu 1 -count 3
func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "")
}
