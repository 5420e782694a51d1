package nn

import (
	"fmt"
	"math"
)

// Optimizer updates parameters from their accumulated gradients. Its state
// (velocities, squared-gradient averages) is explicit and per parameter.
type Optimizer interface {
	// Step applies one update to every parameter; it does not zero the
	// gradients.
	Step(params []*Tensor)
	Name() string
}

// NewOptimizer returns the named optimiser with learning rate lr and the
// usual constants: momentum 0.9; RMSProp ρ = 0.9; Adadelta ρ = 0.95;
// Adam β₁ = 0.9, β₂ = 0.999; ε = 1e-8 (Adadelta 1e-6).
func NewOptimizer(name string, lr float64) (Optimizer, error) {
	switch name {
	case "sgd":
		return &SGD{LR: lr}, nil
	case "momentum":
		return &Momentum{LR: lr, Mu: 0.9}, nil
	case "rmsprop":
		return &RMSProp{LR: lr, Rho: 0.9, Eps: 1e-8}, nil
	case "adadelta":
		return &Adadelta{LR: lr, Rho: 0.95, Eps: 1e-6}, nil
	case "adam":
		return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}, nil
	}
	return nil, fmt.Errorf("nn: unknown optimizer %q (sgd, momentum, rmsprop, adadelta, adam)", name)
}

// state returns per-parameter buffers, made on first use.
func state(m map[*Tensor][]float64, p *Tensor) []float64 {
	s, ok := m[p]
	if !ok {
		s = make([]float64, len(p.Data))
		m[p] = s
	}
	return s
}

// SGD is plain gradient descent: w ← w − η·g.
type SGD struct{ LR float64 }

func (o *SGD) Name() string { return "sgd" }
func (o *SGD) Step(params []*Tensor) {
	for _, p := range params {
		for i, g := range p.Grad {
			p.Data[i] -= o.LR * g
		}
	}
}

// Momentum keeps a velocity (Polyak's heavy ball):
//
//	v ← μ·v − η·g,  w ← w + v
type Momentum struct {
	LR, Mu float64
	v      map[*Tensor][]float64
}

func (o *Momentum) Name() string { return "momentum" }
func (o *Momentum) Step(params []*Tensor) {
	if o.v == nil {
		o.v = map[*Tensor][]float64{}
	}
	for _, p := range params {
		v := state(o.v, p)
		for i, g := range p.Grad {
			v[i] = o.Mu*v[i] - o.LR*g
			p.Data[i] += v[i]
		}
	}
}

// RMSProp divides by a running root mean square of the gradient (Hinton,
// Coursera lecture 6e):
//
//	s ← ρ·s + (1 − ρ)·g²,  w ← w − η·g/(√s + ε)
type RMSProp struct {
	LR, Rho, Eps float64
	s            map[*Tensor][]float64
}

func (o *RMSProp) Name() string { return "rmsprop" }
func (o *RMSProp) Step(params []*Tensor) {
	if o.s == nil {
		o.s = map[*Tensor][]float64{}
	}
	for _, p := range params {
		s := state(o.s, p)
		for i, g := range p.Grad {
			s[i] = o.Rho*s[i] + (1-o.Rho)*g*g
			p.Data[i] -= o.LR * g / (math.Sqrt(s[i]) + o.Eps)
		}
	}
}

// Adadelta scales steps by the ratio of running RMS of past updates and of
// gradients, so it needs no learning rate (Zeiler 2012); LR multiplies the
// update as in Keras and PyTorch (1 is the paper's method):
//
//	E[g²] ← ρE[g²] + (1−ρ)g²,  Δ = −√(E[Δ²]+ε)/√(E[g²]+ε)·g,
//	E[Δ²] ← ρE[Δ²] + (1−ρ)Δ²,  w ← w + η·Δ
type Adadelta struct {
	LR, Rho, Eps float64
	g2, d2       map[*Tensor][]float64
}

func (o *Adadelta) Name() string { return "adadelta" }
func (o *Adadelta) Step(params []*Tensor) {
	if o.g2 == nil {
		o.g2, o.d2 = map[*Tensor][]float64{}, map[*Tensor][]float64{}
	}
	for _, p := range params {
		g2, d2 := state(o.g2, p), state(o.d2, p)
		for i, g := range p.Grad {
			g2[i] = o.Rho*g2[i] + (1-o.Rho)*g*g
			d := -math.Sqrt(d2[i]+o.Eps) / math.Sqrt(g2[i]+o.Eps) * g
			d2[i] = o.Rho*d2[i] + (1-o.Rho)*d*d
			p.Data[i] += o.LR * d
		}
	}
}

// Adam keeps bias-corrected running means of the gradient and its square
// (Kingma & Ba 2015):
//
//	m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
//	w ← w − η·m̂/(√v̂ + ε),  m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)
type Adam struct {
	LR, Beta1, Beta2, Eps float64
	t                     int
	m, v                  map[*Tensor][]float64
}

func (o *Adam) Name() string { return "adam" }
func (o *Adam) Step(params []*Tensor) {
	if o.m == nil {
		o.m, o.v = map[*Tensor][]float64{}, map[*Tensor][]float64{}
	}
	o.t++
	c1 := 1 - math.Pow(o.Beta1, float64(o.t))
	c2 := 1 - math.Pow(o.Beta2, float64(o.t))
	for _, p := range params {
		m, v := state(o.m, p), state(o.v, p)
		for i, g := range p.Grad {
			m[i] = o.Beta1*m[i] + (1-o.Beta1)*g
			v[i] = o.Beta2*v[i] + (1-o.Beta2)*g*g
			p.Data[i] -= o.LR * (m[i] / c1) / (math.Sqrt(v[i]/c2) + o.Eps)
		}
	}
}
