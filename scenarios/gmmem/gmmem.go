// Package gmmem is the EM-for-Gaussian-mixtures scenario: E-steps and
// M-steps one at a time, soft responsibilities as blended colours, the 1σ
// and 2σ ellipses of every component, the mean log-likelihood rising, and
// K-means on the same data beside it.
package gmmem

import (
	"cmp"
	_ "embed"
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/cluster"
	mldataset "github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/mixture"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
)

// Limits of the scenario.
const (
	maxK      = 8
	maxSteps  = 1000 // 500 EM iterations; most runs converge long before
	regionRes = 140  // two maps a frame: fine edges at half the cells of 200
	// irisX, irisY are the iris features shown: petal length and width.
	irisX, irisY = 2, 3
)

// Random streams, so that changing one draw never moves another.
const (
	streamData = iota + 1
	streamKMeans
	streamInit
)

//go:embed explanation.html
var explanation string

// dataset draws a data set of n samples and its true labels (nil when it
// has none).
type dataset func(rng *rand.Rand, n int) ([][]float64, []int)

// initialisation is where EM starts from.
type initialisation struct {
	// responsibilities are the ones the initial parameters are estimated
	// from; rng is the initialisation's own stream, km the comparison's
	// K-means at convergence.
	responsibilities func(rng *rand.Rand, km *cluster.KMeans, n, k int) [][]float64
	// note tells, before the first E-step, where the parameters came from.
	note func(k int, ll string) string
}

// The parameter table.
var (
	datasetParam = lab.Enum(lab.Param{Name: "dataset", Label: "Data set", Default: "blobs",
		Help: "blobs: three Gaussian clusters of different sizes and orientations; aniso: stretched clusters (scikit-learn's example) where K-means cuts wrongly; moons: two crescents, not Gaussian at all; iris: Fisher's flowers (petal length and width); custom: only the points you click."},
		lab.Option[dataset]("blobs", func(rng *rand.Rand, n int) ([][]float64, []int) {
			// A long tilted cluster, a small round one and a wide flat one:
			// the round cells of K-means steal the tilted cluster's tip,
			// while a mixture of full Gaussians fits each shape.
			return mixture.SampleGaussianMixture(rng, n,
				[][]float64{{-2.5, 0.5}, {1.8, 3.2}, {2.2, -2.2}},
				[][][]float64{
					{{2.6, 1.9}, {1.9, 1.8}},
					{{0.2, 0}, {0, 0.2}},
					{{3.2, -0.2}, {-0.2, 0.25}},
				})
		}),
		lab.Option[dataset]("aniso", func(rng *rand.Rand, n int) ([][]float64, []int) {
			// The centres and shear of scikit-learn's "anisotropic blobs"
			// example (make_blobs with random_state=170), as the kmeans
			// scenario uses.
			return mldataset.AnisotropicBlobs(rng, n, [][]float64{{-8.947, -5.463}, {-4.589, 0.089}, {1.939, 0.505}}, 1,
				[2][2]float64{{0.6, -0.64}, {-0.41, 0.85}})
		}),
		lab.Option[dataset]("moons", func(rng *rand.Rand, n int) ([][]float64, []int) { return mldataset.Moons(rng, n, 0.08) }),
		lab.Option[dataset]("iris", func(*rand.Rand, int) ([][]float64, []int) {
			X, labels, _, _ := mldataset.Iris()
			out := make([][]float64, len(X))
			for i, row := range X {
				out[i] = []float64{row[irisX], row[irisY]}
			}
			return out, labels
		}),
		lab.Option[dataset]("custom", func(*rand.Rand, int) ([][]float64, []int) { return nil, nil }),
	)
	kParam = lab.Int(lab.Param{Name: "k", Label: "Components K", Default: "3", Min: 1, Max: maxK, Step: 1,
		Help: "Number of Gaussian components (and of K-means clusters in the comparison)."})
	covarianceParam = lab.Enum(lab.Param{Name: "covariance", Label: "Covariance", Default: "full",
		Help: "full: any ellipse, tilted; diag: ellipses along the axes (one variance per coordinate); spherical: circles (one variance per component)."},
		lab.Option("full", mixture.CovarianceFull),
		lab.Option("diag", mixture.CovarianceDiag),
		lab.Option("spherical", mixture.CovarianceSpherical),
	)
	initParam = lab.Enum(lab.Param{Name: "init", Label: "Initialisation", Default: "kmeans",
		Help: "kmeans: start from the K-means clusters of the comparison panel (each cluster's share, mean and covariance); random: every sample split at random between the components."},
		lab.Option("kmeans", initialisation{
			responsibilities: func(_ *rand.Rand, km *cluster.KMeans, _, k int) [][]float64 {
				return mixture.HardResponsibilities(km.Assignments(), k)
			},
			note: func(_ int, ll string) string {
				return fmt.Sprintf("Initial parameters from the K-means clusters (panel “K-means on the same data”): each component takes its cluster's share, mean and covariance (hard responsibilities). Mean log-likelihood %s. Step for the first E-step.", ll)
			},
		}),
		lab.Option("random", initialisation{
			responsibilities: func(rng *rand.Rand, _ *cluster.KMeans, n, k int) [][]float64 {
				return mixture.RandomResponsibilities(rng, n, k)
			},
			note: func(k int, ll string) string {
				return fmt.Sprintf("Initial parameters from random responsibilities: every sample was split at random between the %d components, so they start overlapping near the middle. Mean log-likelihood %s. Step for the first E-step.", k, ll)
			},
		}),
	)
	nParam = lab.Int(lab.Param{Name: "n", Label: "Samples", Default: "150", Min: 30, Max: 600, Step: 30,
		Help: "Number of generated samples (iris always has 150; custom has none)."})
	pointsParam = lab.Points(lab.Param{Name: "points", Label: "Your points", Default: "",
		Help: "Points you added by clicking on the mixture plot; they join the data set."})
)

// Scenario returns the Gaussian-mixture EM scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "gmm-em",
		Title:    "Gaussian mixtures and EM",
		Chapter:  chapter,
		Summary:  "EM one half-step at a time: soft responsibilities as blended colours, 1σ and 2σ ellipses moving, the log-likelihood rising, and K-means on the same data for comparison.",
		MaxSteps: maxSteps,
		Speed:    3,
		Params:   lab.Params(datasetParam, kParam, covarianceParam, initParam, nParam, pointsParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "mixture", Title: "Mixture: responsibilities, 1σ and 2σ ellipses", Points: pointsParam.Name()},
			{Name: "loglik", Title: "Mean log-likelihood per step"},
			{Name: "kmeans", Title: "K-means on the same data"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one EM run.
type model struct {
	X         [][]float64
	labels    []int // true labels, nil when the data set has none
	generated int   // samples before the user's points
	k         int
	covType   string // a mixture.Covariance* constant
	init      initialisation
	initResp  [][]float64              // the responsibilities the initial parameters came from
	gm        *mixture.GaussianMixture // nil when there are fewer samples than K
	km        *cluster.KMeans          // K-means to convergence, for the comparison panel
	loglik    []float64                // mean log-likelihood per step
	bounds    viz.Box                  // of the scatter plots
	kmRegions func(x, y float64) int   // nearest K-means centroid
}

func newModel(v lab.Values) (lab.Model, error) {
	m := &model{k: kParam.Get(v), covType: covarianceParam.Get(v), init: initParam.Get(v)}
	m.X, m.labels = datasetParam.Get(v)(rand.New(rand.NewPCG(v.Seed(), streamData)), nParam.Get(v))
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
	m.km = cluster.KMeansToConvergence(rand.New(rand.NewPCG(v.Seed(), streamKMeans)), m.X, m.k)
	centroids := m.km.Centroids()
	m.kmRegions = func(x, y float64) int {
		best, bestD := 0, math.Inf(1)
		for j, c := range centroids {
			if d := (x-c[0])*(x-c[0]) + (y-c[1])*(y-c[1]); d < bestD {
				best, bestD = j, d
			}
		}
		return best
	}
	m.initResp = m.init.responsibilities(rand.New(rand.NewPCG(v.Seed(), streamInit)), m.km, len(m.X), m.k)
	w, mu, cov, err := mixture.EstimateGaussianParameters(m.X, m.initResp, m.covType)
	if err != nil {
		return nil, fmt.Errorf("gmm-em: initial parameters: %w", err)
	}
	if m.gm, err = mixture.NewGaussianMixture(m.X, w, mu, cov, m.covType); err != nil {
		return nil, fmt.Errorf("gmm-em: %w", err)
	}
	m.loglik = append(m.loglik, m.gm.MeanLogLikelihood())
	return m, nil
}

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	m.gm.Step()
	if err := m.gm.Err(); err != nil {
		return fmt.Errorf("gmm-em: %w", err)
	}
	m.loglik = append(m.loglik, m.gm.MeanLogLikelihood())
	return nil
}

func (m *model) Done() bool { return m.gm == nil || m.gm.Converged() }

// state is the frame's "state": what a test needs to check the algorithm.
type state struct {
	Weights     []float64     `json:"weights"`
	Means       [][]float64   `json:"means"`
	Covariances [][][]float64 `json:"covariances"` // full k×2×2 whatever the type
	Phase       string        `json:"phase"`
	Iteration   int           `json:"iteration"`
	Converged   bool          `json:"converged"`
	// The K-means comparison: its centroids, and every sample's cluster in
	// data.csv's row order. The responsibilities are left out to keep the
	// frame small; they follow from the parameters and data.csv.
	KMeansCentroids   [][]float64 `json:"kmeans_centroids"`
	KMeansAssignments []int       `json:"kmeans_assignments"`
}

func (m *model) Snapshot() lab.Snapshot {
	if m.gm == nil {
		return lab.Snapshot{
			Metrics: map[string]float64{},
			State: state{Weights: []float64{}, Means: [][]float64{}, Covariances: [][][]float64{}, Phase: mixture.PhaseInit,
				KMeansCentroids: [][]float64{}, KMeansAssignments: []int{}},
			Note: fmt.Sprintf("A mixture of K = %d components needs at least %d samples; there are %d. Click on the plot to add points.",
				m.k, m.k, len(m.X)),
		}
	}
	gm := m.gm
	return lab.Snapshot{
		Metrics: map[string]float64{"log_likelihood": gm.MeanLogLikelihood()},
		State: state{
			Weights:           gm.Weights(),
			Means:             gm.Means(),
			Covariances:       gm.Covariances(),
			Phase:             gm.Phase(),
			Iteration:         gm.Iteration(),
			Converged:         gm.Converged(),
			KMeansCentroids:   m.km.Centroids(),
			KMeansAssignments: m.km.Assignments(),
		},
		Note: m.note(),
	}
}

// responsibilities are the last E-step's, or the initial ones before it.
func (m *model) responsibilities() [][]float64 {
	if r := m.gm.Responsibilities(); r != nil {
		return r
	}
	return m.initResp
}

func (m *model) note() string {
	gm := m.gm
	ll := fmtLL(gm.MeanLogLikelihood())
	switch {
	case gm.Converged():
		return fmt.Sprintf("Converged after %d iterations: the last M-step raised the mean log-likelihood by only %.1e (below %g). Mean log-likelihood %s.",
			gm.Iteration(), gm.Change(), mixture.DefaultTol, ll)
	case gm.Phase() == mixture.PhaseInit:
		return m.init.note(m.k, ll)
	case gm.Phase() == mixture.PhaseExpectation:
		return fmt.Sprintf("E-step %d: every sample's responsibilities recomputed from the current Gaussians; colours blend where components overlap. The parameters did not move, so the mean log-likelihood stays %s.", gm.Iteration()+1, ll)
	default:
		return fmt.Sprintf("M-step %d: weights, means and covariances re-estimated from the responsibilities. Mean log-likelihood %s (%+.2e).", gm.Iteration(), ll, gm.Change())
	}
}

// fmtLL writes a log-likelihood with a true minus sign.
func fmtLL(v float64) string {
	s := textfmt.Fixed(v, 4)
	if len(s) > 0 && s[0] == '-' {
		s = "−" + s[1:]
	}
	return s
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	p, err := m.plotPanel(panel)
	if err == nil && m.km == nil {
		if panel == "mixture" {
			viz.AddNotice(p, fmt.Sprintf("A mixture of K = %d Gaussians needs at least %d points:", m.k, m.k), "click on the map to add some.")
		} else {
			viz.AddNotice(p, fmt.Sprintf("This appears once the map has K = %d points or more.", m.k))
		}
	}
	return p, err
}

func (m *model) plotPanel(panel string) (*plot.Plot, error) {
	switch panel {
	case "mixture":
		return m.plotMixture(), nil
	case "loglik":
		return m.plotLogLik(), nil
	case "kmeans":
		return m.plotKMeans(), nil
	}
	return nil, fmt.Errorf("gmm-em: no panel %q", panel)
}

// PanelVersion implements lab.PanelVersioner: the k-means the mixture is
// compared with runs to convergence when the run is built, so its panel
// never changes.
func (m *model) PanelVersion(panel string) (uint64, bool) { return 0, panel == "kmeans" }

var _ lab.PanelVersioner = (*model)(nil)

func (m *model) plotMixture() *plot.Plot {
	p := viz.NewPlot("", "x₁", "x₂")
	b := m.bounds
	if m.gm == nil {
		viz.SetAxes(p, b)
		viz.AddScatter(p, m.X[:m.generated], nil, viz.ScatterStyle{Outline: true})
		addUserPoints(p, m.X[m.generated:], nil)
		return p
	}
	gm := m.gm
	pt := make([]float64, 2)
	viz.AddRegionRaster(p, b, viz.RegionRasterLevels(b, regionRes, viz.RegionPalette, func(x, y float64) int {
		pt[0], pt[1] = x, y
		return viz.RegionLevel(gm.MostLikelyComponent(pt))
	}))
	colors := blend(m.responsibilities())
	addColoured(p, m.X[:m.generated], colors[:m.generated], circleGlyph, 3)
	addColoured(p, m.X[m.generated:], colors[m.generated:], squareGlyph, 4)
	means, covs := gm.Means(), gm.Covariances()
	classes := make([]int, m.k)
	for j := range classes {
		classes[j] = j
		viz.AddEllipse(p, means[j], covs[j], 2, viz.ClassColor(j), true)
		viz.AddEllipse(p, means[j], covs[j], 1, viz.ClassColor(j), false)
	}
	viz.AddMarkers(p, means, classes, "cross", 8)
	// Ellipses reaching past the data must not shrink the raster.
	viz.SetAxes(p, b)
	return p
}

func (m *model) plotKMeans() *plot.Plot {
	p := viz.NewPlot("", "x₁", "x₂")
	b := m.bounds
	if m.km == nil {
		viz.SetAxes(p, b)
		viz.AddScatter(p, m.X[:m.generated], nil, viz.ScatterStyle{Outline: true})
		addUserPoints(p, m.X[m.generated:], nil)
		return p
	}
	viz.AddRegionRaster(p, b, viz.RegionRasterLevels(b, regionRes, viz.RegionPalette, func(x, y float64) int {
		return viz.RegionLevel(m.kmRegions(x, y))
	}))
	assign := m.km.Assignments()
	viz.AddScatter(p, m.X[:m.generated], assign[:m.generated], viz.ScatterStyle{Outline: true})
	addUserPoints(p, m.X[m.generated:], assign[m.generated:])
	classes := make([]int, m.k)
	for j := range classes {
		classes[j] = j
	}
	viz.AddMarkers(p, m.km.Centroids(), classes, "cross", 8)
	viz.SetAxes(p, b)
	return p
}

// addUserPoints draws the user's points as squares so they can find and
// remove them.
func addUserPoints(p *plot.Plot, X [][]float64, classes []int) {
	if len(X) > 0 {
		if classes == nil {
			classes = make([]int, len(X))
			for i := range classes {
				classes[i] = -1
			}
		}
		viz.AddScatter(p, X, classes, viz.ScatterStyle{Shape: "square", Radius: 4, Outline: true})
	}
}

func (m *model) plotLogLik() *plot.Plot {
	p := viz.NewPlot("", "step", "mean log-likelihood")
	if len(m.loglik) == 0 {
		return p
	}
	viz.AddHistory(p, 240, viz.Curve{Values: m.loglik, Color: viz.ClassColor(0), Dot: 4})
	p.X.Min = 0
	p.X.Max = max(p.X.Max, 10)
	// A flat curve still gets a readable range.
	if p.Y.Max-p.Y.Min < 0.02 {
		mid := (p.Y.Max + p.Y.Min) / 2
		p.Y.Min, p.Y.Max = mid-0.01, mid+0.01
	}
	return p
}

// blendLevels quantises responsibilities to steps of 1/blendLevels before
// blending: the eye cannot tell finer shades apart, and points of one
// shade share their SVG attributes, which keeps the frame small.
const blendLevels = 8

// blend mixes the component colours of every sample by its
// responsibilities, Σ_k r_ik·ClassColor(k) channel by channel, with r
// rounded to steps of 1/blendLevels (and renormalised).
func blend(resp [][]float64) []color.RGBA {
	out := make([]color.RGBA, len(resp))
	q := make([]float64, 0, maxK)
	for i, row := range resp {
		q = q[:0]
		var total float64
		for _, w := range row {
			v := math.Round(w * blendLevels)
			q = append(q, v)
			total += v
		}
		var r, g, b float64
		for j, v := range q {
			w := v / total
			c := viz.ClassColor(j)
			r += w * float64(c.R)
			g += w * float64(c.G)
			b += w * float64(c.B)
		}
		ch := func(v float64) uint8 { return uint8(min(max(math.Round(v), 0), 255)) }
		out[i] = color.RGBA{ch(r), ch(g), ch(b), 0xFF}
	}
	return out
}

// Glyph shapes of addColoured.
const (
	circleGlyph = iota
	squareGlyph
)

// addColoured adds points each with its own fill colour and a thin white
// rim, as viz.AddScatter draws class-coloured ones. Points are drawn grouped
// by colour so that the SVG states each colour once per group.
func addColoured(p *plot.Plot, X [][]float64, colors []color.RGBA, shape int, radius vg.Length) {
	if len(X) == 0 {
		return
	}
	order := make([]int, len(X))
	for i := range order {
		order[i] = i
	}
	key := func(c color.RGBA) uint32 { return uint32(c.R)<<16 | uint32(c.G)<<8 | uint32(c.B) }
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(key(colors[a]), key(colors[b])) })
	xys := make(plotter.XYs, len(X))
	for i, o := range order {
		xys[i] = plotter.XY{X: X[o][0], Y: X[o][1]}
	}
	s := &plotter.Scatter{XYs: xys}
	s.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		return draw.GlyphStyle{Color: colors[order[i]], Radius: radius, Shape: rimmed{square: shape == squareGlyph}}
	}
	p.Add(s)
}

// rimmed is a filled circle or square with a thin white outline.
type rimmed struct{ square bool }

func (g rimmed) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	var path vg.Path
	if g.square {
		d := r * 0.886 // same area as the circle
		path.Move(vg.Point{X: pt.X - d, Y: pt.Y - d})
		path.Line(vg.Point{X: pt.X + d, Y: pt.Y - d})
		path.Line(vg.Point{X: pt.X + d, Y: pt.Y + d})
		path.Line(vg.Point{X: pt.X - d, Y: pt.Y + d})
		path.Close()
	} else {
		// Two arcs, which the SVG compactor turns back into a <circle>.
		path.Move(vg.Point{X: pt.X + r, Y: pt.Y})
		path.Arc(pt, r, 0, 2*math.Pi)
		path.Close()
	}
	c.SetColor(sty.Color)
	c.Fill(path)
	c.SetLineStyle(draw.LineStyle{Color: color.White, Width: 0.6})
	c.Stroke(path)
}

func (m *model) Data() [][]string { return textfmt.PointRows(m.X, m.labels) }
