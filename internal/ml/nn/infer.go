package nn

import (
	"fmt"
	"math"
)

// Infer runs the network forward for inference only, with no tape and no
// gradients: dropout is the identity and batch normalisation uses its
// running statistics, as in Forward with train false. X holds rows samples
// (rows×inputs, row-major). It returns every layer's output, rows×units
// row-major, the first hidden layer first, written into the buffers of outs
// where they are large enough: pass the previous result back to evaluate a
// grid every frame without allocating.
//
// Each sample goes through the same float64 operations in the same order
// as on a tape, so the values equal Forward's to the bit:
//
//	h_l = f_l(h_{l−1}·W_l + b_l)   // (rows, units_l)
func (m *MLP) Infer(X []float64, rows int, outs [][]float64) [][]float64 {
	in := m.Layers[0].W.Rows
	if len(X) != rows*in {
		panic(fmt.Sprintf("nn: Infer on %d values for %d rows of %d inputs", len(X), rows, in))
	}
	res := outs[:0]
	h, k := X, in
	for l, layer := range m.Layers {
		units := layer.W.Cols
		var out []float64
		if l < len(outs) {
			out = outs[l] // read before res overwrites index l with it
		}
		out = grow(out, rows*units) // (rows, units)
		bias := layer.B.Data
		for i := range rows {
			z := out[i*units : (i+1)*units]
			mulRow(z, h[i*k:(i+1)*k], layer.W.Data)
			for j, b := range bias {
				z[j] += b
			}
		}
		if bn := layer.Norm; bn != nil {
			for i, v := range out {
				j := i % units
				inv := 1 / math.Sqrt(bn.RunningVar[j]+bn.Eps)
				out[i] = bn.Gamma.Data[j]*((v-bn.RunningMean[j])*inv) + bn.Beta.Data[j]
			}
		}
		activate(out, out, layer.Act)
		res = append(res, out)
		h, k = out, units
	}
	return res
}
