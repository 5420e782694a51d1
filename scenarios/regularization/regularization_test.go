package regularization

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

type pathPoint struct {
	Lambda       float64   `json:"lambda"`
	Intercept    float64   `json:"intercept"`
	Coefficients []float64 `json:"coefficients"`
}

// frame is the JSON contract of a regularisation frame.
type frame struct {
	Step    int                `json:"step"`
	Done    bool               `json:"done"`
	Metrics map[string]float64 `json:"metrics"`
	State   struct {
		Penalty      string      `json:"penalty"`
		Lambda       float64     `json:"lambda"`
		Intercept    float64     `json:"intercept"`
		Coefficients []float64   `json:"coefficients"`
		Path         []pathPoint `json:"path"`
		Relevant     int         `json:"relevant"`
		Nonzero      int         `json:"nonzero"`
	} `json:"state"`
	Note string `json:"note"`
}

// samples reads data.csv: x1..xd then y.
func samples(t testing.TB, r *lab.Run) (X [][]float64, y []float64) {
	t.Helper()
	rows := scenariotest.Rows(t, r)
	d := len(rows[0]) - 1
	for j := range d {
		if rows[0][j] != "x"+strconv.Itoa(j+1) {
			t.Fatalf("data.csv header %v", rows[0])
		}
	}
	if rows[0][d] != "y" {
		t.Fatalf("data.csv header %v", rows[0])
	}
	for _, row := range rows[1:] {
		v := make([]float64, len(row))
		for j, s := range row {
			var err error
			if v[j], err = strconv.ParseFloat(s, 64); err != nil {
				t.Fatal(err)
			}
		}
		X, y = append(X, v[:d]), append(y, v[d])
	}
	return X, y
}

// centre returns the centred columns and target and their means.
func centre(X [][]float64, y []float64) (xc [][]float64, yc, xm []float64, ym float64) {
	n, d := len(X), len(X[0])
	xm = make([]float64, d)
	for i := range n {
		for j := range d {
			xm[j] += X[i][j] / float64(n)
		}
		ym += y[i] / float64(n)
	}
	for i := range n {
		row := make([]float64, d)
		for j := range d {
			row[j] = X[i][j] - xm[j]
		}
		xc, yc = append(xc, row), append(yc, y[i]-ym)
	}
	return xc, yc, xm, ym
}

// ridge is the textbook solution (XcᵀXc + λI)w = Xcᵀyc, by Gaussian
// elimination with partial pivoting, and b = ȳ − x̄ᵀw.
func ridge(X [][]float64, y []float64, lambda float64) (float64, []float64) {
	xc, yc, xm, ym := centre(X, y)
	d := len(xm)
	a := make([][]float64, d)
	for j := range d {
		a[j] = make([]float64, d+1)
		for k := range d {
			for i := range xc {
				a[j][k] += xc[i][j] * xc[i][k]
			}
		}
		a[j][j] += lambda
		for i := range xc {
			a[j][d] += xc[i][j] * yc[i]
		}
	}
	for c := range d {
		p := c
		for r := c + 1; r < d; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		for r := c + 1; r < d; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k <= d; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	w := make([]float64, d)
	for j := d - 1; j >= 0; j-- {
		s := a[j][d]
		for k := j + 1; k < d; k++ {
			s -= a[j][k] * w[k]
		}
		w[j] = s / a[j][j]
	}
	b := ym
	for j := range d {
		b -= xm[j] * w[j]
	}
	return b, w
}

// checkLassoKKT checks the optimality conditions of scikit-learn's lasso
// objective (1/2n)‖y − b − Xw‖² + λ‖w‖₁ at (b, w), recomputed from
// data.csv: with the correlation c_j = (1/n) x_jᵀ(y − b − Xw),
//
//	w_j ≠ 0 ⇒ c_j = λ·sign(w_j),   w_j = 0 ⇒ |c_j| ≤ λ,
//
// and the residuals sum to zero (b is optimal). A point meeting them to
// tol is the minimiser to about tol/(smallest curvature); for standardised
// features that is well within the promised 1e-4.
func checkLassoKKT(t *testing.T, what string, X [][]float64, y []float64, lambda, b float64, w []float64, tol float64) {
	t.Helper()
	n := float64(len(X))
	r := make([]float64, len(X))
	var sum float64
	for i, row := range X {
		r[i] = y[i] - b
		for j, v := range row {
			r[i] -= w[j] * v
		}
		sum += r[i]
	}
	if math.Abs(sum/n) > tol {
		t.Errorf("%s: mean residual %g: intercept not optimal", what, sum/n)
	}
	for j := range w {
		var c float64
		for i, row := range X {
			c += row[j] * r[i] / n
		}
		switch {
		case w[j] > 0 && math.Abs(c-lambda) > tol, w[j] < 0 && math.Abs(c+lambda) > tol:
			t.Errorf("%s: w[%d] = %v but its correlation with the residual is %v, want ±λ = %v", what, j, w[j], c, lambda)
		case w[j] == 0 && math.Abs(c) > lambda+tol:
			t.Errorf("%s: w[%d] = 0 but |correlation| %v > λ = %v: zero is not optimal", what, j, math.Abs(c), lambda)
		}
	}
}

// TestFrameContract recomputes every frame from data.csv: ridge by the
// textbook normal equations (to 1e-8 relative: the state rounds to 10
// significant digits), lasso by its optimality (KKT) conditions; checks
// the λ walk, the path and the metrics.
func TestFrameContract(t *testing.T) {
	for _, query := range []string{"", "penalty=l2", "features=2&n=30", "features=10&n=500&noise=3&lambda=0.05", "penalty=l2&lambda=7&features=5&seed=9"} {
		r := scenariotest.NewRun(t, sc, query)
		X, y := samples(t, r)
		f := scenariotest.Decode[frame](t, r, false)
		start := f.State.Lambda
		zeroSeen := false
		for {
			s := f.State
			if want := start * math.Pow(10, float64(f.Step)/8); !close(s.Lambda, want, 1e-12) {
				t.Fatalf("%q step %d: λ = %v, want %v", query, f.Step, s.Lambda, want)
			}
			if len(s.Path) != f.Step+1 {
				t.Fatalf("%q step %d: path has %d points", query, f.Step, len(s.Path))
			}
			last := s.Path[len(s.Path)-1]
			if last.Lambda != s.Lambda || last.Intercept != s.Intercept || !equal(last.Coefficients, s.Coefficients) {
				t.Fatalf("%q step %d: path's last point %+v differs from the current fit", query, f.Step, last)
			}
			what := query + " λ=" + strconv.FormatFloat(s.Lambda, 'g', 4, 64)
			if s.Penalty == "l2" {
				b, w := ridge(X, y, s.Lambda)
				if !close(s.Intercept, b, 1e-8) {
					t.Errorf("%s: intercept %v, textbook ridge %v", what, s.Intercept, b)
				}
				for j := range w {
					if !close(s.Coefficients[j], w[j], 1e-8) {
						t.Errorf("%s: w[%d] = %v, textbook ridge %v", what, j, s.Coefficients[j], w[j])
					}
				}
			} else {
				checkLassoKKT(t, what, X, y, s.Lambda, s.Intercept, s.Coefficients, 1e-6)
			}
			nz := 0
			for _, v := range s.Coefficients {
				if v != 0 {
					nz++
				}
			}
			zeroSeen = zeroSeen || nz < len(s.Coefficients)
			if s.Nonzero != nz || f.Metrics["nonzero"] != float64(nz) {
				t.Errorf("%s: nonzero %d / %v, counted %d", what, s.Nonzero, f.Metrics["nonzero"], nz)
			}
			var mse float64
			for i, row := range X {
				e := s.Intercept - y[i]
				for j, v := range row {
					e += s.Coefficients[j] * v
				}
				mse += e * e / float64(len(X))
			}
			if !close(f.Metrics["mse"], mse, 1e-9) {
				t.Errorf("%s: mse %v, want %v", what, f.Metrics["mse"], mse)
			}
			if f.Done {
				break
			}
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
			f = scenariotest.Decode[frame](t, r, false)
		}
		if f.State.Lambda < 1e4/1.34 || f.State.Lambda > 1e4*(1+1e-9) {
			t.Errorf("%q: walk ended at λ = %v, want the last grid value up to 10⁴", query, f.State.Lambda)
		}
		// The lasso ends with every weight exactly zero; ridge never zeroes one.
		if f.State.Penalty == "l1" && (!zeroSeen || f.State.Nonzero != 0) {
			t.Errorf("%q: lasso ended with %d non-zero weights", query, f.State.Nonzero)
		}
		if f.State.Penalty == "l2" && zeroSeen {
			t.Errorf("%q: ridge produced an exact zero", query)
		}
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func close(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// With the default data, lasso zeroes irrelevant features before relevant
// ones: at some λ only relevant features survive.
func TestLassoSelectsRelevantFeatures(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	for f := scenariotest.Decode[frame](t, r, false); ; f = scenariotest.Decode[frame](t, r, false) {
		s := f.State
		only := s.Nonzero > 0
		for j, w := range s.Coefficients {
			if j >= s.Relevant && w != 0 {
				only = false
			}
		}
		if only {
			if !strings.Contains(f.Note, "of the 5 irrelevant ones are exactly zero") {
				t.Errorf("note %q", f.Note)
			}
			return
		}
		if f.Done {
			t.Fatal("no λ keeps only relevant features")
		}
		r.Step()
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "penalty=l3", "lambda=0", "lambda=20000", "features=1", "features=11", "n=5", "n=501", "noise=-1", "seed=x")
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "seed=3&penalty=l2", 6)
	c := scenariotest.NewRun(t, sc, "seed=4&penalty=l2")
	scenariotest.SeedsDiffer(t, a, c)
}

// The frame stays within budget at the start and at the end of the walk,
// where the path in the state is longest.
func TestFrameSize(t *testing.T) {
	for _, c := range []struct {
		q     string
		steps int
	}{{"", 3}, {"", sc.MaxSteps}, {"penalty=l2", sc.MaxSteps}, {"penalty=l2&features=10", sc.MaxSteps}} {
		r := scenariotest.NewRun(t, sc, c.q)
		r.Advance(c.steps)
		b, err := r.JSON(true)
		if err != nil {
			t.Fatal(err)
		}
		limit := 32 << 10
		t.Logf("%q after %d steps: %d bytes", c.q, c.steps, len(b))
		if len(b) > limit {
			t.Errorf("%q after %d steps: frame is %d bytes, budget %d", c.q, c.steps, len(b), limit)
		}
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "penalty=l2")
}

func BenchmarkNewRun(b *testing.B) { scenariotest.BenchNewRun(b, sc) }
