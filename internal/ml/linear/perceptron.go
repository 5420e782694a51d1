package linear

import (
	"fmt"
	"slices"

	"github.com/mlplayground/playground/internal/ml"
)

// Perceptron is Rosenblatt's perceptron trained online: one sample per
// Step, visited in a fixed cyclic order. With labels y ∈ {0, 1}, the unit
// predicts with the Heaviside step H (1 when its argument is ≥ 0) and
// corrects itself only on a mistake:
//
//	ŷ = H(wᵀx + b)
//	w ← w + η(y − ŷ)x
//	b ← b + η(y − ŷ)
//
// (Rosenblatt 1958, "The perceptron: a probabilistic model for information
// storage and organization in the brain", Psychological Review 65(6).)
//
// When a line separates the classes with margin γ (some unit vector u of
// (w, b) with (2y − 1)·uᵀ(x, 1) ≥ γ for every sample) and R bounds the
// length of every (x, 1), the perceptron started from w = 0, b = 0 makes at
// most (R/γ)² mistakes, whatever η (Novikoff 1962, "On convergence proofs
// on perceptrons", Symposium on the Mathematical Theory of Automata). When
// no line separates them, some sample is wrong in every epoch and the
// weights never settle.
//
// A Perceptron is not safe for concurrent use.
type Perceptron struct {
	x  [][]float64 // n×d copy of the samples
	y  []int       // labels 0 or 1
	w  []float64
	b  float64
	lr float64

	pos       int // index of the next sample to visit
	visited   int // sample of the last step, −1 before the first
	mistake   bool
	update    []float64 // η(y − ŷ)x of the last step (zero when right)
	epoch     int       // completed epochs
	errors    []int     // mistakes per completed epoch
	current   int       // mistakes so far in the current epoch
	updates   int       // mistakes (updates) since the start
	converged bool
}

var _ ml.Stepper = (*Perceptron)(nil)

// NewPerceptron returns a perceptron for samples X with labels y (0 or 1)
// starting from weights w0 and bias b0, with learning rate lr. It copies
// its arguments. It returns an error for empty data or labels other than 0
// and 1, and panics when the lengths disagree or lr ≤ 0.
func NewPerceptron(X [][]float64, y []int, w0 []float64, b0, lr float64) (*Perceptron, error) {
	if len(X) != len(y) {
		panic(fmt.Sprintf("ml: NewPerceptron with %d samples and %d labels", len(X), len(y)))
	}
	if !(lr > 0) {
		panic("ml: NewPerceptron learning rate must be positive")
	}
	if len(X) == 0 {
		return nil, fmt.Errorf("ml: perceptron: no samples")
	}
	for i, x := range X {
		if len(x) != len(w0) {
			panic(fmt.Sprintf("ml: NewPerceptron sample %d has %d features, weights %d", i, len(x), len(w0)))
		}
		if y[i] != 0 && y[i] != 1 {
			return nil, fmt.Errorf("ml: perceptron: label %d of sample %d is not 0 or 1", y[i], i)
		}
	}
	p := &Perceptron{y: slices.Clone(y), w: slices.Clone(w0), b: b0, lr: lr, visited: -1,
		update: make([]float64, len(w0))}
	for _, x := range X {
		p.x = append(p.x, slices.Clone(x))
	}
	return p, nil
}

// Score returns wᵀx + b.
func (p *Perceptron) Score(x []float64) float64 {
	s := p.b
	for j, v := range x {
		s += p.w[j] * v
	}
	return s
}

// Predict returns H(wᵀx + b): 1 when the score is ≥ 0, else 0.
func (p *Perceptron) Predict(x []float64) int {
	if p.Score(x) >= 0 {
		return 1
	}
	return 0
}

// Step visits the next sample and updates the weights if it is
// misclassified. After the last sample of an epoch it records the epoch's
// mistakes; an epoch without any sets Converged, after which Step does
// nothing.
func (p *Perceptron) Step() {
	if p.converged {
		return
	}
	i := p.pos
	x := p.x[i]
	diff := float64(p.y[i] - p.Predict(x)) // y − ŷ ∈ {−1, 0, 1}
	p.visited, p.mistake = i, diff != 0
	for j, v := range x {
		p.update[j] = p.lr * diff * v
		p.w[j] += p.update[j]
	}
	p.b += p.lr * diff
	if p.mistake {
		p.current++
		p.updates++
	}
	p.pos++
	if p.pos == len(p.x) {
		p.errors = append(p.errors, p.current)
		p.converged = p.current == 0
		p.pos, p.current = 0, 0
		p.epoch++
	}
}

// Weights returns a copy of w.
func (p *Perceptron) Weights() []float64 { return slices.Clone(p.w) }

// Bias returns b.
func (p *Perceptron) Bias() float64 { return p.b }

// Visited returns the index of the sample the last step looked at, −1
// before the first step.
func (p *Perceptron) Visited() int { return p.visited }

// Mistake reports whether the last visited sample was misclassified (and so
// moved the weights).
func (p *Perceptron) Mistake() bool { return p.mistake }

// Update returns the change η(y − ŷ)x the last step made to w (zeros when
// it made none); the bias changed by η(y − ŷ).
func (p *Perceptron) Update() []float64 { return slices.Clone(p.update) }

// Next returns the index of the sample the next step will visit.
func (p *Perceptron) Next() int { return p.pos }

// Epoch returns the number of completed epochs (passes over the samples).
func (p *Perceptron) Epoch() int { return p.epoch }

// EpochErrors returns the mistakes of every completed epoch.
func (p *Perceptron) EpochErrors() []int { return slices.Clone(p.errors) }

// CurrentErrors returns the mistakes so far in the epoch under way.
func (p *Perceptron) CurrentErrors() int { return p.current }

// Updates returns the number of mistakes, hence updates, since the start.
func (p *Perceptron) Updates() int { return p.updates }

// Converged reports whether a whole epoch went by without a mistake: every
// sample is on its side of the line, and no later step would change it.
func (p *Perceptron) Converged() bool { return p.converged }

// Done reports whether the run has ended: it is Converged. On data no
// line separates it never is.
func (p *Perceptron) Done() bool { return p.converged }
