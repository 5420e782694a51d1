package nn

import "math"

// unitRowsFloor keeps 1/‖x‖ finite for a row of zeros.
const unitRowsFloor = 1e-12

type unitRowsRule struct{ norms []float64 }

// UnitRows divides each row by its Euclidean length, y_i = x_i/‖x_i‖, so
// that the dot product of two output rows is the cosine similarity of the
// input rows: the normalisation of contrastive embeddings (CLIP, SimCLR).
// A row shorter than 1e-12 is divided by 1e-12 instead.
func (tp *Tape) UnitRows(x *Tensor) *Tensor {
	out, r := ruleNode[unitRowsRule](tp, "unit rows", x.Rows, x.Cols, x)
	r.norms = grow(r.norms, x.Rows)
	c := x.Cols
	for i := range x.Rows {
		row := x.Data[i*c : (i+1)*c]
		var s float64
		for _, v := range row {
			s += v * v
		}
		n := max(math.Sqrt(s), unitRowsFloor)
		r.norms[i] = n
		for j, v := range row {
			out.Data[i*c+j] = v / n
		}
	}
	return out
}

// backward: ∂L/∂x_i = (g_i − y_i (y_i·g_i))/‖x_i‖, the gradient with its
// component along the row removed (the length does not change y).
func (r *unitRowsRule) backward(t *Tensor) {
	x := t.Inputs[0]
	c := t.Cols
	for i := range t.Rows {
		y, g := t.Data[i*c:(i+1)*c], t.Grad[i*c:(i+1)*c]
		var dot float64
		for j := range y {
			dot += y[j] * g[j]
		}
		for j := range y {
			x.Grad[i*c+j] += (g[j] - y[j]*dot) / r.norms[i]
		}
	}
}
