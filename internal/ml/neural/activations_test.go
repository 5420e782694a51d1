package neural

import (
	"math"
	"testing"

	"github.com/mlplayground/playground/internal/ml/nn"
)

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// TestSoftmaxTwoLogits: with two logits the softmax is the sigmoid of
// their difference over T, p₁ = σ((z₁ − z₂)/T), to 1e-15.
func TestSoftmaxTwoLogits(t *testing.T) {
	for _, c := range []struct{ z1, z2, T float64 }{{2, 1, 1}, {-3, 4, 0.5}, {0, 0, 2}, {10, -10, 10}, {1.5, 1.25, 0.05}} {
		p := Softmax([]float64{c.z1, c.z2}, c.T)
		want := sigmoid((c.z1 - c.z2) / c.T)
		if math.Abs(p[0]-want) > 1e-15 || math.Abs(p[1]-(1-want)) > 1e-15 {
			t.Errorf("softmax(%v, %v)/%v = %v, want σ = %v", c.z1, c.z2, c.T, p, want)
		}
	}
}

// TestSoftmaxProperties: probabilities sum to 1, adding a constant to every
// logit changes nothing (to 1e-15), T → 0 is one-hot on the largest logit
// and a huge T is uniform.
func TestSoftmaxProperties(t *testing.T) {
	z := []float64{2, 1, 0.1, -1}
	for _, T := range []float64{0.05, 0.3, 1, 4, 10} {
		p := Softmax(z, T)
		shifted := Softmax([]float64{z[0] + 7.5, z[1] + 7.5, z[2] + 7.5, z[3] + 7.5}, T)
		sum := 0.0
		for j := range p {
			sum += p[j]
			if math.Abs(p[j]-shifted[j]) > 1e-15 {
				t.Errorf("T = %v: p[%d] = %v but %v after adding 7.5 to every logit", T, j, p[j], shifted[j])
			}
		}
		if math.Abs(sum-1) > 1e-15 {
			t.Errorf("T = %v: probabilities sum to %v", T, sum)
		}
	}
	// At T = 0.05 the runner-up is e^(−1/0.05) = e^(−20) ≈ 2e-9 of the top.
	cold := Softmax(z, 0.05)
	if cold[0] < 1-1e-8 || cold[1] > 3e-9 {
		t.Errorf("T = 0.05: %v, want one-hot on logit 1", cold)
	}
	// At T = 1e6 each logit differs from the mean by at most 3e-6 of T.
	hot := Softmax(z, 1e6)
	for j, p := range hot {
		if math.Abs(p-0.25) > 1e-6 {
			t.Errorf("T = 1e6: p[%d] = %v, want 1/4", j, p)
		}
	}
	// No overflow for logits far apart at a small T.
	if p := Softmax([]float64{10, -10}, 0.05); math.IsNaN(p[0]) || p[0] != 1 {
		t.Errorf("softmax(10, −10)/0.05 = %v", p)
	}
}

// TestVanishingZones against closed forms: σ′ = σ(1 − σ) = 0.05 at
// σ = (1 ± √0.8)/2, i.e. |x| = ln((1 + √0.8)/(1 − √0.8)); tanh′ = 1 − tanh²
// = 0.05 at |x| = atanh(√0.95); ReLU′ and leaky ReLU′ (0 and 0.01) are
// below 0.05 for x ≤ 0.
func TestVanishingZones(t *testing.T) {
	s := math.Log((1 + math.Sqrt(0.8)) / (1 - math.Sqrt(0.8)))
	th := math.Atanh(math.Sqrt(0.95))
	want := map[string][][2]float64{
		"sigmoid":    {{-6, -s}, {s, 6}},
		"tanh":       {{-6, -th}, {th, 6}},
		"relu":       {{-6, 0}},
		"leaky_relu": {{-6, 0}},
	}
	for name, w := range want {
		got := VanishingZones(nn.Activations[name], -6, 6, 0.05)
		if len(got) != len(w) {
			t.Errorf("%s: zones %v, want %v", name, got, w)
			continue
		}
		for i := range w {
			if math.Abs(got[i][0]-w[i][0]) > 1e-8 || math.Abs(got[i][1]-w[i][1]) > 1e-8 {
				t.Errorf("%s: zone %d = %v, want %v", name, i, got[i], w[i])
			}
		}
	}
}
