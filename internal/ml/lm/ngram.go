package lm

import (
	"math"
	"strconv"
	"strings"
)

// NGram is the count-based model of order C+1: the probability of the
// next token w after the context h (the C tokens before it) is
//
//	P(w | h) = (count(h, w) + k) / (count(h) + k·V)
//
// with the counts taken over the training text and add-k smoothing, so a
// pair never seen keeps a probability. C = 0 is the unigram model.
type NGram struct {
	C     int
	K     float64
	V     int
	pairs map[string]int // key(h) + "|" + w
	ctx   map[string]int // key(h)
}

func key(h []int) string {
	var b strings.Builder
	for _, t := range h {
		b.WriteString(strconv.Itoa(t))
		b.WriteByte(',')
	}
	return b.String()
}

// NewNGram counts the training text of c: every position i ≥ C of it,
// with the C tokens before it as context.
func NewNGram(c *Corpus, C int, k float64) *NGram {
	m := &NGram{C: C, K: k, V: c.V(), pairs: map[string]int{}, ctx: map[string]int{}}
	for i := C; i < c.NTrain; i++ {
		h := key(c.Tokens[i-C : i])
		m.ctx[h]++
		m.pairs[h+"|"+strconv.Itoa(c.Tokens[i])]++
	}
	return m
}

// Prob returns P(w | h) for the last C tokens h of window.
func (m *NGram) Prob(window []int, w int) float64 {
	h := key(window[len(window)-m.C:])
	return (float64(m.pairs[h+"|"+strconv.Itoa(w)]) + m.K) / (float64(m.ctx[h]) + m.K*float64(m.V))
}

// Dist returns P(· | h) over the vocabulary.
func (m *NGram) Dist(window []int) []float64 {
	p := make([]float64, m.V)
	for w := range p {
		p[w] = m.Prob(window, w)
	}
	return p
}

// Probs returns the probability the model gives each token of the corpus
// from position from to to (excluded), after its context.
func (m *NGram) Probs(c *Corpus, from, to int) []float64 {
	p := make([]float64, 0, to-from)
	for i := from; i < to; i++ {
		p = append(p, m.Prob(c.Tokens[:i], c.Tokens[i]))
	}
	return p
}

// Perplexity is exp of the mean negative log-likelihood per token,
// exp(−1/T Σ log p_t): the course's (Π 1/p_t)^{1/T}, computed in logs.
func Perplexity(probs []float64) float64 {
	var s float64
	for _, p := range probs {
		s -= math.Log(p)
	}
	return math.Exp(s / float64(len(probs)))
}
