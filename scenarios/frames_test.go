package scenarios

import (
	"bufio"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
)

// The frame comparison guards refactors and speed-ups: every scenario, at
// its defaults and at two other URLs, must produce the same frames, byte for
// byte, as recorded in testdata/frames.golden. Two hashes a case: "numbers"
// covers step, done, note, metrics and state of every step up to
// framesNumberSteps plus data.csv; "plots" covers whole frames with their
// SVGs up to framesPlotSteps. A change that is meant to alter the pictures
// (never the numbers) regenerates the file:
//
//	go test ./scenarios -run TestFramesUnchanged -update-frames
//
// and -dump-frames=DIR writes each case's NDJSON (after its data.csv rows)
// there. Before regenerating, dump the frames before and after the change
// and check that only notes and pictures moved:
//
//	go run ./scripts/framediff BEFORE_DIR AFTER_DIR
var (
	updateFrames = flag.Bool("update-frames", false, "rewrite testdata/frames.golden")
	dumpFrames   = flag.String("dump-frames", "", "write every case's NDJSON frames into this directory")
)

const (
	framesGolden      = "testdata/frames.golden"
	framesPlotSteps   = 10
	framesNumberSteps = 400
)

// frameCase is one URL of one scenario.
type frameCase struct {
	slug, query string
}

// key names the case in frames.golden, one whitespace-free field: a space
// in a text preset (a prompt) is written %20.
func (c frameCase) key() string { return c.slug + "?" + strings.ReplaceAll(c.query, " ", "%20") }

// frameCases derives three URLs per scenario from its table alone, so a new
// scenario is covered without editing this file: the defaults; another seed
// with every enum (and text preset) at its second option and every bool
// flipped; a third seed with every enum at its last option and two clicked
// points.
func frameCases() []frameCase {
	var cases []frameCase
	for _, sc := range All() {
		cases = append(cases, frameCase{sc.Slug, ""})
		for variant := 1; variant <= 2; variant++ {
			q := []string{}
			for _, p := range sc.Params {
				switch {
				case p.Name == "seed":
					q = append(q, fmt.Sprintf("seed=%d", 4+3*variant))
				case (p.Kind == lab.KindEnum || p.Kind == lab.KindText) && len(p.Options) > 1:
					o := p.Options[1]
					if variant == 2 {
						o = p.Options[len(p.Options)-1]
					}
					// A preset sentence has spaces; the golden file's
					// fields are separated by them.
					q = append(q, p.Name+"="+strings.ReplaceAll(o, " ", "%20"))
				case p.Kind == lab.KindBool && variant == 1:
					q = append(q, p.Name+"="+map[string]string{"true": "false", "false": "true"}[p.Default])
				case p.Kind == lab.KindPoints && variant == 2:
					pts := "0.5:0.25,-0.75:1"
					if p.Classes > 0 {
						pts = "0.5:0.25:0,-0.75:1:1"
					}
					q = append(q, p.Name+"="+pts)
				}
			}
			cases = append(cases, frameCase{sc.Slug, strings.Join(runnable(sc, q), "&")})
		}
	}
	return cases
}

// runnable drops the settings a scenario refuses in combination (a
// regression problem on a classification data set), one at a time: the
// one the refusal names, or when it names one left at its default, the
// last.
func runnable(sc *lab.Scenario, q []string) []string {
	for range len(q) {
		vals, err := lab.ParseQuery(strings.Join(q, "&"))
		if err != nil {
			panic(err)
		}
		v, err := lab.Parse(sc.Params, vals)
		if err == nil {
			_, err = lab.NewRun(sc, v)
		}
		var pe *lab.ParamError
		if !errors.As(err, &pe) {
			return q
		}
		n := len(q)
		q = slices.DeleteFunc(q, func(s string) bool { return strings.HasPrefix(s, pe.Name+"=") })
		if len(q) == n {
			// Refused by a parameter left at its default: the settings
			// together are too much (cnn-training's flatten head without
			// pooling); the last one other than the seed goes back.
			for i := len(q) - 1; i >= 0; i-- {
				if !strings.HasPrefix(q[i], "seed=") {
					q = slices.Delete(q, i, i+1)
					break
				}
			}
		}
	}
	return q
}

// frameHashes runs one case and returns its two hashes.
func frameHashes(t *testing.T, sc *lab.Scenario, c frameCase) (numbers, plots string) {
	v := c.values(t, sc)
	var dump *bufio.Writer
	if *dumpFrames != "" {
		name := strings.NewReplacer("?", "_", "&", "_", "=", "-", ":", "~", ",", "+").Replace(c.key())
		f, err := os.Create(filepath.Join(*dumpFrames, name+".ndjson"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		dump = bufio.NewWriter(f)
		defer dump.Flush()
	}
	write := func(h hash.Hash, b []byte) {
		h.Write(b)
		h.Write([]byte{'\n'})
		if dump != nil {
			dump.Write(b)
			dump.WriteByte('\n')
		}
	}

	hn, hp := sha256.New(), sha256.New()
	r, err := lab.NewRun(sc, v)
	if err != nil {
		t.Fatalf("%s: %v", c.key(), err)
	}
	rows, err := r.Data()
	if err != nil {
		t.Fatalf("%s: data: %v", c.key(), err)
	}
	cw := csv.NewWriter(hn)
	cw.WriteAll(rows)
	if dump != nil {
		// data.csv is hashed with the numbers; one CSV line a row, prefixed
		// so that it cannot be taken for a frame.
		dw := csv.NewWriter(dump)
		for _, row := range rows {
			dw.Write(append([]string{"data.csv"}, row...))
		}
		dw.Flush()
	}
	for r.StepNumber() <= framesNumberSteps {
		b, err := r.JSON(false)
		if err != nil {
			t.Fatalf("%s: step %d: %v", c.key(), r.StepNumber(), err)
		}
		write(hn, b)
		if r.Done() {
			break
		}
		if err := r.Step(); err != nil {
			t.Fatalf("%s: step %d: %v", c.key(), r.StepNumber(), err)
		}
	}
	r, _ = lab.NewRun(sc, v)
	for r.StepNumber() <= framesPlotSteps {
		b, err := r.JSON(true)
		if err != nil {
			t.Fatalf("%s: step %d: %v", c.key(), r.StepNumber(), err)
		}
		write(hp, b)
		if r.Done() {
			break
		}
		if err := r.Step(); err != nil {
			t.Fatalf("%s: step %d: %v", c.key(), r.StepNumber(), err)
		}
	}
	return hex.EncodeToString(hn.Sum(nil))[:32], hex.EncodeToString(hp.Sum(nil))[:32]
}

func TestFramesUnchanged(t *testing.T) {
	if testing.Short() {
		t.Skip("the frame comparison runs every scenario three times")
	}
	if *dumpFrames != "" {
		if err := os.MkdirAll(*dumpFrames, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string][2]string{}
	if b, err := os.ReadFile(framesGolden); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) == 3 && !strings.HasPrefix(line, "#") {
				want[f[0]] = [2]string{f[1], f[2]}
			}
		}
	} else if !*updateFrames {
		t.Fatal(err)
	}
	bySlug := map[string]*lab.Scenario{}
	for _, sc := range All() {
		bySlug[sc.Slug] = sc
	}
	cases := frameCases()
	got := make([][2]string, len(cases))
	t.Run("case", func(t *testing.T) {
		for i, c := range cases {
			t.Run(c.key(), func(t *testing.T) {
				t.Parallel()
				n, p := frameHashes(t, bySlug[c.slug], c)
				got[i] = [2]string{n, p}
				if *updateFrames {
					return
				}
				w, ok := want[c.key()]
				switch {
				case !ok:
					t.Errorf("no recorded frames: run with -update-frames")
				case w[0] != n:
					t.Errorf("numbers changed (state, metrics, notes or data.csv): hash %s, recorded %s", n, w[0])
				case w[1] != p:
					t.Errorf("plots changed: hash %s, recorded %s; if the pictures are meant to change, run with -update-frames", p, w[1])
				}
			})
		}
	})
	if !*updateFrames {
		return
	}
	var b strings.Builder
	b.WriteString("# case  numbers-hash  plots-hash (go test ./scenarios -run TestFramesUnchanged -update-frames)\n")
	keys := make([]string, len(cases))
	for i, c := range cases {
		keys[i] = fmt.Sprintf("%s %s %s\n", c.key(), got[i][0], got[i][1])
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteString(k)
	}
	if err := os.WriteFile(framesGolden, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
