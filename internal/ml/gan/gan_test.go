package gan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlplayground/playground/internal/ml/nn"
)

func testGAN(t *testing.T, loss Loss, noiseDim int) *GAN {
	t.Helper()
	return testGANOf(t, loss, noiseDim, []int{5, 4}, []int{6, 3})
}

func testGANOf(t *testing.T, loss Loss, noiseDim int, gHidden, dHidden []int) *GAN {
	t.Helper()
	cfg := Config{NoiseDim: noiseDim, GHidden: gHidden, DHidden: dHidden, Loss: loss, Optimizer: "adam",
		LR: 0.01, DSteps: 2, Batch: 16, TrainD: true, TrainG: true}
	g, err := New(rand.New(rand.NewPCG(3, 4)), cfg, NewTarget(Ring(8, 2, 0.1)...))
	if err != nil {
		t.Fatal(err)
	}
	// A few updates so that the weights are not at their symmetric start.
	for range 5 {
		g.Step()
	}
	return g
}

// gradCheck compares the tape's gradient of loss with respect to every
// value of wrt with central differences, h = 1e-5, as nn's own tests do:
// relative error below 1e-6, or an absolute one below 1e-9 where both are
// rounding noise.
func gradCheck(t *testing.T, name string, wrt []*nn.Tensor, loss func(tp *nn.Tape) *nn.Tensor) {
	t.Helper()
	const h = 1e-5
	for _, w := range wrt {
		w.ZeroGrad()
	}
	tp := &nn.Tape{}
	tp.Backward(loss(tp))
	checked := 0
	for k, w := range wrt {
		analytic := append([]float64(nil), w.Grad...)
		for i := range w.Data {
			orig := w.Data[i]
			w.Data[i] = orig + h
			fp := loss(&nn.Tape{}).Value()
			w.Data[i] = orig - h
			fm := loss(&nn.Tape{}).Value()
			w.Data[i] = orig
			num := (fp - fm) / (2 * h)
			diff := math.Abs(analytic[i] - num)
			rel := diff / math.Max(math.Abs(analytic[i]), math.Abs(num))
			if rel > 1e-6 && diff > 1e-9 {
				t.Errorf("%s: tensor %d [%d]: backward %.10g, finite difference %.10g (relative error %.2g)", name, k, i, analytic[i], num, rel)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatalf("%s: nothing checked", name)
	}
}

// TestGradients: backpropagation through D (for L_D) and through D and G
// (for L_G) matches finite differences for both games, and so does the
// gradient with respect to the generated points that the arrows show; for
// small networks, the scenario's default ones (16, 16) and networks
// without hidden layers (an affine G, a logistic D).
func TestGradients(t *testing.T) {
	for _, c := range []struct {
		loss     Loss
		noiseDim int
		g, d     []int
	}{
		{LossLog, 3, []int{5, 4}, []int{6, 3}}, {LossLSQ, 3, []int{5, 4}, []int{6, 3}},
		{LossLog, 2, []int{16, 16}, []int{16, 16}}, {LossLSQ, 2, []int{16, 16}, []int{16, 16}},
		{LossLog, 1, nil, nil}, {LossLSQ, 4, nil, []int{3}},
	} {
		loss := c.loss
		g := testGANOf(t, loss, c.noiseDim, c.g, c.d)
		rng := rand.New(rand.NewPCG(9, 9))
		real, _ := g.target.SampleN(rng, 7)
		z := Noise(rng, 7, c.noiseDim)
		name := fmt.Sprintf("%s G %v D %v", map[Loss]string{LossLog: "log", LossLSQ: "lsq"}[loss], c.g, c.d)
		gradCheck(t, name+" L_D wrt D", g.D.Params(), func(tp *nn.Tape) *nn.Tensor { return g.DiscriminatorLoss(tp, real, z) })
		gradCheck(t, name+" L_G wrt G", g.G.Params(), func(tp *nn.Tape) *nn.Tensor { return g.GeneratorLoss(tp, z) })
		x := g.Generate(z, 7)
		xt := nn.Param(7, 2, x)
		gradCheck(t, name+" L_G wrt x", []*nn.Tensor{xt}, func(tp *nn.Tape) *nn.Tensor { return g.generatorLoss(tp, xt) })
		// GeneratorGradient is that same gradient.
		got := g.GeneratorGradient(x, 7)
		xt.ZeroGrad()
		tp := &nn.Tape{}
		tp.Backward(g.generatorLoss(tp, xt))
		for i := range got {
			if got[i] != xt.Grad[i] {
				t.Fatalf("%s: GeneratorGradient[%d] = %v, tape %v", name, i, got[i], xt.Grad[i])
			}
		}
	}
}

// TestLossesMatchTape: the closed forms of Losses, from D's outputs alone,
// equal the losses the tape trains on, to 1e-12.
func TestLossesMatchTape(t *testing.T) {
	for _, loss := range []Loss{LossLog, LossLSQ} {
		g := testGAN(t, loss, 2)
		rng := rand.New(rand.NewPCG(5, 6))
		real, _ := g.target.SampleN(rng, 20)
		z := Noise(rng, 20, 2)
		dReal, dFake := g.Discriminate(real, 20), g.Discriminate(g.Generate(z, 20), 20)
		dLoss, gLoss := Losses(loss, dReal, dFake)
		if want := g.DiscriminatorLoss(&nn.Tape{}, real, z).Value(); math.Abs(dLoss-want) > 1e-12 {
			t.Errorf("loss %d: L_D %v, tape %v", loss, dLoss, want)
		}
		if want := g.GeneratorLoss(&nn.Tape{}, z).Value(); math.Abs(gLoss-want) > 1e-12 {
			t.Errorf("loss %d: L_G %v, tape %v", loss, gLoss, want)
		}
	}
}

// TestLossesClosedForm: at D = ½ everywhere the losses are the
// equilibrium values, and one hand-computed pair.
func TestLossesClosedForm(t *testing.T) {
	half := []float64{0.5, 0.5, 0.5}
	for _, loss := range []Loss{LossLog, LossLSQ} {
		d, g := Losses(loss, half, half)
		wd, wg := Equilibrium(loss)
		if math.Abs(d-wd) > 1e-15 || math.Abs(g-wg) > 1e-15 {
			t.Errorf("loss %d at D = ½: %v, %v, want %v, %v", loss, d, g, wd, wg)
		}
	}
	// D(x) = 0.8, D(G(z)) = 0.4: L_D = −(log 0.8 + log 0.6), L_G = −log 0.4.
	d, g := Losses(LossLog, []float64{0.8}, []float64{0.4})
	if want := -(math.Log(0.8) + math.Log(0.6)); math.Abs(d-want) > 1e-15 {
		t.Errorf("L_D %v, want %v", d, want)
	}
	if want := -math.Log(0.4); math.Abs(g-want) > 1e-15 {
		t.Errorf("L_G %v, want %v", g, want)
	}
	// Least squares: ½(0.8 − 1)² + ½·0.4² = 0.1, ½(0.4 − 1)² = 0.18.
	d, g = Losses(LossLSQ, []float64{0.8}, []float64{0.4})
	if math.Abs(d-0.1) > 1e-15 || math.Abs(g-0.18) > 1e-15 {
		t.Errorf("least squares: %v, %v, want 0.1, 0.18", d, g)
	}
}

// TestDiscriminatorLearns: D alone, on a G that does not move, separates
// the ring from G's blob at the centre: its loss falls well below the
// equilibrium 2 log 2.
func TestDiscriminatorLearns(t *testing.T) {
	cfg := Config{NoiseDim: 2, GHidden: []int{8}, DHidden: []int{16, 16}, Loss: LossLog, Optimizer: "adam",
		LR: 0.01, DSteps: 1, Batch: 64, TrainD: true}
	g, err := New(rand.New(rand.NewPCG(1, 1)), cfg, NewTarget(Ring(8, 2, 0.1)...))
	if err != nil {
		t.Fatal(err)
	}
	g0 := g.G.Params()[0].Data[0]
	for range 300 {
		g.Step()
	}
	if g.G.Params()[0].Data[0] != g0 {
		t.Error("G changed while only D trains")
	}
	rng := rand.New(rand.NewPCG(2, 2))
	real, _ := g.target.SampleN(rng, 200)
	z := Noise(rng, 200, 2)
	d, _ := Losses(LossLog, g.Discriminate(real, 200), g.Discriminate(g.Generate(z, 200), 200))
	if d > 0.3 {
		t.Errorf("after 300 updates of D alone L_D = %v, want below 0.3 (equilibrium %v)", d, 2*math.Ln2)
	}
	if du, gu := g.Updates(); du != 300 || gu != 0 {
		t.Errorf("updates %d, %d, want 300, 0", du, gu)
	}
}

// TestJS: 0 for one histogram against itself, log 2 for two with no cell
// in common, and a hand-computed value.
func TestJS(t *testing.T) {
	a := &Histogram{P: []float64{0.5, 0.5, 0, 0}}
	b := &Histogram{P: []float64{0, 0, 0.5, 0.5}}
	if got := JS(a, a); got != 0 {
		t.Errorf("JS(P, P) = %v", got)
	}
	if got := JS(a, b); math.Abs(got-math.Ln2) > 1e-15 {
		t.Errorf("disjoint: %v, want log 2", got)
	}
	// P = (1, 0), Q = (½, ½): M = (¾, ¼); JS = ½·log(4/3) + ½(½ log(2/3) + ½ log 2).
	p, q := &Histogram{P: []float64{1, 0}}, &Histogram{P: []float64{0.5, 0.5}}
	want := 0.5*math.Log(4.0/3) + 0.5*(0.5*math.Log(2.0/3)+0.5*math.Log(2))
	if got := JS(p, q); math.Abs(got-want) > 1e-15 {
		t.Errorf("JS = %v, want %v", got, want)
	}
}

// TestHistogram: a point in the middle of a cell spreads ¼ ½ ¼ along each
// axis; edge cells keep what would leave; outside points have their cell.
func TestHistogram(t *testing.T) {
	h := NewHistogram([]float64{0.5, 1.5, 10, 0}, 0, 4, 4) // cells of width 1
	if got := h.P[16]; got != 0.5 {
		t.Errorf("outside cell %v, want 0.5", got)
	}
	// The first point is in column 0, row 1: along x it spreads ¾ (column
	// 0, reflected) and ¼ (column 1); along y ¼ ½ ¼ over rows 0, 1, 2.
	want := map[int]float64{0: 0.75 * 0.25, 1: 0.25 * 0.25, 4: 0.75 * 0.5, 5: 0.25 * 0.5, 8: 0.75 * 0.25, 9: 0.25 * 0.25}
	var sum float64
	for i, p := range h.P {
		sum += p
		if i == 16 {
			continue
		}
		if w := 0.5 * want[i]; math.Abs(p-w) > 1e-15 {
			t.Errorf("cell %d: %v, want %v", i, p, w)
		}
	}
	if math.Abs(sum-1) > 1e-15 {
		t.Errorf("probabilities sum to %v", sum)
	}
}

// TestCoverage: points on three of the ring's eight modes, one far off.
func TestCoverage(t *testing.T) {
	tg := NewTarget(Ring(8, 2, 0.1)...)
	xy := []float64{2, 0, 2.1, 0.1, 0, 2, 0, 1.9, -2, 0, -2, 0.05, 0, 0}
	counts, covered, on := tg.Coverage(xy, 0.2)
	if covered != 3 || counts[0] != 2 || counts[2] != 2 || counts[4] != 2 || math.Abs(on-6.0/7) > 1e-15 {
		t.Errorf("counts %v, covered %d, on target %v; want modes 0, 2, 4 with 2 each, 3 covered, 6/7", counts, covered, on)
	}
	moons := NewTarget(Moons(1, 0.05)...)
	// The outer moon's top, (0, 1) before the shift, and the inner one's
	// bottom, (1, −½).
	if k := moons.ModeOf(-0.5, 0.75); k != 0 {
		t.Errorf("outer moon's top on mode %d", k)
	}
	if k := moons.ModeOf(0.5, -0.75); k != 1 {
		t.Errorf("inner moon's bottom on mode %d", k)
	}
	if k := moons.ModeOf(2, 2); k != -1 {
		t.Errorf("(2, 2) on mode %d", k)
	}
}

// TestDeterministic: one seed, one run, to the bit.
func TestDeterministic(t *testing.T) {
	run := func() []float64 {
		g := testGAN(t, LossLog, 2)
		for range 20 {
			g.Step()
		}
		return g.Generate([]float64{0.1, -0.3, 0.7, 0.2}, 2)
	}
	a, b := run(), run()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("two runs differ: %v, %v", a, b)
		}
	}
}
