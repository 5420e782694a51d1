// Package scenariotest holds the helpers the scenario packages' tests share:
// building a run from a query string, decoding its frame and data.csv,
// checking that bad parameters are refused by name, that one URL always
// gives the same frames, and the StepAndFrame and NewRun benchmarks.
//
// Each helper fails the test (or benchmark) it is given on anything that is
// not what it checks; what a scenario's numbers must be stays in its package.
package scenariotest

import (
	"encoding/json"
	"errors"
	"math"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
)

// Values parses query (as in a URL) into sc's parameter values and fails the
// test on any error.
func Values(tb testing.TB, sc *lab.Scenario, query string) lab.Values {
	tb.Helper()
	q, err := lab.ParseQuery(query)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := lab.Parse(sc.Params, q)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// NewRun builds a run of sc from query and fails the test on any error.
func NewRun(tb testing.TB, sc *lab.Scenario, query string) *lab.Run {
	tb.Helper()
	r, err := lab.NewRun(sc, Values(tb, sc, query))
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// TryRun builds a run of sc from query and returns the error lab.Parse or
// lab.NewRun gives. A query string that does not split fails the test.
func TryRun(tb testing.TB, sc *lab.Scenario, query string) (*lab.Run, error) {
	tb.Helper()
	q, err := lab.ParseQuery(query)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := lab.Parse(sc.Params, q)
	if err != nil {
		return nil, err
	}
	return lab.NewRun(sc, v)
}

// Decode returns r's current frame (r.JSON(withPlots)) decoded into a T.
func Decode[T any](tb testing.TB, r *lab.Run, withPlots bool) T {
	tb.Helper()
	b, err := r.JSON(withPlots)
	if err != nil {
		tb.Fatal(err)
	}
	var f T
	if err := json.Unmarshal(b, &f); err != nil {
		tb.Fatalf("frame is not valid JSON: %v", err)
	}
	return f
}

// Rows returns r's data.csv, header first.
func Rows(tb testing.TB, r *lab.Run) [][]string {
	tb.Helper()
	rows, err := r.Data()
	if err != nil {
		tb.Fatal(err)
	}
	return rows
}

// LabelledRows returns r's data.csv, header first, after checking that the
// header is x1,…,xd,label,split with d >= 2 features; it returns d too.
func LabelledRows(tb testing.TB, r *lab.Run) (rows [][]string, d int) {
	tb.Helper()
	rows = Rows(tb, r)
	h := rows[0]
	d = len(h) - 2
	if d < 2 || h[0] != "x1" || h[d] != "label" || h[d+1] != "split" {
		tb.Fatalf("data.csv header %v", h)
	}
	return rows, d
}

// WantParamError fails the test, without stopping it, unless err is a
// *lab.ParamError naming the parameter name; query says which input gave err.
func WantParamError(tb testing.TB, err error, query, name string) {
	tb.Helper()
	var pe *lab.ParamError
	if !errors.As(err, &pe) || pe.Name != name {
		tb.Errorf("%s: error %v, want one naming %s", query, err, name)
	}
}

// firstName is the name of the first parameter in query.
func firstName(query string) string {
	name, _, _ := strings.Cut(query, "=")
	return name
}

// ParseRejects checks that lab.Parse refuses each query with a
// *lab.ParamError naming the query's first parameter.
func ParseRejects(tb testing.TB, sc *lab.Scenario, queries ...string) {
	tb.Helper()
	for _, query := range queries {
		q, err := lab.ParseQuery(query)
		if err != nil {
			tb.Fatal(err)
		}
		_, err = lab.Parse(sc.Params, q)
		WantParamError(tb, err, query, firstName(query))
	}
}

// RunRejects checks that each query fails, in lab.Parse or in lab.NewRun,
// with a *lab.ParamError naming the query's first parameter.
func RunRejects(tb testing.TB, sc *lab.Scenario, queries ...string) {
	tb.Helper()
	for _, query := range queries {
		_, err := TryRun(tb, sc, query)
		WantParamError(tb, err, query, firstName(query))
	}
}

// SameURLSameFrames builds two runs of sc from query and fails the test
// unless their frames (with plots) are byte for byte the same at each of
// the first steps+1 steps; steps < 0 means until the first run is done. It
// returns both runs where it stopped.
func SameURLSameFrames(tb testing.TB, sc *lab.Scenario, query string, steps int) (a, b *lab.Run) {
	tb.Helper()
	a, b = NewRun(tb, sc, query), NewRun(tb, sc, query)
	for i := 0; (steps < 0 && !a.Done()) || (steps >= 0 && i < steps); i++ {
		fa, _ := a.JSON(true)
		fb, _ := b.JSON(true)
		if string(fa) != string(fb) {
			tb.Fatalf("step %d: two runs of one URL differ", a.StepNumber())
		}
		a.Step()
		b.Step()
	}
	return a, b
}

// SeedsDiffer fails the test, without stopping it, when runs a and c, which
// differ in their seed, give the same frame (without plots).
func SeedsDiffer(tb testing.TB, a, c *lab.Run) {
	tb.Helper()
	fa, _ := a.JSON(false)
	fc, _ := c.JSON(false)
	if string(fa) == string(fc) {
		tb.Errorf("seeds %s and %s give the same run", lab.Seed.Text(a.Values), lab.Seed.Text(c.Values))
	}
}

// BenchStepAndFrame runs, for each query, a sub-benchmark named
// "query="+url.QueryEscape(query) of StepAndFrameLoop on a run of sc built
// from it, starting it over whenever it is done.
func BenchStepAndFrame(b *testing.B, sc *lab.Scenario, queries ...string) {
	BenchStepAndFrameFrom(b, sc, 0, queries...)
}

// BenchStepAndFrameFrom is BenchStepAndFrame with each run first advanced
// by warm steps, once, before it is timed (not again after a Reset).
func BenchStepAndFrameFrom(b *testing.B, sc *lab.Scenario, warm int, queries ...string) {
	for _, q := range queries {
		b.Run("query="+url.QueryEscape(q), func(b *testing.B) {
			r := NewRun(b, sc, q)
			if warm > 0 {
				r.Advance(warm)
			}
			StepAndFrameLoop(b, r, func() { r.Reset() })
		})
	}
}

// StepAndFrameLoop times one r.Step and r.JSON(true) per iteration, calling
// restart first whenever r is done, and reports allocations, the last
// frame's size as "bytes/frame" and the processor time per iteration as
// "cpu-ns/op" (steadier than ns/op on a shared machine; run with -cpu 1,
// since it counts every thread of the process).
func StepAndFrameLoop(b *testing.B, r *lab.Run, restart func()) {
	b.Helper()
	size := 0
	b.ReportAllocs()
	cpu := CPUTime()
	for b.Loop() {
		if r.Done() {
			restart()
		}
		r.Step()
		f, err := r.JSON(true)
		if err != nil {
			b.Fatal(err)
		}
		size = len(f)
	}
	cpu = CPUTime() - cpu
	b.ReportMetric(float64(size), "bytes/frame")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchNewRun times lab.NewRun of sc with its default values.
func BenchNewRun(b *testing.B, sc *lab.Scenario) {
	v := lab.Defaults(sc.Params)
	for b.Loop() {
		if _, err := lab.NewRun(sc, v); err != nil {
			b.Fatal(err)
		}
	}
}

// FrameWithin encodes r's current frame with every panel drawn and fails
// the test when it is longer than limit bytes; what names the run in the
// message. It returns the frame's length.
func FrameWithin(tb testing.TB, r *lab.Run, limit int, what string) int {
	tb.Helper()
	b, err := r.JSON(true)
	if err != nil {
		tb.Fatal(err)
	}
	if len(b) > limit {
		tb.Errorf("%s: frame at step %d is %d bytes, budget %d", what, r.StepNumber(), len(b), limit)
	}
	return len(b)
}

// Diverges runs sc from query, a URL whose training blows up, and fails
// the test unless the run ends (Done) within steps steps and its last note
// says "Diverged" and contains every one of names (the parameters to
// change, as the note spells them); no note of any frame may spell a
// machine number (see CheckNote). It returns the last frame's note.
func Diverges(tb testing.TB, sc *lab.Scenario, query string, steps int, names ...string) string {
	tb.Helper()
	r := NewRun(tb, sc, query)
	for {
		f, err := r.Frame(false)
		if err != nil {
			tb.Fatalf("%s: step %d: %v", query, r.StepNumber(), err)
		}
		CheckNote(tb, f.Note, query)
		if r.Done() {
			break
		}
		if r.StepNumber() >= steps {
			tb.Fatalf("%s: not done after %d steps; note: %s", query, steps, f.Note)
		}
		if err := r.Step(); err != nil {
			tb.Fatal(err)
		}
	}
	f, _ := r.Frame(false)
	if !strings.Contains(f.Note, "Diverged") {
		tb.Errorf("%s: run ended at step %d without saying it diverged: %s", query, r.StepNumber(), f.Note)
	}
	for _, name := range names {
		if !strings.Contains(f.Note, name) {
			tb.Errorf("%s: last note does not name %q: %s", query, name, f.Note)
		}
	}
	return f.Note
}

// number is a figure in a note: digits with the points and separators
// between them.
var number = regexp.MustCompile(`[0-9][0-9.,]*`)

// maxNoteDigits is the longest figure a note may hold: a loss written as
// a 300-digit number says nothing a person can read.
const maxNoteDigits = 20

// CheckNote fails the test, without stopping it, when note spells a number
// as a machine does: NaN, Inf, or more than maxNoteDigits digits in one
// figure. where names the run in the message.
func CheckNote(tb testing.TB, note, where string) {
	tb.Helper()
	if strings.Contains(note, "NaN") || strings.Contains(note, "Inf") {
		tb.Errorf("%s: note spells a non-finite number: %s", where, note)
	}
	for _, fig := range number.FindAllString(note, -1) {
		if digits := strings.Count(fig, "") - 1 - strings.Count(fig, ".") - strings.Count(fig, ","); digits > maxNoteDigits {
			tb.Errorf("%s: note has a %d-digit number: %s", where, digits, note)
		}
	}
}

// PolyFit fits monomial coefficients (lowest degree first) to the points
// (x[i], y[i]) by the normal equations XᵀXc = Xᵀy, solved by Gaussian
// elimination with partial pivoting: a reference independent of package
// linear's Legendre basis and SVD. Fine at the low degrees the tests use
// (κ(XᵀX) below about 1e5 up to degree 5).
func PolyFit(x, y []float64, degree int) []float64 {
	m := degree + 1
	a := make([][]float64, m)
	for j := range a {
		a[j] = make([]float64, m+1)
	}
	for i := range x {
		pow := make([]float64, m)
		pow[0] = 1
		for j := 1; j < m; j++ {
			pow[j] = pow[j-1] * x[i]
		}
		for j := range m {
			for k := range m {
				a[j][k] += pow[j] * pow[k]
			}
			a[j][m] += pow[j] * y[i]
		}
	}
	for col := range m {
		p := col
		for r := col + 1; r < m; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		a[col], a[p] = a[p], a[col]
		for r := range m {
			if r != col {
				f := a[r][col] / a[col][col]
				for k := col; k <= m; k++ {
					a[r][k] -= f * a[col][k]
				}
			}
		}
	}
	c := make([]float64, m)
	for j := range c {
		c[j] = a[j][m] / a[j][j]
	}
	return c
}
