package dropout

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

type frame struct {
	Step    int                 `json:"step"`
	Metrics map[string]*float64 `json:"metrics"`
	State   state               `json:"state"`
	Note    string              `json:"note"`
}

// TestFrameContract checks the frames against data.csv: the split sizes,
// accuracies that are whole counts of those samples, metrics equal to the
// state, and four variants with the parameters of the URL.
func TestFrameContract(t *testing.T) {
	for _, query := range []string{"", "dataset=overlap&n=100&dropout=0.3&reg_rate=0.01", "dataset=xor&points=0.5:0.5:1,1:-1:0&seed=7"} {
		r := scenariotest.NewRun(t, sc, query)
		rows := scenariotest.Rows(t, r)
		if strings.Join(rows[0], ",") != "x1,x2,label,split" {
			t.Fatalf("%q: data.csv header %v", query, rows[0])
		}
		train, val := 0, 0
		for _, row := range rows[1:] {
			switch row[3] {
			case "train":
				train++
			case "val":
				val++
			default:
				t.Fatalf("%q: split %q", query, row[3])
			}
		}
		v, _ := lab.ParseQuery(query)
		vals, _ := lab.Parse(sc.Params, v)
		for range 3 {
			f := scenariotest.Decode[frame](t, r, false)
			s := f.State
			if s.TrainSize != train || s.ValSize != val || s.Epoch != f.Step {
				t.Fatalf("%q step %d: sizes %d/%d epoch %d, data.csv has %d/%d", query, f.Step, s.TrainSize, s.ValSize, s.Epoch, train, val)
			}
			want := []struct {
				name     string
				p, lmbda float64
			}{{"plain", 0, 0}, {"dropout", dropoutParam.Get(vals), 0}, {"l2", 0, regRateParam.Get(vals)}, {"both", dropoutParam.Get(vals), regRateParam.Get(vals)}}
			if len(s.Variants) != len(want) {
				t.Fatalf("%q: %d variants", query, len(s.Variants))
			}
			for k, v := range s.Variants {
				if v.Name != want[k].name || v.Dropout != want[k].p || v.RegRate != want[k].lmbda {
					t.Errorf("%q: variant %d is %+v, want %+v", query, k, v, want[k])
				}
				if !whole(v.TrainAccuracy*float64(train)) || !whole(v.ValAccuracy*float64(val)) {
					t.Errorf("%q: variant %s accuracies %v, %v are not counts of %d and %d samples", query, v.Name, v.TrainAccuracy, v.ValAccuracy, train, val)
				}
				if m := f.Metrics; *m["train_loss_"+v.Name] != v.TrainLoss || *m["val_loss_"+v.Name] != v.ValLoss || *m["val_accuracy_"+v.Name] != v.ValAccuracy {
					t.Errorf("%q: variant %s metrics differ from the state", query, v.Name)
				}
				if !(v.TrainLoss > 0) || !(v.ValLoss > 0) {
					t.Errorf("%q: variant %s losses %v, %v", query, v.Name, v.TrainLoss, v.ValLoss)
				}
			}
			if f.Step == 0 {
				for _, v := range s.Variants[1:] {
					if v.WeightsHash != s.Variants[0].WeightsHash || v.ValLoss != s.Variants[0].ValLoss {
						t.Errorf("%q: at step 0 variant %s differs from plain", query, v.Name)
					}
				}
			}
			r.Step()
		}
	}
}

func whole(x float64) bool { return math.Abs(x-math.Round(x)) < 1e-9 }

// With p = 0 and λ = 0 the four trainings are one computation.
func TestNoRemedyVariantsCoincide(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "dropout=0&reg_rate=0&seed=3")
	r.Advance(40)
	f := scenariotest.Decode[frame](t, r, false)
	for _, v := range f.State.Variants[1:] {
		p := f.State.Variants[0]
		if v.WeightsHash != p.WeightsHash || v.TrainLoss != p.TrainLoss || v.ValLoss != p.ValLoss || v.ValAccuracy != p.ValAccuracy {
			t.Errorf("variant %s %+v differs from plain %+v", v.Name, v, p)
		}
	}
	if !strings.Contains(f.Note, "same network") {
		t.Errorf("note %q", f.Note)
	}
}

// The lesson at the default URL: the plain net's validation loss turns up from
// its low while its train loss falls, and every regularised variant ends
// with a lower validation loss than the plain one.
func TestPlainOverfitsRegularisedDoNot(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "")
	low := math.Inf(1)
	for range 400 {
		r.Step()
		low = min(low, scenariotest.Decode[frame](t, r, false).State.Variants[0].ValLoss)
	}
	f := scenariotest.Decode[frame](t, r, false)
	plain := f.State.Variants[0]
	if plain.ValLoss < 1.5*low || plain.TrainLoss > 0.05 {
		t.Errorf("plain after 400 epochs: train %v, validation %v (low %v): want train < 0.05 and validation ≥ 1.5× its low", plain.TrainLoss, plain.ValLoss, low)
	}
	for _, v := range f.State.Variants[1:] {
		if v.ValLoss >= plain.ValLoss {
			t.Errorf("%s validation loss %v not below plain %v", v.Name, v.ValLoss, plain.ValLoss)
		}
		if v.WeightNorm >= plain.WeightNorm && v.RegRate > 0 {
			t.Errorf("%s: weight norm %v not below plain %v", v.Name, v.WeightNorm, plain.WeightNorm)
		}
	}
	if !strings.Contains(f.Note, "over-fits") {
		t.Errorf("note %q", f.Note)
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.RunRejects(t, sc, "dropout=0.9", "dropout=-0.1", "reg_rate=0.2", "n=10", "n=500", "dataset=iris", "dataset=custom", "points=1:1:3", "seed=-1")
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "seed=3&dropout=0.4", 4)
	c := scenariotest.NewRun(t, sc, "seed=4&dropout=0.4")
	c.Advance(4)
	scenariotest.SeedsDiffer(t, a, c)
}

func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "n=400", "dataset=spiral&n=200"} {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(300)
		// Four maps draw every sample: the budget grows with n.
		limit := map[string]int{"": 32 << 10, "n=400": 96 << 10, "dataset=spiral&n=200": 64 << 10}[q]
		scenariotest.FrameWithin(t, r, limit, fmt.Sprintf("%q", q))
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrameFrom(b, sc, 100, "")
}
