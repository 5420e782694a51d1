package linear

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/mlplayground/playground/internal/ml/num"
)

// Regularised linear regression with scikit-learn's objectives, so the
// coefficients match sklearn.linear_model.Ridge(alpha) and Lasso(alpha):
//
//	ridge: min_{b,w} ‖y − b − Xw‖² + α‖w‖²
//	lasso: min_{b,w} (1/(2n)) ‖y − b − Xw‖² + α‖w‖₁
//
// The intercept b is not penalised. Minimising over b first gives
// b = ȳ − x̄ᵀw for any w, so both are solved on centred data
// (X_c = X − x̄, y_c = y − ȳ) and b is recovered at the end (Hastie,
// Tibshirani & Friedman 2009, "The Elements of Statistical Learning",
// §3.4.1). Note the different scalings: ridge's α weighs a sum over the
// samples, lasso's a mean, so for the same effect ridge needs an α about 2n
// times larger.

// ErrNoConvergence is wrapped by the error of a solver that ran out of
// iterations before meeting its tolerance.
var ErrNoConvergence = errors.New("ml: did not converge")

// centreData returns X − x̄ (row-major n×d), y − ȳ, x̄ and ȳ.
func centreData(X [][]float64, y []float64, d int) (xc []float64, yc []float64, xMean []float64, yMean float64) {
	n := len(X)
	xMean = make([]float64, d)
	for i, row := range X {
		for j, v := range row {
			xMean[j] += v
		}
		yMean += y[i]
	}
	for j := range xMean {
		xMean[j] /= float64(n)
	}
	yMean /= float64(n)
	xc = make([]float64, n*d)
	yc = make([]float64, n)
	for i, row := range X {
		for j, v := range row {
			xc[i*d+j] = v - xMean[j]
		}
		yc[i] = y[i] - yMean
	}
	return xc, yc, xMean, yMean
}

func checkAlpha(alpha float64) error {
	if !(alpha >= 0) || math.IsInf(alpha, 1) {
		return fmt.Errorf("%w: alpha %g not a finite value ≥ 0", ErrRegressionInput, alpha)
	}
	return nil
}

// unpenalisedIntercept returns b = ȳ − x̄ᵀw.
func unpenalisedIntercept(xMean []float64, yMean float64, w []float64) float64 {
	b := yMean
	for j, v := range w {
		b -= xMean[j] * v
	}
	return b
}

// Ridge returns the intercept and weights minimising
//
//	‖y − b − Xw‖² + α‖w‖²
//
// (scikit-learn's Ridge(alpha)). On centred data w solves
// (X_cᵀX_c + αI)w = X_cᵀy_c, which is the least-squares problem
//
//	min_w ‖ [X_c; √α·I] w − [y_c; 0] ‖²
//
// solved by QR without forming X_cᵀX_c. It returns an error wrapping
// ErrRegressionInput if the input is malformed, α is negative or not finite,
// or the problem has no unique solution (α = 0 with collinear features or
// fewer samples than features + 1).
func Ridge(X [][]float64, y []float64, alpha float64) (b float64, w []float64, err error) {
	d, err := checkLinRegInput(X, y)
	if err != nil {
		return 0, nil, err
	}
	if err := checkAlpha(alpha); err != nil {
		return 0, nil, err
	}
	n := len(X)
	if d == 0 {
		_, _, _, yMean := centreData(X, y, d)
		return yMean, []float64{}, nil
	}
	xc, yc, xMean, yMean := centreData(X, y, d)
	rows := n + d
	a := mat.NewDense(rows, d, nil)
	rhs := mat.NewDense(rows, 1, nil)
	for i := range n {
		for j := range d {
			a.Set(i, j, xc[i*d+j])
		}
		rhs.Set(i, 0, yc[i])
	}
	sa := math.Sqrt(alpha)
	for j := range d {
		a.Set(n+j, j, sa)
	}
	var qr mat.QR
	qr.Factorize(a)
	var r mat.Dense
	qr.RTo(&r)
	colMax := 0.0
	for j := range d {
		colMax = max(colMax, mat.Norm(a.ColView(j), 2))
	}
	for j := range d {
		if math.Abs(r.At(j, j)) <= 1e-10*colMax {
			return 0, nil, fmt.Errorf("%w: ridge with α = %g has no unique solution (collinear features)", ErrRegressionInput, alpha)
		}
	}
	var sol mat.Dense
	if err := qr.SolveTo(&sol, false, rhs); err != nil {
		return 0, nil, fmt.Errorf("%w: %v", ErrRegressionInput, err)
	}
	w = mat.Col(nil, 0, &sol)
	return unpenalisedIntercept(xMean, yMean, w), w, nil
}

// Lasso returns the intercept and weights minimising
//
//	(1/(2n)) ‖y − b − Xw‖² + α‖w‖₁
//
// (scikit-learn's Lasso(alpha)) by cyclic coordinate descent from w = 0;
// see LassoPath for the algorithm and the meaning of tol and maxIter.
func Lasso(X [][]float64, y []float64, alpha, tol float64, maxIter int) (b float64, w []float64, err error) {
	path, err := LassoPath(X, y, []float64{alpha}, tol, maxIter)
	if err != nil {
		return 0, nil, err
	}
	return path[0].Intercept, path[0].Coefficients, nil
}

// PathPoint is the fit at one λ of a regularisation path.
type PathPoint struct {
	Lambda       float64   `json:"lambda"`
	Intercept    float64   `json:"intercept"`
	Coefficients []float64 `json:"coefficients"`
	// Sweeps is the number of coordinate-descent passes (lasso only).
	Sweeps int `json:"-"`
}

// LogGrid returns k values from lo to hi evenly spaced on a log scale,
// lo and hi included. It panics unless 0 < lo < hi and k ≥ 2.
func LogGrid(lo, hi float64, k int) []float64 {
	if !(lo > 0 && hi > lo) || k < 2 {
		panic("ml: LogGrid needs 0 < lo < hi and k ≥ 2")
	}
	g := make([]float64, k)
	step := math.Log(hi/lo) / float64(k-1)
	for i := range g {
		g[i] = lo * math.Exp(step*float64(i))
	}
	g[k-1] = hi
	return g
}

// RidgePath returns Ridge at every λ of lambdas, in their order.
func RidgePath(X [][]float64, y []float64, lambdas []float64) ([]PathPoint, error) {
	path := make([]PathPoint, len(lambdas))
	for i, l := range lambdas {
		b, w, err := Ridge(X, y, l)
		if err != nil {
			return nil, err
		}
		path[i] = PathPoint{Lambda: l, Intercept: b, Coefficients: w}
	}
	return path, nil
}

// LassoPath returns Lasso at every λ of lambdas, in their order, each fit
// starting from the previous one's weights (a warm start: neighbouring
// λ have close solutions, so few passes are needed).
//
// Coordinate descent (Friedman, Hastie & Tibshirani 2010, "Regularization
// paths for generalized linear models via coordinate descent", J. Stat.
// Softw. 33(1)) minimises one weight at a time with the others fixed; on
// centred data that one-dimensional lasso has the closed form
//
//	ρ_j = x_jᵀ(y − Xw + x_j w_j),  w_j ← S(ρ_j, nα) / ‖x_j‖²
//	S(z, γ) = sign(z)·max(|z| − γ, 0)   (soft-thresholding)
//
// which sets w_j exactly to zero whenever |ρ_j| ≤ nα. The stopping rule is
// scikit-learn's (sklearn/linear_model/_cd_fast.pyx, enet_coordinate_descent):
// after a pass in which the largest weight change is below tol times the
// largest weight, compute the duality gap of ½‖y − Xw‖² + nα‖w‖₁ and stop
// once it is below tol·‖y_c‖². It returns an error wrapping ErrRegressionInput
// for malformed input or a negative α, and one wrapping ErrNoConvergence if
// a fit is still above tolerance after maxIter passes.
func LassoPath(X [][]float64, y []float64, lambdas []float64, tol float64, maxIter int) ([]PathPoint, error) {
	d, err := checkLinRegInput(X, y)
	if err != nil {
		return nil, err
	}
	if !(tol > 0) || maxIter < 1 {
		panic("ml: LassoPath needs tol > 0 and maxIter ≥ 1")
	}
	for _, l := range lambdas {
		if err := checkAlpha(l); err != nil {
			return nil, err
		}
	}
	xc, yc, xMean, yMean := centreData(X, y, d)
	n := len(X)
	colNorm2 := make([]float64, d) // ‖x_j‖²
	for i := range n {
		for j := range d {
			colNorm2[j] += xc[i*d+j] * xc[i*d+j]
		}
	}
	w := make([]float64, d)
	resid := append([]float64(nil), yc...) // y_c − X_c w
	path := make([]PathPoint, len(lambdas))
	for k, alpha := range lambdas {
		sweeps, err := lassoCD(xc, yc, n, d, colNorm2, float64(n)*alpha, tol, maxIter, w, resid)
		if err != nil {
			return nil, fmt.Errorf("lasso at α = %g: %w", alpha, err)
		}
		path[k] = PathPoint{Lambda: alpha, Intercept: unpenalisedIntercept(xMean, yMean, w), Coefficients: append([]float64(nil), w...), Sweeps: sweeps}
	}
	return path, nil
}

// lassoCD runs coordinate descent on ½‖y − Xw‖² + γ‖w‖₁ (γ = nα) from the
// given w, keeping resid = y − Xw up to date; X is row-major n×d and
// centred. It returns the number of passes.
func lassoCD(x, y []float64, n, d int, colNorm2 []float64, gamma, tol float64, maxIter int, w, resid []float64) (int, error) {
	gapTol := tol * num.Dot(y, y)
	for pass := range maxIter {
		wMax, dwMax := 0.0, 0.0
		for j := range d {
			if colNorm2[j] == 0 {
				continue // a constant feature stays at 0
			}
			old := w[j]
			// ρ_j = x_jᵀ(resid + x_j w_j)
			var rho float64
			for i := range n {
				rho += x[i*d+j] * resid[i]
			}
			rho += colNorm2[j] * old
			nw := softThreshold(rho, gamma) / colNorm2[j]
			if nw != old {
				for i := range n {
					resid[i] -= x[i*d+j] * (nw - old)
				}
				w[j] = nw
			}
			dwMax = max(dwMax, math.Abs(nw-old))
			wMax = max(wMax, math.Abs(nw))
		}
		if wMax == 0 || dwMax/wMax < tol || pass == maxIter-1 {
			if lassoDualityGap(x, y, n, d, gamma, w, resid) < gapTol {
				return pass + 1, nil
			}
		}
	}
	return maxIter, fmt.Errorf("%w after %d coordinate-descent passes", ErrNoConvergence, maxIter)
}

// softThreshold returns S(z, γ) = sign(z)·max(|z| − γ, 0).
func softThreshold(z, gamma float64) float64 {
	switch {
	case z > gamma:
		return z - gamma
	case z < -gamma:
		return z + gamma
	}
	return 0
}

// lassoDualityGap returns the gap between the primal ½‖r‖² + γ‖w‖₁
// (r = y − Xw) and the dual objective at the feasible point ν = s·r,
// s = min(1, γ/‖Xᵀr‖_∞), as scikit-learn computes it.
func lassoDualityGap(x, y []float64, n, d int, gamma float64, w, resid []float64) float64 {
	dualNorm := 0.0 // ‖Xᵀr‖_∞
	for j := range d {
		var s float64
		for i := range n {
			s += x[i*d+j] * resid[i]
		}
		dualNorm = max(dualNorm, math.Abs(s))
	}
	r2 := num.Dot(resid, resid)
	scale, gap := 1.0, r2
	if dualNorm > gamma {
		scale = gamma / dualNorm
		gap = 0.5 * (r2 + r2*scale*scale)
	}
	var l1 float64
	for _, v := range w {
		l1 += math.Abs(v)
	}
	return gap + gamma*l1 - scale*num.Dot(resid, y)
}
