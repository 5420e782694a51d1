// Package paradigms is the learning-paradigms scenario: one 2-D data set
// seen three ways, a step at a time. Supervised: the labels are known and
// softmax regression learns P(y | x), its feature degree chosen on the
// validation split and the test split opened once. Unsupervised: the
// labels are hidden and EM fits a Gaussian mixture, a density estimate of
// P(x), whose components are the clusters. Reinforcement: the plane cut
// into cells is a gridworld whose cluster cells pay a reward, and a
// Q-learning agent learns to reach them.
package paradigms

import (
	_ "embed"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/cluster"
	mldataset "github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/linear"
	"github.com/mlplayground/playground/internal/ml/mixture"
	"github.com/mlplayground/playground/internal/ml/rl"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
)

// The run's fixed settings: this page shows the three paradigms side by
// side, so it keeps one setting of each and says what it is.
const (
	nSamples = 90
	nTrain   = 54 // then nVal validation samples, the rest test
	nVal     = 18

	// maxDegree is the largest feature degree the supervised view tries.
	maxDegree = 4
	// lambda is the L2 penalty of every candidate: J = CE + (λ/2)‖W‖².
	lambda = 1e-3
	// epochs of full-batch gradient descent per candidate.
	epochs = 500

	// emMaxIter bounds the EM iterations; emTol is the change of the mean
	// log-likelihood per point below which EM has converged.
	emMaxIter = 40
	emTol     = 1e-4

	// The gridworld: the plot's box cut into gridRows × gridCols cells.
	gridRows, gridCols = 6, 6
	gamma              = 0.9
	alpha              = 0.5
	epsilon            = 0.2
	episodes           = 300
	episodesPerStep    = 15

	regionRes = 80
	maxSteps  = 200
)

// Streams of the run's random draws, each from the seed: adding a draw to
// one view never changes another.
const (
	streamData = iota + 1
	streamKMeans
	streamAgent
)

//go:embed explanation.html
var explanation string

// view is one of the three ways of looking at the data.
type view int

const (
	supervised view = iota
	unsupervised
	reinforcement
)

var viewWords = [...]string{"supervised", "unsupervised", "reinforcement"}

func (v view) String() string { return viewWords[v] }

// Splits: where a sample goes.
const (
	splitTrain = iota
	splitVal
	splitTest
)

var splitWords = [...]string{"train", "val", "test"}

// dataset makes n labelled samples.
type dataset struct {
	classes int
	make    func(rng *rand.Rand, n int) ([][]float64, []int)
}

// The parameter table.
var (
	datasetParam = lab.Enum(lab.Param{Name: "dataset", Label: "Data set", Default: "moons",
		Help: "blobs: three round groups well apart; overlap: the same three groups closer, so that some points sit among another group's; moons: two interleaved crescents a straight line cannot separate. 90 points each."},
		lab.Option("blobs", dataset{3, func(rng *rand.Rand, n int) ([][]float64, []int) {
			return mldataset.Blobs(rng, n, [][]float64{{-2, -1.3}, {2, -1.3}, {0, 2}}, 0.7)
		}}),
		lab.Option("overlap", dataset{3, func(rng *rand.Rand, n int) ([][]float64, []int) {
			return mldataset.Blobs(rng, n, [][]float64{{-1.3, -0.8}, {1.3, -0.8}, {0, 1.3}}, 1)
		}}),
		lab.Option("moons", dataset{2, func(rng *rand.Rand, n int) ([][]float64, []int) {
			X, y := mldataset.Moons(rng, n, 0.12)
			for _, x := range X { // from [−1, 2]×[−0.5, 1] to about [−3, 3]×[−1.5, 1.5]
				x[0], x[1] = 2*(x[0]-0.5), 2*(x[1]-0.25)
			}
			return X, y
		}}),
	)
	paradigmParam = lab.Enum(lab.Param{Name: "paradigm", Label: "Paradigm", Default: "all",
		Help: "all: the three views one after the other; supervised: labels known, a classifier learns P(y | x); unsupervised: labels hidden, a mixture estimates P(x); reinforcement: the plane as cells an agent moves between for rewards."},
		lab.Option("all", []view{supervised, unsupervised, reinforcement}),
		lab.Option("supervised", []view{supervised}),
		lab.Option("unsupervised", []view{unsupervised}),
		lab.Option("reinforcement", []view{reinforcement}),
	)
)

// Scenario returns the learning-paradigms scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "learning-paradigms",
		Title:    "Three ways to learn from one data set",
		Chapter:  chapter,
		Summary:  "One 2-D data set seen three ways: supervised (a classifier learns P(y | x)), unsupervised (a mixture estimates P(x)), reinforcement (an agent moves between cells for rewards); train, validation and test splits and the golden rule.",
		MaxSteps: maxSteps,
		Speed:    2,
		Params:   lab.Params(datasetParam, paradigmParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "supervised", Title: "Supervised: labels known, P(y | x) and its boundary"},
			{Name: "unsupervised", Title: "Unsupervised: labels hidden, a density estimate of P(x)"},
			{Name: "reinforcement", Title: "Reinforcement: the plane as states, clusters as rewards"},
			{Name: "performance", Title: "Performance P of the view running"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// candidate is one supervised model: softmax (or logistic) regression on
// the monomials of x up to a degree. It is trained on the monomials
// standardised with the training split's mean and sd; its weights are then
// written back on the raw monomials, which is how it predicts and what a
// frame exports:
//
//	z_k = Σ_j w_kj (φ_j − m_j)/s_j + b_k = Σ_j (w_kj/s_j) φ_j + (b_k − Σ_j w_kj m_j/s_j)
type candidate struct {
	degree    int
	mean, sd  []float64 // of each monomial over the training split
	eta       float64
	lr        *linear.LogisticRegression
	w         [][]float64 // on the raw monomials: one row for two classes
	b         []float64
	trainAcc  float64
	valAcc    float64
	trainLoss float64
}

// standardised returns the standardised monomials of x.
func (c *candidate) standardised(x []float64, out []float64) []float64 {
	out = linear.Monomials2(x, c.degree, out)
	for j := range out {
		out[j] = (out[j] - c.mean[j]) / c.sd[j]
	}
	return out
}

// unstandardise writes the trained weights on the raw monomials.
func (c *candidate) unstandardise() {
	W, B := c.lr.Weights(), c.lr.Intercepts()
	c.w, c.b = make([][]float64, len(W)), make([]float64, len(W))
	for k, row := range W {
		c.w[k] = make([]float64, len(row))
		c.b[k] = B[k]
		for j, wj := range row {
			c.w[k][j] = wj / c.sd[j]
			c.b[k] -= wj * c.mean[j] / c.sd[j]
		}
	}
}

// predict is the most probable class: w·φ + b > 0 for two classes, the
// largest score (the first on a tie) otherwise.
func (c *candidate) predict(x []float64) int {
	var buf [16]float64
	phi := linear.Monomials2(x, c.degree, buf[:linear.Monomials2Count(c.degree)])
	score := func(k int) float64 {
		z := c.b[k]
		for j, f := range phi {
			z += c.w[k][j] * f
		}
		return z
	}
	if len(c.w) == 1 {
		if score(0) > 0 {
			return 1
		}
		return 0
	}
	best, bestZ := 0, math.Inf(-1)
	for k := range c.w {
		if z := score(k); z > bestZ {
			best, bestZ = k, z
		}
	}
	return best
}

// model is one run.
type model struct {
	paradigm string
	views    []view
	cur      int // index in views of the view running (or next to run)
	steps    int

	X       [][]float64
	labels  []int
	split   []int
	classes int
	bounds  viz.Box
	last    string // what the last step did, for the note

	// supervised
	cands   []*candidate
	chosen  int      // index in cands of the chosen candidate, -1 before the choice
	testAcc *float64 // nil until the test split is opened

	// unsupervised
	gm      *mixture.GaussianMixture
	emStart bool // EM has begun
	llTrain []float64
	llVal   []float64
	llTest  *float64

	// reinforcement
	grid    *rl.Grid
	cellOf  []int // the cell of each sample
	goalsAt [][]float64
	ql      *rl.QLearning
	vstar   []float64
	rlStart bool

	versions [4]uint64 // of the panels, in the order of Panels
}

func newModel(v lab.Values) (lab.Model, error) {
	ds := datasetParam.Get(v)
	m := &model{paradigm: paradigmParam.Text(v), views: paradigmParam.Get(v), classes: ds.classes, chosen: -1}
	m.X, m.labels = ds.make(rand.New(rand.NewPCG(v.Seed(), streamData)), nSamples)
	// The split is a shuffle of the indices, drawn after the data.
	rng := rand.New(rand.NewPCG(v.Seed(), streamData+100))
	m.split = make([]int, nSamples)
	for k, i := range rng.Perm(nSamples) {
		switch {
		case k < nTrain:
			m.split[i] = splitTrain
		case k < nTrain+nVal:
			m.split[i] = splitVal
		default:
			m.split[i] = splitTest
		}
	}
	m.bounds = viz.PaddedBounds(m.X)

	var err error
	if m.gm, err = m.newMixture(v.Seed()); err != nil {
		return nil, err
	}
	// The gridworld's goals are the means the mixture reaches: fit a twin
	// to the end now, so the grid is drawn from step 0.
	twin, err := m.newMixture(v.Seed())
	if err != nil {
		return nil, err
	}
	for !emFinished(twin) {
		twin.Step()
	}
	m.buildGrid(twin.Means())
	if !slices.Contains(m.views, unsupervised) {
		m.gm, m.emStart = twin, true // the state shows the mixture the goals come from
	}
	m.ql = rl.NewQLearning(rand.New(rand.NewPCG(v.Seed(), streamAgent)), m.grid, rl.Config{Gamma: gamma, Alpha: alpha,
		Epsilon: epsilon, Episodes: episodes, MaxMoves: 4 * m.grid.Cells(), Unit: rl.UnitEpisode})
	m.vstar, _ = rl.ValueIteration(m.grid, gamma, 1e-12)
	return m, nil
}

// of returns the samples (and labels) of one split.
func (m *model) of(split int) ([][]float64, []int) {
	var X [][]float64
	var y []int
	for i, s := range m.split {
		if s == split {
			X = append(X, m.X[i])
			y = append(y, m.labels[i])
		}
	}
	return X, y
}

// newMixture starts EM on the training split from K-means' clusters, K
// being the number of classes: the number of groups is given, not learnt.
func (m *model) newMixture(seed uint64) (*mixture.GaussianMixture, error) {
	Xtr, _ := m.of(splitTrain)
	km := cluster.KMeansToConvergence(rand.New(rand.NewPCG(seed, streamKMeans)), Xtr, m.classes)
	w, mu, cov, err := mixture.EstimateGaussianParameters(Xtr, mixture.HardResponsibilities(km.Assignments(), m.classes), mixture.CovarianceFull)
	if err != nil {
		return nil, fmt.Errorf("paradigms: %w", err)
	}
	gm, err := mixture.NewGaussianMixture(Xtr, w, mu, cov, mixture.CovarianceFull)
	if err != nil {
		return nil, fmt.Errorf("paradigms: %w", err)
	}
	gm.SetTolerance(emTol)
	return gm, nil
}

// emFinished reports whether EM has converged or run its iterations; it
// stops after an M-step.
func emFinished(gm *mixture.GaussianMixture) bool {
	return gm.Err() != nil || (gm.Phase() != mixture.PhaseExpectation && (gm.Converged() || gm.Iteration() >= emMaxIter))
}

// buildGrid cuts the plot's box into cells: a cell holding a mixture mean
// is a goal, and the agent starts on the cell farthest (in moves) from
// every goal.
func (m *model) buildGrid(means [][]float64) {
	cells := make([]rl.Cell, gridRows*gridCols)
	m.goalsAt = means
	for _, mu := range means {
		cells[m.cellAt(mu[0], mu[1])] = rl.Goal
	}
	start, far := -1, -1
	for s := range cells {
		if cells[s] == rl.Goal {
			continue
		}
		near := math.MaxInt
		for g := range cells {
			if cells[g] == rl.Goal {
				d := abs(s/gridCols-g/gridCols) + abs(s%gridCols-g%gridCols)
				near = min(near, d)
			}
		}
		if near > far {
			start, far = s, near
		}
	}
	cells[start] = rl.Start
	m.grid = rl.NewGrid(gridRows, gridCols, cells)
	m.cellOf = make([]int, len(m.X))
	for i, x := range m.X {
		m.cellOf[i] = m.cellAt(x[0], x[1])
	}
}

func abs(a int) int {
	if a < 0 {
		return -a
	}
	return a
}

// cellAt returns the cell holding the point (x, y); row 0 is at the top.
func (m *model) cellAt(x, y float64) int {
	b := m.bounds
	c := int((x - b.XMin) / (b.XMax - b.XMin) * gridCols)
	r := int((b.YMax - y) / (b.YMax - b.YMin) * gridRows)
	c = min(max(c, 0), gridCols-1)
	r = min(max(r, 0), gridRows-1)
	return r*gridCols + c
}

// viewDone reports whether view v has run all its steps.
func (m *model) viewDone(v view) bool {
	switch v {
	case supervised:
		return m.testAcc != nil
	case unsupervised:
		return m.llTest != nil
	default:
		return m.ql.Done()
	}
}

func (m *model) Done() bool { return m.cur == len(m.views)-1 && m.viewDone(m.views[m.cur]) }

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	if m.viewDone(m.views[m.cur]) {
		m.cur++
	}
	m.steps++
	v := m.views[m.cur]
	switch v {
	case supervised:
		m.stepSupervised()
		m.versions[0]++
	case unsupervised:
		m.stepUnsupervised()
		m.versions[1]++
	case reinforcement:
		m.stepReinforcement()
		m.versions[2]++
	}
	m.versions[3]++
	return nil
}

// stepSupervised fits the next candidate degree on the training split, or
// once every degree is fitted, picks the best on validation and opens the
// test split.
func (m *model) stepSupervised() {
	if len(m.cands) < maxDegree {
		m.cands = append(m.cands, m.fit(len(m.cands)+1))
		m.last = "fit"
		return
	}
	best := 0
	for k, c := range m.cands {
		if c.valAcc > m.cands[best].valAcc { // ties keep the lower degree
			best = k
		}
	}
	m.chosen = best
	Xte, yte := m.of(splitTest)
	acc := accuracy(Xte, yte, m.cands[best].predict)
	m.testAcc = &acc
	m.last = "test"
}

// fit trains the candidate of the given degree on the training split.
func (m *model) fit(degree int) *candidate {
	Xtr, ytr := m.of(splitTrain)
	d := linear.Monomials2Count(degree)
	c := &candidate{degree: degree, mean: make([]float64, d), sd: make([]float64, d)}
	raw := make([][]float64, len(Xtr))
	for i, x := range Xtr {
		raw[i] = linear.Monomials2(x, degree, nil)
		for j, f := range raw[i] {
			c.mean[j] += f / float64(len(Xtr))
		}
	}
	for _, f := range raw {
		for j := range f {
			c.sd[j] += (f[j] - c.mean[j]) * (f[j] - c.mean[j]) / float64(len(Xtr))
		}
	}
	for j := range c.sd {
		c.sd[j] = math.Sqrt(c.sd[j])
	}
	phi := make([][]float64, len(Xtr))
	for i, x := range Xtr {
		phi[i] = c.standardised(x, nil)
	}
	// The penalised cross-entropy's curvature is at most
	// H = ½·λ_max((1/n)Σ φ̃φ̃ᵀ) + λ, φ̃ = (φ, 1) with the intercept: η = 1/H
	// is a safe step, larger than the bound (d + 1)/2 from ‖φ̃‖² allows.
	c.eta = 1 / (0.5*largestEigen(phi) + lambda)
	lr, err := linear.NewLogisticRegression(phi, ytr, m.classes, lambda, c.eta)
	if err != nil {
		panic("paradigms: " + err.Error()) // the inputs are built here
	}
	for range epochs {
		lr.Step()
	}
	c.lr = lr
	c.unstandardise()
	c.trainLoss = lr.Loss()
	c.trainAcc = accuracy(Xtr, ytr, c.predict)
	Xva, yva := m.of(splitVal)
	c.valAcc = accuracy(Xva, yva, c.predict)
	return c
}

// largestEigen returns the largest eigenvalue of (1/n)Σ φ̃φ̃ᵀ, φ̃ = (φ, 1),
// by power iteration from the all-ones vector: 200 iterations bring it
// within a fraction of a percent for these small, well-separated Gram
// matrices; a slight underestimate is covered by the factor 2 that
// gradient descent tolerates (any η < 2/L descends).
func largestEigen(phi [][]float64) float64 {
	d := len(phi[0]) + 1
	g := make([][]float64, d)
	for a := range g {
		g[a] = make([]float64, d)
	}
	n := float64(len(phi))
	for _, f := range phi {
		for a := range d {
			fa := 1.0
			if a < d-1 {
				fa = f[a]
			}
			for b := range d {
				fb := 1.0
				if b < d-1 {
					fb = f[b]
				}
				g[a][b] += fa * fb / n
			}
		}
	}
	v := make([]float64, d)
	for a := range v {
		v[a] = 1
	}
	lam := 0.0
	for range 200 {
		w := make([]float64, d)
		norm := 0.0
		for a := range d {
			for b := range d {
				w[a] += g[a][b] * v[b]
			}
			norm += w[a] * w[a]
		}
		norm = math.Sqrt(norm)
		lam = norm
		for a := range w {
			v[a] = w[a] / norm
		}
	}
	return lam
}

func accuracy(X [][]float64, y []int, predict func([]float64) int) float64 {
	right := 0
	for i, x := range X {
		if predict(x) == y[i] {
			right++
		}
	}
	return float64(right) / float64(len(X))
}

// meanLogDensity is (1/n) Σ log p(xᵢ) under the mixture.
func meanLogDensity(gm *mixture.GaussianMixture, X [][]float64) float64 {
	s := 0.0
	for _, x := range X {
		lp, _ := gm.LogDensity(x)
		s += lp
	}
	return s / float64(len(X))
}

// stepUnsupervised runs one EM iteration (an E-step and an M-step) on the
// training split, or once EM has finished, opens the test split.
func (m *model) stepUnsupervised() {
	Xva, _ := m.of(splitVal)
	if !m.emStart {
		m.emStart = true
		m.llTrain = append(m.llTrain, m.gm.MeanLogLikelihood())
		m.llVal = append(m.llVal, meanLogDensity(m.gm, Xva))
	}
	if emFinished(m.gm) && m.gm.Iteration() > 0 {
		Xte, _ := m.of(splitTest)
		ll := meanLogDensity(m.gm, Xte)
		m.llTest = &ll
		m.last = "test"
		return
	}
	m.gm.Step() // E
	m.gm.Step() // M
	m.llTrain = append(m.llTrain, m.gm.MeanLogLikelihood())
	m.llVal = append(m.llVal, meanLogDensity(m.gm, Xva))
	m.last = "em"
}

// stepReinforcement plays episodesPerStep episodes.
func (m *model) stepReinforcement() {
	m.rlStart = true
	for range episodesPerStep {
		m.ql.Step()
	}
	m.last = "episodes"
}

// tep names the task, the experience and the performance of a view.
type tep struct{ T, E, P string }

func (m *model) tepOf(v view) tep {
	switch v {
	case supervised:
		return tep{T: "predict the class y of a point x", E: strconv.Itoa(nTrain) + " training points with their labels",
			P: "accuracy on points not used to train"}
	case unsupervised:
		return tep{T: "estimate the density P(x) and group the points", E: strconv.Itoa(nTrain) + " training points, labels hidden",
			P: "mean log-likelihood per point, log p(x), on points not used to fit"}
	}
	return tep{T: "reach a cluster cell from S", E: "the agent's own moves and rewards, episode after episode",
		P: "the return G = γᵏ⁻¹ of an episode that ends k moves after S"}
}

// candidateState is a supervised candidate in a frame: with its weights
// on the raw monomials, anyone can recompute its predictions.
type candidateState struct {
	Degree        int         `json:"degree"`
	Weights       [][]float64 `json:"weights"`
	Intercepts    []float64   `json:"intercepts"`
	TrainLoss     float64     `json:"train_loss"`
	TrainAccuracy float64     `json:"train_accuracy"`
	ValAccuracy   float64     `json:"val_accuracy"`
}

type supervisedState struct {
	Lambda       float64          `json:"lambda"`
	Candidates   []candidateState `json:"candidates"`
	ChosenDegree *int             `json:"chosen_degree"`
	TestAccuracy *float64         `json:"test_accuracy"`
}

type unsupervisedState struct {
	K           int           `json:"k"`
	Iteration   int           `json:"iteration"`
	Converged   bool          `json:"converged"`
	Weights     []float64     `json:"weights"`
	Means       [][]float64   `json:"means"`
	Covariances [][][]float64 `json:"covariances"`
	LogLikTrain float64       `json:"loglik_train"`
	LogLikVal   float64       `json:"loglik_val"`
	LogLikTest  *float64      `json:"loglik_test"`
}

type reinforcementState struct {
	Rows       int         `json:"rows"`
	Cols       int         `json:"cols"`
	Box        [4]float64  `json:"box"` // x_min, x_max, y_min, y_max of the cells
	Start      int         `json:"start"`
	Goals      []int       `json:"goals"`
	Rewards    []float64   `json:"rewards"`
	Gamma      float64     `json:"gamma"`
	Alpha      float64     `json:"alpha"`
	Epsilon    float64     `json:"epsilon"`
	Episode    int         `json:"episode"`
	Q          [][]float64 `json:"q"`
	VStar      []float64   `json:"v_star"`
	LastReturn *float64    `json:"last_return"`
}

// state is the frame's "state": the split and what each view has learnt.
type state struct {
	Paradigm      string             `json:"paradigm"`
	View          string             `json:"view"`
	Classes       int                `json:"classes"`
	SplitSizes    map[string]int     `json:"split_sizes"`
	Supervised    supervisedState    `json:"supervised"`
	Unsupervised  unsupervisedState  `json:"unsupervised"`
	Reinforcement reinforcementState `json:"reinforcement"`
}

func (m *model) Snapshot() lab.Snapshot {
	s := state{Paradigm: m.paradigm, View: m.views[m.cur].String(), Classes: m.classes,
		SplitSizes: map[string]int{"train": nTrain, "val": nVal, "test": nSamples - nTrain - nVal}}

	sup := supervisedState{Lambda: lambda, Candidates: []candidateState{}, TestAccuracy: m.testAcc}
	for _, c := range m.cands {
		sup.Candidates = append(sup.Candidates, candidateState{Degree: c.degree,
			Weights: c.w, Intercepts: c.b, TrainLoss: c.trainLoss,
			TrainAccuracy: c.trainAcc, ValAccuracy: c.valAcc})
	}
	if m.chosen >= 0 {
		d := m.cands[m.chosen].degree
		sup.ChosenDegree = &d
	}
	s.Supervised = sup

	gm := m.gm
	uns := unsupervisedState{K: m.classes, Iteration: gm.Iteration(), Converged: gm.Converged(),
		Weights: gm.Weights(), Means: gm.Means(), Covariances: gm.Covariances(), LogLikTest: m.llTest}
	if len(m.llTrain) > 0 {
		uns.LogLikTrain, uns.LogLikVal = m.llTrain[len(m.llTrain)-1], m.llVal[len(m.llVal)-1]
	} else {
		Xva, _ := m.of(splitVal)
		uns.LogLikTrain, uns.LogLikVal = gm.MeanLogLikelihood(), meanLogDensity(gm, Xva)
	}
	s.Unsupervised = uns

	g := m.grid
	rs := reinforcementState{Rows: g.Rows, Cols: g.Cols,
		Box: [4]float64{m.bounds.XMin, m.bounds.XMax, m.bounds.YMin, m.bounds.YMax}, Start: g.Start(), Goals: []int{},
		Rewards: g.Rewards(), Gamma: gamma, Alpha: alpha, Epsilon: epsilon,
		Episode: m.ql.Episode(), Q: m.ql.Q(), VStar: m.vstar}
	for c := range g.Cells() {
		if g.Cell(c) == rl.Goal {
			rs.Goals = append(rs.Goals, c)
		}
	}
	metrics := map[string]float64{
		"train_accuracy": math.NaN(), "val_accuracy": math.NaN(), "test_accuracy": math.NaN(),
		"loglik_train": math.NaN(), "loglik_val": math.NaN(), "loglik_test": math.NaN(),
		"episode": float64(m.ql.Episode()), "return": math.NaN(),
	}
	if rets := m.ql.Returns(); len(rets) > 0 {
		r := rets[len(rets)-1]
		rs.LastReturn = &r
		metrics["return"] = r
	}
	s.Reinforcement = rs
	if n := len(m.cands); n > 0 {
		c := m.cands[n-1]
		if m.chosen >= 0 {
			c = m.cands[m.chosen]
		}
		metrics["train_accuracy"], metrics["val_accuracy"] = c.trainAcc, c.valAcc
	}
	if m.testAcc != nil {
		metrics["test_accuracy"] = *m.testAcc
	}
	if m.emStart {
		metrics["loglik_train"], metrics["loglik_val"] = uns.LogLikTrain, uns.LogLikVal
	}
	if m.llTest != nil {
		metrics["loglik_test"] = *m.llTest
	}
	return lab.Snapshot{Metrics: metrics, State: s, Note: m.note()}
}

func pct(v float64) string { return textfmt.Fixed(100*v, 1) + "%" }

func f3(v float64) string { return strings.Replace(textfmt.Fixed(v+0, 3), "-", "−", 1) }

// tepText is the view's T, E, P in one line, for the note.
func (m *model) tepText(v view) string {
	t := m.tepOf(v)
	return fmt.Sprintf(" [T: %s. E: %s. P: %s.]", t.T, t.E, t.P)
}

func (m *model) note() string {
	if m.steps == 0 {
		first := m.views[0]
		var b strings.Builder
		fmt.Fprintf(&b, "%d points in the plane, split at random into %d train, %d val and %d test. ",
			nSamples, nTrain, nVal, nSamples-nTrain-nVal)
		switch first {
		case supervised:
			b.WriteString("The golden rule, as this run keeps it: models are fitted on train only; val chooses between them; test stays sealed (grey rings) until the choice is made, then is opened once. ")
		case unsupervised:
			b.WriteString("The golden rule, as this run keeps it: the mixture is fitted on train only; val is watched as EM runs; test stays sealed (grey rings) until EM has finished, then is opened once. ")
		default:
			b.WriteString("The agent needs no split: it makes its own experience by moving. ")
		}
		fmt.Fprintf(&b, "Step to start the %s view.", first)
		b.WriteString(m.tepText(first))
		return b.String()
	}
	v := m.views[m.cur]
	var b strings.Builder
	switch v {
	case supervised:
		if m.last == "fit" {
			c := m.cands[len(m.cands)-1]
			fmt.Fprintf(&b, "Supervised, degree %d: softmax regression on the %d monomials of x₁, x₂ up to degree %d, "+
				"%d epochs of gradient descent on train (η = %s, λ = %s). Train accuracy %s, val accuracy %s.",
				c.degree, linear.Monomials2Count(c.degree), c.degree, epochs, textfmt.Sig(c.eta, 3), textfmt.Num(lambda),
				pct(c.trainAcc), pct(c.valAcc))
			if len(m.cands) < maxDegree {
				fmt.Fprintf(&b, " Next: degree %d.", c.degree+1)
			} else {
				b.WriteString(" Every degree is fitted: next, val picks one.")
			}
		} else {
			c := m.cands[m.chosen]
			fmt.Fprintf(&b, "Val picks degree %d (val accuracy %s; a tie keeps the lower degree). Only now is test opened, once: "+
				"test accuracy %s on %d points no choice has seen. Nothing is changed after looking at it.",
				c.degree, pct(c.valAcc), pct(*m.testAcc), nSamples-nTrain-nVal)
		}
	case unsupervised:
		if m.last == "em" {
			gm := m.gm
			fmt.Fprintf(&b, "Unsupervised, EM iteration %d on train, labels hidden: log-likelihood per point %s on train, %s on val.",
				gm.Iteration(), f3(m.llTrain[len(m.llTrain)-1]), f3(m.llVal[len(m.llVal)-1]))
			switch {
			case gm.Converged():
				fmt.Fprintf(&b, " Converged: it rose by less than %s. Next, test is opened once.", textfmt.Num(emTol))
			case gm.Iteration() >= emMaxIter:
				fmt.Fprintf(&b, " EM stops at its limit of %d iterations. Next, test is opened once.", emMaxIter)
			}
		} else {
			fmt.Fprintf(&b, "EM has finished. Test opened once: log-likelihood per point %s on the %d test points "+
				"(train %s, val %s). Each point is coloured by its most likely component: the clusters P(x) implies, not the labels.",
				f3(*m.llTest), nSamples-nTrain-nVal, f3(m.llTrain[len(m.llTrain)-1]), f3(m.llVal[len(m.llVal)-1]))
		}
	case reinforcement:
		rets := m.ql.Returns()
		tail := rets[max(0, len(rets)-episodesPerStep):]
		mean := 0.0
		for _, r := range tail {
			mean += r
		}
		mean /= float64(len(tail))
		fmt.Fprintf(&b, "Reinforcement: episodes %d–%d of Q-learning on the %d×%d cells (γ = %s, α = %s, ε = %s); the cells holding the "+
			"mixture's means pay +1 and end the episode. Mean return of these episodes %s; V*(S) = %s.",
			m.ql.Episode()-len(tail)+1, m.ql.Episode(), gridRows, gridCols, textfmt.Num(gamma), textfmt.Num(alpha), textfmt.Num(epsilon),
			f3(mean), f3(m.vstar[m.grid.Start()]))
		if m.ql.Done() {
			b.WriteString(" All episodes run. The q-learning page runs this algorithm step by step.")
		}
	}
	b.WriteString(m.tepText(v))
	return b.String()
}

// PanelVersion implements lab.PanelVersioner: a view's panel changes only
// on its own steps.
func (m *model) PanelVersion(panel string) (uint64, bool) {
	for i, p := range []string{"supervised", "unsupervised", "reinforcement", "performance"} {
		if p == panel {
			return m.versions[i], true
		}
	}
	return 0, false
}

var _ lab.PanelVersioner = (*model)(nil)

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "supervised":
		return m.plotSupervised(), nil
	case "unsupervised":
		return m.plotUnsupervised(), nil
	case "reinforcement":
		return m.plotReinforcement(), nil
	case "performance":
		return m.plotPerformance(), nil
	}
	return nil, fmt.Errorf("paradigms: no panel %q", panel)
}

// Data returns the samples with their labels and splits.
func (m *model) Data() [][]string {
	rows := textfmt.PointRows(m.X, m.labels)
	rows[0] = append(rows[0], "split")
	for i := range m.X {
		rows[i+1] = append(rows[i+1], splitWords[m.split[i]])
	}
	return rows
}

// running reports whether view v is the one running or has run.
func (m *model) running(v view) bool {
	if m.steps == 0 {
		return false
	}
	i := slices.Index(m.views, v)
	return i >= 0 && i <= m.cur
}
