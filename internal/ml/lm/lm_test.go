package lm

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The corpus cut into tokens and joined again is the text, at both
// levels; the training text ends at a sentence's end and the validation
// text holds about ValidationShare of the tokens.
func TestCorpus(t *testing.T) {
	for _, level := range []Level{Char, Word} {
		c := Load(level)
		if got := c.Join(c.Tokens); got != Text() {
			t.Errorf("level %d: joined tokens differ from the text", level)
		}
		train := c.Join(c.Train())
		if !strings.HasSuffix(train, map[Level]string{Char: ". ", Word: "."}[level]) {
			t.Errorf("level %d: training text ends %q", level, train[len(train)-5:])
		}
		share := float64(len(c.Validation())) / float64(len(c.Tokens))
		if share > ValidationShare || share < ValidationShare-0.03 {
			t.Errorf("level %d: validation share %.3f", level, share)
		}
		if !slices.IsSorted(c.Vocab) {
			t.Errorf("level %d: vocabulary not sorted", level)
		}
	}
	c := Load(Word)
	toks, unknown := c.Tokenize("the zebra sat on the jazz zebra.")
	if !slices.Equal(unknown, []string{"zebra", "jazz"}) || c.Join(toks) != "the sat on the." {
		t.Errorf("tokenize: %q, unknown %q", c.Join(toks), unknown)
	}
	if _, unknown := Load(Char).Tokenize("jazz"); !slices.Equal(unknown, []string{"j", "z"}) {
		t.Errorf("characters unknown %q, want j and z", unknown)
	}
	// A short prompt is read after the end of the training text.
	w := c.PromptWindow(toks[:1], 3)
	if tr := c.Train(); len(w) != 3 || !slices.Equal(w[:2], tr[len(tr)-2:]) || c.Vocab[w[1]] != "." || c.Vocab[w[2]] != "the" {
		t.Errorf("window %q", c.Join(w))
	}
}

// The n-gram's distribution after any context sums to 1, and a pair's
// probability is its count plus k over the context's count plus k·V,
// counted here by hand.
func TestNGram(t *testing.T) {
	c := Load(Char)
	g := NewNGram(c, 2, 0.1)
	for _, ctx := range []string{"th", "e ", "qq", ". "} {
		w, _ := c.Tokenize(ctx)
		var s float64
		for _, p := range g.Dist(w) {
			s += p
		}
		if math.Abs(s-1) > 1e-12 {
			t.Errorf("after %q: sum %v", ctx, s)
		}
	}
	train := c.Join(c.Train())
	// count "th" followed by "e" in the training text, positions ≥ 2.
	var nth, nthe int
	for i := 2; i < len(train); i++ {
		if train[i-2:i] == "th" {
			nth++
			if train[i] == 'e' {
				nthe++
			}
		}
	}
	h, _ := c.Tokenize("th")
	e, _ := c.Tokenize("e")
	want := (float64(nthe) + 0.1) / (float64(nth) + 0.1*float64(c.V()))
	if got := g.Prob(h, e[0]); math.Abs(got-want) > 1e-15 || nth < 50 {
		t.Errorf("P(e | th) = %v, want %v (%d of %d)", got, want, nthe, nth)
	}
	// A uniform guess has perplexity V.
	if pp := Perplexity(slices.Repeat([]float64{1.0 / 25}, 40)); math.Abs(pp-25) > 1e-12 {
		t.Errorf("uniform perplexity %v", pp)
	}
}

// τ = 1 leaves p alone, τ = 0 is the argmax, a small τ nearly so, a large
// one flattens; Draw follows the cumulative distribution.
func TestTemperature(t *testing.T) {
	p := []float64{0.1, 0.5, 0.15, 0.25}
	for i, q := range Temper(p, 1) {
		if math.Abs(q-p[i]) > 1e-15 {
			t.Errorf("τ = 1: %v", Temper(p, 1))
		}
	}
	if q := Temper(p, 0); !slices.Equal(q, []float64{0, 1, 0, 0}) {
		t.Errorf("τ = 0: %v", q)
	}
	if q := Temper(p, 0.05); q[1] < 1-1e-5 {
		t.Errorf("τ = 0.05: %v", q)
	}
	// τ = 0.5 squares and renormalises.
	s := 0.01 + 0.25 + 0.0225 + 0.0625
	for i, q := range Temper(p, 0.5) {
		if math.Abs(q-p[i]*p[i]/s) > 1e-15 {
			t.Errorf("τ = 0.5: %v", Temper(p, 0.5))
		}
	}
	if q := Temper(p, 1000); q[1]-q[0] > 0.01 {
		t.Errorf("τ = 1000: %v", q)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	counts := make([]float64, 4)
	const n = 100000
	for range n {
		counts[Draw(rng, p)]++
	}
	for i := range p {
		if math.Abs(counts[i]/n-p[i]) > 0.005 {
			t.Errorf("token %d drawn %.4f of the time, p = %v", i, counts[i]/n, p[i])
		}
	}
}

// Sampling at τ = 0 is the greedy continuation, computed here one token at
// a time from the model's distributions; any seed gives the same.
func TestSampleAtZeroIsArgmax(t *testing.T) {
	c := Load(Char)
	for _, arch := range []Arch{LSTM, Transformer} {
		m := NewNeural(rand.New(rand.NewPCG(3, 4)), arch, 4, c.V())
		for i := 0; i < 40; i++ {
			m.TrainBatch(c, []int{4 + i, 100 + i, 200 + i})
		}
		prompt, _ := c.Tokenize("the cat")
		w := c.PromptWindow(prompt, 4)
		greedy := slices.Clone(w)
		for range 20 {
			d := m.Dists(greedy[len(greedy)-4:])[0]
			greedy = append(greedy, argmax(d))
		}
		for seed := range uint64(3) {
			got := Sample(rand.New(rand.NewPCG(seed, 0)), m, w, 4, 2, 20, 0)
			for _, s := range got {
				if !slices.Equal(s, greedy[4:]) {
					t.Errorf("arch %d seed %d: %q, greedy %q", arch, seed, c.Join(s), c.Join(greedy[4:]))
				}
			}
		}
	}
}

// The probabilities TrainBatch reports are the model's before the update,
// the same as Probs gives for those positions.
func TestTrainBatchReportsProbs(t *testing.T) {
	c := Load(Word)
	for _, arch := range []Arch{LSTM, RNN, Transformer} {
		m := NewNeural(rand.New(rand.NewPCG(5, 6)), arch, 3, c.V())
		pos := []int{3, 10, 57, 200}
		before := m.Probs(c, 3, 201)
		got := m.TrainBatch(c, pos)
		for k, i := range pos {
			if math.Abs(got[k]-before[i-3]) > 1e-12 {
				t.Errorf("arch %d position %d: %v, Probs %v", arch, i, got[k], before[i-3])
			}
		}
		if after := m.Probs(c, 3, 201); after[0] == before[0] {
			t.Errorf("arch %d: the update changed nothing", arch)
		}
	}
}
