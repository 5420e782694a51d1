package linear

import (
	"errors"
	"fmt"
	"math"

	"github.com/mlplayground/playground/internal/ml"
	"github.com/mlplayground/playground/internal/ml/num"
)

// Margin losses of a binary classifier f with labels y ∈ {−1, +1}. Each is
// a function of the margin m = y·f(x) alone: positive when the sample is on
// its side of the boundary, the larger the surer.
//
//	squared        (1 − m)²           = (y − f(x))² since y² = 1
//	hinge          max(0, 1 − m)
//	logistic       log(1 + e^(−m))
//	cross-entropy  log₂(1 + e^(−m))
//
// The logistic loss is the binary cross-entropy of the probability
// p = g(f(x)), g(z) = 1/(1 + e^(−z)): with t = (y+1)/2 ∈ {0, 1},
//
//	−[t log p + (1−t) log(1−p)] = −log g(y·f(x)) = log(1 + e^(−m))
//
// because 1 − g(z) = g(−z). CrossEntropyLoss measures the same quantity in
// bits (base-2 log), i.e. the logistic loss divided by ln 2, which is the
// scaling that makes it pass through 1 at m = 0 like the squared and hinge
// losses, so all three bound the 0-1 loss [m ≤ 0] from above (Bishop,
// "Pattern Recognition and Machine Learning", 2006, §7.1.2 and Fig. 7.5;
// Hastie, Tibshirani & Friedman, "The Elements of Statistical Learning",
// 2nd ed., §10.6).

// MarginLoss is a loss of the margin m = y·f(x) and its derivative dL/dm.
type MarginLoss struct {
	Name string
	Loss func(m float64) float64
	// Deriv is dL/dm; at the hinge's kink (m = 1) it returns 0, one of the
	// subgradients.
	Deriv func(m float64) float64
}

// The margin losses, as values holding the function and its derivative.
var (
	SquaredLoss = MarginLoss{Name: "squared",
		Loss:  func(m float64) float64 { return (1 - m) * (1 - m) },
		Deriv: func(m float64) float64 { return -2 * (1 - m) },
	}
	HingeLoss = MarginLoss{Name: "hinge",
		Loss: func(m float64) float64 { return max(0, 1-m) },
		Deriv: func(m float64) float64 {
			if m < 1 {
				return -1
			}
			return 0
		},
	}
	LogisticLoss = MarginLoss{Name: "logistic",
		Loss:  func(m float64) float64 { return softplus(-m) },
		Deriv: func(m float64) float64 { return -sigmoid(-m) },
	}
	CrossEntropyLoss = MarginLoss{Name: "cross-entropy",
		Loss:  func(m float64) float64 { return softplus(-m) / math.Ln2 },
		Deriv: func(m float64) float64 { return -sigmoid(-m) / math.Ln2 },
	}
)

// MarginLosses returns the four losses in the order squared, hinge,
// logistic, cross-entropy.
func MarginLosses() []MarginLoss {
	return []MarginLoss{SquaredLoss, HingeLoss, LogisticLoss, CrossEntropyLoss}
}

// BinaryCrossEntropy is −[t ln p + (1−t) ln(1−p)] for a predicted
// probability p of class 1 and a label t ∈ {0, 1}, in nats.
func BinaryCrossEntropy(p float64, t int) float64 {
	if t == 1 {
		return -math.Log(p)
	}
	return -math.Log1p(-p)
}

// ErrMarginInput reports unusable input to NewMarginClassifier.
var ErrMarginInput = errors.New("ml: margin classifier")

// MarginClassifier is a linear model f(x) = wᵀx + b for two classes,
// trained by full-batch (sub)gradient descent on the mean of a margin loss,
// without a penalty:
//
//	J(w, b) = (1/n) Σᵢ L(yᵢ·f(xᵢ)),  yᵢ ∈ {−1, +1}
//	∇_w J = (1/n) Σᵢ L′(mᵢ)·yᵢ·xᵢ,  ∂J/∂b = (1/n) Σᵢ L′(mᵢ)·yᵢ
//
// starting from w = 0, b = 0. One Step is one epoch. The class is 1 when
// f(x) > 0. A loss whose derivative grows with the margin (the squared
// loss) makes descent overshoot for a learning rate too large, as least
// squares does above 2/L; descent then stops: Diverged reports true once
// J is not finite or exceeds num.BlowUp times J at w = 0, b = 0.
//
// A MarginClassifier is not safe for concurrent use.
type MarginClassifier struct {
	loss     MarginLoss
	X        [][]float64 // n×d, not modified
	y        []float64   // ±1
	lr       float64
	w        []float64
	b        float64
	gw       []float64
	gb       float64
	obj      float64
	start    float64 // J at w = 0, b = 0: L(0)
	epoch    int
	diverged bool
}

var _ ml.Stepper = (*MarginClassifier)(nil)

// NewMarginClassifier prepares training on samples X (n×d) with labels in
// {0, 1} (0 becomes y = −1). It returns an error wrapping ErrMarginInput
// for empty or ragged data, other labels or a learning rate that is not
// positive.
func NewMarginClassifier(X [][]float64, labels []int, loss MarginLoss, lr float64) (*MarginClassifier, error) {
	switch {
	case len(X) == 0:
		return nil, fmt.Errorf("%w: no samples", ErrMarginInput)
	case len(labels) != len(X):
		return nil, fmt.Errorf("%w: %d samples but %d labels", ErrMarginInput, len(X), len(labels))
	case !(lr > 0) || math.IsInf(lr, 0):
		return nil, fmt.Errorf("%w: learning rate %v, need > 0", ErrMarginInput, lr)
	case loss.Loss == nil || loss.Deriv == nil:
		panic("ml: NewMarginClassifier: loss without function or derivative")
	}
	d := len(X[0])
	y := make([]float64, len(X))
	for i, x := range X {
		if len(x) != d || d == 0 {
			return nil, fmt.Errorf("%w: sample %d has %d features, want %d", ErrMarginInput, i, len(x), d)
		}
		switch labels[i] {
		case 0:
			y[i] = -1
		case 1:
			y[i] = 1
		default:
			return nil, fmt.Errorf("%w: label %d of sample %d is not 0 or 1", ErrMarginInput, labels[i], i)
		}
	}
	c := &MarginClassifier{loss: loss, X: X, y: y, lr: lr, w: make([]float64, d), gw: make([]float64, d)}
	c.evaluate()
	c.start = c.obj
	return c, nil
}

// evaluate computes J and its (sub)gradient at the current w, b.
func (c *MarginClassifier) evaluate() {
	clear(c.gw)
	c.gb, c.obj = 0, 0
	for i, x := range c.X {
		m := c.y[i] * c.Decision(x)
		c.obj += c.loss.Loss(m)
		r := c.loss.Deriv(m) * c.y[i]
		for j, xj := range x {
			c.gw[j] += r * xj
		}
		c.gb += r
	}
	n := float64(len(c.X))
	for j := range c.gw {
		c.gw[j] /= n
	}
	c.gb /= n
	c.obj /= n
}

// Step runs one epoch of (sub)gradient descent. A model that has
// diverged (a learning rate too large for the loss) stays put.
func (c *MarginClassifier) Step() {
	if c.diverged {
		return
	}
	for j := range c.w {
		c.w[j] -= c.lr * c.gw[j]
	}
	c.b -= c.lr * c.gb
	c.epoch++
	c.evaluate()
	c.diverged = num.Exploded(c.obj, c.start)
}

// Decision is f(x) = wᵀx + b.
func (c *MarginClassifier) Decision(x []float64) float64 {
	s := c.b
	for j, wj := range c.w {
		s += wj * x[j]
	}
	return s
}

// Predict returns 1 when f(x) > 0, else 0.
func (c *MarginClassifier) Predict(x []float64) int {
	if c.Decision(x) > 0 {
		return 1
	}
	return 0
}

// Weights returns a copy of w.
func (c *MarginClassifier) Weights() []float64 { return append([]float64(nil), c.w...) }

// Intercept returns b.
func (c *MarginClassifier) Intercept() float64 { return c.b }

// Objective is J, the mean loss over the training samples.
func (c *MarginClassifier) Objective() float64 { return c.obj }

// Gradient returns copies of ∇_w J and ∂J/∂b at the current weights.
func (c *MarginClassifier) Gradient() ([]float64, float64) {
	return append([]float64(nil), c.gw...), c.gb
}

// Diverged reports whether descent has blown up (see the type's comment).
func (c *MarginClassifier) Diverged() bool { return c.diverged }

// Done reports whether the run has ended, which it does only by diverging
// (see Diverged); otherwise descent goes on for as many epochs as asked.
func (c *MarginClassifier) Done() bool { return c.diverged }

// Epoch is the number of steps taken.
func (c *MarginClassifier) Epoch() int { return c.epoch }

// Loss is the margin loss being minimised.
func (c *MarginClassifier) Loss() MarginLoss { return c.loss }
