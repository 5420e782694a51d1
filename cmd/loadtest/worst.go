package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios"
)

// maxCombinations bounds the enum and bool combinations tried per
// scenario; past it each choice is varied alone from the first ones.
const maxCombinations = 32

// cost is what one parameter combination's run cost.
type cost struct {
	query      string
	worstStep  time.Duration // slowest single step among those timed
	meanStep   time.Duration
	frame      time.Duration // one frame with every panel drawn, JSON-encoded
	frameBytes int
}

// measureWorst times the first steps and one drawn frame of every
// scenario with each numeric parameter at its maximum, over its enum
// combinations, and prints the worst of each scenario.
func measureWorst(ctx context.Context, w io.Writer, only string, steps int) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tworst step\tmean step\tworst frame\tframe KB\tstep+frame\tquery of the worst step+frame")
	for _, sc := range scenarios.All() {
		if only != "" && sc.Slug != only {
			continue
		}
		var worst cost
		for _, q := range maxQueries(sc) {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			c, err := measure(sc, q, steps)
			if err != nil {
				fmt.Fprintf(os.Stderr, "# %s: %v\n", sc.Slug, err)
				continue
			}
			if c.worstStep+c.frame > worst.worstStep+worst.frame {
				worst = c
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", sc.Slug, ms(worst.worstStep), ms(worst.meanStep), ms(worst.frame),
			worst.frameBytes>>10, ms(worst.worstStep+worst.frame), worst.query)
		fmt.Fprintf(os.Stderr, "# %s measured\n", sc.Slug)
	}
	return tw.Flush()
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) + " ms" }

// measure times up to steps steps of one run and the frame after them.
func measure(sc *lab.Scenario, q url.Values, steps int) (cost, error) {
	run, vals, err := newRun(sc, q)
	if err != nil {
		return cost{}, err
	}
	c := cost{query: vals.Encode()}
	if q.Has("points") {
		c.query = strings.Replace(c.query, "points="+vals.Text("points"), fmt.Sprintf("points=(%d points)", lab.MaxPoints), 1)
	}
	var total time.Duration
	n := 0
	for ; n < steps && !run.Done(); n++ {
		start := time.Now()
		if err := run.Step(); err != nil {
			return c, err
		}
		d := time.Since(start)
		total += d
		c.worstStep = max(c.worstStep, d)
	}
	if n > 0 {
		c.meanStep = total / time.Duration(n)
	}
	// The cheapest of three draws of the same frame: the others carry the
	// noise of a shared machine (collections, other processes).
	for i := range 3 {
		start := time.Now()
		b, err := run.JSON(true)
		if d := time.Since(start); i == 0 || d < c.frame {
			c.frame = d
		}
		if err != nil {
			return c, err
		}
		c.frameBytes = len(b)
	}
	return c, nil
}

// newRun builds a run of q. A value that is valid alone but not with the
// others (more components than the data set has dimensions) is lowered
// to what the error allows, so each run is as large as the table permits.
func newRun(sc *lab.Scenario, q url.Values) (*lab.Run, lab.Values, error) {
	var err error
	for range 8 {
		var vals lab.Values
		vals, err = lab.Parse(sc.Params, q)
		if err == nil {
			var run *lab.Run
			if run, err = lab.NewRun(sc, vals); err == nil {
				return run, vals, nil
			}
		}
		var pe *lab.ParamError
		if !errors.As(err, &pe) {
			return nil, vals, err
		}
		if q = lower(sc, q, pe); q == nil {
			break
		}
	}
	return nil, lab.Values{}, err
}

var allowedMax = regexp.MustCompile(`(?:to|choose|leave) (-?[0-9.e+]+)`)

// lower returns q with the parameter pe names lowered to what pe
// allows, or nil when it cannot tell.
func lower(sc *lab.Scenario, q url.Values, pe *lab.ParamError) url.Values {
	i := slices.IndexFunc(sc.Params, func(p lab.Param) bool { return p.Name == pe.Name })
	if i < 0 {
		return nil
	}
	p := sc.Params[i]
	switch p.Kind {
	case lab.KindPoints:
		return cloneWithout(q, p.Name)
	case lab.KindInt, lab.KindFloat, lab.KindInts, lab.KindFloats:
	default:
		return nil
	}
	cur, err := strconv.ParseFloat(strings.Split(q.Get(p.Name), ",")[0], 64)
	if err != nil {
		return nil
	}
	next := cur / 2
	if p.Kind == lab.KindInt || p.Kind == lab.KindInts {
		next = math.Floor(next)
	}
	if m := allowedMax.FindStringSubmatch(pe.Allowed); m != nil {
		if v, err := strconv.ParseFloat(m[1], 64); err == nil && v < cur {
			next = v
		}
	}
	if next < p.Min || next == cur {
		return nil
	}
	out := cloneWithout(q, "")
	n := len(strings.Split(q.Get(p.Name), ","))
	out.Set(p.Name, strings.TrimSuffix(strings.Repeat(strconv.FormatFloat(next, 'g', -1, 64)+",", n), ","))
	return out
}

func cloneWithout(q url.Values, name string) url.Values {
	out := url.Values{}
	for k, v := range q {
		if k != name {
			out[k] = v
		}
	}
	return out
}

// maxQueries sets every numeric parameter to its maximum, every list to
// all its options, the points to as many as allowed, and combines the
// enum and bool choices.
func maxQueries(sc *lab.Scenario) []url.Values {
	base := url.Values{}
	var choices [][2]any // name, options
	for _, p := range sc.Params {
		switch p.Kind {
		case lab.KindInt, lab.KindFloat:
			base.Set(p.Name, strconv.FormatFloat(p.Max, 'g', -1, 64))
		case lab.KindInts, lab.KindFloats:
			n := max(p.MaxItems, 1)
			base.Set(p.Name,
				strings.TrimSuffix(strings.Repeat(strconv.FormatFloat(p.Max, 'g', -1, 64)+",", n), ","))
		case lab.KindList:
			opts := p.Options
			if p.MaxItems > 0 && len(opts) > p.MaxItems {
				opts = opts[:p.MaxItems]
			}
			base.Set(p.Name, strings.Join(opts, ","))
		case lab.KindPoints:
			base.Set(p.Name, maxPoints(p.Classes))
		case lab.KindEnum, lab.KindText:
			choices = append(choices, [2]any{p.Name, p.Options})
		case lab.KindBool:
			choices = append(choices, [2]any{p.Name, []string{"false", "true"}})
		}
	}
	total := 1
	for _, c := range choices {
		total *= len(c[1].([]string))
	}
	var out []url.Values
	if total <= maxCombinations {
		out = []url.Values{base}
		for _, c := range choices {
			var next []url.Values
			for _, q := range out {
				for _, o := range c[1].([]string) {
					q2 := cloneWithout(q, "")
					q2.Set(c[0].(string), o)
					next = append(next, q2)
				}
			}
			out = next
		}
		return out
	}
	first := cloneWithout(base, "")
	for _, c := range choices {
		first.Set(c[0].(string), c[1].([]string)[0])
	}
	out = append(out, first)
	for _, c := range choices {
		for _, o := range c[1].([]string)[1:] {
			q := cloneWithout(first, "")
			q.Set(c[0].(string), o)
			out = append(out, q)
		}
	}
	return slices.Clip(out)
}

// maxPoints is lab.MaxPoints points spread over [-1, 1]² (every
// scenario's panels include it), cycling through
// the classes.
func maxPoints(classes int) string {
	rng := rand.New(rand.NewPCG(1, 2))
	pts := make([]lab.Point, lab.MaxPoints)
	for i := range pts {
		pts[i] = lab.Point{X: 2*rng.Float64() - 1, Y: 2*rng.Float64() - 1}
		if classes > 0 {
			pts[i].Class = i % min(classes, 2) // two classes suit every classifier
		}
	}
	return lab.EncodePoints(pts, classes)
}

// measureDefaults prints what a run at its defaults costs while it
// plays at the scenario's own speed, as a share of one core: the figure
// lab.DefaultMaxRuns is built on.
func measureDefaults(ctx context.Context, w io.Writer, steps int) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tspeed\tmean step\tframe\tshare of a core while playing")
	var shares []float64
	for _, sc := range scenarios.All() {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c, err := measure(sc, url.Values{}, steps)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.Slug, err)
		}
		speed := lab.PlaySpeed(sc)
		frames := min(speed, 30) // the server draws at most 30 frames a second
		share := (speed*c.meanStep.Seconds() + frames*c.frame.Seconds())
		shares = append(shares, share)
		fmt.Fprintf(tw, "%s\t%g/s\t%s\t%s\t%.1f%%\n", sc.Slug, speed, ms(c.meanStep), ms(c.frame), 100*share)
	}
	slices.Sort(shares)
	fmt.Fprintf(tw, "median\t\t\t\t%.1f%%\n", 100*shares[len(shares)/2])
	fmt.Fprintf(tw, "largest\t\t\t\t%.1f%%\n", 100*shares[len(shares)-1])
	return tw.Flush()
}
