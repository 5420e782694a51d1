package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
)

// Every scenario of the catalogue keeps the contract the runtime and the
// page rely on; each package tests its own numbers.

func TestCatalogueIsValid(t *testing.T) {
	seen := map[string]bool{}
	for _, sc := range All() {
		if err := sc.Validate(); err != nil {
			t.Error(err)
		}
		if seen[sc.Slug] {
			t.Errorf("slug %q twice", sc.Slug)
		}
		seen[sc.Slug] = true
		if sc.Explanation == nil || sc.Summary == "" {
			t.Errorf("%s: no explanation or summary", sc.Slug)
		}
		for _, p := range sc.Params {
			if p.Help == "" || p.Label == "" {
				t.Errorf("%s: parameter %q has no label or help", sc.Slug, p.Name)
			}
		}
	}
	// The public slugs of SCENARIOS.md that are live.
	for _, slug := range []string{"overfitting", "bias-variance", "cross-validation", "kmeans", "gmm-em", "pca",
		"linear-regression", "regularization", "losses", "logistic-regression", "decision-tree", "naive-bayes", "svm",
		"perceptron", "universal-approximation", "activations", "neural-network", "backprop", "optimizers", "dropout",
		"vanishing-gradient"} {
		if !seen[slug] {
			t.Errorf("no scenario %q", slug)
		}
	}
}

// TestDefaultsRun builds every scenario at its defaults, steps it, and
// checks each frame is valid JSON with every panel drawn, and data.csv has
// a header and rows.
func TestDefaultsRun(t *testing.T) {
	for _, sc := range All() {
		t.Run(sc.Slug, func(t *testing.T) {
			r, err := lab.NewRun(sc, lab.Defaults(sc.Params))
			if err != nil {
				t.Fatal(err)
			}
			for step := range 4 {
				b, err := r.JSON(true)
				if err != nil {
					t.Fatalf("step %d: %v", step, err)
				}
				var f struct {
					Step    int                 `json:"step"`
					Metrics map[string]*float64 `json:"metrics"`
					Plots   map[string]string   `json:"plots"`
				}
				if err := json.Unmarshal(b, &f); err != nil {
					t.Fatalf("step %d: %v", step, err)
				}
				if f.Step != r.StepNumber() {
					t.Errorf("frame step %d, run at %d", f.Step, r.StepNumber())
				}
				for _, pn := range sc.Panels {
					if !strings.HasPrefix(f.Plots[pn.Name], "<svg") {
						t.Errorf("step %d: panel %q is not an SVG", step, pn.Name)
					}
				}
				if err := r.Step(); err != nil {
					t.Fatalf("step %d: %v", step, err)
				}
			}
			rows, err := r.Data()
			if err != nil || len(rows) < 2 || len(rows[0]) == 0 {
				t.Errorf("data.csv: %d rows, %v", len(rows), err)
			}
		})
	}
}

// TestOutOfRangeValuesAreNamed: for every numeric parameter, one past its
// bounds is refused with an error naming it; for every enum, an unknown
// option is.
func TestOutOfRangeValuesAreNamed(t *testing.T) {
	for _, sc := range All() {
		for _, p := range sc.Params {
			var bad []string
			switch p.Kind {
			case lab.KindInt:
				bad = []string{strconv.FormatFloat(p.Max+1, 'g', -1, 64), strconv.FormatFloat(p.Min-1, 'g', -1, 64), "x"}
			case lab.KindFloat:
				bad = []string{strconv.FormatFloat(p.Max*2+1, 'g', -1, 64), "NaN"}
				if p.Min > -1e300 {
					bad = append(bad, strconv.FormatFloat(p.Min-1, 'g', -1, 64))
				}
			case lab.KindEnum, lab.KindList:
				bad = []string{"no-such-option"}
			case lab.KindBool:
				bad = []string{"perhaps"}
			case lab.KindInts, lab.KindFloats:
				bad = []string{strings.Repeat("1,", p.MaxItems) + "1", "a"}
			case lab.KindPoints:
				bad = []string{"1:2:3:4"}
			case lab.KindText:
				bad = []string{"no-such-option", ""}
			}
			for _, v := range bad {
				_, err := lab.Parse(sc.Params, url.Values{p.Name: {v}})
				var pe *lab.ParamError
				if !errors.As(err, &pe) || pe.Name != p.Name {
					t.Errorf("%s: %s=%s gave %v, want an error naming %s", sc.Slug, p.Name, v, err, p.Name)
				}
			}
		}
	}
}

// TestSchemaRoundTrip: the canonical query of the defaults is empty, and a
// run's canonical query parses back to the same values.
func TestSchemaRoundTrip(t *testing.T) {
	for _, sc := range All() {
		v := lab.Defaults(sc.Params)
		if q := v.Encode(); q != "" {
			t.Errorf("%s: defaults encode to %q", sc.Slug, q)
		}
		if sc.Deterministic {
			continue // no seed to change
		}
		v2, err := v.With("seed", "42")
		if err != nil {
			t.Fatal(err)
		}
		q, _ := lab.ParseQuery(v2.Encode())
		v3, err := lab.Parse(sc.Params, q)
		if err != nil || v3.Encode() != "seed=42" {
			t.Errorf("%s: %q round-trips to %q (%v)", sc.Slug, v2.Encode(), fmt.Sprint(v3.Encode()), err)
		}
	}
}
