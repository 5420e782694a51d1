package decisiontree

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of a decision-tree frame.
type frame struct {
	Step    int                 `json:"step"`
	Done    bool                `json:"done"`
	Metrics map[string]*float64 `json:"metrics"`
	State   struct {
		Phase string `json:"phase"`
		Tree  []struct {
			Feature   int       `json:"feature"`
			Threshold float64   `json:"threshold"`
			Left      int       `json:"left"`
			Right     int       `json:"right"`
			Impurity  float64   `json:"impurity"`
			Samples   int       `json:"samples"`
			Value     []float64 `json:"value"`
		} `json:"tree"`
		Split *struct {
			Node      int     `json:"node"`
			Feature   int     `json:"feature"`
			Threshold float64 `json:"threshold"`
			Decrease  float64 `json:"decrease"`
			Made      bool    `json:"made"`
		} `json:"split"`
		DepthTrain   []float64 `json:"depth_train_accuracy"`
		DepthVal     []float64 `json:"depth_val_accuracy"`
		ForestLevels int       `json:"forest_levels"`
	} `json:"state"`
	Note string `json:"note"`
}

// sample is one row of data.csv.
type sample struct {
	x     []float64
	label int
	val   bool
}

// samples reads data.csv: x1..xd, label, split.
func samples(t testing.TB, r *lab.Run) []sample {
	t.Helper()
	rows, d := scenariotest.LabelledRows(t, r)
	var err error
	var out []sample
	for _, row := range rows[1:] {
		s := sample{x: make([]float64, d), val: row[d+1] == "val"}
		for j := range d {
			s.x[j], err = strconv.ParseFloat(row[j], 64)
			if err != nil {
				t.Fatal(err)
			}
		}
		if s.label, err = strconv.Atoi(row[d]); err != nil {
			t.Fatal(err)
		}
		if !s.val && row[d+1] != "train" {
			t.Fatalf("split %q", row[d+1])
		}
		out = append(out, s)
	}
	return out
}

// predict walks state.tree as scikit-learn's tree_ arrays: x[feature] ≤
// threshold goes left; a leaf predicts its largest class count.
func predict(f frame, x []float64) int {
	i := 0
	for f.State.Tree[i].Left != -1 {
		nd := f.State.Tree[i]
		if x[nd.Feature] <= nd.Threshold {
			i = nd.Left
		} else {
			i = nd.Right
		}
	}
	v := f.State.Tree[i].Value
	best := 0
	for k := range v {
		if v[k] > v[best] {
			best = k
		}
	}
	return best
}

func accuracy(f frame, data []sample, val bool) float64 {
	right, n := 0, 0
	for _, s := range data {
		if s.val == val {
			n++
			if predict(f, s.x) == s.label {
				right++
			}
		}
	}
	return float64(right) / float64(n)
}

func impurity(criterion string, v []float64) float64 {
	n, h := 0.0, 0.0
	for _, c := range v {
		n += c
	}
	for _, c := range v {
		p := c / n
		if criterion == "gini" {
			h += p * (1 - p) // 1 − Σp² = Σ p(1 − p)
		} else if c > 0 {
			h -= p * math.Log2(p)
		}
	}
	return h
}

// TestFrameContract checks every frame of a few runs against data.csv,
// independently of the ml package: the accuracies are recomputed by
// walking state.tree over the train and validation rows; each node's samples and
// class counts are those of the training rows that reach it; its impurity
// follows from its counts (1e-12); leaves are marked as scikit-learn marks
// them; every threshold is the midpoint of two consecutive distinct
// training values of its feature among the node's samples, with at least
// min_samples_leaf on each side; the split made is the one the new node
// carries; and the tree grows one split per step, breadth-first, until the
// forest phase, when it stays the same.
func TestFrameContract(t *testing.T) {
	for _, query := range []string{"", "criterion=entropy&dataset=moons&n=150&seed=4", "dataset=iris&max_depth=3",
		"dataset=xor&min_samples_leaf=5&trees=3", "dataset=wine&criterion=entropy&max_depth=2&trees=5", "dataset=spiral&max_depth=15&n=100&points=0.5:0.5:1,1:1:2"} {
		r := scenariotest.NewRun(t, sc, query)
		data := samples(t, r)
		v, _ := lab.Parse(sc.Params, mustQuery(t, query))
		criterion, minLeaf, depthLimit := criterionParam.Get(v).name, minLeafParam.Get(v), maxDepthParam.Get(v)
		var prev frame
		for {
			f := scenariotest.Decode[frame](t, r, false)
			tree := f.State.Tree
			splits := 0
			// Reach: the training rows that reach each node.
			reach := make([][]int, len(tree))
			for i, s := range data {
				if s.val {
					continue
				}
				for n := 0; ; {
					reach[n] = append(reach[n], i)
					nd := tree[n]
					if nd.Left == -1 {
						break
					}
					if s.x[nd.Feature] <= nd.Threshold {
						n = nd.Left
					} else {
						n = nd.Right
					}
				}
			}
			for n, nd := range tree {
				counts := make([]float64, len(nd.Value))
				for _, i := range reach[n] {
					counts[data[i].label]++
				}
				if nd.Samples != len(reach[n]) || !slices.Equal(nd.Value, counts) {
					t.Fatalf("%q step %d node %d: %d samples %v, data.csv gives %d %v", query, f.Step, n, nd.Samples, nd.Value, len(reach[n]), counts)
				}
				if got, want := nd.Impurity, impurity(criterion, nd.Value); math.Abs(got-want) > 1e-12 {
					t.Fatalf("%q node %d: impurity %v, want %v", query, n, got, want)
				}
				if nd.Left == -1 {
					if nd.Right != -1 || nd.Feature != -2 || nd.Threshold != -2 {
						t.Fatalf("%q node %d: leaf marked %+v", query, n, nd)
					}
					continue
				}
				splits++
				if nd.Left <= n || nd.Right != nd.Left+1 {
					t.Fatalf("%q node %d: children %d, %d are not breadth-first", query, n, nd.Left, nd.Right)
				}
				checkThreshold(t, query, data, reach[n], nd.Feature, nd.Threshold, minLeaf)
			}
			if f.Step > 0 && f.State.Phase == "tree" && (splits != f.Step || !f.State.Split.Made) {
				t.Fatalf("%q step %d: %d splits in the tree", query, f.Step, splits)
			}
			if s := f.State.Split; s != nil && s.Made {
				nd := tree[s.Node]
				if nd.Feature != s.Feature || nd.Threshold != s.Threshold {
					t.Fatalf("%q step %d: split %+v, node carries %d ≤ %v", query, f.Step, s, nd.Feature, nd.Threshold)
				}
			}
			if prev.Step > 0 && prev.State.Phase == "forest" && len(tree) != len(prev.State.Tree) {
				t.Fatalf("%q step %d: the tree changed during the forest phase", query, f.Step)
			}
			if got, want := *f.Metrics["train_accuracy"], accuracy(f, data, false); got != want {
				t.Fatalf("%q step %d: train accuracy %v, state.tree on data.csv gives %v", query, f.Step, got, want)
			}
			if te := f.Metrics["val_accuracy"]; te != nil && *te != accuracy(f, data, true) {
				t.Fatalf("%q step %d: validation accuracy %v, state.tree on data.csv gives %v", query, f.Step, *te, accuracy(f, data, true))
			}
			for n, nd := range tree {
				depth := 0
				for p := n; p != 0; depth++ {
					p = parentOf(f, p)
				}
				if nd.Left != -1 && depth >= depthLimit {
					t.Fatalf("%q node %d at depth %d split past max_depth %d", query, n, depth, depthLimit)
				}
			}
			if f.Done {
				if f.State.Phase != "forest" || f.State.ForestLevels == 0 || !strings.HasPrefix(f.Note, "The forest is complete") {
					t.Fatalf("%q: ends in phase %s after %d forest levels: %q", query, f.State.Phase, f.State.ForestLevels, f.Note)
				}
				if len(f.State.DepthTrain) != maxDepth || f.State.DepthTrain[maxDepth-1] < f.State.DepthTrain[0] {
					t.Fatalf("%q: depth sweep %v", query, f.State.DepthTrain)
				}
				// The single tree at max_depth is one point of the sweep.
				if got, want := *f.Metrics["train_accuracy"], f.State.DepthTrain[depthLimit-1]; math.Abs(got-want) > 1e-15 {
					t.Fatalf("%q: train accuracy %v, sweep at depth %d says %v", query, got, depthLimit, want)
				}
				break
			}
			prev = f
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func mustQuery(t testing.TB, q string) url.Values {
	v, err := lab.ParseQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func parentOf(f frame, n int) int {
	for p, nd := range f.State.Tree {
		if nd.Left == n || nd.Right == n {
			return p
		}
	}
	panic("orphan node")
}

// checkThreshold: the threshold is (a+b)/2 for consecutive distinct values
// a < b of the feature among the node's training rows, leaving at least
// minLeaf rows on each side.
func checkThreshold(t *testing.T, query string, data []sample, rows []int, feature int, threshold float64, minLeaf int) {
	t.Helper()
	var vals []float64
	for _, i := range rows {
		vals = append(vals, data[i].x[feature])
	}
	slices.Sort(vals)
	for p := 1; p < len(vals); p++ {
		if vals[p] > vals[p-1] && vals[p-1]/2+vals[p]/2 == threshold {
			if p < minLeaf || len(vals)-p < minLeaf {
				t.Fatalf("%q: threshold %v leaves %d and %d samples", query, threshold, p, len(vals)-p)
			}
			return
		}
	}
	t.Fatalf("%q: threshold %v of feature %d is no midpoint of consecutive training values", query, threshold, feature)
}

// TestForestBeatsDeepTree: on the default data a fully grown tree
// (max_depth 15) over-fits and the forest of fully grown trees does better
// on the validation split, over seeds 1 to 5 on average; and at the default depth
// the validation accuracy of the depth sweep falls after its peak.
func TestForestBeatsDeepTree(t *testing.T) {
	gain := 0.0
	for seed := 1; seed <= 5; seed++ {
		r := scenariotest.NewRun(t, sc, "max_depth=15&seed="+strconv.Itoa(seed))
		r.Advance(sc.MaxSteps)
		f := scenariotest.Decode[frame](t, r, false)
		t.Logf("seed %d: tree %.3f, forest %.3f", seed, *f.Metrics["val_accuracy"], *f.Metrics["forest_val_accuracy"])
		gain += (*f.Metrics["forest_val_accuracy"] - *f.Metrics["val_accuracy"]) / 5
		if best := slices.Max(f.State.DepthVal); best <= f.State.DepthVal[maxDepth-1] {
			t.Errorf("seed %d: validation accuracy does not fall with depth: %v", seed, f.State.DepthVal)
		}
	}
	if gain < 0.02 {
		t.Errorf("forest gains %.3f test accuracy over a fully grown tree on average", gain)
	}
}

func TestCustomPoints(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "dataset=custom")
	f := scenariotest.Decode[frame](t, r, false)
	if !f.Done || !strings.Contains(f.Note, "click") || len(f.State.Tree) != 0 {
		t.Errorf("empty custom data: %+v", f)
	}
	for _, panel := range sc.Panels {
		if _, _, err := r.SVG(panel.Name); err != nil {
			t.Errorf("empty custom data: panel %s: %v", panel.Name, err)
		}
	}
	r = scenariotest.NewRun(t, sc, "dataset=custom&points=0:0:0,1:1:1,2:0:1,0:2:3")
	data := samples(t, r)
	if len(data) != 4 || data[3].label != 3 || data[3].val {
		t.Fatalf("custom data.csv %v", data)
	}
	r.Advance(sc.MaxSteps)
	f = scenariotest.Decode[frame](t, r, false)
	if f.Metrics["val_accuracy"] != nil || *f.Metrics["train_accuracy"] != 1 {
		t.Errorf("custom: metrics %v", f.Metrics)
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "criterion=log_loss", "max_depth=0", "max_depth=16", "min_samples_leaf=0", "min_samples_leaf=51",
		"trees=0", "trees=101", "dataset=mnist", "n=10", "n=5000", "seed=-1", "points=1:2:9")
	// A point of a class the data set lacks is refused when the run starts.
	const q = "dataset=moons&points=1:1:3"
	_, err := lab.NewRun(sc, scenariotest.Values(t, sc, q))
	scenariotest.WantParamError(t, err, q, "points")
}

func TestSameURLSameFrames(t *testing.T) {
	q := "seed=3&trees=10&dataset=moons"
	a, b := scenariotest.SameURLSameFrames(t, sc, q, -1)
	if !b.Done() {
		t.Fatal("the second run is not done with the first")
	}
	c := scenariotest.NewRun(t, sc, "seed=4&trees=10&dataset=moons")
	c.Advance(a.StepNumber())
	scenariotest.SeedsDiffer(t, a, c)
}

// The default frame, and those with 50 or 100 trees, must stay small
// enough to stream several times a second: the forest is drawn as a raster
// and left out of the state, so its size does not depend on T.
func TestFrameSize(t *testing.T) {
	for _, c := range []struct {
		query string
		limit int
	}{
		{"", 32 << 10}, {"trees=50", 32 << 10}, {"trees=100", 32 << 10},
		// Other seeds grow trees of up to 45 nodes, whose state and
		// diagram take a little more (33.4 KB at most when written).
		{"seed=2", 34 << 10}, {"seed=3", 34 << 10}, {"seed=4", 34 << 10}, {"seed=5", 34 << 10},
		{"dataset=wine", 32 << 10}, {"dataset=iris&criterion=entropy", 32 << 10}, {"dataset=moons&min_samples_leaf=5", 32 << 10},
		// A tree three times deeper than the default has more nodes in
		// its state and its diagram.
		{"trees=50&max_depth=15", 48 << 10},
		{"n=1000", 96 << 10}, // five times the default sample count
	} {
		r := scenariotest.NewRun(t, sc, c.query)
		for _, steps := range []int{1, 8, sc.MaxSteps} {
			r.Advance(steps)
			scenariotest.FrameWithin(t, r, c.limit, fmt.Sprintf("%q", c.query))
		}
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "trees=50", "dataset=wine")
}

// BenchmarkForestStep is one forest level (every one of 50 trees grows by
// a level) plus its frame, cycling through the forest phase.
func BenchmarkForestStep(b *testing.B) {
	r := scenariotest.NewRun(b, sc, "trees=50")
	tree := 0
	for scenariotest.Decode[frame](b, r, false).State.Phase == "tree" {
		r.Step()
		tree++
	}
	scenariotest.StepAndFrameLoop(b, r, func() {
		b.StopTimer()
		r.Reset()
		r.Advance(tree)
		b.StartTimer()
	})
}

func BenchmarkNewRun(b *testing.B) { scenariotest.BenchNewRun(b, sc) }
