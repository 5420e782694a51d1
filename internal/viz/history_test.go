package viz

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// The old blocks below are the history curves of the scenarios as of
// commit 6b4885c, with the model's fields made parameters; AddHistory
// must draw the same SVG, byte for byte, as each.

// oldSingle is the block of kmeans plotInertia, gmmem plotLogLik,
// logistic plotLoss, universal plotLoss, vanishing plotLoss and
// linearregression plotLoss: one curve and a dot on its last value
// (classes nil, or one class).
func oldSingle(p *plot.Plot, ys []float64, n, class int, classes []int, radius vg.Length) {
	xs := make([]float64, len(ys))
	for i := range xs {
		xs[i] = float64(i)
	}
	dx, dy := Decimate(xs, ys, n)
	AddLine(p, dx, dy, ClassColor(class), "", false)
	last := len(ys) - 1
	AddScatter(p, [][]float64{{xs[last], ys[last]}}, classes, ScatterStyle{Radius: radius})
}

// oldRacers is optimizers plotDistance and plotNetwork: per racer a
// labelled curve, then its dot.
func oldRacers(p *plot.Plot, curves [][]float64, colours []int, labels []string, n int) {
	for k, ys := range curves {
		xs := make([]float64, len(ys))
		for i := range xs {
			xs[i] = float64(i)
		}
		dx, dy := Decimate(xs, ys, n)
		AddLine(p, dx, dy, ClassColor(colours[k]), labels[k], false)
		last := len(ys) - 1
		AddScatter(p, [][]float64{{xs[last], ys[last]}}, []int{colours[k]}, ScatterStyle{Radius: 3})
	}
}

// oldTrainTest is neuralnet addCurves: train solid, test dashed, then
// both dots.
func oldTrainTest(p *plot.Plot, train, test []float64, n int) {
	xs := make([]float64, len(train))
	for i := range xs {
		xs[i] = float64(i)
	}
	dx, dy := Decimate(xs, train, n)
	AddLine(p, dx, dy, ClassColor(0), "train", false)
	dx, dy = Decimate(xs, test, n)
	AddLine(p, dx, dy, ClassColor(1), "test", true)
	last := len(xs) - 1
	AddScatter(p, [][]float64{{xs[last], train[last]}, {xs[last], test[last]}}, []int{0, 1}, ScatterStyle{Radius: 3.5})
}

// oldDashedPairs is dropout plotCurves (and, with labels on every curve
// and the third one dashed, perceptron plotWeights; logistic
// plotAccuracy and overfitting plotError are two such curves): curves
// without dots.
func oldDashedPairs(p *plot.Plot, curves [][]float64, n int) {
	xs := make([]float64, len(curves[0]))
	for i := range xs {
		xs[i] = float64(i)
	}
	for k, ys := range curves {
		dashed := k%2 == 1
		dx, dy := Decimate(xs, ys, n)
		label := ""
		if !dashed {
			label = "variant"
		}
		AddLine(p, dx, dy, ClassColor(k/2), label, dashed)
	}
}

// oldSkipFirst is svm plotObjective: the objective from step 1, then the
// violation from step 0.
func oldSkipFirst(p *plot.Plot, objective, violation []float64, n int) {
	xs := make([]float64, len(objective))
	for i := range xs {
		xs[i] = float64(i)
	}
	if len(objective) > 1 {
		dx, dy := Decimate(xs[1:], objective[1:], n)
		AddLine(p, dx, dy, ClassColor(0), "dual objective D(α)", false)
	}
	dx, dy := Decimate(xs, violation, n)
	AddLine(p, dx, dy, ClassColor(2), "KKT violation", false)
}

func TestAddHistoryMatchesOldBlocks(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	// history is a noisy decaying loss of n values, with NaN from nanAt on
	// (a diverged run) when nanAt >= 0.
	history := func(n, nanAt int) []float64 {
		ys := make([]float64, n)
		for i := range ys {
			ys[i] = 2*math.Exp(-float64(i)/40) + 0.05*rng.Float64() + 0.01
			if nanAt >= 0 && i >= nanAt {
				ys[i] = math.NaN()
			}
		}
		return ys
	}
	long, long2, short, one := history(1500, -1), history(1500, -1), history(30, -1), history(1, -1)
	diverged := history(400, 350)
	zeroFirst := append([]float64{0}, history(700, -1)...)
	tests := []struct {
		name     string
		log      bool
		old, new func(p *plot.Plot)
	}{
		{"single, long",
			false,
			func(p *plot.Plot) { oldSingle(p, long, 240, 0, nil, 4) },
			func(p *plot.Plot) { AddHistory(p, 240, Curve{Values: long, Color: ClassColor(0), Dot: 4}) }},
		{"single, short, log",
			true,
			func(p *plot.Plot) { oldSingle(p, short, 300, 0, nil, 3.5) },
			func(p *plot.Plot) { AddHistory(p, 300, Curve{Values: short, Color: ClassColor(0), Dot: 3.5}) }},
		{"single, one value",
			false,
			func(p *plot.Plot) { oldSingle(p, one, 240, 0, nil, 4) },
			func(p *plot.Plot) { AddHistory(p, 240, Curve{Values: one, Color: ClassColor(0), Dot: 4}) }},
		{"single, class 1 dot",
			true,
			func(p *plot.Plot) { oldSingle(p, long, 400, 1, []int{1}, 4) },
			func(p *plot.Plot) { AddHistory(p, 400, Curve{Values: long, Color: ClassColor(1), Dot: 4}) }},
		{"single, diverged",
			false,
			func(p *plot.Plot) { oldSingle(p, diverged, 240, 0, nil, 4) },
			func(p *plot.Plot) { AddHistory(p, 240, Curve{Values: diverged, Color: ClassColor(0), Dot: 4}) }},
		{"racers",
			true,
			func(p *plot.Plot) {
				oldRacers(p, [][]float64{long, diverged, short}, []int{0, 3, -1}, []string{"SGD", "momentum", "Adam"}, 300)
			},
			func(p *plot.Plot) {
				for k, ys := range [][]float64{long, diverged, short} {
					AddHistory(p, 300, Curve{Values: ys, Color: ClassColor([]int{0, 3, -1}[k]), Label: []string{"SGD", "momentum", "Adam"}[k], Dot: 3})
				}
			}},
		{"train and test",
			false,
			func(p *plot.Plot) { oldTrainTest(p, long, long2, 300) },
			func(p *plot.Plot) {
				AddHistory(p, 300,
					Curve{Values: long, Color: ClassColor(0), Label: "train", Dot: 3.5},
					Curve{Values: long2, Color: ClassColor(1), Label: "test", Dashed: true, Dot: 3.5})
			}},
		{"dashed pairs",
			true,
			func(p *plot.Plot) { oldDashedPairs(p, [][]float64{long, long2, diverged[:300], short}, 300) },
			func(p *plot.Plot) {
				for k, ys := range [][]float64{long, long2, diverged[:300], short} {
					label := ""
					if k%2 == 0 {
						label = "variant"
					}
					AddHistory(p, 300, Curve{Values: ys, Color: ClassColor(k / 2), Label: label, Dashed: k%2 == 1})
				}
			}},
		{"skip the first value",
			true,
			func(p *plot.Plot) { oldSkipFirst(p, zeroFirst, zeroFirst[1:], 200) },
			func(p *plot.Plot) {
				AddHistory(p, 200, Curve{Values: zeroFirst, From: 1, Color: ClassColor(0), Label: "dual objective D(α)"})
				AddHistory(p, 200, Curve{Values: zeroFirst[1:], Color: ClassColor(2), Label: "KKT violation"})
			}},
		{"skip the first of one value",
			true,
			func(p *plot.Plot) { oldSkipFirst(p, []float64{0}, []float64{0.5}, 200) },
			func(p *plot.Plot) {
				AddHistory(p, 200, Curve{Values: []float64{0}, From: 1, Color: ClassColor(0), Label: "dual objective D(α)"})
				AddHistory(p, 200, Curve{Values: []float64{0.5}, Color: ClassColor(2), Label: "KKT violation"})
			}},
	}
	render := func(build func(*plot.Plot), log bool) []byte {
		t.Helper()
		p := NewPlot("", "epoch", "loss")
		build(p)
		if log {
			SetLogY(p)
		}
		svg, _, err := rawSVG(p, testW, testH)
		if err != nil {
			t.Fatal(err)
		}
		return svg
	}
	for _, tt := range tests {
		got, want := render(tt.new, tt.log), render(tt.old, tt.log)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: AddHistory's SVG (%d bytes) differs from the old block's (%d bytes)", tt.name, len(got), len(want))
		}
	}
}

// A history with nothing to draw adds nothing, and a negative From counts
// as 0.
func TestAddHistoryEdges(t *testing.T) {
	render := func(curves ...Curve) []byte {
		t.Helper()
		p := NewPlot("", "", "")
		AddHistory(p, 100, curves...)
		svg, _, err := rawSVG(p, testW, testH)
		if err != nil {
			t.Fatal(err)
		}
		return svg
	}
	if got, want := render(Curve{Dot: 4}, Curve{Values: []float64{1, 2}, From: 2, Dot: 4}), render(); !bytes.Equal(got, want) {
		t.Error("empty histories drew something")
	}
	ys := []float64{3, 1, 2}
	if got, want := render(Curve{Values: ys, From: -3, Dot: 4}), render(Curve{Values: ys, Dot: 4}); !bytes.Equal(got, want) {
		t.Error("From -3 draws differently from From 0")
	}
}
