package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Input returns a tape-owned rows×cols tensor holding a copy of data: a
// batch of samples, reused from pass to pass. It is data: a convolution
// does not compute its gradient (use a Param to get ∂L/∂x).
func (tp *Tape) Input(rows, cols int, data []float64) *Tensor {
	if len(data) != rows*cols {
		panic(fmt.Sprintf("nn: Input %d×%d with %d values", rows, cols, len(data)))
	}
	t := tp.node(opLeaf, "input", rows, cols)
	copy(t.Data, data)
	return t
}

// InputMaps is Input for feature maps: rows samples of shape s, each row
// s.H·s.W·s.C values channels last (see conv.go).
func (tp *Tape) InputMaps(rows int, s Shape, data []float64) *Tensor {
	t := tp.Input(rows, s.Size(), data)
	t.Shape = s
	return t
}

// probFloor keeps log(p) finite for a saturated output.
const probFloor = 1e-15

// SquaredError is the mean over the batch of ½‖ŷ − y‖²:
//
//	L = 1/(2n) Σ_i Σ_j (ŷ_ij − y_ij)²
func (tp *Tape) SquaredError(pred *Tensor, target []float64) *Tensor {
	checkTarget(pred, len(target))
	out := tp.node(opSquaredError, "squared error", 1, 1, pred)
	out.aux = grow(out.aux, len(target))
	copy(out.aux, target)
	var s float64
	for i, v := range pred.Data {
		d := v - target[i]
		s += d * d
	}
	out.Data[0] = s / (2 * float64(pred.Rows))
	return out
}

// backSquaredError: ∂L/∂ŷ = (ŷ − y)/n.
func backSquaredError(t *Tensor) {
	p := t.Inputs[0]
	n := float64(p.Rows)
	for i, v := range p.Data {
		p.Grad[i] += t.Grad[0] * (v - t.aux[i]) / n
	}
}

// BinaryCrossEntropy is the mean over the batch of the cross-entropy of
// sigmoid outputs p (n×1) against labels y ∈ {0, 1}:
//
//	L = −1/n Σ_i [y_i log p_i + (1 − y_i) log(1 − p_i)]
func (tp *Tape) BinaryCrossEntropy(prob *Tensor, target []float64) *Tensor {
	checkTarget(prob, len(target))
	out := tp.node(opBinaryCrossEntropy, "binary cross-entropy", 1, 1, prob)
	out.aux = grow(out.aux, len(target))
	copy(out.aux, target)
	var s float64
	for i, p := range prob.Data {
		p = min(max(p, probFloor), 1-probFloor)
		s -= target[i]*math.Log(p) + (1-target[i])*math.Log(1-p)
	}
	out.Data[0] = s / float64(prob.Rows)
	return out
}

// backBinaryCrossEntropy: ∂L/∂p = (p − y)/(p(1 − p))/n.
func backBinaryCrossEntropy(t *Tensor) {
	p := t.Inputs[0]
	n := float64(p.Rows)
	for i, v := range p.Data {
		v = min(max(v, probFloor), 1-probFloor)
		p.Grad[i] += t.Grad[0] * (v - t.aux[i]) / (v * (1 - v)) / n
	}
}

// CrossEntropy is the mean over the batch of −log p_{i,y_i} for softmax
// outputs p (n×classes) and class indices y:
//
//	L = −1/n Σ_i log p_{i, y_i}
func (tp *Tape) CrossEntropy(prob *Tensor, labels []int) *Tensor {
	if len(labels) != prob.Rows {
		panic(fmt.Sprintf("nn: CrossEntropy of %d rows with %d labels", prob.Rows, len(labels)))
	}
	out := tp.node(opCrossEntropy, "cross-entropy", 1, 1, prob)
	out.labels = append(out.labels[:0], labels...)
	var s float64
	for i, y := range labels {
		s -= math.Log(max(prob.Data[i*prob.Cols+y], probFloor))
	}
	out.Data[0] = s / float64(prob.Rows)
	return out
}

// backCrossEntropy: ∂L/∂p_{i,y_i} = −1/(n·p_{i,y_i}); the other entries get 0.
func backCrossEntropy(t *Tensor) {
	p := t.Inputs[0]
	n := float64(p.Rows)
	for i, y := range t.labels {
		k := i*p.Cols + y
		p.Grad[k] -= t.Grad[0] / (max(p.Data[k], probFloor) * n)
	}
}

func checkTarget(pred *Tensor, n int) {
	if n != len(pred.Data) {
		panic(fmt.Sprintf("nn: loss of a %d×%d prediction with %d targets", pred.Rows, pred.Cols, n))
	}
}

// L2 is the penalty Σ w² over the tensor.
func (tp *Tape) L2(w *Tensor) *Tensor {
	out := tp.node(opL2, "L2", 1, 1, w)
	var s float64
	for _, v := range w.Data {
		s += v * v
	}
	out.Data[0] = s
	return out
}

// backL2: ∂/∂w = 2w.
func backL2(t *Tensor) {
	w := t.Inputs[0]
	for i, v := range w.Data {
		w.Grad[i] += t.Grad[0] * 2 * v
	}
}

// L1 is the penalty Σ |w| over the tensor.
func (tp *Tape) L1(w *Tensor) *Tensor {
	out := tp.node(opL1, "L1", 1, 1, w)
	var s float64
	for _, v := range w.Data {
		s += math.Abs(v)
	}
	out.Data[0] = s
	return out
}

// backL1: the sub-gradient sign(w), 0 at 0.
func backL1(t *Tensor) {
	w := t.Inputs[0]
	for i, v := range w.Data {
		switch {
		case v > 0:
			w.Grad[i] += t.Grad[0]
		case v < 0:
			w.Grad[i] -= t.Grad[0]
		}
	}
}

// Dropout zeroes each value with probability p while training and scales
// the survivors by 1/(1 − p) (inverted dropout), so nothing changes at
// inference, where it is the identity.
func (tp *Tape) Dropout(a *Tensor, p float64, train bool, rng *rand.Rand) *Tensor {
	if p < 0 || p >= 1 {
		panic(fmt.Sprintf("nn: dropout rate %v outside [0, 1)", p))
	}
	out := tp.node(opDropout, "dropout", a.Rows, a.Cols, a)
	out.Shape = a.Shape
	out.aux = grow(out.aux, len(a.Data))
	keep := 1 / (1 - p)
	for i, v := range a.Data {
		m := 1.0
		if train && p > 0 {
			m = 0
			if rng.Float64() >= p {
				m = keep
			}
		}
		out.aux[i] = m
		out.Data[i] = m * v
	}
	return out
}

// backDropout: the gradient passes through the same mask.
func backDropout(t *Tensor) {
	a := t.Inputs[0]
	for i, g := range t.Grad {
		a.Grad[i] += g * t.aux[i]
	}
}

// BatchNorm holds a batch-normalisation layer's parameters and running
// statistics (Ioffe & Szegedy 2015).
type BatchNorm struct {
	Gamma, Beta *Tensor   // 1×features, learned
	RunningMean []float64 // used at inference
	RunningVar  []float64
	Momentum    float64 // weight of the new batch in the running statistics
	Eps         float64
}

// NewBatchNorm returns γ = 1, β = 0, running mean 0 and variance 1, with
// momentum 0.1 and ε = 1e-5 (PyTorch's defaults).
func NewBatchNorm(features int) *BatchNorm {
	ones := make([]float64, features)
	for i := range ones {
		ones[i] = 1
	}
	return &BatchNorm{
		Gamma: Param(1, features, ones), Beta: Param(1, features, make([]float64, features)),
		RunningMean: make([]float64, features), RunningVar: append([]float64(nil), ones...),
		Momentum: 0.1, Eps: 1e-5,
	}
}

// Normalize applies batch normalisation to x (n×features):
//
//	x̂ = (x − μ)/√(σ² + ε),  y = γ·x̂ + β
//
// with μ, σ² the batch's mean and (biased) variance while training, which
// also updates the running statistics (with the unbiased variance), and the
// running statistics at inference.
func (tp *Tape) Normalize(x *Tensor, bn *BatchNorm, train bool) *Tensor {
	f := x.Cols
	if bn.Gamma.Cols != f {
		panic(fmt.Sprintf("nn: batch norm of %d features on %d columns", bn.Gamma.Cols, f))
	}
	out := tp.node(opBatchNorm, "batchnorm", x.Rows, f, x, bn.Gamma, bn.Beta)
	out.aux = grow(out.aux, len(x.Data)) // x̂
	out.aux2 = grow(out.aux2, f)         // 1/√(σ² + ε) per feature; NaN marks inference
	n := float64(x.Rows)
	for j := range f {
		mean, variance := bn.RunningMean[j], bn.RunningVar[j]
		if train {
			mean = 0
			for i := range x.Rows {
				mean += x.Data[i*f+j]
			}
			mean /= n
			variance = 0
			for i := range x.Rows {
				d := x.Data[i*f+j] - mean
				variance += d * d
			}
			variance /= n
			unbiased := variance
			if x.Rows > 1 {
				unbiased = variance * n / (n - 1)
			}
			bn.RunningMean[j] = (1-bn.Momentum)*bn.RunningMean[j] + bn.Momentum*mean
			bn.RunningVar[j] = (1-bn.Momentum)*bn.RunningVar[j] + bn.Momentum*unbiased
		}
		inv := 1 / math.Sqrt(variance+bn.Eps)
		out.aux2[j] = inv
		for i := range x.Rows {
			xh := (x.Data[i*f+j] - mean) * inv
			out.aux[i*f+j] = xh
			out.Data[i*f+j] = bn.Gamma.Data[j]*xh + bn.Beta.Data[j]
		}
	}
	out.coef = 0
	if train {
		out.coef = 1
	}
	return out
}

// backBatchNorm: with g = ∂L/∂y,
//
//	∂L/∂γ = Σ_i g_i x̂_i,  ∂L/∂β = Σ_i g_i,
//	∂L/∂x_i = γ/(n√(σ²+ε)) · (n g_i − Σ_k g_k − x̂_i Σ_k g_k x̂_k)   (training)
//	∂L/∂x_i = γ g_i/√(σ²+ε)                                          (inference)
func backBatchNorm(t *Tensor) {
	x, gamma, beta := t.Inputs[0], t.Inputs[1], t.Inputs[2]
	f := t.Cols
	n := float64(t.Rows)
	for j := range f {
		var sumG, sumGX float64
		for i := range t.Rows {
			g := t.Grad[i*f+j]
			sumG += g
			sumGX += g * t.aux[i*f+j]
		}
		gamma.Grad[j] += sumGX
		beta.Grad[j] += sumG
		inv := t.aux2[j]
		for i := range t.Rows {
			g := t.Grad[i*f+j]
			if t.coef == 1 {
				x.Grad[i*f+j] += gamma.Data[j] * inv / n * (n*g - sumG - t.aux[i*f+j]*sumGX)
			} else {
				x.Grad[i*f+j] += gamma.Data[j] * inv * g
			}
		}
	}
}
