package netstate

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/ml/nn"
)

func TestFloatsWriteNonFiniteAsNull(t *testing.T) {
	b, err := json.Marshal(Floats{1.5, math.NaN(), math.Inf(-1), 1e-7})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `[1.5,null,null,1e-07]`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestPackedRoundTrip: Packed writes every float64 bit for bit, NaN and
// infinities included, as base64 of little-endian bytes: 1.5 is
// 0x3FF8000000000000, so its bytes are 00 00 00 00 00 00 F8 3F.
func TestPackedRoundTrip(t *testing.T) {
	b, err := json.Marshal(Packed{1.5})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `"AAAAAAAA+D8="`; got != want {
		t.Errorf("1.5: got %s, want %s", got, want)
	}
	in := []float64{0, math.Copysign(0, -1), 1e-310, -0.1, math.Pi, math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	if b, err = json.Marshal(Packed(in)); err != nil {
		t.Fatal(err)
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if len(s) != base64Len(len(in)) {
		t.Errorf("%d values take %d characters, want %d", len(in), len(s), base64Len(len(in)))
	}
	out, err := Unpack(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("%d values back, want %d", len(out), len(in))
	}
	for i := range in {
		if math.Float64bits(out[i]) != math.Float64bits(in[i]) {
			t.Errorf("value %d: got bits %x, want %x", i, math.Float64bits(out[i]), math.Float64bits(in[i]))
		}
	}
	if _, err := Unpack("AAAA"); err == nil {
		t.Error("3 bytes decoded as float64s")
	}
}

// base64Len is the length of n float64s in padded base64: 4 characters
// per 3 bytes, rounded up.
func base64Len(n int) int { return (8*n + 2) / 3 * 4 }

// TestCNNLayouts: W[ky][kx][in][out] of the state, unpacked in row-major
// order of its shape, is the weight at that place of nn's flat
// (KH·KW·In)×Out layout, and the dense W is [in][out].
func TestCNNLayouts(t *testing.T) {
	m, err := nn.NewCNN(rand.New(rand.NewPCG(1, 2)), nn.DefaultCNN())
	if err != nil {
		t.Fatal(err)
	}
	layers := CNN(m)
	if len(layers) != len(m.Convs)+1 {
		t.Fatalf("%d layers, want %d", len(layers), len(m.Convs)+1)
	}
	unpack := func(p Packed) []float64 {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatal(err)
		}
		v, err := Unpack(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for i, c := range m.Convs {
		l := layers[i]
		if l.DType != "<f8" || len(l.Shape) != 4 {
			t.Fatalf("conv%d: dtype %q shape %v", i+1, l.DType, l.Shape)
		}
		kh, kw, in, out := l.Shape[0], l.Shape[1], l.Shape[2], l.Shape[3]
		if kh != c.Window.KH || kw != c.Window.KW {
			t.Fatalf("conv%d: shape %v, window %v", i+1, l.Shape, c.Window)
		}
		w := unpack(l.W)
		if len(w) != kh*kw*in*out {
			t.Fatalf("conv%d: %d weights, shape %v", i+1, len(w), l.Shape)
		}
		for ky := range kh {
			for kx := range kw {
				for ch := range in {
					for o := range out {
						got := w[((ky*kw+kx)*in+ch)*out+o]
						if want := c.W.At((ky*kw+kx)*in+ch, o); got != want {
							t.Fatalf("conv%d W[%d][%d][%d][%d] = %v, want %v", i+1, ky, kx, ch, o, got, want)
						}
					}
				}
			}
		}
		if b := unpack(l.B); len(b) != out || b[out-1] != c.B.Data[out-1] {
			t.Fatalf("conv%d b = %v", i+1, b)
		}
	}
	d, l := m.Dense, layers[len(layers)-1]
	w := unpack(l.W)
	if l.Shape[0] != d.W.Rows || l.Shape[1] != d.W.Cols || len(w) != d.W.Rows*d.W.Cols {
		t.Fatalf("dense: shape %v, %d weights", l.Shape, len(w))
	}
	for r := range d.W.Rows {
		for c := range d.W.Cols {
			if w[r*d.W.Cols+c] != d.W.At(r, c) {
				t.Fatalf("dense W[%d][%d] = %v, want %v", r, c, w[r*d.W.Cols+c], d.W.At(r, c))
			}
		}
	}
}

// TestPacked32: each value is rounded to the nearest float32 and written
// in 4 little-endian bytes: 1.5 is 0x3FC00000, bytes 00 00 C0 3F; 0.1 is
// float32 0x3DCCCCCD (0.100000001490116…), not float64's 0.1; 1 + 2⁻²⁴
// lies halfway between 1 and 1 + 2⁻²³ and rounds to even, 1.
func TestPacked32(t *testing.T) {
	b, err := json.Marshal(Packed32{1.5})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `"AADAPw=="`; got != want {
		t.Errorf("1.5: got %s, want %s", got, want)
	}
	in := []float64{0, -0.1, 0.1, 1 + 0x1p-24, 1 + 0x1p-23, math.Pi, 1e-50, 1e300, math.Inf(-1), math.NaN()}
	want := []uint32{0, 0xBDCCCCCD, 0x3DCCCCCD, 0x3F800000, 0x3F800001, 0x40490FDB, 0, 0x7F800000, 0xFF800000}
	if b, err = json.Marshal(Packed32(in)); err != nil {
		t.Fatal(err)
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if len(s) != PackedLen(len(in), 4) || len(s) != 4*((4*len(in)+2)/3) {
		t.Errorf("%d values take %d characters, want PackedLen %d", len(in), len(s), PackedLen(len(in), 4))
	}
	out, err := Unpack32(s)
	if err != nil || len(out) != len(in) {
		t.Fatalf("Unpack32: %d values, %v", len(out), err)
	}
	for i, w := range want {
		if got := math.Float32bits(out[i]); got != w {
			t.Errorf("%v: bits %08x, want %08x", in[i], got, w)
		}
		if float32(in[i]) != out[i] {
			t.Errorf("%v: %v, want float32(x) = %v", in[i], out[i], float32(in[i]))
		}
	}
	if last := out[len(out)-1]; last == last {
		t.Errorf("NaN came back as %v", last)
	}
	if _, err := Unpack32("AAA="); err == nil {
		t.Error("2 bytes decoded as float32s")
	}
}

// TestLayerDTypes: a "<f8" layer encodes byte for byte as the struct
// without its MarshalJSON would (so frames written before it are
// unchanged), a "<f4" layer the same fields with W and b as Packed32, in
// the same order; any other dtype is an error.
func TestLayerDTypes(t *testing.T) {
	frozen := true
	l := Layer{Name: "conv1", Kind: "conv", Shape: []int{1, 1, 1, 2}, DType: DType, Frozen: &frozen, W: Packed{0.1, -2}, B: Packed{0.5, 0}}
	type plain Layer
	for _, escape := range []bool{false, true} {
		enc := func(v any) string {
			var b strings.Builder
			e := json.NewEncoder(&b)
			e.SetEscapeHTML(escape)
			if err := e.Encode(v); err != nil {
				t.Fatal(err)
			}
			return b.String()
		}
		if got, want := enc(l), enc(plain(l)); got != want {
			t.Errorf("escape %v: <f8 layer\n%s, want\n%s", escape, got, want)
		}
		l32 := Float32([]Layer{l})[0] // a copy of l in a new slice
		w, _ := json.Marshal(Packed32{0.1, -2})
		b, _ := json.Marshal(Packed32{0.5, 0})
		want := `{"name":"conv1","kind":"conv","shape":[1,1,1,2],"dtype":"<f4","frozen":true,"W":` + string(w) + `,"b":` + string(b) + "}\n"
		if escape {
			want = strings.Replace(want, "<", `\u003c`, 1)
		}
		if got := enc(l32); got != want {
			t.Errorf("escape %v: <f4 layer\n%s, want\n%s", escape, got, want)
		}
	}
	l.DType = "<f2"
	if _, err := json.Marshal(l); err == nil || !strings.Contains(err.Error(), "<f2") {
		t.Errorf("dtype <f2: %v", err)
	}
}
