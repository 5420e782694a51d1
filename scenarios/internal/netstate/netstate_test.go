package netstate

import (
	"encoding/json"
	"math"
	"math/rand/v2"
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

// TestCNNLayouts: W[ky][kx][in][out] of the state is the weight at that
// place of nn's flat (KH·KW·In)×Out layout, and the dense W is [in][out].
func TestCNNLayouts(t *testing.T) {
	m, err := nn.NewCNN(rand.New(rand.NewPCG(1, 2)), nn.DefaultCNN())
	if err != nil {
		t.Fatal(err)
	}
	layers := CNN(m)
	if len(layers) != len(m.Convs)+1 {
		t.Fatalf("%d layers, want %d", len(layers), len(m.Convs)+1)
	}
	for i, c := range m.Convs {
		k, in, out := c.Window, layers[i].Shape[2], layers[i].Shape[3]
		w := layers[i].W.([][][]Floats)
		for ky := range k.KH {
			for kx := range k.KW {
				for ch := range in {
					for o := range out {
						if got, want := w[ky][kx][ch][o], c.W.At((ky*k.KW+kx)*in+ch, o); got != want {
							t.Fatalf("conv%d W[%d][%d][%d][%d] = %v, want %v", i+1, ky, kx, ch, o, got, want)
						}
					}
				}
			}
		}
	}
	d, w := m.Dense, layers[len(layers)-1].W.([]Floats)
	for r := range d.W.Rows {
		for c := range d.W.Cols {
			if w[r][c] != d.W.At(r, c) {
				t.Fatalf("dense W[%d][%d] = %v, want %v", r, c, w[r][c], d.W.At(r, c))
			}
		}
	}
}
