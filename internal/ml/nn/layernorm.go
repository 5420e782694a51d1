package nn

import (
	"fmt"
	"math"
)

// LayerNorm holds a layer-normalisation layer's parameters (Ba, Kiros &
// Hinton 2016). Unlike batch normalisation it normalises each row (one
// token) over its own features, so it behaves the same in training and at
// inference and needs no running statistics.
type LayerNorm struct {
	Gamma, Beta *Tensor // 1×features, learned
	Eps         float64
}

// NewLayerNorm returns γ = 1, β = 0 and ε = 1e-5 (PyTorch's default).
func NewLayerNorm(features int) *LayerNorm {
	return &LayerNorm{Gamma: constant(features, 1), Beta: constant(features, 0), Eps: 1e-5}
}

// Params returns γ and β.
func (ln *LayerNorm) Params() []*Tensor { return []*Tensor{ln.Gamma, ln.Beta} }

type layerNormRule struct {
	xhat []float64 // x̂, as x
	inv  []float64 // 1/√(σ² + ε) per row
}

// LayerNorm normalises each row of x (n×d) over its d features:
//
//	μ = 1/d Σ_j x_j,  σ² = 1/d Σ_j (x_j − μ)²,
//	x̂ = (x − μ)/√(σ² + ε),  y = γ ⊙ x̂ + β
func (tp *Tape) LayerNorm(x *Tensor, ln *LayerNorm) *Tensor {
	d := x.Cols
	if ln.Gamma.Cols != d {
		panic(fmt.Sprintf("nn: layer norm of %d features on %d columns", ln.Gamma.Cols, d))
	}
	out, r := ruleNode[layerNormRule](tp, "layernorm", x.Rows, d, x, ln.Gamma, ln.Beta)
	r.xhat, r.inv = grow(r.xhat, len(x.Data)), grow(r.inv, x.Rows)
	for i := range x.Rows {
		row := x.Data[i*d : (i+1)*d]
		var mean, variance float64
		for _, v := range row {
			mean += v
		}
		mean /= float64(d)
		for _, v := range row {
			variance += (v - mean) * (v - mean)
		}
		variance /= float64(d)
		inv := 1 / math.Sqrt(variance+ln.Eps)
		r.inv[i] = inv
		for j, v := range row {
			xh := (v - mean) * inv
			r.xhat[i*d+j] = xh
			out.Data[i*d+j] = ln.Gamma.Data[j]*xh + ln.Beta.Data[j]
		}
	}
	return out
}

// backward: with g = ∂L/∂y and ĝ = γ ⊙ g per row,
//
//	∂L/∂γ = Σ_rows g ⊙ x̂,  ∂L/∂β = Σ_rows g,
//	∂L/∂x_j = 1/(d√(σ²+ε)) · (d ĝ_j − Σ_k ĝ_k − x̂_j Σ_k ĝ_k x̂_k)
func (r *layerNormRule) backward(t *Tensor) {
	x, gamma, beta := t.Inputs[0], t.Inputs[1], t.Inputs[2]
	d := t.Cols
	fd := float64(d)
	for i := range t.Rows {
		g, xh := t.Grad[i*d:(i+1)*d], r.xhat[i*d:(i+1)*d]
		var sumG, sumGX float64
		for j, gv := range g {
			gamma.Grad[j] += gv * xh[j]
			beta.Grad[j] += gv
			gh := gv * gamma.Data[j]
			sumG += gh
			sumGX += gh * xh[j]
		}
		c := r.inv[i] / fd
		for j, gv := range g {
			x.Grad[i*d+j] += c * (fd*gv*gamma.Data[j] - sumG - xh[j]*sumGX)
		}
	}
}
