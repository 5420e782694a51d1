package decomp

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/mlplayground/playground/internal/ml/num"

	"github.com/mlplayground/playground/internal/ml"
)

// Stages of a PCA stepper, in order, as returned by Stage, after StageInit.
const (
	StageInit        = "init"        // constructed, nothing computed yet
	StageCentre      = "centre"      // mean subtracted (and scaled, if standardizing)
	StageCovariance  = "covariance"  // C = X_cᵀX_c/(n−1)
	StageEigen       = "eigen"       // C = P D Pᵀ
	StageKeep        = "keep"        // first d columns of P kept
	StageProject     = "project"     // Z = X_c P_d
	StageReconstruct = "reconstruct" // X̂ = Z P_dᵀ (unscaled) + mean
)

// Stages lists the stages in the order Step visits them.
var Stages = []string{StageCentre, StageCovariance, StageEigen, StageKeep, StageProject, StageReconstruct}

// PCA is a principal component analysis stepper: each Step runs one stage
// of the pipeline (Pearson 1901, "On lines and planes of closest fit to
// systems of points in space", Phil. Mag. 2(11); Hotelling 1933; the
// sample-covariance form is that of scikit-learn's PCA):
//
//	centre:      X_c = (X − 1μᵀ) / s      (s = 1 unless standardizing)
//	covariance:  C = X_cᵀ X_c / (n − 1)
//	eigen:       C = P D Pᵀ,  λ₁ ≥ λ₂ ≥ … ≥ λ_D ≥ 0
//	keep:        P_d = first d columns of P
//	project:     Z = X_c P_d                    (n×d scores)
//	reconstruct: X̂ = (Z P_dᵀ) ∘ s + 1μᵀ
//
// Standardizing divides every feature by its standard deviation with
// divisor n (as scikit-learn's StandardScaler; a constant feature keeps
// s = 1). Components are the columns of P returned as unit rows, each with
// the sign that makes its largest-magnitude entry positive (the first such
// entry on a tie), so results are unique up to equal eigenvalues.
//
// A PCA is not safe for concurrent use.
type PCA struct {
	x           [][]float64 // n×D copy of the samples
	standardize bool
	d           int // components kept
	stage       int // index in Stages of the last stage run; −1 before

	mean, scale []float64   // D
	centred     [][]float64 // n×D, X_c
	cov         *mat.SymDense
	eigenvalues []float64   // D, descending, clamped at 0
	components  [][]float64 // D×D, row k = p_k
	allScores   [][]float64 // n×D, X_c P (for the error of every d)
	errors      []float64   // D+1, reconstruction MSE keeping 0..D components
	scores      [][]float64 // n×d
	recon       [][]float64 // n×D
}

var _ ml.Stepper = (*PCA)(nil)

// NewPCA returns a PCA stepper for the samples X (n rows of D features)
// that will keep d components. It copies X. It returns an error when there
// are fewer than two samples or d is not in 1..D, and panics if X has
// rows of different lengths or no features.
func NewPCA(X [][]float64, d int, standardize bool) (*PCA, error) {
	if len(X) < 2 {
		return nil, fmt.Errorf("ml: PCA needs at least 2 samples, got %d", len(X))
	}
	D := len(X[0])
	if D == 0 {
		panic("ml: PCA of samples without features")
	}
	for _, x := range X {
		if len(x) != D {
			panic("ml: PCA samples of different dimension")
		}
	}
	if d < 1 || d > D {
		return nil, fmt.Errorf("ml: PCA cannot keep %d components of %d-dimensional data", d, D)
	}
	p := &PCA{x: num.Matrix(len(X), D), standardize: standardize, d: d, stage: -1}
	for i := range X {
		copy(p.x[i], X[i])
	}
	return p, nil
}

// Step runs the next stage; after the last one it does nothing.
func (p *PCA) Step() {
	if p.Done() {
		return
	}
	p.stage++
	switch Stages[p.stage] {
	case StageCentre:
		p.centre()
	case StageCovariance:
		p.covariance()
	case StageEigen:
		p.eigen()
	case StageKeep:
		// Nothing to compute: P_d is the first d rows of components.
	case StageProject:
		p.project()
	case StageReconstruct:
		p.reconstruct()
	}
}

// Done reports whether every stage has run.
func (p *PCA) Done() bool { return p.stage == len(Stages)-1 }

// Stage returns the last stage run, or StageInit before the first Step.
func (p *PCA) Stage() string {
	if p.stage < 0 {
		return StageInit
	}
	return Stages[p.stage]
}

func (p *PCA) centre() {
	n, D := len(p.x), len(p.x[0])
	p.mean = make([]float64, D)
	p.scale = make([]float64, D)
	for _, x := range p.x {
		for j, v := range x {
			p.mean[j] += v
		}
	}
	for j := range p.mean {
		p.mean[j] /= float64(n)
	}
	for j := range p.scale {
		p.scale[j] = 1
		if !p.standardize {
			continue
		}
		var ss float64
		for _, x := range p.x {
			ss += (x[j] - p.mean[j]) * (x[j] - p.mean[j])
		}
		if sd := math.Sqrt(ss / float64(n)); sd > 0 {
			p.scale[j] = sd
		}
	}
	p.centred = num.Matrix(n, D)
	for i, x := range p.x {
		for j, v := range x {
			p.centred[i][j] = (v - p.mean[j]) / p.scale[j]
		}
	}
}

func (p *PCA) covariance() {
	n, D := len(p.centred), len(p.centred[0])
	sum := make([]float64, D*D) // upper triangle used
	for _, x := range p.centred {
		for a, xa := range x {
			row := sum[a*D : (a+1)*D]
			for b := a; b < D; b++ {
				row[b] += xa * x[b]
			}
		}
	}
	for a := range D {
		for b := a; b < D; b++ {
			sum[a*D+b] /= float64(n - 1)
			sum[b*D+a] = sum[a*D+b]
		}
	}
	p.cov = mat.NewSymDense(D, sum)
}

func (p *PCA) eigen() {
	n, D := len(p.centred), len(p.centred[0])
	var es mat.EigenSym
	if !es.Factorize(p.cov, true) {
		panic("ml: PCA eigen-decomposition did not converge")
	}
	vals := es.Values(nil) // ascending
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	p.eigenvalues = make([]float64, D)
	p.components = num.Matrix(D, D)
	for k := range D {
		// Values come ascending; rounding can leave a zero one at −1e-16.
		col := D - 1 - k
		p.eigenvalues[k] = max(vals[col], 0)
		row := p.components[k]
		big := 0
		for j := range D {
			row[j] = vecs.At(j, col)
			if math.Abs(row[j]) > math.Abs(row[big]) {
				big = j
			}
		}
		if row[big] < 0 {
			for j := range row {
				row[j] = -row[j]
			}
		}
	}
	// The error of every d from the data itself: with orthonormal P,
	// ‖X_c − X_c P_d P_dᵀ‖² = ‖X_c‖² − Σ_{k≤d} ‖X_c p_k‖².
	p.allScores = p.scoresOf(D)
	var total float64
	colSS := make([]float64, D)
	for i, x := range p.centred {
		for j, v := range x {
			total += v * v
			colSS[j] += p.allScores[i][j] * p.allScores[i][j]
		}
	}
	p.errors = make([]float64, D+1)
	left := total
	nD := float64(n * D)
	p.errors[0] = left / nD
	for k := range D {
		left -= colSS[k]
		p.errors[k+1] = max(left, 0) / nD
	}
}

// scoresOf returns X_c P_k, the scores on the first k components.
func (p *PCA) scoresOf(k int) [][]float64 {
	Z := num.Matrix(len(p.centred), k)
	for i, x := range p.centred {
		for c := range k {
			var s float64
			for j, v := range x {
				s += v * p.components[c][j]
			}
			Z[i][c] = s
		}
	}
	return Z
}

func (p *PCA) project() {
	p.scores = num.Matrix(len(p.centred), p.d)
	for i, z := range p.allScores {
		copy(p.scores[i], z[:p.d])
	}
}

func (p *PCA) reconstruct() {
	D := len(p.mean)
	p.recon = num.Matrix(len(p.scores), D)
	for i, z := range p.scores {
		for j := range D {
			var s float64
			for c, zc := range z {
				s += zc * p.components[c][j]
			}
			p.recon[i][j] = s*p.scale[j] + p.mean[j]
		}
	}
}

// Kept returns d, the number of components kept.
func (p *PCA) Kept() int { return p.d }

// Dim returns D, the number of features.
func (p *PCA) Dim() int { return len(p.x[0]) }

// Mean returns the feature means μ (from the centre stage on; nil before).
func (p *PCA) Mean() []float64 { return slices.Clone(p.mean) }

// Scale returns the divisors s: standard deviations when standardizing,
// ones otherwise (from the centre stage on; nil before).
func (p *PCA) Scale() []float64 { return slices.Clone(p.scale) }

// Centred returns X_c (from the centre stage on; nil before).
func (p *PCA) Centred() [][]float64 { return num.CopyRows(p.centred) }

// Covariance returns C as a D×D matrix (from the covariance stage on; nil
// before).
func (p *PCA) Covariance() [][]float64 {
	if p.cov == nil {
		return nil
	}
	D := len(p.mean)
	C := num.Matrix(D, D)
	for a := range D {
		for b := range D {
			C[a][b] = p.cov.At(a, b)
		}
	}
	return C
}

// Eigenvalues returns λ₁ ≥ … ≥ λ_D, the variance of the data along each
// component (scikit-learn's explained_variance_), from the eigen stage on;
// nil before.
func (p *PCA) Eigenvalues() []float64 { return slices.Clone(p.eigenvalues) }

// Components returns every principal axis p_k as a unit row, in order of
// decreasing eigenvalue (from the eigen stage on; nil before). The first
// Kept() rows are P_dᵀ.
func (p *PCA) Components() [][]float64 { return num.CopyRows(p.components) }

// ExplainedVarianceRatio returns, for every component,
//
//	λ_k / Σ_j λ_j
//
// from the eigen stage on; nil before. A data set without variance gives
// zeros.
func (p *PCA) ExplainedVarianceRatio() []float64 {
	if p.eigenvalues == nil {
		return nil
	}
	var sum float64
	for _, l := range p.eigenvalues {
		sum += l
	}
	r := make([]float64, len(p.eigenvalues))
	if sum > 0 {
		for k, l := range p.eigenvalues {
			r[k] = l / sum
		}
	}
	return r
}

// Scores returns Z = X_c P_d, n×d (from the project stage on; nil before).
func (p *PCA) Scores() [][]float64 { return num.CopyRows(p.scores) }

// ScoresOn returns the scores on the first k components whatever d is,
// for display (from the eigen stage on; nil before).
func (p *PCA) ScoresOn(k int) [][]float64 {
	if p.allScores == nil {
		return nil
	}
	if k < 0 || k > len(p.mean) {
		panic("ml: PCA ScoresOn outside 0..D")
	}
	Z := num.Matrix(len(p.allScores), k)
	for i, z := range p.allScores {
		copy(Z[i], z[:k])
	}
	return Z
}

// Reconstruction returns X̂ in the units of the input (from the reconstruct
// stage on; nil before).
func (p *PCA) Reconstruction() [][]float64 { return num.CopyRows(p.recon) }

// ReconstructionError returns the mean squared error over all n·D entries
// of reconstructing X_c from its first d components, in the units PCA
// works in (standardized ones when standardizing):
//
//	E(d) = ‖X_c − X_c P_d P_dᵀ‖² / (n·D) = (n−1)/(n·D) · Σ_{k>d} λ_k
//
// for d from 0 (every entry replaced by the mean) to D (exact). It panics
// before the eigen stage or for d outside 0..D.
func (p *PCA) ReconstructionError(d int) float64 {
	if p.errors == nil {
		panic("ml: PCA ReconstructionError before the eigen stage")
	}
	if d < 0 || d >= len(p.errors) {
		panic("ml: PCA ReconstructionError outside 0..D")
	}
	return p.errors[d]
}
