// Package kmeans is the K-means scenario: assign and update steps shown one
// at a time over the Voronoi regions of the centroids, with the inertia
// curve and an elbow sweep over K.
package kmeans

import (
	_ "embed"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/cluster"
	mldataset "github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
)

// Limits of the scenario.
const (
	maxK      = 10
	maxSteps  = 2000
	regionRes = 200
	// irisX, irisY are the iris features shown: petal length and width
	// separate the species best in two dimensions.
	irisX, irisY = 2, 3
)

//go:embed explanation.html
var explanation string

// dataset makes a data set of n samples and its true labels (nil when it
// has none).
type dataset func(rng *rand.Rand, n int) ([][]float64, []int)

// initialiser picks K starting centroids among the samples.
type initialiser func(rng *rand.Rand, X [][]float64, k int) [][]float64

// variant builds the stepper from the starting centroids.
type variant struct {
	batch bool // a sample or a batch per step, not the whole data set
	build func(rng *rand.Rand, X, initial [][]float64) *cluster.KMeans
}

// The parameter table.
var (
	datasetParam = lab.Enum(lab.Param{Name: "dataset", Label: "Data set", Default: "blobs",
		Help: "blobs: four round clusters; aniso: stretched clusters where K-means cuts wrongly; moons: two crescents it cannot separate; uniform: no clusters at all; iris: Fisher's flowers (petal length and width); custom: only the points you click."},
		lab.Option[dataset]("blobs", func(rng *rand.Rand, n int) ([][]float64, []int) {
			return mldataset.Blobs(rng, n, [][]float64{{-2.5, -1.5}, {2, -2}, {-1, 2.5}, {2.5, 2}}, 0.75)
		}),
		lab.Option[dataset]("aniso", func(rng *rand.Rand, n int) ([][]float64, []int) {
			// The centres and shear of scikit-learn's "anisotropic blobs"
			// example (make_blobs with random_state=170).
			return mldataset.AnisotropicBlobs(rng, n, [][]float64{{-8.947, -5.463}, {-4.589, 0.089}, {1.939, 0.505}}, 1,
				[2][2]float64{{0.6, -0.64}, {-0.41, 0.85}})
		}),
		lab.Option[dataset]("moons", func(rng *rand.Rand, n int) ([][]float64, []int) { return mldataset.Moons(rng, n, 0.08) }),
		lab.Option[dataset]("uniform", func(rng *rand.Rand, n int) ([][]float64, []int) { return mldataset.Uniform(rng, n, 2, -3, 3), nil }),
		lab.Option[dataset]("iris", func(*rand.Rand, int) ([][]float64, []int) {
			X, labels, _, _ := mldataset.Iris()
			var xy [][]float64
			for _, row := range X {
				xy = append(xy, []float64{row[irisX], row[irisY]})
			}
			return xy, labels
		}),
		lab.Option[dataset]("custom", func(*rand.Rand, int) ([][]float64, []int) { return nil, nil }),
	)
	kParam = lab.Int(lab.Param{Name: "k", Label: "Clusters K", Default: "4", Min: 1, Max: maxK, Step: 1,
		Help: "Number of centroids."})
	initParam = lab.Enum(lab.Param{Name: "init", Label: "Initialisation", Default: "kmeans++",
		Help: "random: K samples picked uniformly; kmeans++: each next centroid is picked with probability proportional to its squared distance from the nearest chosen one."},
		lab.Option[initialiser]("random", cluster.InitRandom),
		lab.Option[initialiser]("kmeans++", cluster.InitPlusPlus),
	)
	variantParam = lab.Enum(lab.Param{Name: "variant", Label: "Variant", Default: "lloyd",
		Help: "lloyd: every sample each step; minibatch: 10 random samples per step; sequential (online): one sample per step, each centroid moving by 1/count towards it."},
		lab.Option("lloyd", variant{build: func(_ *rand.Rand, X, initial [][]float64) *cluster.KMeans { return cluster.NewKMeans(X, initial) }}),
		lab.Option("minibatch", variant{batch: true, build: func(rng *rand.Rand, X, initial [][]float64) *cluster.KMeans {
			return cluster.NewMiniBatchKMeans(rng, X, initial, 10)
		}}),
		lab.Option("sequential", variant{batch: true, build: func(rng *rand.Rand, X, initial [][]float64) *cluster.KMeans {
			return cluster.NewMiniBatchKMeans(rng, X, initial, 1)
		}}),
	)
	nParam = lab.Int(lab.Param{Name: "n", Label: "Samples", Default: "200", Min: 10, Max: 1000, Step: 10,
		Help: "Number of generated samples (iris always has 150; custom has none)."})
	pointsParam = lab.Points(lab.Param{Name: "points", Label: "Your points", Default: "",
		Help: "Points you added by clicking on the clusters plot; they join the data set."})
)

// Scenario returns the K-means scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "kmeans",
		Title:    "K-means clustering",
		Chapter:  chapter,
		Summary:  "Centroids and their Voronoi regions, assign and update steps one at a time, the inertia falling, and an elbow sweep over K.",
		MaxSteps: maxSteps,
		Speed:    3,
		Params:   lab.Params(datasetParam, kParam, initParam, variantParam, nParam, pointsParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "clusters", Title: "Clusters and Voronoi regions", Points: pointsParam.Name()},
			{Name: "inertia", Title: "Inertia per step"},
			{Name: "elbow", Title: "Elbow: inertia at convergence vs K"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one K-means run.
type model struct {
	X         [][]float64
	labels    []int // true labels, nil when the data set has none
	generated int   // samples before the user's points
	k         int
	variant   variant
	init      string          // the initialisation's word, for the note
	km        *cluster.KMeans // nil when there are fewer samples than K
	inertia   []float64       // per step
	trails    [][][]float64
	elbow     []float64
	bounds    viz.Box   // of the plots
	src       *rand.PCG // the source km draws from (mini-batch), for Clone
}

func newModel(v lab.Values) (lab.Model, error) {
	src := rand.NewPCG(v.Seed(), 1)
	rng := rand.New(src)
	m := &model{k: kParam.Get(v), variant: variantParam.Get(v), init: initParam.Text(v), src: src}
	m.X, m.labels = datasetParam.Get(v)(rng, nParam.Get(v))
	m.generated = len(m.X)
	for _, p := range pointsParam.Get(v) {
		m.X = append(m.X, []float64{p.X, p.Y})
		if m.labels != nil {
			m.labels = append(m.labels, -1)
		}
	}
	m.bounds = viz.PaddedBounds(m.X)
	if len(m.X) < m.k {
		return m, nil // waits for more points; the note says so
	}
	m.km = m.variant.build(rng, m.X, initParam.Get(v)(rng, m.X, m.k))
	// The elbow sweep draws from its own stream so it never changes the run.
	m.elbow = cluster.Elbow(rand.New(rand.NewPCG(v.Seed(), 2)), m.X, maxK)
	m.record()
	return m, nil
}

// record appends the current step to the inertia curve and the trails.
func (m *model) record() {
	m.inertia = append(m.inertia, m.km.Inertia())
	if m.km.Phase() == cluster.PhaseAssign {
		return // centroids did not move
	}
	c := m.km.Centroids()
	if m.trails == nil {
		m.trails = make([][][]float64, len(c))
	}
	for j, cj := range c {
		m.trails[j] = append(m.trails[j], cj)
	}
}

func (m *model) Step() error {
	if m.km == nil || m.km.Converged() {
		return nil
	}
	m.km.Step()
	m.record()
	return nil
}

func (m *model) Done() bool { return m.km == nil || m.km.Converged() }

// Clone copies the run in its current state, for the timeline's
// checkpoints; the data set and the elbow curve are only read.
func (m *model) Clone() lab.Model {
	c := *m
	src := *m.src
	c.src = &src
	if m.km != nil {
		c.km = m.km.Clone(rand.New(c.src))
	}
	c.inertia = slices.Clone(m.inertia)
	c.trails = make([][][]float64, len(m.trails))
	for j, t := range m.trails {
		c.trails[j] = slices.Clone(t)
	}
	if m.trails == nil {
		c.trails = nil
	}
	return &c
}

// state is the frame's "state": what a test needs to check the algorithm.
type state struct {
	Centroids   [][]float64 `json:"centroids"`
	Assignments []int       `json:"assignments"`
	Phase       string      `json:"phase"`
	Iteration   int         `json:"iteration"`
	Converged   bool        `json:"converged"`
	Batch       []int       `json:"batch,omitempty"`
	Elbow       []float64   `json:"elbow"`
}

func (m *model) Snapshot() lab.Snapshot {
	if m.km == nil {
		return lab.Snapshot{
			Metrics: map[string]float64{},
			State:   state{Centroids: [][]float64{}, Assignments: fill(len(m.X), -1), Phase: cluster.PhaseInit, Elbow: []float64{}},
			Note: fmt.Sprintf("K-means with K = %d needs at least %d samples; there are %d. Click on the plot to add points.",
				m.k, m.k, len(m.X)),
		}
	}
	km := m.km
	s := state{
		Centroids:   km.Centroids(),
		Assignments: km.Assignments(),
		Phase:       km.Phase(),
		Iteration:   km.Iteration(),
		Converged:   km.Converged(),
		Batch:       km.Batch(),
		Elbow:       m.elbow,
	}
	return lab.Snapshot{
		Metrics: map[string]float64{"inertia": km.Inertia()},
		State:   s,
		Note:    m.note(),
	}
}

func fill(n, v int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func (m *model) note() string {
	km := m.km
	inertia := strconv.FormatFloat(km.Inertia(), 'f', 2, 64)
	batch := m.variant.batch
	switch {
	case km.Converged() && batch:
		return fmt.Sprintf("Converged: a whole pass over the data changed no sample's nearest centroid (%d updates). Inertia %s.", km.Iteration(), inertia)
	case km.Converged():
		return fmt.Sprintf("Converged after %d iterations: the last assign step changed no sample. Inertia %s.", km.Iteration(), inertia)
	case km.Phase() == cluster.PhaseInit:
		return fmt.Sprintf("Initial centroids (%s): %d samples picked from the data. Step to assign every sample to its nearest centroid.", m.init, m.k)
	case km.Phase() == cluster.PhaseAssign && batch:
		return fmt.Sprintf("Assign: the %d ringed sample(s) of this batch go to their nearest centroid.", len(km.Batch()))
	case km.Phase() == cluster.PhaseAssign:
		return fmt.Sprintf("Assign step %d: %d sample(s) changed cluster. Inertia %s.", km.Iteration()+1, km.Changed(), inertia)
	case batch:
		return fmt.Sprintf("Update %d: each centroid moved towards its batch samples by 1/(its count). Inertia %s.", km.Iteration(), inertia)
	default:
		return fmt.Sprintf("Update step %d: each centroid moved to the mean of its samples. Inertia %s.", km.Iteration(), inertia)
	}
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	p, err := m.plotPanel(panel)
	if err == nil && m.km == nil {
		if panel == "clusters" {
			viz.AddNotice(p, fmt.Sprintf("K-means with K = %d needs at least %d points:", m.k, m.k), "click on the map to add some.")
		} else {
			viz.AddNotice(p, fmt.Sprintf("This appears once the map has K = %d points or more.", m.k))
		}
	}
	return p, err
}

func (m *model) plotPanel(panel string) (*plot.Plot, error) {
	switch panel {
	case "clusters":
		return m.plotClusters(), nil
	case "inertia":
		return m.plotInertia(), nil
	case "elbow":
		return m.plotElbow(), nil
	}
	return nil, fmt.Errorf("kmeans: no panel %q", panel)
}

// PanelVersion implements lab.PanelVersioner: the elbow sweep is done
// once, when the run is built, so its panel never changes.
func (m *model) PanelVersion(panel string) (uint64, bool) { return 0, panel == "elbow" }

var _ lab.PanelVersioner = (*model)(nil)

func (m *model) plotClusters() *plot.Plot {
	p := viz.NewPlot("", "x₁", "x₂")
	b := m.bounds
	if m.km != nil {
		// Each cell is coloured by its nearest centroid, the first of ties;
		// a row's (y − c₂)² are the same for all its cells.
		centroids := m.km.Centroids()
		cx, dy2 := make([]float64, len(centroids)), make([]float64, len(centroids))
		for j, c := range centroids {
			cx[j] = c[0]
		}
		viz.AddRegionRaster(p, b, viz.RegionRasterLevelRows(b, regionRes, viz.RegionPalette, func(y float64, xs []float64, levels []int) {
			for j, c := range centroids {
				dy2[j] = (y - c[1]) * (y - c[1])
			}
			for i, x := range xs {
				best, bestD := 0, math.Inf(1)
				for j, c := range cx {
					if d := (x-c)*(x-c) + dy2[j]; d < bestD {
						best, bestD = j, d
					}
				}
				levels[i] = viz.RegionLevel(best)
			}
		}))
	} else {
		viz.SetAxes(p, b)
	}
	var assign []int
	if m.km != nil {
		assign = m.km.Assignments()
	} else {
		assign = fill(len(m.X), -1)
	}
	viz.AddScatter(p, m.X[:m.generated], assign[:m.generated], viz.ScatterStyle{Outline: true})
	if m.generated < len(m.X) {
		// The user's points are squares so they can find and remove them.
		viz.AddScatter(p, m.X[m.generated:], assign[m.generated:], viz.ScatterStyle{Shape: "square", Radius: 4, Outline: true})
	}
	if m.km == nil {
		return p
	}
	if batch := m.km.Batch(); len(batch) > 0 {
		pts := make([][]float64, len(batch))
		for i, j := range batch {
			pts[i] = m.X[j]
		}
		viz.AddScatter(p, pts, nil, viz.ScatterStyle{Shape: "ring", Radius: 6})
	}
	viz.AddTrails(p, m.trails)
	classes := make([]int, m.k)
	for j := range classes {
		classes[j] = j
	}
	viz.AddMarkers(p, m.km.Centroids(), classes, "cross", 8)
	return p
}

func (m *model) plotInertia() *plot.Plot {
	p := viz.NewPlot("", "step", "inertia")
	if len(m.inertia) == 0 {
		return p
	}
	viz.AddHistory(p, 240, viz.Curve{Values: m.inertia, Color: viz.ClassColor(0), Dot: 4})
	p.X.Min = 0
	p.X.Max = max(p.X.Max, 10)
	p.Y.Min = 0
	return p
}

func (m *model) plotElbow() *plot.Plot {
	p := viz.NewPlot("", "K (number of clusters)", "inertia at convergence")
	if len(m.elbow) == 0 {
		return p
	}
	xs := make([]float64, len(m.elbow))
	pts := make([][]float64, len(m.elbow))
	for i := range xs {
		xs[i] = float64(i + 1)
		pts[i] = []float64{xs[i], m.elbow[i]}
	}
	viz.AddLine(p, xs, m.elbow, viz.ClassColor(0), "", false)
	viz.AddScatter(p, pts, nil, viz.ScatterStyle{Radius: 3.5})
	viz.AddVLine(p, float64(m.k), "K = "+strconv.Itoa(m.k), viz.ClassColor(1))
	p.Y.Min = 0
	p.X.Min, p.X.Max = 0.5, float64(len(m.elbow))+0.5
	return p
}

func (m *model) Data() [][]string { return textfmt.PointRows(m.X, m.labels) }
