package backprop

import "math"

// network is the 2-2-1 network: two inputs, two sigmoid hidden units and
// one sigmoid output, with the course's squared error on one sample.
//
//	z_j = w_1j x_1 + w_2j x_2 + b_j,  h_j = σ(z_j)   (j = 1, 2)
//	s = v_1 h_1 + v_2 h_2 + c,        ŷ = σ(s)
//	L = ½(ŷ − y)²
type network struct {
	W [2][2]float64 // W[i][j]: input i → hidden j
	B [2]float64    // hidden biases
	V [2]float64    // hidden j → output
	C float64       // output bias
}

// pass holds every number of one training step on one sample: the forward
// values, the local derivatives, the deltas and the gradient.
type pass struct {
	Z, H          [2]float64 // hidden pre-activations and activations
	S, Yhat, Loss float64
	// Output: ∂L/∂ŷ = ŷ − y, ∂ŷ/∂s = σ′(s) = ŷ(1 − ŷ), δ = ∂L/∂s, their product.
	DLossDYhat, DYhatDS, Delta float64
	// Hidden: σ′(z_j) = h_j(1 − h_j) and δ_j = ∂L/∂z_j = δ·v_j·σ′(z_j).
	DHDZ, DeltaHidden [2]float64
	Grad              network // ∂L/∂(every parameter), laid out as the network
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// forward computes the forward values and the loss.
func (n *network) forward(x [2]float64, y float64) pass {
	var p pass
	for j := range 2 {
		p.Z[j] = n.W[0][j]*x[0] + n.W[1][j]*x[1] + n.B[j]
		p.H[j] = sigmoid(p.Z[j])
	}
	p.S = n.V[0]*p.H[0] + n.V[1]*p.H[1] + n.C
	p.Yhat = sigmoid(p.S)
	p.Loss = 0.5 * (p.Yhat - y) * (p.Yhat - y)
	return p
}

// backward is backpropagation written out by the chain rule:
//
//	δ = (ŷ − y)·ŷ(1 − ŷ)                 ∂L/∂v_j = δ h_j,   ∂L/∂c = δ
//	δ_j = δ·v_j·h_j(1 − h_j)             ∂L/∂w_ij = δ_j x_i, ∂L/∂b_j = δ_j
func (n *network) backward(x [2]float64, y float64) pass {
	p := n.forward(x, y)
	p.DLossDYhat = p.Yhat - y
	p.DYhatDS = p.Yhat * (1 - p.Yhat)
	p.Delta = p.DLossDYhat * p.DYhatDS
	for j := range 2 {
		p.Grad.V[j] = p.Delta * p.H[j]
		p.DHDZ[j] = p.H[j] * (1 - p.H[j])
		p.DeltaHidden[j] = p.Delta * n.V[j] * p.DHDZ[j]
		p.Grad.B[j] = p.DeltaHidden[j]
		for i := range 2 {
			p.Grad.W[i][j] = p.DeltaHidden[j] * x[i]
		}
	}
	p.Grad.C = p.Delta
	return p
}

// update takes one gradient step w ← w − η∇L.
func (n *network) update(g *network, lr float64) {
	for j := range 2 {
		for i := range 2 {
			n.W[i][j] -= lr * g.W[i][j]
		}
		n.B[j] -= lr * g.B[j]
		n.V[j] -= lr * g.V[j]
	}
	n.C -= lr * g.C
}
