// Package pca is the principal component analysis scenario: centre →
// covariance → eigenvectors and eigenvalues → keep d → project →
// reconstruct, one stage per step, on generated 2-D and 3-D clouds and on
// iris, wine and the 8×8 digits.
package pca

import (
	_ "embed"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/mlplayground/playground/internal/lab"
	mldataset "github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/decomp"
	"github.com/mlplayground/playground/internal/textfmt"
)

// Limits and defaults of the scenario.
const (
	maxN     = 1000
	maxDims  = 64 // the digits' 8×8 pixels
	defaultN = 150
)

//go:embed explanation.html
var explanation string

// dataset is what a data set choice means.
type dataset struct {
	// load returns the samples (n of them where the set is generated or
	// subsampled), their labels, and the names of the features and
	// classes (nil where the set has none).
	load func(rng *rand.Rand, n int) (X [][]float64, labels []int, features, classes []string)
	// takesPoints: clicked points join the set (a click gives 2-D points).
	takesPoints bool
	// images: every sample is an 8×8 image, drawn in the digits panel.
	images bool
}

// The parameter table.
var (
	datasetParam = lab.Enum(lab.Param{Name: "dataset", Label: "Data set", Default: "gauss2d",
		Help: "gauss2d: a stretched, tilted 2-D Gaussian cloud (click to add points); gauss3d: a flat 3-D cloud lying near a plane; iris: 4 flower measurements; wine: 13 chemical measurements in very different units; digits: 8×8 images of handwritten digits, 64 pixels each."},
		lab.Option("gauss2d", dataset{takesPoints: true, load: func(rng *rand.Rand, n int) ([][]float64, []int, []string, []string) {
			return gauss2D(rng, n), nil, nil, nil
		}}),
		lab.Option("gauss3d", dataset{load: func(rng *rand.Rand, n int) ([][]float64, []int, []string, []string) {
			return gauss3D(rng, n), nil, nil, nil
		}}),
		lab.Option("iris", dataset{load: func(*rand.Rand, int) ([][]float64, []int, []string, []string) {
			return mldataset.Iris()
		}}),
		lab.Option("wine", dataset{load: func(*rand.Rand, int) ([][]float64, []int, []string, []string) {
			return mldataset.Wine()
		}}),
		lab.Option("digits", dataset{images: true, load: digitsSubset}),
	)
	componentsParam = lab.Int(lab.Param{Name: "components", Label: "Components kept d", Default: "1", Min: 1, Max: maxDims, Step: 1,
		Help: "How many principal components to keep, at most the data set's dimension (2, 3, 4, 13 or 64)."})
	standardizeParam = lab.Bool(lab.Param{Name: "standardize", Label: "Standardize", Default: "false",
		Help: "Divide every feature by its standard deviation after centring, so features measured in large units do not dominate (try it on wine)."})
	nParam = lab.Int(lab.Param{Name: "n", Label: "Samples", Default: strconv.Itoa(defaultN), Min: 10, Max: maxN, Step: 10,
		Help: "Number of generated samples for gauss2d and gauss3d; for digits, the size of the random subset of the 1797 images used (a subset keeps the frames light). Iris (150) and wine (178) always use every sample."})
	pointsParam = lab.Points(lab.Param{Name: "points", Label: "Your points", Default: "",
		Help: "Points you added by clicking on the data plot of gauss2d; they join that data set (other data sets ignore them)."})
)

// Scenario returns the PCA scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "pca",
		Title:    "Principal component analysis",
		Chapter:  chapter,
		Summary:  "Centre, covariance, eigenvectors, keep d, project, reconstruct: one stage per step, from a 2-D cloud to 64-pixel digits rebuilt from a few components.",
		MaxSteps: len(decomp.Stages),
		Speed:    0.7,
		Params:   lab.Params(datasetParam, componentsParam, standardizeParam, nParam, pointsParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "data", Title: "Data, principal axes and projections", Points: pointsParam.Name()},
			{Name: "variance", Title: "Explained variance per component"},
			{Name: "error", Title: "Reconstruction error vs components kept"},
			{Name: "digits", Title: "Digits: originals and reconstructions",
				Shown: func(v lab.Values) bool { return datasetParam.Get(v).images }},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one PCA run.
type model struct {
	dataset   dataset
	name      string      // the data set's word, for the notes
	X         [][]float64 // as the model sees them (before centring)
	labels    []int       // nil for the generated sets
	classes   []string
	features  []string
	generated int // samples before the user's points
	ignored   int // clicked points a data set other than gauss2d cannot take
	pca       *decomp.PCA
	final     *decomp.PCA // the same run carried to the end, for stable plot bounds
	view      view
}

func newModel(v lab.Values) (lab.Model, error) {
	rng := rand.New(rand.NewPCG(v.Seed(), 1))
	m := &model{dataset: datasetParam.Get(v), name: datasetParam.Text(v)}
	m.X, m.labels, m.features, m.classes = m.dataset.load(rng, nParam.Get(v))
	D := len(m.X[0])
	if m.features == nil {
		for j := range D {
			m.features = append(m.features, "x"+subscript(j+1))
		}
	}
	m.generated = len(m.X)
	if m.dataset.takesPoints {
		for _, p := range pointsParam.Get(v) {
			m.X = append(m.X, []float64{p.X, p.Y})
		}
	} else {
		m.ignored = len(pointsParam.Get(v))
	}
	d := componentsParam.Get(v)
	if d > D {
		return nil, componentsParam.Refuse(v, fmt.Sprintf("an integer from 1 to %d, the dimension of %s", D, m.name))
	}
	var err error
	if m.pca, err = decomp.NewPCA(m.X, d, standardizeParam.Get(v)); err != nil {
		return nil, fmt.Errorf("pca: %w", err)
	}
	m.final, _ = decomp.NewPCA(m.X, d, standardizeParam.Get(v))
	for !m.final.Done() {
		m.final.Step()
	}
	m.view = newView(m)
	return m, nil
}

// digitsSubset draws n of the 1797 digits at random, in the data set's
// order.
func digitsSubset(rng *rand.Rand, n int) (X [][]float64, labels []int, features, classes []string) {
	all, allLabels := mldataset.Digits()
	idx := rng.Perm(len(all))[:min(n, len(all))]
	slices.Sort(idx)
	for _, i := range idx {
		X = append(X, all[i])
		labels = append(labels, allLabels[i])
	}
	for i := range 10 {
		classes = append(classes, strconv.Itoa(i))
	}
	for j := range 64 {
		features = append(features, fmt.Sprintf("pixel (%d,%d)", j/8, j%8))
	}
	return X, labels, features, classes
}

// gauss2D draws a correlated Gaussian cloud: standard deviations 2 and 0.6
// along axes turned by 30°, centred at (2, 1) so that centring shows.
func gauss2D(rng *rand.Rand, n int) [][]float64 {
	c, s := math.Cos(math.Pi/6), math.Sin(math.Pi/6)
	X := make([][]float64, n)
	for i := range X {
		a, b := 2*rng.NormFloat64(), 0.6*rng.NormFloat64()
		X[i] = []float64{2 + c*a - s*b, 1 + s*a + c*b}
	}
	return X
}

// gauss3D draws a flattened 3-D cloud: standard deviations 3, 1.5 and 0.3
// along the axes of a fixed rotation, so it lies close to a tilted plane.
// The rotation is chosen so that the plot's oblique view sees the plane at
// about 50° and its long axis across.
func gauss3D(rng *rand.Rand, n int) [][]float64 {
	R := rotation3(-0.4, 0.1, 0.3)
	X := make([][]float64, n)
	for i := range X {
		z := []float64{3 * rng.NormFloat64(), 1.5 * rng.NormFloat64(), 0.3 * rng.NormFloat64()}
		X[i] = []float64{1, -1, 2}
		for r := range 3 {
			for c := range 3 {
				X[i][r] += R[r][c] * z[c]
			}
		}
	}
	return X
}

// rotation3 is Rz(a)·Ry(b)·Rx(c).
func rotation3(a, b, c float64) [3][3]float64 {
	mul := func(A, B [3][3]float64) (C [3][3]float64) {
		for i := range 3 {
			for j := range 3 {
				for k := range 3 {
					C[i][j] += A[i][k] * B[k][j]
				}
			}
		}
		return C
	}
	ca, sa, cb, sb, cc, sc := math.Cos(a), math.Sin(a), math.Cos(b), math.Sin(b), math.Cos(c), math.Sin(c)
	rz := [3][3]float64{{ca, -sa, 0}, {sa, ca, 0}, {0, 0, 1}}
	ry := [3][3]float64{{cb, 0, sb}, {0, 1, 0}, {-sb, 0, cb}}
	rx := [3][3]float64{{1, 0, 0}, {0, cc, -sc}, {0, sc, cc}}
	return mul(mul(rz, ry), rx)
}

func (m *model) Step() error {
	m.pca.Step()
	return nil
}

func (m *model) Done() bool { return m.pca.Done() }

// state is the frame's "state". Arrays are empty until the stage that
// computes them has run.
type state struct {
	Stage string `json:"stage"`
	// Kept is d, the number of components kept.
	Kept  int       `json:"kept"`
	Mean  []float64 `json:"mean"`
	Scale []float64 `json:"scale"`
	// Components are the first d principal axes, unit rows, from the eigen
	// stage on.
	Components [][]float64 `json:"components"`
	// ExplainedVariance holds every eigenvalue λ_k, ExplainedVarianceRatio
	// every λ_k/Σλ.
	ExplainedVariance      []float64 `json:"explained_variance"`
	ExplainedVarianceRatio []float64 `json:"explained_variance_ratio"`
	// ReconstructionError is the MSE for d = 0, 1, …, D.
	ReconstructionError []float64 `json:"reconstruction_error"`
}

func (m *model) Snapshot() lab.Snapshot {
	p := m.pca
	s := state{
		Stage: p.Stage(), Kept: p.Kept(),
		Mean: orEmpty(p.Mean()), Scale: orEmpty(p.Scale()),
		Components:             [][]float64{},
		ExplainedVariance:      orEmpty(p.Eigenvalues()),
		ExplainedVarianceRatio: orEmpty(p.ExplainedVarianceRatio()),
		ReconstructionError:    []float64{},
	}
	metrics := map[string]float64{"explained_variance_kept": math.NaN(), "reconstruction_mse": math.NaN()}
	if comps := p.Components(); comps != nil {
		s.Components = comps[:p.Kept()]
		for d := 0; d <= p.Dim(); d++ {
			s.ReconstructionError = append(s.ReconstructionError, p.ReconstructionError(d))
		}
	}
	if m.reached(decomp.StageKeep) {
		metrics["explained_variance_kept"] = sum(s.ExplainedVarianceRatio[:p.Kept()])
	}
	if m.reached(decomp.StageReconstruct) {
		metrics["reconstruction_mse"] = p.ReconstructionError(p.Kept())
	}
	note := m.note()
	if m.ignored > 0 {
		// A click lands in two of this data set's dimensions only.
		note = fmt.Sprintf("Your %d clicked point(s) are left out: only gauss2d takes points. ", m.ignored) + note
	}
	return lab.Snapshot{Metrics: metrics, State: s, Note: note}
}

// reached reports whether the stage has run.
func (m *model) reached(stage string) bool {
	return slices.Index(decomp.Stages, m.pca.Stage()) >= slices.Index(decomp.Stages, stage)
}

func orEmpty(v []float64) []float64 {
	if v == nil {
		return []float64{}
	}
	return v
}

func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

func (m *model) note() string {
	p := m.pca
	n, D, d := len(m.X), p.Dim(), p.Kept()
	units := ""
	if m.standardizing() {
		units = " (standardized units)"
	}
	switch p.Stage() {
	case decomp.StageInit:
		return fmt.Sprintf("%d samples of %d features (%s). Step to centre them.", n, D, m.name)
	case decomp.StageCentre:
		s := fmt.Sprintf("Centred: subtracted the mean μ = %s from every sample, so the cloud now sits at the origin.", vecText(p.Mean(), 4))
		if m.standardizing() {
			s += fmt.Sprintf(" Then divided each feature by its standard deviation s = %s.", vecText(p.Scale(), 4))
		}
		return s
	case decomp.StageCovariance:
		return "Covariance C = XᵀX/(n−1) of the centred data X: " + m.covarianceText()
	case decomp.StageEigen:
		ev, r := p.Eigenvalues(), p.ExplainedVarianceRatio()
		return fmt.Sprintf("Eigen-decomposition C = P D Pᵀ: eigenvalues λ = %s%s. PC1 alone carries %.1f%% of the variance.",
			vecText(ev, 5), units, 100*r[0])
	case decomp.StageKeep:
		r := p.ExplainedVarianceRatio()
		return fmt.Sprintf("Kept d = %d of %d components: together they explain %.1f%% of the variance; the %d dropped explain %.1f%%.",
			d, D, 100*sum(r[:d]), D-d, 100*sum(r[d:]))
	case decomp.StageProject:
		return fmt.Sprintf("Projected: Z = XP, with the d kept axes as the columns of P, gives each sample %d coordinate(s) on the kept axes instead of %d features.", d, D)
	case decomp.StageReconstruct:
		s := fmt.Sprintf("Reconstructed X̂ = ZPᵀ + μ from %d component(s): mean squared error %s%s, %.1f%% of the error of keeping none.",
			d, num(p.ReconstructionError(d)), units, 100*safeRatio(p.ReconstructionError(d), p.ReconstructionError(0)))
		if d < D {
			s += fmt.Sprintf(" Keeping %d would give %s.", d+1, num(p.ReconstructionError(d+1)))
		}
		return s
	}
	return ""
}

func (m *model) standardizing() bool {
	for _, s := range m.final.Scale() {
		if s != 1 {
			return true
		}
	}
	return false
}

// covarianceText describes C: the whole matrix for 2-D and 3-D, the
// largest variance and strongest correlation otherwise.
func (m *model) covarianceText() string {
	C := m.pca.Covariance()
	D := len(C)
	if D == 2 {
		return fmt.Sprintf("var(x₁) = %s, var(x₂) = %s, cov(x₁, x₂) = %s. The off-diagonal term says the features move together.",
			num(C[0][0]), num(C[1][1]), num(C[0][1]))
	}
	if D == 3 {
		rows := make([]string, 3)
		for i := range rows {
			rows[i] = vecText(C[i], 3)
		}
		return "C = [" + strings.Join(rows, "; ") + "]."
	}
	big, ra, rb, rho := 0, 0, 1, 0.0
	for a := range D {
		if C[a][a] > C[big][big] {
			big = a
		}
		for b := a + 1; b < D; b++ {
			if C[a][a] > 0 && C[b][b] > 0 {
				if r := C[a][b] / math.Sqrt(C[a][a]*C[b][b]); math.Abs(r) > math.Abs(rho) {
					ra, rb, rho = a, b, r
				}
			}
		}
	}
	return fmt.Sprintf("a %d×%d matrix, drawn in the data plot. Largest variance: %s (%s); strongest correlation: %s and %s (ρ = %.2f).",
		D, D, m.features[big], num(C[big][big]), m.features[ra], m.features[rb], rho)
}

func safeRatio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// num prints a value with 4 significant digits.
func num(v float64) string { return textfmt.Sig(v, 4) }

// vecText prints up to k entries of v, then "…".
func vecText(v []float64, k int) string {
	parts := make([]string, 0, k+1)
	for i, x := range v {
		if i == k {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, num(x))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func subscript(i int) string { return textfmt.Subscript(i) }

func (m *model) Data() [][]string {
	D := len(m.X[0])
	header := make([]string, 0, D+1)
	for j := range D {
		header = append(header, "x"+strconv.Itoa(j+1))
	}
	if m.labels != nil {
		header = append(header, "label")
	}
	rows := [][]string{header}
	for i, x := range m.X {
		row := make([]string, 0, D+1)
		for _, v := range x {
			row = append(row, textfmt.Num(v))
		}
		if m.labels != nil {
			row = append(row, strconv.Itoa(m.labels[i]))
		}
		rows = append(rows, row)
	}
	return rows
}
