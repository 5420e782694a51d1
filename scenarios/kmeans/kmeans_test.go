package kmeans

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of a kmeans frame.
type frame struct {
	Step    int                `json:"step"`
	Done    bool               `json:"done"`
	Metrics map[string]float64 `json:"metrics"`
	State   struct {
		Centroids   [][]float64 `json:"centroids"`
		Assignments []int       `json:"assignments"`
		Phase       string      `json:"phase"`
		Elbow       []float64   `json:"elbow"`
	} `json:"state"`
	Note string `json:"note"`
}

// samples reads data.csv's x1, x2 columns.
func samples(t testing.TB, r *lab.Run) [][]float64 {
	t.Helper()
	rows := scenariotest.Rows(t, r)
	if rows[0][0] != "x1" || rows[0][1] != "x2" {
		t.Fatalf("data.csv header %v", rows[0])
	}
	X := make([][]float64, len(rows)-1)
	for i, row := range rows[1:] {
		x1, _ := strconv.ParseFloat(row[0], 64)
		x2, _ := strconv.ParseFloat(row[1], 64)
		X[i] = []float64{x1, x2}
	}
	return X
}

// TestFrameContract recomputes every assign and update step from data.csv
// and the previous frame's centroids: the frames must say exactly what
// Lloyd's algorithm does to the exported data.
func TestFrameContract(t *testing.T) {
	for _, query := range []string{"", "dataset=aniso&k=3&init=random", "dataset=iris&k=3", "dataset=moons&k=2&n=100&seed=5", "dataset=uniform&k=6&points=0.5:0.5,2:2"} {
		r := scenariotest.NewRun(t, sc, query)
		X := samples(t, r)
		f := scenariotest.Decode[frame](t, r, false)
		if f.Step != 0 || f.State.Phase != "init" || len(f.State.Assignments) != len(X) {
			t.Fatalf("%q: step 0 = %+v", query, f)
		}
		for _, a := range f.State.Assignments {
			if a != -1 {
				t.Fatalf("%q: step 0 has an assignment before any assign step", query)
			}
		}
		k := len(f.State.Centroids)
		prev := f
		for !f.Done {
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
			f = scenariotest.Decode[frame](t, r, false)
			switch f.State.Phase {
			case "assign":
				var inertia float64
				for i, x := range X {
					best, bestD := -1, math.Inf(1)
					for j, c := range prev.State.Centroids {
						if d := sq(x, c); d < bestD {
							best, bestD = j, d
						}
					}
					if f.State.Assignments[i] != best {
						t.Fatalf("%q step %d: sample %d assigned %d, nearest is %d", query, f.Step, i, f.State.Assignments[i], best)
					}
					inertia += bestD
				}
				if !near(f.Metrics["inertia"], inertia, 1e-9) {
					t.Fatalf("%q step %d: inertia %v, want %v", query, f.Step, f.Metrics["inertia"], inertia)
				}
			case "update":
				sum := make([][]float64, k)
				cnt := make([]int, k)
				for j := range sum {
					sum[j] = []float64{0, 0}
				}
				for i, x := range X {
					a := prev.State.Assignments[i]
					sum[a][0] += x[0]
					sum[a][1] += x[1]
					cnt[a]++
				}
				for j := range k {
					want := prev.State.Centroids[j]
					if cnt[j] > 0 {
						want = []float64{sum[j][0] / float64(cnt[j]), sum[j][1] / float64(cnt[j])}
					}
					got := f.State.Centroids[j]
					if !near(got[0], want[0], 1e-12) || !near(got[1], want[1], 1e-12) {
						t.Fatalf("%q step %d: centroid %d = %v, want the mean %v", query, f.Step, j, got, want)
					}
				}
				if f.Metrics["inertia"] > prev.Metrics["inertia"]+1e-9 {
					t.Fatalf("%q step %d: inertia rose from %v to %v", query, f.Step, prev.Metrics["inertia"], f.Metrics["inertia"])
				}
			default:
				t.Fatalf("%q step %d: phase %q", query, f.Step, f.State.Phase)
			}
			if want := map[string]string{"assign": "update", "update": "assign"}[prev.State.Phase]; prev.Step > 0 && f.State.Phase != want {
				t.Fatalf("%q step %d: phase %s after %s", query, f.Step, f.State.Phase, prev.State.Phase)
			}
			prev = f
		}
		if !strings.HasPrefix(f.Note, "Converged") {
			t.Errorf("%q: last note %q", query, f.Note)
		}
		if len(f.State.Elbow) != maxK {
			t.Errorf("%q: elbow has %d values, want %d", query, len(f.State.Elbow), maxK)
		}
	}
}

func sq(a, b []float64) float64 { return (a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) }

func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func TestOnlineVariantsConverge(t *testing.T) {
	for _, variant := range []string{"minibatch", "sequential"} {
		r := scenariotest.NewRun(t, sc, "variant="+variant+"&n=100")
		if err := r.Advance(sc.MaxSteps); err != nil {
			t.Fatal(err)
		}
		f := scenariotest.Decode[frame](t, r, false)
		if !f.Done || f.Step >= sc.MaxSteps || !strings.HasPrefix(f.Note, "Converged") {
			t.Errorf("%s: after %d steps done=%v note %q", variant, f.Step, f.Done, f.Note)
		}
		// Four well separated blobs: the online answer is close to Lloyd's.
		lloyd := scenariotest.NewRun(t, sc, "n=100")
		lloyd.Advance(sc.MaxSteps)
		if got, want := f.Metrics["inertia"], scenariotest.Decode[frame](t, lloyd, false).Metrics["inertia"]; got > 1.1*want {
			t.Errorf("%s: inertia %v, more than 10%% above Lloyd's %v", variant, got, want)
		}
	}
}

func TestUserPoints(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "n=10&points=1.5:-2.25,0:0")
	X := samples(t, r)
	if len(X) != 12 || X[10][0] != 1.5 || X[10][1] != -2.25 || X[11][0] != 0 {
		t.Errorf("data.csv rows %v: want 10 generated then the 2 points", X)
	}
	// Custom data with fewer points than K waits for clicks instead of failing.
	r = scenariotest.NewRun(t, sc, "dataset=custom&k=3&points=1:1")
	f := scenariotest.Decode[frame](t, r, false)
	if !f.Done || !strings.Contains(f.Note, "at least 3 samples") || len(f.State.Assignments) != 1 {
		t.Errorf("custom with 1 point: %+v", f)
	}
	if _, _, err := r.SVG("clusters"); err != nil {
		t.Errorf("custom with 1 point: plot: %v", err)
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "k=11", "k=0", "init=best", "dataset=mnist", "n=5", "n=5000", "variant=online", "points=1:2:3")
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "seed=3&init=random", 6)
	c := scenariotest.NewRun(t, sc, "seed=4&init=random")
	scenariotest.SeedsDiffer(t, a, c)
}

// The default frame must stay small enough to stream several times a second.
func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "n=1000", "dataset=iris", "variant=sequential"} {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(3)
		limit := 32 << 10
		if q == "n=1000" {
			limit = 96 << 10 // five times the default sample count
		}
		scenariotest.FrameWithin(t, r, limit, fmt.Sprintf("%q", q))
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "variant=minibatch")
}

func BenchmarkNewRun(b *testing.B) { scenariotest.BenchNewRun(b, sc) }
