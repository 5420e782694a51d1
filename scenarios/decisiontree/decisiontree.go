// Package decisiontree is the decision-tree scenario: a CART tree grown one
// split per step, with every candidate split of the node being split, the
// axis-aligned regions and the tree diagram; train and validation
// accuracy against depth; then a random forest grown level by level as the remedy
// for over-fitting.
package decisiontree

import (
	_ "embed"
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/tree"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
	"github.com/mlplayground/playground/scenarios/internal/classdata"
)

//go:embed explanation.html
var explanation string

// Limits and fixed choices of the scenario.
const (
	maxDepth = 15
	maxTrees = 100
	// maxSteps covers the most splits a tree can make (one fewer than its
	// 700 generated plus 200 clicked training samples) and the levels of a
	// fully grown forest (at most one fewer than its samples, in practice
	// a few dozen).
	maxSteps = 2000
	// valShare of the samples is held out to compare depths and the
	// forest with the tree on: a validation split.
	valShare = 0.3
	// blobClasses for the blob and spiral data sets.
	blobClasses = 3
	regionRes   = 80
	// maxFaintLines bounds the candidate lines drawn per feature.
	maxFaintLines = 30
	forestRes     = 80
	// maxNameLen: longer feature names are shown as x1, x2, … in boxes.
	maxNameLen = 14
)

// noiseOf makes the classes of each generated data set overlap enough that
// deep trees over-fit (the validation accuracy peaks at depth 2 to 5).
var noiseOf = map[*classdata.Dataset]float64{
	classdata.Separable: 0.4, classdata.Overlap: 0.4, classdata.Outliers: 0.4,
	classdata.XOR: 1.5, classdata.Circles: 1.5, classdata.Moons: 1.5, classdata.Spiral: 0.5,
}

// Phases of a run.
const (
	phaseTree   = "tree"   // growing the single tree
	phaseForest = "forest" // the tree is complete; growing the forest
)

// Streams of the run's random numbers.
const (
	streamData   = 1
	streamForest = 2
)

// criterion is an impurity measure: its name for tree.Config and the
// frame, and how the lesson speaks of its decrease.
type criterion struct {
	name     string
	decrease string // in notes: "Gini", "entropy" (a "weighted … decrease")
	axis     string // the candidates panel's y axis
}

// The parameter table.
var (
	datasetParam   = classdata.DatasetParam(classdata.Overlap, classdata.All)
	criterionParam = lab.Enum(lab.Param{Name: "criterion", Label: "Criterion", Default: tree.CriterionGini,
		Help: "How impure a node is: gini, 1 − Σ p²; entropy, −Σ p log₂ p (its decrease is the information gain)."},
		lab.Option(tree.CriterionGini, criterion{name: tree.CriterionGini, decrease: "Gini", axis: "weighted Gini decrease ΔG"}),
		lab.Option(tree.CriterionEntropy, criterion{name: tree.CriterionEntropy, decrease: "entropy", axis: "weighted information gain ΔH (bits)"}),
	)
	maxDepthParam = lab.Int(lab.Param{Name: "max_depth", Label: "Maximum depth", Default: "5", Min: 1, Max: maxDepth, Step: 1,
		Help: "Nodes of the single tree at this depth are not split (the root has depth 0). Deep trees fit the training noise; the forest's trees always grow fully."})
	minLeafParam = lab.Int(lab.Param{Name: "min_samples_leaf", Label: "Min samples per leaf", Default: "1", Min: 1, Max: 50, Step: 1,
		Help: "A split must leave at least this many training samples on each side; larger values smooth the regions."})
	treesParam = lab.Int(lab.Param{Name: "trees", Label: "Forest trees T", Default: "25", Min: 1, Max: maxTrees, Step: 1,
		Help: "Trees of the random forest grown after the single tree: each fully grown on a bootstrap sample, looking at √d random features per split (1 of 2 on the plane)."})
	nParam      = classdata.NParam(200, 1000)
	pointsParam = classdata.PointsParam()
)

// Scenario returns the decision-tree scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "decision-tree",
		Title:    "Decision trees and random forests",
		Chapter:  chapter,
		Summary:  "A tree grows one split per step, choosing the best of every candidate split by information gain or Gini; deeper trees over-fit, and a random forest of bootstrapped trees averages the noise away.",
		MaxSteps: maxSteps,
		Speed:    2,
		Params:   lab.Params(datasetParam, criterionParam, maxDepthParam, minLeafParam, treesParam, nParam, pointsParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "regions", Title: "Regions of the tree and the node being split", Points: pointsParam.Name()},
			{Name: "tree", Title: "The tree: split and class counts of each node"},
			{Name: "candidates", Title: "Candidate splits of the node: impurity decrease"},
			{Name: "depth", Title: "Accuracy against depth"},
			{Name: "forest", Title: "Random forest: averaged class probabilities"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one run: the single tree, then the forest.
type model struct {
	set       *classdata.Set
	real      bool // the data set is real measurements, standardised
	criterion criterion
	maxDepth  int
	trees     int
	names     []string // short feature names for labels
	tree      *tree.DecisionTree
	forest    *tree.RandomForest
	// depthTrain[k−1], depthVal[k−1]: accuracy of the tree grown to depth k.
	depthTrain, depthVal []float64
	why                  string // why the run cannot start, or ""
	// The class shares the maps were last drawn from: the tree's change
	// only while it grows, the forest's only after, so one of the two is
	// the same at every step.
	treeGrid, forestGrid gridMemo
}

// gridMemo is a grid of class shares and the count of steps (the tree's
// splits, the forest's levels) it was computed at.
type gridMemo struct {
	steps int
	probs [][]float64
}

// get returns the memo's shares if they were computed at steps, else
// those compute returns, remembered.
func (g *gridMemo) get(steps int, compute func() [][]float64) [][]float64 {
	if g.probs == nil || g.steps != steps {
		g.steps, g.probs = steps, compute()
	}
	return g.probs
}

func newModel(v lab.Values) (lab.Model, error) {
	dataset := datasetParam.Get(v)
	classes := blobClasses
	switch {
	case dataset.TwoClass():
		classes = 2
	case dataset == classdata.Custom:
		classes = classdata.MaxClasses
	}
	set, err := classdata.Load(rand.New(rand.NewPCG(v.Seed(), streamData)), classdata.Options{
		Dataset: dataset, N: nParam.Get(v), Noise: noiseOf[dataset], Classes: classes, TestShare: valShare, Points: pointsParam.Get(v),
	})
	if err != nil {
		return nil, err
	}
	m := &model{set: set, real: dataset.Real(), criterion: criterionParam.Get(v), maxDepth: maxDepthParam.Get(v), trees: treesParam.Get(v)}
	for j, name := range set.FeatureNames {
		if name = strings.ReplaceAll(name, "_", " "); len(name) > maxNameLen {
			name = "x" + textfmt.Subscript(j+1)
		}
		m.names = append(m.names, name)
	}
	if len(set.Train) == 0 {
		m.why = "There are no training samples yet. Pick a class and click on the regions plot to add points."
		return m, nil
	}
	X, y := set.Subset(set.Train)
	cfg := tree.Config{Criterion: m.criterion.name, MaxDepth: m.maxDepth, MinSamplesLeaf: minLeafParam.Get(v)}
	if m.tree, err = tree.NewDecisionTree(X, y, set.Classes, cfg, nil); err != nil {
		return nil, err
	}
	// The depth sweep: a tree cut at depth k predicts as one grown with
	// max_depth k (tree.DecisionTree.PredictAtDepth), so one tree grown to maxDepth gives
	// the whole curve.
	sweepCfg := cfg
	sweepCfg.MaxDepth = maxDepth
	full, err := tree.NewDecisionTree(X, y, set.Classes, sweepCfg, nil)
	if err != nil {
		return nil, err
	}
	full.Grow()
	for k := 1; k <= maxDepth; k++ {
		at := func(x []float64) int { return full.PredictAtDepth(x, k) }
		m.depthTrain = append(m.depthTrain, set.Accuracy(set.Train, at))
		if len(set.Test) > 0 {
			m.depthVal = append(m.depthVal, set.Accuracy(set.Test, at))
		}
	}
	// Breiman's forest grows every tree until its leaves are pure (or
	// min_samples_leaf stops it): averaging, not a depth limit, tames the
	// variance.
	forestCfg := cfg
	forestCfg.MaxDepth = 0
	forestCfg.MaxFeatures = tree.SqrtFeatures(set.Dim())
	m.forest, err = tree.NewRandomForest(rand.New(rand.NewPCG(v.Seed(), streamForest)), X, y, set.Classes, m.trees, forestCfg)
	if err != nil {
		return nil, err
	}
	return m, nil
}

func (m *model) phase() string {
	if m.tree == nil || !m.tree.Done() {
		return phaseTree
	}
	return phaseForest
}

func (m *model) Step() error {
	switch {
	case m.tree == nil:
	case !m.tree.Done():
		m.tree.Step()
	default:
		m.forest.Step()
	}
	return nil
}

func (m *model) Done() bool { return m.tree == nil || (m.tree.Done() && m.forest.Done()) }

// node is one entry of state.tree, scikit-learn's tree_ layout: leaves
// have feature = threshold = −2 and left = right = −1.
type node struct {
	Feature   int       `json:"feature"`
	Threshold float64   `json:"threshold"`
	Left      int       `json:"left"`
	Right     int       `json:"right"`
	Impurity  float64   `json:"impurity"`
	Samples   int       `json:"samples"`
	Value     []float64 `json:"value"`
}

// split is the split made by the last step (or, at step 0, the root's
// coming one).
type split struct {
	Node       int     `json:"node"`
	Feature    int     `json:"feature"`
	Threshold  float64 `json:"threshold"`
	Decrease   float64 `json:"decrease"`
	Candidates int     `json:"candidates"`
	Made       bool    `json:"made"`
}

// state is the frame's "state".
type state struct {
	Phase     string `json:"phase"`
	Criterion string `json:"criterion"`
	Tree      []node `json:"tree"`
	Split     *split `json:"split"`
	Depth     int    `json:"depth"`
	// DepthTrain[k−1], DepthVal[k−1]: accuracy of the tree grown to depth
	// k = 1..15 (DepthVal empty without validation samples).
	DepthTrain   []float64 `json:"depth_train_accuracy"`
	DepthVal     []float64 `json:"depth_val_accuracy"`
	Trees        int       `json:"trees"`
	ForestLevels int       `json:"forest_levels"`
}

// shown is the split the panels show: the last one made, or before any the
// root's coming one.
func (m *model) shown() (tree.NodeSplit, bool, bool) {
	if s, ok := m.tree.Last(); ok {
		return s, true, true
	}
	s, ok := m.tree.Next()
	return s, false, ok
}

func (m *model) Snapshot() lab.Snapshot {
	if m.tree == nil {
		return lab.Snapshot{
			Metrics: map[string]float64{},
			State:   state{Phase: phaseTree, Criterion: m.criterion.name, Tree: []node{}, DepthTrain: []float64{}, DepthVal: []float64{}, Trees: m.trees},
			Note:    m.why,
		}
	}
	s := state{Phase: m.phase(), Criterion: m.criterion.name, Depth: m.tree.Depth(), Trees: m.trees, ForestLevels: m.forest.Steps(),
		DepthTrain: m.depthTrain, DepthVal: m.depthVal}
	if s.DepthVal == nil {
		s.DepthVal = []float64{}
	}
	for _, nd := range m.tree.Nodes() {
		s.Tree = append(s.Tree, node{Feature: nd.Feature, Threshold: nd.Threshold, Left: nd.Left, Right: nd.Right,
			Impurity: nd.Impurity, Samples: nd.Samples, Value: nd.Value})
	}
	if ns, made, ok := m.shown(); ok {
		s.Split = &split{Node: ns.Node, Feature: ns.Best.Feature, Threshold: ns.Best.Threshold, Decrease: ns.Best.Decrease,
			Candidates: len(ns.Candidates), Made: made}
	}
	metrics := map[string]float64{
		"train_accuracy":        m.set.Accuracy(m.set.Train, m.tree.Predict),
		"val_accuracy":          m.set.Accuracy(m.set.Test, m.tree.Predict),
		"leaf_impurity":         m.tree.LeafImpurity(),
		"forest_train_accuracy": m.set.Accuracy(m.set.Train, m.forest.Predict),
		"forest_val_accuracy":   m.set.Accuracy(m.set.Test, m.forest.Predict),
	}
	return lab.Snapshot{Metrics: metrics, State: s, Note: m.note(metrics)}
}

func (m *model) note(metrics map[string]float64) string {
	acc := func(name string) string {
		if v := metrics[name]; !math.IsNaN(v) {
			return textfmt.Fixed(v, 3)
		}
		return "–"
	}
	impurity := m.criterion.decrease
	if m.phase() == phaseForest {
		f := m.forest
		switch {
		case f.Steps() == 0:
			return fmt.Sprintf("The tree is complete: %d splits, depth %d, train accuracy %s, validation %s. Next: a forest of %d trees on bootstrap samples, %d random feature(s) per split.",
				m.tree.Splits(), m.tree.Depth(), acc("train_accuracy"), acc("val_accuracy"), m.trees, tree.SqrtFeatures(m.set.Dim()))
		case f.Done():
			return fmt.Sprintf("The forest is complete: %d trees grown until their leaves are pure, %d levels deep at most. Validation accuracy: forest %s, single tree %s.",
				m.trees, f.Steps(), acc("forest_val_accuracy"), acc("val_accuracy"))
		default:
			return fmt.Sprintf("Forest level %d: every one of the %d trees split its nodes at depth %d. Validation accuracy: forest %s, single tree %s.",
				f.Steps(), m.trees, f.Steps()-1, acc("forest_val_accuracy"), acc("val_accuracy"))
		}
	}
	ns, made, ok := m.shown()
	if !ok {
		return fmt.Sprintf("The root is pure or cannot be split: the tree is one leaf. Train accuracy %s.", acc("train_accuracy"))
	}
	nd := m.tree.Nodes()[ns.Node]
	rule := m.rule(ns.Best.Feature, ns.Best.Threshold)
	decrease := textfmt.Fixed(ns.Best.Decrease, 4)
	if !made {
		return fmt.Sprintf("The root holds %d training samples. Step to split it: of %d candidate splits the best is %s (weighted %s decrease %s).",
			nd.Samples, len(ns.Candidates), rule, impurity, decrease)
	}
	return fmt.Sprintf("Split %d: node %d (%d samples, depth %d) on %s, the best of %d candidates (weighted %s decrease %s). Train accuracy %s, validation %s.",
		m.tree.Splits(), ns.Node, nd.Samples, nd.Depth, rule, len(ns.Candidates), impurity, decrease, acc("train_accuracy"), acc("val_accuracy"))
}

// rule writes a split as "x2 ≤ 0.53".
func (m *model) rule(feature int, threshold float64) string {
	return m.names[feature] + " ≤ " + textfmt.Fixed(threshold, 2)
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	p, err := m.plotPanel(panel)
	if err == nil && m.set != nil {
		m.set.AddNoticeIfEmpty(p)
	}
	return p, err
}

func (m *model) plotPanel(panel string) (*plot.Plot, error) {
	switch panel {
	case "regions":
		return m.plotRegions(), nil
	case "tree":
		return m.plotTree(), nil
	case "candidates":
		return m.plotCandidates(), nil
	case "depth":
		return m.plotDepth(), nil
	case "forest":
		return m.plotForest(), nil
	}
	return nil, fmt.Errorf("decisiontree: no panel %q", panel)
}

// grid returns the cell centres of a res×res raster over the map bounds.
func (m *model) grid(res int) (xs, ys []float64) {
	for i := range res {
		x, y := m.set.Bounds.CellCentre(i, i, res)
		xs, ys = append(xs, x), append(ys, y)
	}
	return xs, ys
}

// addMajority colours each cell of the grid of res cells by its majority
// class.
func (m *model) addMajority(p *plot.Plot, res int, probs [][]float64) {
	b := m.set.Bounds
	viz.AddRegionRaster(p, b, viz.RegionRasterLevels(b, res, viz.RegionPalette, func(x, y float64) int {
		i, j := b.Cell(x, y, res)
		return viz.RegionLevel(majority(probs[j*res+i]))
	}))
}

// majority is the class of largest share (the first of a tie).
func majority(probs []float64) int {
	best := 0
	for k, p := range probs {
		if p > probs[best] {
			best = k
		}
	}
	return best
}

func (m *model) plotRegions() *plot.Plot {
	p := m.set.NewMap()
	if m.tree == nil {
		m.set.AddSamples(p)
		return p
	}
	probs := m.treeGrid.get(m.tree.Splits(), func() [][]float64 {
		xs, ys := m.grid(regionRes)
		return m.tree.GridProba(m.set.Mean, 0, xs, 1, ys)
	})
	m.addMajority(p, regionRes, probs)
	m.set.AddSamples(p)
	ns, _, ok := m.shown()
	if !ok || m.forest.Steps() > 0 {
		return p // the forest is growing: the tree's regions alone
	}
	rect := m.nodeRect(ns.Node)
	var faint, bold [][4]float64 // segments x0, y0, x1, y1
	perFeature := map[int]int{}
	for _, c := range ns.Candidates {
		perFeature[c.Feature]++
	}
	seen := map[int]int{}
	for _, c := range ns.Candidates {
		// Past maxFaintLines a feature's lines merge into a grey wash
		// anyway: draw every k-th (the candidates panel shows them all).
		k := (perFeature[c.Feature] + maxFaintLines - 1) / maxFaintLines
		seen[c.Feature]++
		if (seen[c.Feature]-1)%k != 0 {
			continue
		}
		if seg, ok := splitSegment(rect, c.Feature, c.Threshold); ok {
			faint = append(faint, seg)
		}
	}
	p.Add(&segments{segs: faint, style: draw.LineStyle{Color: color.NRGBA{0x22, 0x22, 0x22, 0x26}, Width: 0.4}})
	if seg, ok := splitSegment(rect, ns.Best.Feature, ns.Best.Threshold); ok {
		bold = append(bold, seg)
	}
	outline := [][4]float64{{rect.XMin, rect.YMin, rect.XMax, rect.YMin}, {rect.XMax, rect.YMin, rect.XMax, rect.YMax},
		{rect.XMax, rect.YMax, rect.XMin, rect.YMax}, {rect.XMin, rect.YMax, rect.XMin, rect.YMin}}
	p.Add(&segments{segs: outline, style: draw.LineStyle{Color: color.RGBA{0x22, 0x22, 0x22, 0xFF}, Width: 1.6, Dashes: []vg.Length{4, 3}}})
	p.Add(&segments{segs: bold, style: draw.LineStyle{Color: color.RGBA{0x22, 0x22, 0x22, 0xFF}, Width: 2.6}})
	return p
}

// nodeRect is the part of the map that reaches a node: the bounds cut by
// its ancestors' splits on the map features.
func (m *model) nodeRect(id int) viz.Box {
	r := m.set.Bounds
	nodes := m.tree.Nodes()
	for child := id; nodes[child].Parent >= 0; child = nodes[child].Parent {
		pa := nodes[nodes[child].Parent]
		if pa.Feature > 1 {
			continue
		}
		switch {
		case pa.Feature == 0 && child == pa.Left:
			r.XMax = min(r.XMax, pa.Threshold)
		case pa.Feature == 0:
			r.XMin = max(r.XMin, pa.Threshold)
		case child == pa.Left:
			r.YMax = min(r.YMax, pa.Threshold)
		default:
			r.YMin = max(r.YMin, pa.Threshold)
		}
	}
	return r
}

// splitSegment is the line of a split on a map feature across rect.
func splitSegment(rect viz.Box, feature int, threshold float64) ([4]float64, bool) {
	switch {
	case feature == 0 && threshold > rect.XMin && threshold < rect.XMax:
		return [4]float64{threshold, rect.YMin, threshold, rect.YMax}, true
	case feature == 1 && threshold > rect.YMin && threshold < rect.YMax:
		return [4]float64{rect.XMin, threshold, rect.XMax, threshold}, true
	}
	return [4]float64{}, false
}

// segments draws line segments as one path: a hundred candidate lines
// cost one SVG element.
type segments struct {
	segs  [][4]float64
	style draw.LineStyle
}

func (s *segments) Plot(c draw.Canvas, p *plot.Plot) {
	if len(s.segs) == 0 {
		return
	}
	trX, trY := p.Transforms(&c)
	var path vg.Path
	for _, g := range s.segs {
		path.Move(vg.Point{X: trX(g[0]), Y: trY(g[1])})
		path.Line(vg.Point{X: trX(g[2]), Y: trY(g[3])})
	}
	c.SetLineStyle(s.style)
	c.Stroke(path)
}

func (s *segments) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, g := range s.segs {
		xmin, xmax = min(xmin, g[0], g[2]), max(xmax, g[0], g[2])
		ymin, ymax = min(ymin, g[1], g[3]), max(ymax, g[1], g[3])
	}
	return xmin, xmax, ymin, ymax
}

// shownDepth is the deepest level the tree diagram draws in full; deeper
// levels would be boxes too small to read, so each node at this depth
// with descendants says how many there are instead.
const shownDepth = 3

func (m *model) plotTree() *plot.Plot {
	p := viz.NewPlot("", "", "")
	if m.tree == nil {
		viz.AddTreeDiagram(p, nil)
		return p
	}
	nodes := m.tree.Nodes()
	ns, made, _ := m.shown()
	// The node being split, or its ancestor at shownDepth when it is deeper.
	pointed := ns.Node
	for pointed >= 0 && pointed < len(nodes) && nodes[pointed].Depth > shownDepth {
		pointed = nodes[pointed].Parent
	}
	below := make([]int, len(nodes)) // descendants of each node
	for i := len(nodes) - 1; i > 0; i-- {
		if pa := nodes[i].Parent; pa >= 0 {
			below[pa] += 1 + below[i]
		}
	}
	diagram := make([]viz.TreeNode, len(nodes))
	for i, nd := range nodes {
		if nd.Depth > shownDepth {
			continue // not reachable: its ancestor at shownDepth has no children drawn
		}
		counts := make([]string, len(nd.Value))
		for k, c := range nd.Value {
			counts[k] = strconv.Itoa(int(c))
		}
		if m.set.Classes > 3 { // custom data: only the classes present
			counts = counts[:0]
			for k, c := range nd.Value {
				if c > 0 {
					counts = append(counts, fmt.Sprintf("%d:%d", k, int(c)))
				}
			}
		}
		lines := []string{strings.Join(counts, "/")} // the class counts; their sum is the node's samples
		t := viz.TreeNode{Color: viz.RegionColor(argmax(nd.Value)), Bold: made && i == pointed && m.forest.Steps() == 0}
		switch {
		case nd.Left != tree.Leaf && nd.Depth == shownDepth:
			// Counts first: a narrow box drops its last line.
			lines = append(lines, fmt.Sprintf("+%d below", below[i]))
			t.Color = color.White
		case nd.Left != tree.Leaf:
			lines = append([]string{m.rule(nd.Feature, nd.Threshold)}, lines...)
			t.Children = []int{nd.Left, nd.Right}
			t.Color = color.White
		}
		t.Label = strings.Join(lines, "\n")
		diagram[i] = t
	}
	viz.AddTreeDiagram(p, diagram)
	if next, ok := m.tree.Next(); len(nodes) == 1 && ok {
		viz.AddNotice(p, "Each step splits one node in two by its best candidate;",
			"the box shows the class counts of the samples it holds.",
			"Next: the root, by "+m.rule(next.Best.Feature, next.Best.Threshold)+".")
	}
	return p
}

func argmax(v []float64) int {
	best := 0
	for k, x := range v {
		if x > v[best] {
			best = k
		}
	}
	return best
}

// featureColor is the colour of feature f's candidate curve: the palette's
// last colours, away from the class colours (reddish purple, near black,
// wine, grey); odd features are also dashed (featureDashed), so x₁ and x₂
// differ in more than hue.
func featureColor(f int) color.Color { return viz.ClassColor(6 + f%4) }

func featureDashed(f int) bool { return f%2 == 1 }

func (m *model) plotCandidates() *plot.Plot {
	p := viz.NewPlot("", "threshold (standardised value for real data)", m.criterion.axis)
	if !m.real {
		p.X.Label.Text = "threshold"
	}
	if m.tree == nil {
		return p
	}
	ns, _, ok := m.shown()
	if !ok {
		return p
	}
	byFeature := map[int][][]float64{}
	for _, c := range ns.Candidates {
		byFeature[c.Feature] = append(byFeature[c.Feature], []float64{c.Threshold, c.Decrease})
	}
	features := make([]int, 0, len(byFeature))
	for f := range byFeature {
		features = append(features, f)
	}
	slices.Sort(features)
	many := len(features) > 4
	for _, f := range features {
		pts := byFeature[f]
		xs, ys := make([]float64, len(pts)), make([]float64, len(pts))
		for k, pt := range pts {
			xs[k], ys[k] = pt[0], pt[1]
		}
		dx, dy := viz.Decimate(xs, ys, 200)
		col, label, dashed := featureColor(f), m.names[f], featureDashed(f)
		if many && f != ns.Best.Feature {
			col, label, dashed = viz.Neutral, "", false // a dozen curves: only the winner stands out
		}
		viz.AddLine(p, dx, dy, col, label, dashed)
	}
	best := [][]float64{{ns.Best.Threshold, ns.Best.Decrease}}
	viz.AddMarkers(p, best, []int{-1}, "circle", 6)
	viz.AddVLine(p, ns.Best.Threshold, "best: "+m.rule(ns.Best.Feature, ns.Best.Threshold), nil)
	if many {
		p.Legend.Add("other features", legendLine(viz.Neutral))
	}
	p.Y.Min = 0
	p.Y.Max = 1.15 * ns.Best.Decrease // room for the marker and the label
	return p
}

// legendLine is a legend thumbnail: a short line.
type legendLine color.RGBA

func (l legendLine) Thumbnail(c *draw.Canvas) {
	y := (c.Min.Y + c.Max.Y) / 2
	c.StrokeLine2(draw.LineStyle{Color: color.RGBA(l), Width: 2}, c.Min.X, y, c.Max.X, y)
}

// PanelVersion implements lab.PanelVersioner. The regions, the tree and
// the candidates show the tree, which changes only by its splits, and
// whether the forest has started (which hides the node being split); the
// depth panel changes only with the forest's accuracy. So while the forest
// grows the first three stay as they are, and while the tree grows the
// depth panel does.
func (m *model) PanelVersion(panel string) (uint64, bool) {
	if m.tree == nil {
		return 0, true
	}
	forest := uint64(m.forest.Steps())
	switch panel {
	case "regions", "tree", "candidates":
		return uint64(m.tree.Splits())<<1 | min(forest, 1), true
	case "depth":
		return forest, true
	}
	return 0, false
}

var _ lab.PanelVersioner = (*model)(nil)

func (m *model) plotDepth() *plot.Plot {
	p := viz.NewPlot("", "maximum depth", "accuracy")
	p.Legend.Top = false
	if len(m.depthTrain) == 0 {
		return p
	}
	xs := make([]float64, maxDepth)
	for k := range xs {
		xs[k] = float64(k + 1)
	}
	viz.AddLine(p, xs, m.depthTrain, viz.ClassColor(0), "train", false)
	if len(m.depthVal) > 0 {
		viz.AddLine(p, xs, m.depthVal, viz.ClassColor(1), "validation", false)
		if m.forest.Steps() > 0 {
			acc := m.set.Accuracy(m.set.Test, m.forest.Predict)
			viz.AddHLine(p, acc, "forest validation "+textfmt.Fixed(acc, 3), viz.ClassColor(4))
		}
	}
	viz.AddVLine(p, float64(m.maxDepth), "maximum depth = "+strconv.Itoa(m.maxDepth), nil)
	p.X.Min, p.X.Max = 0.5, maxDepth+0.5
	var ticks []plot.Tick
	for k := 1; k <= maxDepth; k += 2 {
		ticks = append(ticks, plot.Tick{Value: float64(k), Label: strconv.Itoa(k)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Max = 1
	return p
}

func (m *model) plotForest() *plot.Plot {
	p := m.set.NewMap()
	if m.tree == nil {
		m.set.AddSamples(p)
		return p
	}
	probs := m.forestGrid.get(m.forest.Steps(), func() [][]float64 {
		xs, ys := m.grid(forestRes)
		return m.forest.GridProba(m.set.Mean, 0, xs, 1, ys)
	})
	// The samples are drawn into the raster, a cell of their class's colour
	// each: the regions plot beside has them as marks, and a second set of
	// marks would not fit the frame's budget.
	b := m.set.Bounds
	// The class of each cell's first sample, if it has one.
	sampleAt := make([]int, forestRes*forestRes)
	hasSample := make([]bool, forestRes*forestRes)
	for i, x := range m.set.X {
		if len(x) >= 2 && b.Contains(x[0], x[1]) {
			ci, cj := b.Cell(x[0], x[1], forestRes)
			if c := cj*forestRes + ci; !hasSample[c] {
				sampleAt[c], hasSample[c] = m.set.Labels[i], true
			}
		}
	}
	viz.AddRegionMapRGBA(p, b, forestRes, func(x, y float64) color.RGBA {
		i, j := b.Cell(x, y, forestRes)
		if c := j*forestRes + i; hasSample[c] {
			return viz.ClassColor(sampleAt[c])
		}
		return classdata.BlendRGBA(probs[j*forestRes+i])
	})
	fmtAcc := func(v float64) string {
		if math.IsNaN(v) {
			return "no validation samples"
		}
		return "validation accuracy " + textfmt.Fixed(v, 3)
	}
	status := fmt.Sprintf("forest of %d trees, %d level(s): %s", m.trees, m.forest.Steps(), fmtAcc(m.set.Accuracy(m.set.Test, m.forest.Predict)))
	if m.forest.Steps() == 0 {
		status = fmt.Sprintf("forest of %d trees: grows after the single tree", m.trees)
	}
	p.Legend.Add(status)
	p.Legend.Add("single tree: " + fmtAcc(m.set.Accuracy(m.set.Test, m.tree.Predict)))

	return p
}

func (m *model) Data() [][]string { return m.set.ValRows() }

var _ plot.Plotter = (*segments)(nil)
