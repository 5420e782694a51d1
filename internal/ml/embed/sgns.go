package embed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/mlplayground/playground/internal/ml/num"
)

// Config sets up SGNS.
type Config struct {
	Dim       int     // embedding size d
	Window    int     // context words on each side of the centre
	Negatives int     // negative words k per pair
	LR        float64 // SGD step η
}

// SGNS is skip-gram with negative sampling on a fixed corpus, one epoch a
// Step.
type SGNS struct {
	cfg       Config
	Words     []string
	index     map[string]int
	sentences [][]int
	pairs     [][2]int // (centre, context) word ids
	noise     []float64
	In, Out   [][]float64 // v_w and u_w, one row a word
	rng       *rand.Rand
	epoch     int
	loss      float64 // mean L over the last epoch's pairs
	// Buffers of one pair's update.
	gradC, gradO []float64
	gradN        [][]float64
	negIDs       []int
	negs         [][]float64
}

// NewSGNS prepares SGNS on sentences: the vocabulary, every pair of the
// window, the noise distribution P(w) ∝ count(w)^¾, the embeddings drawn
// uniformly from [−½/d, ½/d] and the output vectors at zero, as word2vec
// does. rng drives the initialisation, the order of the pairs and the
// negatives.
func NewSGNS(rng *rand.Rand, sentences [][]string, cfg Config) (*SGNS, error) {
	if cfg.Dim < 1 || cfg.Window < 1 || cfg.Negatives < 1 || !(cfg.LR > 0) {
		return nil, fmt.Errorf("embed: invalid configuration %+v", cfg)
	}
	m := &SGNS{cfg: cfg, rng: rng, index: map[string]int{}, loss: math.NaN()}
	var counts []int
	m.Words, counts = Vocabulary(sentences)
	if len(m.Words) < 2 {
		return nil, fmt.Errorf("embed: a vocabulary of %d words", len(m.Words))
	}
	for i, w := range m.Words {
		m.index[w] = i
	}
	for _, s := range sentences {
		ids := make([]int, len(s))
		for i, w := range s {
			ids[i] = m.index[w]
		}
		m.sentences = append(m.sentences, ids)
		for _, p := range Pairs(len(ids), cfg.Window) {
			m.pairs = append(m.pairs, [2]int{ids[p[0]], ids[p[1]]})
		}
	}
	m.noise = make([]float64, len(counts))
	total := 0.0
	for i, c := range counts {
		total += math.Pow(float64(c), 0.75)
		m.noise[i] = total
	}
	for i := range m.noise {
		m.noise[i] /= total
	}
	m.In, m.Out = num.Matrix(len(m.Words), cfg.Dim), num.Matrix(len(m.Words), cfg.Dim)
	for _, v := range m.In {
		for j := range v {
			v[j] = (rng.Float64() - 0.5) / float64(cfg.Dim)
		}
	}
	m.gradC, m.gradO, m.gradN = make([]float64, cfg.Dim), make([]float64, cfg.Dim), num.Matrix(cfg.Negatives, cfg.Dim)
	return m, nil
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// PairLoss is L for one centre vector vc, its context's output vector uo
// and the negatives' output vectors.
func PairLoss(vc, uo []float64, negs [][]float64) float64 {
	// −log σ(z) = log(1 + e^{−z}), written to stay finite for large |z|.
	l := softplus(-num.Dot(uo, vc))
	for _, un := range negs {
		l += softplus(num.Dot(un, vc))
	}
	return l
}

func softplus(z float64) float64 {
	if z > 30 {
		return z
	}
	return math.Log1p(math.Exp(z))
}

// PairGrad adds ∂L/∂v_c to gc, ∂L/∂u_o to go and ∂L/∂u_{n_j} to gn[j]
// (see the package doc).
func PairGrad(vc, uo []float64, negs [][]float64, gc, gO []float64, gn [][]float64) {
	g := sigmoid(num.Dot(uo, vc)) - 1
	for i := range vc {
		gc[i] += g * uo[i]
		gO[i] += g * vc[i]
	}
	for j, un := range negs {
		s := sigmoid(num.Dot(un, vc))
		for i := range vc {
			gc[i] += s * un[i]
			gn[j][i] += s * vc[i]
		}
	}
}

// drawNoise draws a word from P(w) ∝ count(w)^¾.
func (m *SGNS) drawNoise() int {
	return min(sort.SearchFloat64s(m.noise, m.rng.Float64()), len(m.noise)-1)
}

// Step runs one epoch: every pair once, in a new random order, each with
// k fresh negatives (a draw equal to the context word is skipped, as in
// word2vec), and one SGD step of η on v_c, u_o and the negatives' u along
// PairGrad's gradient of the pair's L.
func (m *SGNS) Step() {
	m.rng.Shuffle(len(m.pairs), func(i, j int) { m.pairs[i], m.pairs[j] = m.pairs[j], m.pairs[i] })
	eta := m.cfg.LR
	sum := 0.0
	for _, p := range m.pairs {
		c, o := p[0], p[1]
		m.negIDs, m.negs = m.negIDs[:0], m.negs[:0]
		for range m.cfg.Negatives {
			if n := m.drawNoise(); n != o {
				m.negIDs = append(m.negIDs, n)
				m.negs = append(m.negs, m.Out[n])
			}
		}
		vc, uo := m.In[c], m.Out[o]
		sum += PairLoss(vc, uo, m.negs)
		clear(m.gradC)
		clear(m.gradO)
		for j := range m.negIDs {
			clear(m.gradN[j])
		}
		PairGrad(vc, uo, m.negs, m.gradC, m.gradO, m.gradN[:len(m.negIDs)])
		for i := range vc {
			vc[i] -= eta * m.gradC[i]
			uo[i] -= eta * m.gradO[i]
		}
		for j, n := range m.negIDs {
			un := m.Out[n]
			for i := range un {
				un[i] -= eta * m.gradN[j][i]
			}
		}
	}
	m.loss = sum / float64(len(m.pairs))
	m.epoch++
}

// Epoch returns the number of epochs run.
func (m *SGNS) Epoch() int { return m.epoch }

// Loss returns the mean L over the pairs of the last epoch, each taken
// just before its update; NaN before the first epoch.
func (m *SGNS) Loss() float64 { return m.loss }

// PairCount returns the number of (centre, context) pairs of an epoch.
func (m *SGNS) PairCount() int { return len(m.pairs) }

// Index returns a word's row, or −1.
func (m *SGNS) Index(w string) int {
	if i, ok := m.index[w]; ok {
		return i
	}
	return -1
}

// Embeddings returns a copy of the embeddings v_w, one row a word.
func (m *SGNS) Embeddings() [][]float64 { return num.CopyRows(m.In) }

// Scored is a word and its cosine similarity to a query.
type Scored struct {
	Word   string
	Cosine float64
}

// Cosine returns u·v / (‖u‖‖v‖), or 0 when either is zero.
func Cosine(u, v []float64) float64 {
	nu, nv := math.Sqrt(num.Dot(u, u)), math.Sqrt(num.Dot(v, v))
	if nu == 0 || nv == 0 {
		return 0
	}
	return num.Dot(u, v) / (nu * nv)
}

// Rank orders words by cosine similarity of their rows of E to q, the
// most similar first (ties by word order), leaving out the words in skip.
func Rank(words []string, E [][]float64, q []float64, skip ...string) []Scored {
	out := make([]Scored, 0, len(words))
	for i, w := range words {
		if !slices.Contains(skip, w) {
			out = append(out, Scored{w, Cosine(E[i], q)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Cosine > out[j].Cosine })
	return out
}

// Neighbours ranks every other word by cosine similarity to w.
func (m *SGNS) Neighbours(w string) []Scored {
	return Rank(m.Words, m.In, m.In[m.index[w]], w)
}

// Solve ranks every word but a, b and c by cosine similarity to
// v_a − v_b + v_c.
func (m *SGNS) Solve(a, b, c string) []Scored {
	q := make([]float64, m.cfg.Dim)
	va, vb, vc := m.In[m.index[a]], m.In[m.index[b]], m.In[m.index[c]]
	for i := range q {
		q[i] = va[i] - vb[i] + vc[i]
	}
	return Rank(m.Words, m.In, q, a, b, c)
}
