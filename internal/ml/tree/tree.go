package tree

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlplayground/playground/internal/ml/num"

	"github.com/mlplayground/playground/internal/ml"
)

// Split criteria of a DecisionTree.
const (
	CriterionGini    = "gini"
	CriterionEntropy = "entropy"
)

// Markers in a tree's node list, scikit-learn's conventions (tree_.feature
// and tree_.threshold hold TREE_UNDEFINED = −2 at leaves, children_left and
// children_right TREE_LEAF = −1).
const (
	Leaf      = -1 // Left and Right of a leaf
	Undefined = -2 // Feature and Threshold of a leaf
)

// impurityEpsilon is scikit-learn's EPSILON (DBL_EPSILON): a node whose
// impurity is at most this is pure and never split.
const impurityEpsilon = 0x1p-52

// Config says how a DecisionTree grows.
type Config struct {
	Criterion string // CriterionGini or CriterionEntropy
	// MaxDepth stops splitting at this depth (the root has depth 0); 0 means
	// no limit.
	MaxDepth int
	// MinSamplesLeaf is the fewest samples a child may hold; 0 means 1.
	MinSamplesLeaf int
	// MaxFeatures is how many features each split examines, drawn at random
	// for every node; 0 (or the number of features or more) examines every
	// feature in order and draws nothing.
	MaxFeatures int
}

// Node is one node of a tree, in the layout of scikit-learn's tree_
// arrays. Samples at x[Feature] ≤ Threshold go to Left, the others to
// Right. A leaf has Feature = Threshold = Undefined and Left = Right =
// Leaf; a node still waiting to be split is a leaf.
type Node struct {
	Feature     int
	Threshold   float64
	Left, Right int
	Impurity    float64
	Samples     int
	Value       []float64 // samples of each class in the node
	Parent      int       // −1 for the root
	Depth       int       // 0 for the root
}

// Split is a candidate split of a node: x[Feature] ≤ Threshold goes left.
type Split struct {
	Feature   int
	Threshold float64
	// Decrease is the impurity decrease weighted by the node's share of the
	// samples, as scikit-learn computes it (see DecisionTree).
	Decrease                    float64
	LeftImpurity, RightImpurity float64
	LeftSamples, RightSamples   int
}

// NodeSplit is the split search of one node: every candidate examined and
// the best of them.
type NodeSplit struct {
	Node       int
	Candidates []Split // by feature (in the order examined), then threshold; nil for forest trees
	Best       Split
}

// DecisionTree is a CART classification tree (Breiman, Friedman, Olshen &
// Stone 1984, "Classification and Regression Trees") grown one split per
// Step, breadth-first: level by level, left to right, so node ids are in
// breadth-first order. scikit-learn grows depth-first, which gives the
// same tree with other ids.
//
// A node t with N_t of the N training samples and class shares p_k has the
// impurity
//
//	gini:    H(t) = 1 − Σ_k p_k²
//	entropy: H(t) = −Σ_k p_k log₂ p_k
//
// and the candidate splits of feature j are the midpoints between its
// consecutive distinct values in the node (as scikit-learn:
// x_(p−1)/2 + x_(p)/2), keeping MinSamplesLeaf samples on each side. The
// chosen split maximises the weighted impurity decrease
//
//	ΔH = N_t/N · (H(t) − N_tR/N_t · H(t_R) − N_tL/N_t · H(t_L))
//
// (for the entropy, the information gain weighted by N_t/N). Ties go to the
// first candidate examined: the lowest feature, then the lowest threshold
// (scikit-learn breaks them by a random feature order). A node stays a leaf
// when it is pure, has fewer than 2 or 2·MinSamplesLeaf samples, sits at
// MaxDepth, or has no candidate. With MaxFeatures = m < d the features are
// examined in a random order until m of them were not constant in the node,
// scikit-learn's rule for random forests.
//
// A DecisionTree is not safe for concurrent use.
type DecisionTree struct {
	x            [][]float64 // shared, never modified
	y            []int
	classes      int
	cfg          Config
	rng          *rand.Rand
	total        int // samples at the root
	nodes        []Node
	members      [][]int // samples of each node until it is split
	queue        []int   // nodes waiting for their split search, breadth-first
	next         *NodeSplit
	last         *NodeSplit
	splits       int
	keepCands    bool
	order, pairs []int // scratch
	sorted       []valueLabel
	left, right  []float64
}

var _ ml.Stepper = (*DecisionTree)(nil)

type valueLabel struct {
	v float64
	y int
}

// NewDecisionTree returns a tree of one leaf over the samples X with class
// labels y in 0..classes−1, ready to grow; it copies X and y. rng is used
// only when cfg.MaxFeatures examines fewer than all features (it may then
// not be nil). It returns an error for an unknown criterion and panics on
// empty or mismatched data.
func NewDecisionTree(X [][]float64, y []int, classes int, cfg Config, rng *rand.Rand) (*DecisionTree, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	checkLabelled(X, y, classes)
	Xc := num.Matrix(len(X), len(X[0]))
	for i := range X {
		copy(Xc[i], X[i])
	}
	idx := make([]int, len(X))
	for i := range idx {
		idx[i] = i
	}
	return newTree(Xc, slices.Clone(y), idx, classes, cfg, rng, true), nil
}

func (cfg Config) check() error {
	if cfg.Criterion != CriterionGini && cfg.Criterion != CriterionEntropy {
		return fmt.Errorf("ml: unknown tree criterion %q (want %s or %s)", cfg.Criterion, CriterionGini, CriterionEntropy)
	}
	if cfg.MaxDepth < 0 || cfg.MinSamplesLeaf < 0 || cfg.MaxFeatures < 0 {
		return fmt.Errorf("ml: negative tree limit in %+v", cfg)
	}
	return nil
}

func checkLabelled(X [][]float64, y []int, classes int) {
	if len(X) == 0 || len(X) != len(y) || len(X[0]) == 0 || classes < 1 {
		panic(fmt.Sprintf("ml: tree needs samples with labels: %d samples, %d labels, %d classes", len(X), len(y), classes))
	}
	for i, c := range y {
		if c < 0 || c >= classes || len(X[i]) != len(X[0]) {
			panic(fmt.Sprintf("ml: sample %d has label %d of %d classes or %d features", i, c, classes, len(X[i])))
		}
	}
}

// newTree grows over the samples idx of X (repeats allowed: a bootstrap
// sample), sharing X and y.
func newTree(X [][]float64, y []int, idx []int, classes int, cfg Config, rng *rand.Rand, keepCands bool) *DecisionTree {
	if cfg.MinSamplesLeaf == 0 {
		cfg.MinSamplesLeaf = 1
	}
	if d := len(X[0]); cfg.MaxFeatures == 0 || cfg.MaxFeatures > d {
		cfg.MaxFeatures = d
	}
	if cfg.MaxFeatures < len(X[0]) && rng == nil {
		panic("ml: a tree examining a random subset of features needs a rand.Rand")
	}
	t := &DecisionTree{x: X, y: y, classes: classes, cfg: cfg, rng: rng, total: len(idx), keepCands: keepCands,
		left: make([]float64, classes), right: make([]float64, classes)}
	t.addNode(idx, -1, 0)
	t.findNext()
	return t
}

// addNode appends a leaf holding the samples idx and queues it.
func (t *DecisionTree) addNode(idx []int, parent, depth int) int {
	value := make([]float64, t.classes)
	for _, i := range idx {
		value[t.y[i]]++
	}
	t.nodes = append(t.nodes, Node{
		Feature: Undefined, Threshold: Undefined, Left: Leaf, Right: Leaf,
		Impurity: t.impurity(value, float64(len(idx))), Samples: len(idx), Value: value,
		Parent: parent, Depth: depth,
	})
	t.members = append(t.members, idx)
	id := len(t.nodes) - 1
	t.queue = append(t.queue, id)
	return id
}

// impurity of a node with the given class counts summing to n.
func (t *DecisionTree) impurity(counts []float64, n float64) float64 {
	if t.cfg.Criterion == CriterionGini {
		sq := 0.0
		for _, c := range counts {
			sq += c * c
		}
		return 1 - sq/(n*n)
	}
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := c / n
			h -= p * math.Log(p) / math.Ln2 // log₂ as scikit-learn computes it
		}
	}
	return h
}

// findNext takes queued nodes until one has a split, and keeps its search
// as the next split; nodes without one stay leaves.
func (t *DecisionTree) findNext() {
	t.next = nil
	for len(t.queue) > 0 {
		id := t.queue[0]
		t.queue = t.queue[1:]
		if s, ok := t.search(id); ok {
			t.next = s
			return
		}
		t.members[id] = nil
	}
}

// search examines every candidate split of node id.
func (t *DecisionTree) search(id int) (*NodeSplit, bool) {
	nd := &t.nodes[id]
	minLeaf := t.cfg.MinSamplesLeaf
	if (t.cfg.MaxDepth > 0 && nd.Depth >= t.cfg.MaxDepth) || nd.Samples < 2 || nd.Samples < 2*minLeaf || nd.Impurity <= impurityEpsilon {
		return nil, false
	}
	idx := t.members[id]
	n := float64(nd.Samples)
	s := &NodeSplit{Node: id, Best: Split{Decrease: math.Inf(-1)}}
	d := len(t.x[0])
	t.order = t.order[:0]
	for j := range d {
		t.order = append(t.order, j)
	}
	examined := 0
	for k := 0; k < d && examined < t.cfg.MaxFeatures; k++ {
		if t.cfg.MaxFeatures < d {
			// Fisher–Yates, one draw per feature examined.
			r := k + t.rng.IntN(d-k)
			t.order[k], t.order[r] = t.order[r], t.order[k]
		}
		f := t.order[k]
		t.sorted = t.sorted[:0]
		for _, i := range idx {
			t.sorted = append(t.sorted, valueLabel{t.x[i][f], t.y[i]})
		}
		slices.SortFunc(t.sorted, func(a, b valueLabel) int {
			switch {
			case a.v < b.v:
				return -1
			case a.v > b.v:
				return 1
			}
			return 0
		})
		if t.sorted[0].v == t.sorted[len(t.sorted)-1].v {
			continue // constant in this node
		}
		examined++
		clear(t.left)
		copy(t.right, nd.Value)
		for p := 1; p < len(t.sorted); p++ {
			c := t.sorted[p-1].y
			t.left[c]++
			t.right[c]--
			if t.sorted[p].v <= t.sorted[p-1].v || p < minLeaf || len(t.sorted)-p < minLeaf {
				continue
			}
			nl, nr := float64(p), n-float64(p)
			hl, hr := t.impurity(t.left, nl), t.impurity(t.right, nr)
			c2 := Split{
				Feature:      f,
				Threshold:    t.sorted[p-1].v/2 + t.sorted[p].v/2,
				Decrease:     n / float64(t.total) * (nd.Impurity - nr/n*hr - nl/n*hl),
				LeftImpurity: hl, RightImpurity: hr,
				LeftSamples: p, RightSamples: len(t.sorted) - p,
			}
			if c2.Threshold == t.sorted[p].v { // rounding reached the upper value
				c2.Threshold = t.sorted[p-1].v
			}
			if t.keepCands {
				s.Candidates = append(s.Candidates, c2)
			}
			if c2.Decrease > s.Best.Decrease {
				s.Best = c2
			}
		}
	}
	return s, !math.IsInf(s.Best.Decrease, -1)
}

// Step makes the next split (breadth-first) and searches the one after.
// Once Done it does nothing.
func (t *DecisionTree) Step() {
	s := t.next
	if s == nil {
		return
	}
	id, b := s.Node, s.Best
	idx := t.members[id]
	var li, ri []int
	for _, i := range idx {
		if t.x[i][b.Feature] <= b.Threshold {
			li = append(li, i)
		} else {
			ri = append(ri, i)
		}
	}
	depth := t.nodes[id].Depth + 1
	l := t.addNode(li, id, depth)
	r := t.addNode(ri, id, depth)
	nd := &t.nodes[id]
	nd.Feature, nd.Threshold, nd.Left, nd.Right = b.Feature, b.Threshold, l, r
	t.members[id] = nil
	t.splits++
	t.last = s
	t.findNext()
}

// StepLevel makes every split left at the depth of the next one, so a
// breadth-first tree grows by one level. It returns the number of splits.
func (t *DecisionTree) StepLevel() int {
	if t.next == nil {
		return 0
	}
	depth, made := t.nodes[t.next.Node].Depth, 0
	for t.next != nil && t.nodes[t.next.Node].Depth == depth {
		t.Step()
		made++
	}
	return made
}

// Grow makes every remaining split.
func (t *DecisionTree) Grow() {
	for !t.Done() {
		t.Step()
	}
}

// Done reports whether no node is left to split.
func (t *DecisionTree) Done() bool { return t.next == nil }

// Splits is the number of splits made.
func (t *DecisionTree) Splits() int { return t.splits }

// Last returns the search of the node split by the last Step.
func (t *DecisionTree) Last() (NodeSplit, bool) { return copySplit(t.last) }

// Next returns the search of the node the next Step will split.
func (t *DecisionTree) Next() (NodeSplit, bool) { return copySplit(t.next) }

func copySplit(s *NodeSplit) (NodeSplit, bool) {
	if s == nil {
		return NodeSplit{Node: -1}, false
	}
	c := *s
	c.Candidates = slices.Clone(s.Candidates)
	return c, true
}

// Nodes returns a copy of the node list; node 0 is the root.
func (t *DecisionTree) Nodes() []Node {
	out := make([]Node, len(t.nodes))
	for i, nd := range t.nodes {
		out[i] = nd
		out[i].Value = slices.Clone(nd.Value)
	}
	return out
}

// NumNodes is the number of nodes, leaves included.
func (t *DecisionTree) NumNodes() int { return len(t.nodes) }

// Depth is the depth of the deepest node.
func (t *DecisionTree) Depth() int { return t.nodes[len(t.nodes)-1].Depth } // breadth-first: the last is deepest

// LeafImpurity is the impurity of the leaves weighted by their share of the
// samples, Σ_leaves N_t/N · H(t); each split lowers it by its ΔH.
func (t *DecisionTree) LeafImpurity() float64 {
	s := 0.0
	for _, nd := range t.nodes {
		if nd.Left == Leaf {
			s += float64(nd.Samples) / float64(t.total) * nd.Impurity
		}
	}
	return s
}

// leaf returns the leaf that x falls in, stopping at maxDepth (0: none).
func (t *DecisionTree) leaf(x []float64, maxDepth int) *Node {
	nd := &t.nodes[0]
	for nd.Left != Leaf && (maxDepth == 0 || nd.Depth < maxDepth) {
		if x[nd.Feature] <= nd.Threshold {
			nd = &t.nodes[nd.Left]
		} else {
			nd = &t.nodes[nd.Right]
		}
	}
	return nd
}

// Predict returns the majority class of the leaf x falls in (ties to the
// lowest class).
func (t *DecisionTree) Predict(x []float64) int { return num.Argmax(t.leaf(x, 0).Value) }

// PredictAtDepth predicts with the tree cut at maxDepth: the nodes at that
// depth act as leaves. Because a node's split depends only on its own
// samples, this is the prediction of the tree grown with MaxDepth =
// maxDepth (0: the whole tree).
func (t *DecisionTree) PredictAtDepth(x []float64, maxDepth int) int {
	return num.Argmax(t.leaf(x, maxDepth).Value)
}

// PredictProba writes the class shares of the leaf x falls in to out
// (allocated when too short) and returns it.
func (t *DecisionTree) PredictProba(x []float64, out []float64) []float64 {
	if len(out) < t.classes {
		out = make([]float64, t.classes)
	}
	nd := t.leaf(x, 0)
	for k, c := range nd.Value {
		out[k] = c / float64(nd.Samples)
	}
	return out[:t.classes]
}

// GridProba returns the predicted class shares at every point of the grid
// xs × ys of features fx and fy, the other features taken from base:
// out[j·len(xs)+i] is the point x[fx] = xs[i], x[fy] = ys[j]. xs and ys must
// be ascending. It costs one visit per leaf rectangle and grid cell, not a
// walk per cell.
func (t *DecisionTree) GridProba(base []float64, fx int, xs []float64, fy int, ys []float64) [][]float64 {
	out, flat := gridRows(len(xs)*len(ys), t.classes)
	t.addGrid(flat, 1, base, fx, xs, fy, ys)
	return out
}

// gridRows returns n zero rows of the given width, cut from one array,
// and that array: a region map's grid is ten thousand rows.
func gridRows(n, width int) (rows [][]float64, flat []float64) {
	rows = make([][]float64, n)
	flat = make([]float64, n*width)
	for k := range rows {
		rows[k] = flat[k*width : (k+1)*width : (k+1)*width]
	}
	return rows, flat
}

// addGrid adds weight times the class shares to out over the grid, the
// shares of cell (i, j) at out[(j·len(xs)+i)·classes:].
func (t *DecisionTree) addGrid(out []float64, weight float64, base []float64, fx int, xs []float64, fy int, ys []float64) {
	if !slices.IsSorted(xs) || !slices.IsSorted(ys) || len(base) != len(t.x[0]) || fx == fy {
		panic("ml: GridProba needs ascending axes, two features and a full base")
	}
	var visit func(id, i0, i1, j0, j1 int)
	visit = func(id, i0, i1, j0, j1 int) {
		if i0 >= i1 || j0 >= j1 {
			return
		}
		nd := &t.nodes[id]
		if nd.Left == Leaf {
			w := weight / float64(nd.Samples)
			// The leaf's weighted shares, w·c, are the same for every cell.
			var buf [8]float64
			wc := buf[:0]
			for _, c := range nd.Value {
				wc = append(wc, w*c)
			}
			n := len(wc)
			for j := j0; j < j1; j++ {
				row := out[(j*len(xs)+i0)*n : (j*len(xs)+i1)*n]
				if n == 2 { // two classes, the usual case
					w0, w1 := wc[0], wc[1]
					for c := 0; c+1 < len(row); c += 2 {
						row[c] += w0
						row[c+1] += w1
					}
					continue
				}
				for c := 0; c+n <= len(row); c += n {
					o := row[c : c+n]
					for k, v := range wc {
						o[k] += v
					}
				}
			}
			return
		}
		// First grid index past the threshold: x ≤ threshold goes left.
		cut := func(v []float64, lo, hi int) int {
			k, _ := slices.BinarySearchFunc(v[lo:hi], nd.Threshold, func(a, thr float64) int {
				if a <= thr {
					return -1
				}
				return 1
			})
			return lo + k
		}
		switch nd.Feature {
		case fx:
			k := cut(xs, i0, i1)
			visit(nd.Left, i0, k, j0, j1)
			visit(nd.Right, k, i1, j0, j1)
		case fy:
			k := cut(ys, j0, j1)
			visit(nd.Left, i0, i1, j0, k)
			visit(nd.Right, i0, i1, k, j1)
		default:
			if base[nd.Feature] <= nd.Threshold {
				visit(nd.Left, i0, i1, j0, j1)
			} else {
				visit(nd.Right, i0, i1, j0, j1)
			}
		}
	}
	visit(0, 0, len(xs), 0, len(ys))
}

// RandomForest is Breiman's random forest (Breiman 2001, "Random forests",
// Machine Learning 45): T trees, each grown on a bootstrap sample (n draws
// with replacement from the n training samples) and examining only
// MaxFeatures random features at each split. It predicts the class with
// the highest averaged class share, as scikit-learn's
// RandomForestClassifier does:
//
//	p(k | x) = (1/T) Σ_t p_t(k | x)
//
// A Step grows every tree by one level, so the forest deepens in lockstep.
// A RandomForest is not safe for concurrent use.
type RandomForest struct {
	trees     []*DecisionTree
	bootstrap [][]int
	classes   int
	d         int
	steps     int
}

var _ ml.Stepper = (*RandomForest)(nil)

// SqrtFeatures is scikit-learn's max_features="sqrt": ⌊√d⌋, at least 1.
func SqrtFeatures(d int) int { return max(1, int(math.Sqrt(float64(d)))) }

// NewRandomForest draws the bootstrap samples of T trees from rng (each
// tree then gets its own generator seeded from rng, so a tree does not
// depend on the order trees grow in) and returns the forest of T root
// leaves. It copies X and y; cfg.MaxFeatures is usually SqrtFeatures(d).
func NewRandomForest(rng *rand.Rand, X [][]float64, y []int, classes, T int, cfg Config) (*RandomForest, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if T < 1 {
		return nil, fmt.Errorf("ml: a forest needs at least one tree, not %d", T)
	}
	checkLabelled(X, y, classes)
	Xc := num.Matrix(len(X), len(X[0]))
	for i := range X {
		copy(Xc[i], X[i])
	}
	yc := slices.Clone(y)
	f := &RandomForest{classes: classes, d: len(X[0])}
	for range T {
		boot := make([]int, len(X))
		for i := range boot {
			boot[i] = rng.IntN(len(X))
		}
		treeRng := rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))
		f.bootstrap = append(f.bootstrap, boot)
		f.trees = append(f.trees, newTree(Xc, yc, slices.Clone(boot), classes, cfg, treeRng, false))
	}
	return f, nil
}

// Step grows every unfinished tree by one level. Once Done it does
// nothing.
func (f *RandomForest) Step() {
	grew := false
	for _, t := range f.trees {
		if t.StepLevel() > 0 {
			grew = true
		}
	}
	if grew {
		f.steps++
	}
}

// Done reports whether every tree is fully grown.
func (f *RandomForest) Done() bool {
	for _, t := range f.trees {
		if !t.Done() {
			return false
		}
	}
	return true
}

// Steps is the number of levels grown.
func (f *RandomForest) Steps() int { return f.steps }

// Trees returns the trees; they must only be read.
func (f *RandomForest) Trees() []*DecisionTree { return slices.Clone(f.trees) }

// Bootstrap returns the sample indices tree i was grown on, repeats
// included.
func (f *RandomForest) Bootstrap(i int) []int { return slices.Clone(f.bootstrap[i]) }

// PredictProba writes the averaged class shares at x to out (allocated
// when too short) and returns it.
func (f *RandomForest) PredictProba(x []float64, out []float64) []float64 {
	if len(out) < f.classes {
		out = make([]float64, f.classes)
	}
	out = out[:f.classes]
	clear(out)
	w := 1 / float64(len(f.trees))
	for _, t := range f.trees {
		nd := t.leaf(x, 0)
		for k, c := range nd.Value {
			out[k] += w * c / float64(nd.Samples)
		}
	}
	return out
}

// Predict returns the class with the highest averaged share.
func (f *RandomForest) Predict(x []float64) int {
	var buf [8]float64 // no allocation for up to 8 classes
	return num.Argmax(f.PredictProba(x, buf[:]))
}

// GridProba is DecisionTree.GridProba for the averaged class shares.
func (f *RandomForest) GridProba(base []float64, fx int, xs []float64, fy int, ys []float64) [][]float64 {
	out, flat := gridRows(len(xs)*len(ys), f.classes)
	for _, t := range f.trees {
		t.addGrid(flat, 1/float64(len(f.trees)), base, fx, xs, fy, ys)
	}
	return out
}
