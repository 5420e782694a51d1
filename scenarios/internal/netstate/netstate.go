// Package netstate writes a network's learned weights into a frame's
// state, in nn's layouts, so that anyone can recompute the network from a
// frame.
package netstate

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
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

// DType names Packed's encoding as numpy spells it: little-endian
// float64.
const DType = "<f8"

// Packed marshals as one JSON string: the values as little-endian IEEE-754
// float64, 8 bytes each, in standard base64 (RFC 4648, with padding). It
// is exact, bit for bit, NaN and infinities included, and about 10.7
// characters a value where shortest round-trip decimals take about 20. In
// Python: numpy.frombuffer(base64.b64decode(s), dtype="<f8").
type Packed []float64

func (p Packed) MarshalJSON() ([]byte, error) {
	raw := make([]byte, 8*len(p))
	for i, v := range p {
		binary.LittleEndian.PutUint64(raw[8*i:], math.Float64bits(v))
	}
	out := make([]byte, 0, base64.StdEncoding.EncodedLen(len(raw))+2)
	out = append(out, '"')
	out = base64.StdEncoding.AppendEncode(out, raw)
	return append(out, '"'), nil
}

// Unpack decodes what Packed writes (without the JSON quotes).
func Unpack(s string) ([]float64, error) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if len(raw)%8 != 0 {
		return nil, strconv.ErrSyntax
	}
	out := make([]float64, len(raw)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	return out, nil
}

// DType32 names Packed32's encoding as numpy spells it: little-endian
// float32.
const DType32 = "<f4"

// Packed32 marshals as Packed does, but each value rounded to the nearest
// float32 (IEEE-754 round to nearest even; infinities and NaN kept) and
// written in 4 bytes: about 5.3 characters a value, half of Packed's, and
// about 7 significant digits instead of 16. In Python:
// numpy.frombuffer(base64.b64decode(s), dtype="<f4").
type Packed32 []float64

func (p Packed32) MarshalJSON() ([]byte, error) {
	raw := make([]byte, 4*len(p))
	for i, v := range p {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(float32(v)))
	}
	out := make([]byte, 0, base64.StdEncoding.EncodedLen(len(raw))+2)
	out = append(out, '"')
	out = base64.StdEncoding.AppendEncode(out, raw)
	return append(out, '"'), nil
}

// Unpack32 decodes what Packed32 writes (without the JSON quotes).
func Unpack32(s string) ([]float32, error) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if len(raw)%4 != 0 {
		return nil, strconv.ErrSyntax
	}
	out := make([]float32, len(raw)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out, nil
}

// PackedLen is the length of the base64 text (without quotes) of n values
// of size bytes each (8 for Packed, 4 for Packed32): 4 characters for
// every 3 bytes, the last group padded.
func PackedLen(n, size int) int { return base64.StdEncoding.EncodedLen(n * size) }

// Layer is one learned layer of a CNN's state.layers. W holds the weights
// in row-major order of Shape, nn's layouts: a convolution's
// [kh][kw][in][out], the dense layer's [in][out]; b is [out]. Both are
// Packed (DType "<f8"), so that numpy.frombuffer(base64.b64decode(W),
// "<f8").reshape(shape) is the weight array; with DType "<f4" (see
// Float32) they are written as Packed32 instead.
type Layer struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`  // "conv" or "dense"
	Shape []int  `json:"shape"` // of W
	DType string `json:"dtype"` // of W and b: DType
	// Frozen says whether the layer is held fixed, where a scenario
	// freezes layers; nil elsewhere.
	Frozen *bool  `json:"frozen,omitempty"`
	W      Packed `json:"W"`
	B      Packed `json:"b"`
}

// MarshalJSON writes W and b in the layer's DType: "<f8" as Packed (the
// same bytes as the plain struct), "<f4" as Packed32.
func (l Layer) MarshalJSON() ([]byte, error) {
	type fields Layer // without this method
	switch l.DType {
	case DType:
		return encode(fields(l))
	case DType32:
		return encode(struct {
			fields
			W Packed32 `json:"W"`
			B Packed32 `json:"b"`
		}{fields(l), Packed32(l.W), Packed32(l.B)})
	}
	return nil, fmt.Errorf("netstate: layer %s: dtype %q, want %q or %q", l.Name, l.DType, DType, DType32)
}

// encode is json.Marshal without HTML escaping, so that "<f8" reads as
// itself in a frame (frames are encoded so); an encoder that escapes
// still escapes the result.
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Float32 marks layers to be written rounded to float32 (DType32), in
// place, and returns them.
func Float32(layers []Layer) []Layer {
	for i := range layers {
		layers[i].DType = DType32
	}
	return layers
}

// CNN returns m's learned layers: conv1, conv2, …, then dense. nn stores a
// convolution's W as (KH·KW·In)×Out and the dense W as In×Out, row-major:
// the documented layouts already, so the slices share m's weights; encode
// them before m trains again.
func CNN(m *nn.CNN) []Layer {
	var out []Layer
	for i, c := range m.Convs {
		in, o, k := c.W.Rows/(c.Window.KH*c.Window.KW), c.W.Cols, c.Window
		out = append(out, Layer{Name: "conv" + strconv.Itoa(i+1), Kind: "conv", Shape: []int{k.KH, k.KW, in, o}, DType: DType,
			W: c.W.Data[:k.KH*k.KW*in*o], B: c.B.Data})
	}
	d := m.Dense
	return append(out, Layer{Name: "dense", Kind: "dense", Shape: []int{d.W.Rows, d.W.Cols}, DType: DType,
		W: d.W.Data[:d.W.Rows*d.W.Cols], B: d.B.Data})
}
