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

// InferApprox is Infer for pictures: tanh and sigmoid are evaluated by
// approxTanhSlice and approxSigmoidSlice, within 3.1·10⁻⁸ of math.Tanh (a
// layer's error then grows with its weights, but stays far below what a
// colour level resolves), and each layer is one pass of h·W + b over the
// rows with the activation on the same buffer. Values are close to
// Infer's, not equal: nothing that is reported as a number may come from
// here. Buffers are reused as in Infer.
func (m *MLP) InferApprox(X []float64, rows int, outs [][]float64) [][]float64 {
	in := m.Layers[0].W.Rows
	if len(X) != rows*in {
		panic(fmt.Sprintf("nn: InferApprox on %d values for %d rows of %d inputs", len(X), rows, in))
	}
	res := outs[:0]
	h, k := X, in
	for l, layer := range m.Layers {
		units := layer.W.Cols
		var out []float64
		if l < len(outs) {
			out = outs[l]
		}
		out = grow(out, rows*units) // (rows, units)
		affine(out, h, rows, k, units, layer.W.Data, layer.B.Data)
		if bn := layer.Norm; bn != nil {
			for i, v := range out {
				j := i % units
				inv := 1 / math.Sqrt(bn.RunningVar[j]+bn.Eps)
				out[i] = bn.Gamma.Data[j]*((v-bn.RunningMean[j])*inv) + bn.Beta.Data[j]
			}
		}
		switch layer.Act.Name {
		case Tanh.Name:
			approxTanhSlice(out, out)
		case Sigmoid.Name:
			approxSigmoidSlice(out, out)
		case ReLU.Name:
			for i, v := range out {
				if v < 0 {
					out[i] = 0
				}
			}
		case Linear.Name:
		default:
			activate(out, out, layer.Act)
		}
		res = append(res, out)
		h, k = out, units
	}
	return res
}

// affine writes z = h·W + b, (rows, k)·(k, units) + (1, units), a unit
// at a time down the rows with that unit's weights in registers: the
// layers of a playground network are 1 to 8 wide, too narrow for an inner
// loop over them to pay for itself.
func affine(z, h []float64, rows, k, units int, W, b []float64) {
	z = z[:rows*units]
	h = h[:rows*k]
	W = W[:k*units]
	for j, bj := range b[:units] {
		switch k {
		case 1:
			w0 := W[j]
			for i, x := range h {
				z[i*units+j] = bj + x*w0
			}
		case 2:
			w0, w1 := W[j], W[units+j]
			for i := range rows {
				x := h[2*i : 2*i+2]
				z[i*units+j] = bj + x[0]*w0 + x[1]*w1
			}
		case 3:
			w0, w1, w2 := W[j], W[units+j], W[2*units+j]
			for i := range rows {
				x := h[3*i : 3*i+3]
				z[i*units+j] = bj + x[0]*w0 + x[1]*w1 + x[2]*w2
			}
		case 4:
			w0, w1, w2, w3 := W[j], W[units+j], W[2*units+j], W[3*units+j]
			for i := range rows {
				x := h[4*i : 4*i+4]
				z[i*units+j] = bj + x[0]*w0 + x[1]*w1 + x[2]*w2 + x[3]*w3
			}
		default:
			var col [16]float64
			w := col[:0] // this unit's column of W
			if k > len(col) {
				w = make([]float64, 0, k)
			}
			w = w[:k]
			for p := range w {
				w[p] = W[p*units+j]
			}
			// Four rows at a time: four sums in flight, each added up in
			// the order of p as one row alone would be.
			i := 0
			for ; i+4 <= rows; i += 4 {
				x0 := h[i*k : i*k+k][:len(w)]
				x1 := h[(i+1)*k : (i+1)*k+k][:len(w)]
				x2 := h[(i+2)*k : (i+2)*k+k][:len(w)]
				x3 := h[(i+3)*k : (i+3)*k+k][:len(w)]
				s0, s1, s2, s3 := bj, bj, bj, bj
				for p, wv := range w {
					s0 += x0[p] * wv
					s1 += x1[p] * wv
					s2 += x2[p] * wv
					s3 += x3[p] * wv
				}
				z[i*units+j], z[(i+1)*units+j], z[(i+2)*units+j], z[(i+3)*units+j] = s0, s1, s2, s3
			}
			for ; i < rows; i++ {
				x := h[i*k : i*k+k]
				x = x[:len(w)]
				s := bj
				for p, wv := range w {
					s += x[p] * wv
				}
				z[i*units+j] = s
			}
		}
	}
}
