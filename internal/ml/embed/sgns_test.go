package embed

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// PairGrad against central finite differences of PairLoss (step 1e-6),
// every entry of v_c, u_o and the negatives, relative error under 1e-6.
func TestPairGradFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const d, k = 5, 3
	vec := func() []float64 {
		v := make([]float64, d)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	vc, uo := vec(), vec()
	negs := [][]float64{vec(), vec(), vec()}
	gc, gO := make([]float64, d), make([]float64, d)
	gn := [][]float64{make([]float64, d), make([]float64, d), make([]float64, d)}
	PairGrad(vc, uo, negs, gc, gO, gn)
	check := func(name string, x, analytic []float64) {
		const h = 1e-6
		for i := range x {
			orig := x[i]
			x[i] = orig + h
			fp := PairLoss(vc, uo, negs)
			x[i] = orig - h
			fm := PairLoss(vc, uo, negs)
			x[i] = orig
			fd := (fp - fm) / (2 * h)
			if diff := math.Abs(fd - analytic[i]); diff > 1e-6*math.Max(math.Abs(fd), 1e-3) {
				t.Errorf("%s[%d]: PairGrad %.10g, finite difference %.10g", name, i, analytic[i], fd)
			}
		}
	}
	check("∂L/∂v_c", vc, gc)
	check("∂L/∂u_o", uo, gO)
	for j := range k {
		check("∂L/∂u_n", negs[j], gn[j])
	}
	// The closed form at zero vectors: L = (k + 1) ln 2.
	z := make([]float64, d)
	if got := PairLoss(z, z, [][]float64{z, z, z}); math.Abs(got-4*math.Ln2) > 1e-15 {
		t.Errorf("loss at zero vectors %v, want 4 ln 2", got)
	}
}

func TestPairs(t *testing.T) {
	got := Pairs(4, 1)
	want := [][2]int{{0, 1}, {1, 0}, {1, 2}, {2, 1}, {2, 3}, {3, 2}}
	if len(got) != len(want) {
		t.Fatalf("pairs %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("pairs %v, want %v", got, want)
		}
	}
	// n words, window w: 2·Σ_{g=1..w} (n − g) pairs.
	if n := len(Pairs(7, 3)); n != 2*(6+5+4) {
		t.Errorf("%d pairs of 7 words with window 3, want 30", n)
	}
}

// Every analogy the grammar claims is made of corpus words.
func TestAnalogiesUseTheVocabulary(t *testing.T) {
	words, _ := Vocabulary(Corpus(Topics, 900))
	as := Analogies(Topics)
	// Royalty: each of 8 people with the 3 others of its gender; 6·5
	// ordered pairs of countries and of animals.
	if len(as) != 8*3+30+30 {
		t.Fatalf("%d analogies, want 84", len(as))
	}
	for _, a := range as {
		for _, w := range []string{a.A, a.B, a.C, a.Answer} {
			if !slices.Contains(words, w) {
				t.Errorf("analogy %v: %q is not in the corpus", a, w)
			}
		}
	}
}

// On the built-in corpus, after 30 epochs (d = 16, window 2, 5 negatives,
// η = 0.05), the loss has fallen and king − man + woman ranks queen first.
func TestSGNSLearnsAnalogies(t *testing.T) {
	m, err := NewSGNS(rand.New(rand.NewPCG(1, 1)), Corpus(Topics, 900), Config{Dim: 16, Window: 2, Negatives: 5, LR: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	m.Step()
	first := m.Loss()
	for range 29 {
		m.Step()
	}
	if m.Loss() >= first {
		t.Errorf("loss %v after 30 epochs, %v after 1", m.Loss(), first)
	}
	for _, a := range [][4]string{{"king", "man", "woman", "queen"}, {"paris", "france", "italy", "rome"}, {"puppy", "dog", "cat", "kitten"}} {
		r := m.Solve(a[0], a[1], a[2])
		t.Logf("%s − %s + %s: %v", a[0], a[1], a[2], r[:3])
		if r[0].Word != a[3] {
			t.Errorf("%s − %s + %s ≈ %s, want %s", a[0], a[1], a[2], r[0].Word, a[3])
		}
	}
	t.Logf("neighbours of king: %v", m.Neighbours("king")[:4])
}
