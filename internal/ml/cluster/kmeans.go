package cluster

import (
	"math"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/ml/num"

	"github.com/mlplayground/playground/internal/ml"
)

// Phases of a KMeans stepper, as returned by Phase.
const (
	PhaseInit   = "init"   // constructed, nothing done yet
	PhaseAssign = "assign" // the last step assigned samples to centroids
	PhaseUpdate = "update" // the last step moved the centroids
)

// maxMiniBatchPasses bounds a mini-batch run: mini-batch k-means need not
// settle exactly, so it stops after this many passes over the data.
const maxMiniBatchPasses = 50

// KMeans is a k-means stepper. Each Step is one visible half of an
// iteration: an assign step, then an update step, and so on.
//
// Full-batch k-means (Lloyd 1982, "Least squares quantization in PCM",
// IEEE Trans. Inf. Theory 28(2)) alternates
//
//	assign: a(i) = argmin_c ‖xᵢ − μ_c‖²   (ties → lowest c)
//	update: μ_c = (1/|S_c|) Σ_{i∈S_c} xᵢ,  S_c = {i : a(i) = c}
//
// and never increases the inertia Σᵢ ‖xᵢ − μ_{a(i)}‖². A cluster that is
// left empty keeps its centroid where it was (scikit-learn instead moves it
// to a far away sample); we keep it so every move on screen is a mean.
//
// Mini-batch k-means (Sculley 2010, "Web-scale k-means clustering", WWW)
// visits the samples in a random order, batchSize at a time. The assign step
// takes the next batch and assigns it to the nearest centroids; the update
// step moves, for each sample x of the batch in turn,
//
//	count_c ← count_c + 1,  μ_c ← μ_c + (x − μ_c)/count_c
//
// so each centroid is the running mean of every sample ever assigned to it
// (per-centroid learning rate 1/count_c). With batchSize 1 this is
// MacQueen's sequential k-means (MacQueen 1967, "Some methods for
// classification and analysis of multivariate observations", 5th Berkeley
// Symposium).
//
// A KMeans is not safe for concurrent use.
type KMeans struct {
	x         [][]float64 // n×d copy of the samples
	centroids [][]float64 // k×d
	assign    []int       // current cluster of every sample
	phase     string
	iter      int // completed update steps
	changed   int
	inertia   float64
	converged bool

	// Lloyd
	sums   [][]float64 // k×d scratch for the update
	counts []int       // Lloyd: scratch sizes; mini-batch: samples seen per centroid

	// mini-batch
	mini        bool
	rng         *rand.Rand
	batchSize   int
	perm        []int // visiting order of the current pass
	pos         int   // next position in perm
	batch       []int // perm[pos-len(batch):pos] after the assign step
	batchAssign []int // clusters of the batch at its assign step
	passChanged int   // nearest-centroid changes so far in this pass
	passes      int   // completed passes
}

var _ ml.Stepper = (*KMeans)(nil)

// NewKMeans returns a Lloyd (full-batch) stepper for the samples X starting
// from the given initial centroids. It copies both. It panics if X or
// initial is empty or the dimensions differ.
func NewKMeans(X [][]float64, initial [][]float64) *KMeans {
	return newLloyd(newKMeans(X, initial, true))
}

// newLloyd readies km for Lloyd's algorithm.
func newLloyd(km *KMeans) *KMeans {
	km.sums = num.Matrix(len(km.centroids), len(km.centroids[0]))
	for i := range km.assign {
		km.assign[i] = -1
	}
	km.inertia = km.nearestInertia()
	return km
}

// NewMiniBatchKMeans returns a mini-batch stepper (batchSize 1: sequential,
// MacQueen) for the samples X starting from the given initial centroids. It
// copies X and initial and draws the order of every pass from rng. It panics
// if X or initial is empty, the dimensions differ or batchSize < 1.
// batchSize larger than len(X) is treated as len(X).
func NewMiniBatchKMeans(rng *rand.Rand, X [][]float64, initial [][]float64, batchSize int) *KMeans {
	if batchSize < 1 {
		panic("ml: NewMiniBatchKMeans batchSize < 1")
	}
	if rng == nil {
		panic("ml: NewMiniBatchKMeans with nil rng")
	}
	km := newKMeans(X, initial, true)
	km.mini = true
	km.rng = rng
	km.batchSize = min(batchSize, len(X))
	km.perm = make([]int, len(X))
	for i := range km.perm {
		km.perm[i] = i
	}
	km.batchAssign = make([]int, 0, km.batchSize)
	_, km.inertia = km.assignNearest() // the count is against zeroed assignments
	return km
}

// newKMeans checks the arguments and copies initial, and X too if copyX; a
// caller passing copyX = false must not modify X while the KMeans is used.
func newKMeans(X [][]float64, initial [][]float64, copyX bool) *KMeans {
	if len(X) == 0 {
		panic("ml: k-means without samples")
	}
	if len(initial) == 0 {
		panic("ml: k-means without centroids")
	}
	d := len(initial[0])
	km := &KMeans{
		x:         X,
		centroids: num.Matrix(len(initial), d),
		assign:    make([]int, len(X)),
		counts:    make([]int, len(initial)),
		phase:     PhaseInit,
	}
	for i, c := range initial {
		if len(c) != d {
			panic("ml: k-means centroids of different dimension")
		}
		copy(km.centroids[i], c)
	}
	for _, x := range X {
		if len(x) != d {
			panic("ml: k-means samples and centroids of different dimension")
		}
	}
	if copyX {
		km.x = num.Matrix(len(X), d)
		for i, x := range X {
			copy(km.x[i], x)
		}
	}
	return km
}

// Step advances one phase: an assign step if the last step was an update (or
// nothing happened yet), otherwise an update step. Once Converged, Step does
// nothing.
func (km *KMeans) Step() {
	if km.converged {
		return
	}
	switch {
	case km.mini && km.phase == PhaseAssign:
		km.miniUpdate()
	case km.mini:
		km.miniAssign()
	case km.phase == PhaseAssign:
		km.lloydUpdate()
	default:
		km.lloydAssign()
	}
}

func (km *KMeans) lloydAssign() {
	km.changed = 0
	km.inertia = 0
	for i, x := range km.x {
		c, d2 := nearest(x, km.centroids)
		if c != km.assign[i] {
			km.changed++
			km.assign[i] = c
		}
		km.inertia += d2
	}
	km.phase = PhaseAssign
	// The first assign changes every sample (from −1), so this cannot fire then.
	km.converged = km.changed == 0
}

func (km *KMeans) lloydUpdate() {
	for c := range km.sums {
		clear(km.sums[c])
		km.counts[c] = 0
	}
	for i, x := range km.x {
		c := km.assign[i]
		km.counts[c]++
		for j, v := range x {
			km.sums[c][j] += v
		}
	}
	for c, s := range km.sums {
		if km.counts[c] == 0 {
			continue // empty cluster: keep the centroid
		}
		inv := 1 / float64(km.counts[c])
		for j := range s {
			km.centroids[c][j] = s[j] * inv
		}
	}
	// Inertia of the old assignments with the new centroids: the update can
	// only lower it, so it is non-increasing step by step.
	km.inertia = 0
	for i, x := range km.x {
		km.inertia += num.SqDist(x, km.centroids[km.assign[i]])
	}
	km.iter++
	km.phase = PhaseUpdate
}

func (km *KMeans) miniAssign() {
	if km.pos == 0 {
		km.rng.Shuffle(len(km.perm), func(i, j int) { km.perm[i], km.perm[j] = km.perm[j], km.perm[i] })
	}
	end := min(km.pos+km.batchSize, len(km.perm))
	km.batch = km.perm[km.pos:end]
	km.pos = end
	// The centroids have not moved since the nearest centroids were last
	// computed, so km.assign already holds the batch's assignment.
	km.batchAssign = km.batchAssign[:0]
	for _, i := range km.batch {
		km.batchAssign = append(km.batchAssign, km.assign[i])
	}
	km.changed = 0
	km.phase = PhaseAssign
}

func (km *KMeans) miniUpdate() {
	for b, i := range km.batch {
		c := km.batchAssign[b]
		km.counts[c]++
		eta := 1 / float64(km.counts[c])
		for j, v := range km.x[i] {
			km.centroids[c][j] += (v - km.centroids[c][j]) * eta
		}
	}
	km.changed, km.inertia = km.assignNearest()
	km.passChanged += km.changed
	km.iter++
	km.phase = PhaseUpdate
	if km.pos == len(km.perm) {
		km.passes++
		km.converged = km.passChanged == 0 || km.passes >= maxMiniBatchPasses
		km.passChanged = 0
		km.pos = 0
	}
}

// assignNearest sets every sample's assignment to its nearest centroid and
// returns how many changed and the inertia.
func (km *KMeans) assignNearest() (changed int, inertia float64) {
	for i, x := range km.x {
		c, d2 := nearest(x, km.centroids)
		if c != km.assign[i] {
			changed++
			km.assign[i] = c
		}
		inertia += d2
	}
	return changed, inertia
}

// nearestInertia is Σᵢ minᶜ ‖xᵢ − μ_c‖², without touching the assignments.
func (km *KMeans) nearestInertia() float64 {
	var s float64
	for _, x := range km.x {
		_, d2 := nearest(x, km.centroids)
		s += d2
	}
	return s
}

// nearest returns the index of the centroid closest to x in squared
// Euclidean distance (ties → lowest index) and that squared distance.
func nearest(x []float64, centroids [][]float64) (int, float64) {
	best, bestD := 0, math.Inf(1)
	for c, mu := range centroids {
		if d := num.SqDist(x, mu); d < bestD {
			best, bestD = c, d
		}
	}
	return best, bestD
}

// Centroids returns a copy of the current centroids, k×d.
func (km *KMeans) Centroids() [][]float64 { return num.CopyRows(km.centroids) }

// Assignments returns a copy of every sample's current cluster. For Lloyd it
// is −1 for all samples before the first assign step. For mini-batch it is
// always every sample's nearest centroid, so the picture is complete.
func (km *KMeans) Assignments() []int { return append([]int(nil), km.assign...) }

// Batch returns a copy of the indices of the samples in the current
// mini-batch (the one assigned by the last assign step and, after an update
// step, just used to move the centroids). It is nil for Lloyd and before the
// first mini-batch step.
func (km *KMeans) Batch() []int {
	if km.batch == nil {
		return nil
	}
	return append([]int(nil), km.batch...)
}

// Phase returns PhaseInit, PhaseAssign or PhaseUpdate: what the last step did.
func (km *KMeans) Phase() string { return km.phase }

// Iteration returns the number of completed update steps.
func (km *KMeans) Iteration() int { return km.iter }

// Changed returns how many samples changed cluster. For Lloyd it counts the
// last assign step. For mini-batch, whose assign step changes nothing (the
// nearest centroids are already known), it counts the samples whose nearest
// centroid changed in the last update step; it is 0 after an assign step.
func (km *KMeans) Changed() int { return km.changed }

// Inertia returns the within-cluster sum of squares
//
//	Σᵢ ‖xᵢ − μ_{a(i)}‖²
//
// Before any step a(i) is the nearest centroid; after a Lloyd assign step
// the new assignments; after a Lloyd update step the assignments of the
// previous assign step with the new centroids, which makes Lloyd's inertia
// non-increasing step by step. For mini-batch a(i) is always the nearest
// centroid.
func (km *KMeans) Inertia() float64 { return km.inertia }

// Converged reports whether the run has finished. Lloyd has converged when an
// assign step changed no assignment. Mini-batch has converged when a whole
// pass over the data (ceil(n/batchSize) update steps) changed no sample's
// nearest centroid, or after 50 passes.
func (km *KMeans) Converged() bool { return km.converged }

// Done reports whether the run has ended: it is Converged.
func (km *KMeans) Done() bool { return km.converged }

// InitRandom returns k distinct samples of X (distinct indices), chosen
// uniformly at random, as initial centroids (Forgy's method). The rows are
// copies. It panics if k < 1 or k > len(X).
func InitRandom(rng *rand.Rand, X [][]float64, k int) [][]float64 {
	checkK(X, k)
	// Partial Fisher–Yates shuffle of the indices.
	idx := make([]int, len(X))
	for i := range idx {
		idx[i] = i
	}
	out := make([][]float64, k)
	for c := range k {
		j := c + rng.IntN(len(idx)-c)
		idx[c], idx[j] = idx[j], idx[c]
		out[c] = append([]float64(nil), X[idx[c]]...)
	}
	return out
}

// InitPlusPlus returns k initial centroids chosen by k-means++ (Arthur &
// Vassilvitskii 2007, "k-means++: the advantages of careful seeding", SODA):
// the first uniformly among the samples, each next one sample x with
// probability
//
//	P(x) = D(x)² / Σ_x' D(x')²
//
// where D(x) is the distance from x to the nearest centroid chosen so far. If
// every D is 0 it picks uniformly among the samples not chosen yet, so the
// indices are always distinct. This is the original algorithm; scikit-learn
// adds greedy local trials. The rows are copies. It panics if k < 1 or
// k > len(X).
func InitPlusPlus(rng *rand.Rand, X [][]float64, k int) [][]float64 {
	checkK(X, k)
	n := len(X)
	d2 := make([]float64, n)
	chosen := make([]bool, n)
	out := make([][]float64, 0, k)
	pick := func(i int) {
		chosen[i] = true
		out = append(out, append([]float64(nil), X[i]...))
	}
	first := rng.IntN(n)
	pick(first)
	for i, x := range X {
		d2[i] = num.SqDist(x, X[first])
	}
	for len(out) < k {
		var total float64
		for i, v := range d2 {
			if !chosen[i] {
				total += v
			}
		}
		next := -1
		if total > 0 {
			r := rng.Float64() * total
			var cum float64
			for i, v := range d2 {
				if chosen[i] || v == 0 {
					continue
				}
				next = i // the last candidate also catches rounding in cum
				cum += v
				if r < cum {
					break
				}
			}
		} else {
			// All remaining samples sit on chosen centroids.
			m := rng.IntN(n - len(out))
			for i := range chosen {
				if !chosen[i] {
					if m == 0 {
						next = i
						break
					}
					m--
				}
			}
		}
		pick(next)
		for i, x := range X {
			d2[i] = min(d2[i], num.SqDist(x, X[next]))
		}
	}
	return out
}

func checkK(X [][]float64, k int) {
	if k < 1 || k > len(X) {
		panic("ml: k out of range [1, number of samples]")
	}
}

// KMeansToConvergence runs Lloyd's algorithm from k-means++ centroids until
// an assign step changes nothing (at most 300 iterations, scikit-learn's
// max_iter), and returns the stepper, whose Assignments are the clustering.
// It panics if k < 1 or k > len(X).
func KMeansToConvergence(rng *rand.Rand, X [][]float64, k int) *KMeans {
	const maxIter = 300
	km := NewKMeans(X, InitPlusPlus(rng, X, k))
	for !km.Converged() && km.Iteration() < maxIter {
		km.Step()
	}
	if km.Phase() == PhaseUpdate {
		km.Step() // assignments to the final centroids
	}
	return km
}

// Elbow returns, for K = 1..kMax, the inertia of Lloyd's algorithm started
// from k-means++ and run to convergence (at most 300 iterations, then one
// final assign step as scikit-learn does). Index 0 is K = 1. If kMax exceeds
// len(X) the slice stops at K = len(X). It panics if kMax < 1.
func Elbow(rng *rand.Rand, X [][]float64, kMax int) []float64 {
	const maxIter = 300
	if kMax < 1 {
		panic("ml: Elbow kMax < 1")
	}
	kMax = min(kMax, len(X))
	out := make([]float64, kMax)
	for k := 1; k <= kMax; k++ {
		// X is only read, so the runs can share it.
		km := newLloyd(newKMeans(X, InitPlusPlus(rng, X, k), false))
		for !km.Converged() && km.Iteration() < maxIter {
			km.Step()
		}
		if km.Phase() == PhaseUpdate {
			km.Step()
		}
		out[k-1] = km.Inertia()
	}
	return out
}
