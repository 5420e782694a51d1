package nn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// CNNConfig describes a small convolutional image classifier (LeCun et
// al. 1998, in Keras's usual form): one block per entry of Filters,
//
//	Conv K×K, same padding, stride 1 (Filters[i] channels) → Act → MaxPool Pool×Pool, stride Pool
//
// then Flatten (or, with Head HeadGlobalMax, GlobalMaxPool) → Dense
// (Classes) → softmax, trained with cross-entropy.
type CNNConfig struct {
	In      Shape // one input image
	Filters []int // output channels of each convolution
	Kernel  int   // K
	Pool    int   // 1: no pooling
	Classes int
	Act     Activation
	Head    Head
}

// Head is what a CNN hands its dense layer: the last map flattened, which
// keeps where each feature was, or each channel's maximum over the map,
// which forgets it (a shifted image gives nearly the same vector).
type Head string

// Heads.
const (
	HeadFlatten   Head = ""           // H·W·C values
	HeadGlobalMax Head = "global_max" // C values
)

// DenseIn is the number of values the dense layer reads.
func (c CNNConfig) DenseIn(last Shape) int {
	if c.Head == HeadGlobalMax {
		return last.C
	}
	return last.Size()
}

// DefaultCNN is the engine's reference network for the 8×8×1 digits
// (pixels scaled to [0, 1]), trained on batches of DefaultCNNBatch: the
// one the benchmarks and the PyTorch comparison time, transfer-learning's
// network, and cnn-training's filters=8,16 (that scenario starts from a
// smaller 4,8, whose frames carry every weight within the frame budget):
//
//	8×8×1 → Conv 8 (3×3 same) → ReLU → MaxPool 2 → 4×4×8
//	      → Conv 16 (3×3 same) → ReLU → MaxPool 2 → 2×2×16
//	      → Flatten (64) → Dense 10 → softmax
//
// with 80 + 1 168 + 650 = 1 898 parameters.
func DefaultCNN() CNNConfig {
	return CNNConfig{In: Shape{8, 8, 1}, Filters: []int{8, 16}, Kernel: 3, Pool: 2, Classes: 10, Act: ReLU}
}

// DefaultCNNBatch is DefaultCNN's mini-batch size.
const DefaultCNNBatch = 32

// CNN is a network built from a CNNConfig.
type CNN struct {
	Config CNNConfig
	Convs  []*Conv2D
	// Maps are the shapes after each block (after pooling).
	Maps  []Shape
	Dense *Layer // DenseIn(last map) × Classes, no activation (softmax follows)
}

// ConvWindow and PoolWindow are the windows of a block.
func (c CNNConfig) ConvWindow() Window {
	return Window{KH: c.Kernel, KW: c.Kernel, Stride: 1, Pad: Same}
}
func (c CNNConfig) PoolWindow() Window {
	return Window{KH: c.Pool, KW: c.Pool, Stride: c.Pool, Pad: Valid}
}

// Shapes returns the map shape after each block, or an error naming the
// first block whose pooling leaves no map.
func (c CNNConfig) Shapes() ([]Shape, error) {
	switch {
	case c.In.Size() < 1:
		return nil, fmt.Errorf("nn: CNN input %v", c.In)
	case len(c.Filters) == 0:
		return nil, errors.New("nn: a CNN needs at least one convolution")
	case c.Kernel < 1 || c.Pool < 1 || c.Classes < 2:
		return nil, fmt.Errorf("nn: CNN kernel %d, pool %d, %d classes", c.Kernel, c.Pool, c.Classes)
	}
	var shapes []Shape
	s := c.In
	for i, f := range c.Filters {
		if f < 1 {
			return nil, fmt.Errorf("nn: convolution %d with %d filters", i+1, f)
		}
		s.C = f // same padding, stride 1: H and W unchanged
		if c.Pool > 1 {
			g, err := c.PoolWindow().geometry(s)
			if err != nil {
				return nil, fmt.Errorf("nn: pooling after convolution %d: %w", i+1, err)
			}
			s.H, s.W = g.oh, g.ow
		}
		shapes = append(shapes, s)
	}
	return shapes, nil
}

// NewCNN builds the network with Glorot-uniform weights (drawn layer by
// layer in layout order) and zero biases.
func NewCNN(rng *rand.Rand, c CNNConfig) (*CNN, error) {
	shapes, err := c.Shapes()
	if err != nil {
		return nil, err
	}
	m := &CNN{Config: c, Maps: shapes}
	in := c.In.C
	for _, f := range c.Filters {
		m.Convs = append(m.Convs, NewConv2D(rng, in, f, c.ConvWindow()))
		in = f
	}
	flat := c.DenseIn(shapes[len(shapes)-1])
	limit := math.Sqrt(6 / float64(flat+c.Classes))
	w := make([]float64, flat*c.Classes)
	for i := range w {
		w[i] = limit * (2*rng.Float64() - 1)
	}
	m.Dense = &Layer{W: Param(flat, c.Classes, w), B: Param(1, c.Classes, make([]float64, c.Classes)), Act: Linear}
	return m, nil
}

// Forward records the network on tp for the images x (n × H·W·C, channels
// last; a tensor without a Shape is given Config.In) and returns the
// class probabilities (n × Classes).
func (m *CNN) Forward(tp *Tape, x *Tensor) *Tensor {
	if x.Shape == (Shape{}) && x.Cols == m.Config.In.Size() {
		x.Shape = m.Config.In
	}
	h := x
	for _, conv := range m.Convs {
		h = tp.Activate(tp.Conv2D(h, conv), m.Config.Act)
		if m.Config.Pool > 1 {
			h = tp.MaxPool(h, m.Config.PoolWindow())
		}
	}
	if m.Config.Head == HeadGlobalMax {
		h = tp.GlobalMaxPool(h)
	} else {
		h = tp.Flatten(h)
	}
	logits := tp.AddRow(tp.MatMul(h, m.Dense.W), m.Dense.B)
	return tp.Softmax(logits)
}

// Params returns every learned tensor: each convolution's W and B, then
// the dense layer's.
func (m *CNN) Params() []*Tensor {
	var ps []*Tensor
	for _, c := range m.Convs {
		ps = append(ps, c.W, c.B)
	}
	return append(ps, m.Dense.W, m.Dense.B)
}

// ZeroGrad clears every parameter's gradient.
func (m *CNN) ZeroGrad() {
	for _, c := range m.Convs {
		c.W.ZeroGrad()
		c.B.ZeroGrad()
	}
	m.Dense.W.ZeroGrad()
	m.Dense.B.ZeroGrad()
}
