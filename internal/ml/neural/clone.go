package neural

import (
	"math/rand/v2"
	"slices"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// Clone returns a copy of the network in its current state that trains on
// independently: weights, optimiser state, epoch and sample order. It
// draws from rng, which must continue the stream the network draws from
// (a copy of its source) for the copy to train as the network would.
func (n *Network) Clone(rng *rand.Rand) *Network {
	c := &Network{cfg: n.cfg, rng: rng, labels: n.labels, epoch: n.epoch}
	c.cfg.Hidden = slices.Clone(n.cfg.Hidden)
	var remap map[*nn.Tensor]*nn.Tensor
	c.mlp, remap = n.mlp.Clone()
	c.params = c.mlp.Params()
	c.opt = nn.CloneOptimizer(n.opt, remap)
	c.data = n.data
	c.data.order = slices.Clone(n.data.order) // shuffled in place each epoch
	c.data.bx, c.data.by = nil, nil           // scratch
	return c
}
