package cluster

import (
	"math/rand/v2"
	"slices"
)

// Clone returns a copy of the stepper in its current state that steps on
// independently. A mini-batch stepper draws from rng, which must continue
// the stream k draws from (a copy of its source) for the copy to step as
// k would; Lloyd's ignores it.
func (k *KMeans) Clone(rng *rand.Rand) *KMeans {
	c := *k
	c.centroids = cloneRows(k.centroids)
	c.sums = cloneRows(k.sums)
	c.assign, c.counts = slices.Clone(k.assign), slices.Clone(k.counts)
	c.perm, c.batch, c.batchAssign = slices.Clone(k.perm), slices.Clone(k.batch), slices.Clone(k.batchAssign)
	if k.rng != nil {
		c.rng = rng
	}
	return &c // x, the samples, is only read
}

func cloneRows(rows [][]float64) [][]float64 {
	if rows == nil {
		return nil
	}
	out := make([][]float64, len(rows))
	for i, r := range rows {
		out[i] = slices.Clone(r)
	}
	return out
}
