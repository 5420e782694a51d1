package neural

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlplayground/playground/internal/ml/dataset"
)

// deepLoss recomputes the full-batch loss of d's network from its raw
// parameters, independently of package nn's tape: dense layers, batch
// normalisation with the batch's mean and biased variance (ε = 1e-5),
// the activation written out here, a sigmoid output and the mean binary
// cross-entropy.
func deepLoss(d *DeepNet) float64 {
	f := map[string]func(float64) float64{
		"sigmoid": func(z float64) float64 { return 1 / (1 + math.Exp(-z)) },
		"tanh":    math.Tanh,
		"relu":    func(z float64) float64 { return math.Max(z, 0) },
	}[d.cfg.Activation]
	n := d.data.n()
	a := make([][]float64, n)
	for i := range a {
		a[i] = append([]float64(nil), d.data.x[i*d.data.d:(i+1)*d.data.d]...)
	}
	for l, layer := range d.mlp.Layers {
		in, out := layer.W.Rows, layer.W.Cols
		z := make([][]float64, n)
		for i := range z {
			z[i] = make([]float64, out)
			for o := range out {
				s := layer.B.Data[o]
				for k := range in {
					s += a[i][k] * layer.W.Data[k*out+o]
				}
				z[i][o] = s
			}
		}
		if bn := layer.Norm; bn != nil {
			for o := range out {
				var mean, vr float64
				for i := range n {
					mean += z[i][o] / float64(n)
				}
				for i := range n {
					vr += (z[i][o] - mean) * (z[i][o] - mean) / float64(n)
				}
				for i := range n {
					z[i][o] = bn.Gamma.Data[o]*(z[i][o]-mean)/math.Sqrt(vr+1e-5) + bn.Beta.Data[o]
				}
			}
		}
		act := f
		if l == len(d.mlp.Layers)-1 {
			act = func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
		}
		for i := range z {
			for o := range z[i] {
				z[i][o] = act(z[i][o])
			}
		}
		a = z
	}
	var loss float64
	for i, row := range a {
		p := row[0]
		loss -= d.data.y[i]*math.Log(p) + (1-d.data.y[i])*math.Log(1-p)
	}
	return loss / float64(n)
}

// GradNorms must equal the norms of a central-difference gradient of the
// independent loss, (L(w+h) − L(w−h))/2h per weight, to 1e-6 relative.
// At h = 1e-6 the quotient's truncation error is O(h²) and its rounding
// error about ε·L/h ≈ 1e-10, both far below the tolerance.
func TestDeepNetGradNormsFiniteDifferences(t *testing.T) {
	X, labels := dataset.Circles(rand.New(rand.NewPCG(5, 1)), 24, 0.1, 0.5)
	y := make([]float64, len(labels))
	for i, l := range labels {
		y[i] = float64(l)
	}
	for _, tc := range []struct {
		act string
		bn  bool
	}{{"sigmoid", false}, {"tanh", false}, {"relu", false}, {"sigmoid", true}, {"relu", true}} {
		d, err := NewDeepNet(rand.New(rand.NewPCG(6, 2)), X, y, DeepNetConfig{Depth: 3, Units: 4, Activation: tc.act, BatchNorm: tc.bn, LearningRate: 0.1, Batch: 8})
		if err != nil {
			t.Fatal(err)
		}
		for step := range 3 {
			if step > 0 {
				d.Step()
			}
			if got, want := d.Loss(), deepLoss(d); math.Abs(got-want) > 1e-12*want {
				t.Fatalf("%+v step %d: loss %v, independent forward %v", tc, step, got, want)
			}
			norms := d.GradNorms()
			if len(norms) != 4 {
				t.Fatalf("%d norms for 3 hidden layers and the output", len(norms))
			}
			const h = 1e-6
			for l, layer := range d.mlp.Layers {
				var sq float64
				for i := range layer.W.Data {
					orig := layer.W.Data[i]
					layer.W.Data[i] = orig + h
					fp := deepLoss(d)
					layer.W.Data[i] = orig - h
					fm := deepLoss(d)
					layer.W.Data[i] = orig
					g := (fp - fm) / (2 * h)
					sq += g * g
				}
				want := math.Sqrt(sq)
				if rel := math.Abs(norms[l]-want) / want; rel > 1e-6 {
					t.Errorf("%+v step %d layer %d: norm %.10g, finite differences %.10g (relative error %.2g)", tc, step, l, norms[l], want, rel)
				}
			}
		}
	}
}

// The measuring pass must not change the network: measuring twice gives
// the same numbers and leaves the batch-norm running statistics alone.
func TestDeepNetMeasureHasNoSideEffect(t *testing.T) {
	X, labels := dataset.Circles(rand.New(rand.NewPCG(5, 1)), 40, 0.1, 0.5)
	y := make([]float64, len(labels))
	for i, l := range labels {
		y[i] = float64(l)
	}
	d, err := NewDeepNet(rand.New(rand.NewPCG(6, 2)), X, y, DeepNetConfig{Depth: 4, Units: 5, Activation: "sigmoid", BatchNorm: true, LearningRate: 0.1, Batch: 8})
	if err != nil {
		t.Fatal(err)
	}
	d.Step()
	norms, loss := d.GradNorms(), d.Loss()
	mean := append([]float64(nil), d.mlp.Layers[0].Norm.RunningMean...)
	d.measure()
	for l, v := range d.GradNorms() {
		if v != norms[l] {
			t.Errorf("layer %d: norm %v then %v", l, norms[l], v)
		}
	}
	if d.Loss() != loss {
		t.Errorf("loss %v then %v", loss, d.Loss())
	}
	for j, v := range d.mlp.Layers[0].Norm.RunningMean {
		if v != mean[j] {
			t.Fatalf("measuring moved running mean %d from %v to %v", j, mean[j], v)
		}
	}
}

func TestDeepNetBadConfig(t *testing.T) {
	X := [][]float64{{0, 0}, {1, 1}}
	y := []float64{0, 1}
	for _, cfg := range []DeepNetConfig{
		{Depth: 2, Units: 3, Activation: "softplus", LearningRate: 0.1, Batch: 1},
		{Depth: 0, Units: 3, Activation: "relu", LearningRate: 0.1, Batch: 1},
		{Depth: 2, Units: 3, Activation: "relu", LearningRate: 0.1, Batch: 0},
	} {
		if _, err := NewDeepNet(rand.New(rand.NewPCG(1, 1)), X, y, cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}
