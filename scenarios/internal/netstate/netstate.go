// Package netstate writes a network's learned weights into a frame's
// state, in nn's layouts, so that anyone can recompute the network from a
// frame.
package netstate

import (
	"math"
	"strconv"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// Floats marshals non-finite values as null: a diverged network's weights
// are still valid JSON.
type Floats []float64

func (f Floats) MarshalJSON() ([]byte, error) {
	b := []byte{'['}
	for i, v := range f {
		if i > 0 {
			b = append(b, ',')
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		}
	}
	return append(b, ']'), nil
}

// Layer is one learned layer of a CNN's state.layers, in nn's layouts: a
// convolution's W is [kh][kw][in][out], the dense layer's [in][out], and
// b is [out].
type Layer struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`  // "conv" or "dense"
	Shape []int  `json:"shape"` // of W
	// Frozen says whether the layer is held fixed, where a scenario
	// freezes layers; nil elsewhere.
	Frozen *bool  `json:"frozen,omitempty"`
	W      any    `json:"W"`
	B      Floats `json:"b"`
}

// CNN returns m's learned layers: conv1, conv2, …, then dense. The
// slices share m's weights; encode them before m trains again.
func CNN(m *nn.CNN) []Layer {
	var out []Layer
	for i, c := range m.Convs {
		in, o, k := c.W.Rows/(c.Window.KH*c.Window.KW), c.W.Cols, c.Window
		w := make([][][]Floats, k.KH)
		for ky := range k.KH {
			w[ky] = make([][]Floats, k.KW)
			for kx := range k.KW {
				w[ky][kx] = make([]Floats, in)
				for ch := range in {
					at := ((ky*k.KW+kx)*in + ch) * o
					w[ky][kx][ch] = c.W.Data[at : at+o]
				}
			}
		}
		out = append(out, Layer{Name: "conv" + strconv.Itoa(i+1), Kind: "conv", Shape: []int{k.KH, k.KW, in, o}, W: w, B: c.B.Data})
	}
	d := m.Dense
	w := make([]Floats, d.W.Rows)
	for r := range w {
		w[r] = d.W.Data[r*d.W.Cols : (r+1)*d.W.Cols]
	}
	return append(out, Layer{Name: "dense", Kind: "dense", Shape: []int{d.W.Rows, d.W.Cols}, W: w, B: d.B.Data})
}
