package nn

import (
	"fmt"
	"maps"
	"slices"
)

// Copies of a model in training, for checkpoints: a copy trains on, from
// the same state, exactly as the original would, and shares nothing
// mutable with it.

// cloneParam copies a parameter tensor: its values and gradient.
func (t *Tensor) cloneParam() *Tensor {
	c := *t
	c.Data, c.Grad = slices.Clone(t.Data), slices.Clone(t.Grad)
	c.aux, c.aux2, c.labels = slices.Clone(t.aux), slices.Clone(t.aux2), slices.Clone(t.labels)
	c.Inputs = nil // a parameter is a leaf
	return &c
}

// Clone copies the MLP: its weights, biases and batch-norm statistics. It
// returns the copy and, for each parameter of m, the copy's (for
// CloneOptimizer).
func (m *MLP) Clone() (*MLP, map[*Tensor]*Tensor) {
	remap := map[*Tensor]*Tensor{}
	cp := func(t *Tensor) *Tensor {
		c := t.cloneParam()
		remap[t] = c
		return c
	}
	c := &MLP{Dropout: m.Dropout, Layers: make([]*Layer, len(m.Layers))}
	for i, l := range m.Layers {
		cl := &Layer{W: cp(l.W), B: cp(l.B), Act: l.Act}
		if l.Norm != nil {
			n := *l.Norm
			n.Gamma, n.Beta = cp(l.Norm.Gamma), cp(l.Norm.Beta)
			n.RunningMean, n.RunningVar = slices.Clone(l.Norm.RunningMean), slices.Clone(l.Norm.RunningVar)
			cl.Norm = &n
		}
		c.Layers[i] = cl
	}
	return c, remap
}

// CloneOptimizer copies an optimiser and its running state (velocities,
// moments, its step count), keyed by the copies of its parameters: remap
// maps each original parameter to its copy.
func CloneOptimizer(o Optimizer, remap map[*Tensor]*Tensor) Optimizer {
	switch o := o.(type) {
	case *SGD:
		c := *o
		return &c
	case *Momentum:
		c := *o
		c.v = remapState(o.v, remap)
		return &c
	case *RMSProp:
		c := *o
		c.s = remapState(o.s, remap)
		return &c
	case *Adadelta:
		c := *o
		c.g2, c.d2 = remapState(o.g2, remap), remapState(o.d2, remap)
		return &c
	case *Adam:
		c := *o
		c.m, c.v = remapState(o.m, remap), remapState(o.v, remap)
		return &c
	}
	panic(fmt.Sprintf("nn: CloneOptimizer: optimiser %T has no copy", o))
}

func remapState(m map[*Tensor][]float64, remap map[*Tensor]*Tensor) map[*Tensor][]float64 {
	if m == nil {
		return nil
	}
	out := make(map[*Tensor][]float64, len(m))
	for _, p := range slices.Collect(maps.Keys(m)) {
		c, ok := remap[p]
		if !ok {
			panic("nn: CloneOptimizer: a parameter the optimiser holds has no copy")
		}
		out[c] = slices.Clone(m[p])
	}
	return out
}
