package pretext

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"

	"github.com/mlplayground/playground/internal/ml/num"
)

// The probe: softmax regression over 10 classes with an L2 penalty on the
// weights (not the intercepts),
//
//	J(W, b) = 1/n Σ_i −log softmax(W x_i + b)_{y_i} + λ/2 ‖W‖²
//
// minimised by L-BFGS (gonum/optimize) from zero until ‖∇J‖ < 1e-6 or
// ProbeIterations iterations. J is strictly convex in W for λ > 0, so the
// answer does not depend on the solver beyond its tolerance.
const (
	ProbeLambda     = 0.1
	ProbeIterations = 500
	Classes         = 10
)

// SoftmaxProbe is a fitted probe.
type SoftmaxProbe struct {
	W [][]float64 // Classes × d
	B []float64
	// GradNorm is ‖∇J‖ where the solver stopped.
	GradNorm float64
}

// FitProbe fits the probe on features X with labels y in 0–9.
func FitProbe(X [][]float64, y []int) (*SoftmaxProbe, error) {
	if len(X) == 0 || len(y) != len(X) {
		return nil, fmt.Errorf("pretext: probe of %d samples and %d labels", len(X), len(y))
	}
	d := len(X[0])
	dim := Classes * (d + 1) // W row by row, then b
	z := make([]float64, Classes)
	objective := func(theta, grad []float64) float64 {
		if grad != nil {
			clear(grad)
		}
		var ce float64
		for i, x := range X {
			for k := range Classes {
				s := theta[Classes*d+k]
				for j, v := range theta[k*d : (k+1)*d] {
					s += v * x[j]
				}
				z[k] = s
			}
			lse := num.LogSumExp(z)
			ce += lse - z[y[i]]
			if grad == nil {
				continue
			}
			for k := range Classes {
				r := math.Exp(z[k] - lse)
				if k == y[i] {
					r--
				}
				g := grad[k*d : (k+1)*d]
				for j, v := range x {
					g[j] += r * v
				}
				grad[Classes*d+k] += r
			}
		}
		n := float64(len(X))
		var pen float64
		for j, v := range theta[:Classes*d] {
			pen += v * v
			if grad != nil {
				grad[j] = grad[j]/n + ProbeLambda*v
			}
		}
		if grad != nil {
			for k := range Classes {
				grad[Classes*d+k] /= n
			}
		}
		return ce/n + ProbeLambda/2*pen
	}
	p := optimize.Problem{
		Func: func(theta []float64) float64 { return objective(theta, nil) },
		Grad: func(grad, theta []float64) { objective(theta, grad) },
	}
	res, err := optimize.Minimize(p, make([]float64, dim),
		&optimize.Settings{GradientThreshold: 1e-6, MajorIterations: ProbeIterations}, &optimize.LBFGS{})
	if err != nil && res == nil {
		return nil, fmt.Errorf("pretext: probe: %w", err)
	}
	m := &SoftmaxProbe{W: make([][]float64, Classes), B: append([]float64(nil), res.X[Classes*d:]...)}
	for k := range Classes {
		m.W[k] = append([]float64(nil), res.X[k*d:(k+1)*d]...)
	}
	g := make([]float64, dim)
	objective(res.X, g)
	m.GradNorm = math.Sqrt(num.Dot(g, g))
	return m, nil
}

// Predict returns the class of the largest score W x + b.
func (m *SoftmaxProbe) Predict(x []float64) int {
	z := make([]float64, Classes)
	for k := range Classes {
		z[k] = m.B[k] + num.Dot(m.W[k], x)
	}
	return num.Argmax(z)
}

// Probe fits the probe on (X, y) and returns its accuracy on (testX, testY).
func Probe(X [][]float64, y []int, testX [][]float64, testY []int) (float64, error) {
	m, err := FitProbe(X, y)
	if err != nil {
		return 0, err
	}
	ok := 0
	for i, x := range testX {
		if m.Predict(x) == testY[i] {
			ok++
		}
	}
	return float64(ok) / float64(len(testX)), nil
}
