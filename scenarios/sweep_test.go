package scenarios

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
)

// TestEveryParameterRange runs every scenario to its end with every
// parameter at its minimum, at its maximum, and at a few seeded random
// valid combinations: a valid URL never ends in an error.
func TestEveryParameterRange(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every scenario to its end several times")
	}
	for _, sc := range All() {
		rng := rand.New(rand.NewPCG(uint64(len(sc.Slug)), 11))
		queries := map[string]string{"min": sweepQuery(sc, rng, "min"), "max": sweepQuery(sc, rng, "max")}
		for i := range 3 {
			queries["random"+strconv.Itoa(i)] = sweepQuery(sc, rng, "random")
		}
		for name, q := range queries {
			// A value refused with the rest (a regression problem on a
			// classification data set) goes back to its default.
			q = strings.Join(runnable(sc, strings.Split(q, "&")), "&")
			t.Run(sc.Slug+"/"+name, func(t *testing.T) {
				t.Parallel()
				sweepRun(t, sc, q)
			})
		}
	}
}

// sweepQuery sets every parameter to its extreme ("min" or "max") or to a
// random valid value.
func sweepQuery(sc *lab.Scenario, rng *rand.Rand, how string) string {
	var q []string
	pick := func(n int) int {
		switch how {
		case "min":
			return 0
		case "max":
			return n - 1
		}
		return rng.IntN(n)
	}
	number := func(p lab.Param) string {
		switch how {
		case "min":
			return strconv.FormatFloat(p.Min, 'g', -1, 64)
		case "max":
			return strconv.FormatFloat(p.Max, 'g', -1, 64)
		}
		if p.Kind == lab.KindInt || p.Kind == lab.KindInts {
			return strconv.Itoa(int(p.Min) + rng.IntN(int(p.Max-p.Min)+1))
		}
		return strconv.FormatFloat(p.Min+rng.Float64()*(p.Max-p.Min), 'g', 6, 64)
	}
	for _, p := range sc.Params {
		var v string
		switch p.Kind {
		case lab.KindInt, lab.KindFloat:
			v = number(p)
		case lab.KindEnum:
			v = p.Options[pick(len(p.Options))]
		case lab.KindBool:
			v = []string{"false", "true"}[pick(2)]
		case lab.KindText:
			v = p.Options[pick(len(p.Options))]
		case lab.KindList:
			n := p.MinItems + pick(min(p.MaxItems, len(p.Options))-p.MinItems+1)
			v = strings.Join(p.Options[:n], ",")
		case lab.KindInts, lab.KindFloats:
			n := p.MinItems + pick(p.MaxItems-p.MinItems+1)
			items := make([]string, n)
			for i := range items {
				items[i] = number(p)
			}
			v = strings.Join(items, ",")
		case lab.KindPoints:
			n := pick(6)
			items := make([]string, n)
			for i := range items {
				items[i] = fmt.Sprintf("%.2f:%.2f", rng.Float64()*4-2, rng.Float64()*4-2)
				if p.Classes > 0 {
					items[i] += ":" + strconv.Itoa(rng.IntN(2))
				}
			}
			v = strings.Join(items, ",")
		}
		q = append(q, p.Name+"="+v)
	}
	return strings.Join(q, "&")
}

func sweepRun(t *testing.T, sc *lab.Scenario, query string) {
	q, err := lab.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	v, err := lab.Parse(sc.Params, q)
	if err != nil {
		t.Fatalf("%s?%s is not valid: %v", sc.Slug, query, err)
	}
	r, err := lab.NewRun(sc, v)
	if err != nil {
		t.Fatalf("%s?%s: %v", sc.Slug, query, err)
	}
	if _, err := r.JSON(true); err != nil {
		t.Fatalf("%s?%s: step 0: %v", sc.Slug, query, err)
	}
	for !r.Done() {
		if err := r.Step(); err != nil {
			t.Fatalf("%s?%s: step %d: %v", sc.Slug, query, r.StepNumber(), err)
		}
		if _, err := r.JSON(false); err != nil {
			t.Fatalf("%s?%s: step %d: %v", sc.Slug, query, r.StepNumber(), err)
		}
	}
	if _, err := r.JSON(true); err != nil {
		t.Fatalf("%s?%s: last step %d: %v", sc.Slug, query, r.StepNumber(), err)
	}
}
