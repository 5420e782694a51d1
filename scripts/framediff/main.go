// Command framediff compares two trees of frame dumps written by
//
//	go test ./scenarios -run TestFramesUnchanged -dump-frames=DIR
//
// (one NDJSON file per case, its data.csv rows first) and says, case by
// case, whether the numbers are the same: data.csv, and the step, done,
// metrics and state of every frame. Notes and
// plots are counted when they differ but do not fail the comparison, so a
// change meant to touch only notes and pictures can show it left the
// numbers alone before frames.golden is rewritten:
//
//	go run ./scripts/framediff /tmp/before /tmp/after
//
// It exits 1 when a case is missing from one side or its numbers differ.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: framediff BEFORE_DIR AFTER_DIR")
		os.Exit(2)
	}
	ok, err := compareTrees(os.Stdout, os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "framediff:", err)
		os.Exit(2)
	}
	if !ok {
		os.Exit(1)
	}
}

// frame is the part of a frame whose numbers must not change; Note and
// Plots are compared only to report how many frames changed them.
type frame struct {
	Step    json.RawMessage            `json:"step"`
	Done    json.RawMessage            `json:"done"`
	Metrics json.RawMessage            `json:"metrics"`
	State   json.RawMessage            `json:"state"`
	Note    string                     `json:"note"`
	Plots   map[string]json.RawMessage `json:"plots"`
}

// compareTrees writes one line per case and a summary to w; ok is false
// when any case is missing on one side or differs in its numbers.
func compareTrees(w io.Writer, before, after string) (ok bool, err error) {
	names := map[string]int{}
	for i, dir := range []string{before, after} {
		files, err := filepath.Glob(filepath.Join(dir, "*.ndjson"))
		if err != nil {
			return false, err
		}
		if len(files) == 0 {
			return false, fmt.Errorf("no .ndjson files in %s", dir)
		}
		for _, f := range files {
			names[filepath.Base(f)] |= 1 << i
		}
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range names {
			if !yield(k) {
				return
			}
		}
	})
	ok = true
	var frames, notes, plots int
	for _, name := range keys {
		if names[name] != 3 {
			side := "after"
			if names[name] == 2 {
				side = "before"
			}
			fmt.Fprintf(w, "MISSING %s: not in %s\n", name, side)
			ok = false
			continue
		}
		a, aData, err := readFrames(filepath.Join(before, name))
		if err != nil {
			return false, err
		}
		b, bData, err := readFrames(filepath.Join(after, name))
		if err != nil {
			return false, err
		}
		if !slices.Equal(aData, bData) {
			fmt.Fprintf(w, "DIFFER  %s: data.csv\n", name)
			ok = false
			continue
		}
		if len(a) != len(b) {
			fmt.Fprintf(w, "DIFFER  %s: %d frames before, %d after\n", name, len(a), len(b))
			ok = false
			continue
		}
		for i := range a {
			frames++
			if what := numbersDiffer(a[i], b[i]); what != "" {
				fmt.Fprintf(w, "DIFFER  %s: line %d (step %s): %s\n", name, i+1, a[i].Step, what)
				ok = false
				break
			}
			if a[i].Note != b[i].Note {
				notes++
			}
			for p, svg := range a[i].Plots {
				if !bytes.Equal(svg, b[i].Plots[p]) {
					plots++
				}
			}
		}
	}
	fmt.Fprintf(w, "%d cases, %d frames compared: numbers %s; %d notes and %d panel drawings changed\n",
		len(keys), frames, map[bool]string{true: "identical", false: "DIFFER"}[ok], notes, plots)
	return ok, nil
}

func numbersDiffer(a, b frame) string {
	var diff []string
	for _, f := range []struct {
		name string
		x, y json.RawMessage
	}{{"step", a.Step, b.Step}, {"done", a.Done, b.Done}, {"metrics", a.Metrics, b.Metrics}, {"state", a.State, b.State}} {
		if !bytes.Equal(f.x, f.y) {
			diff = append(diff, f.name)
		}
	}
	return strings.Join(diff, ", ")
}

// readFrames reads one dump: its frames, and its data.csv lines as written.
func readFrames(path string) (frames []frame, data []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for line := 1; sc.Scan(); line++ {
		if !bytes.HasPrefix(sc.Bytes(), []byte("{")) {
			data = append(data, sc.Text())
			continue
		}
		var fr frame
		if err := json.Unmarshal(sc.Bytes(), &fr); err != nil {
			return nil, nil, fmt.Errorf("%s: line %d: %w", path, line, err)
		}
		frames = append(frames, fr)
	}
	return frames, data, sc.Err()
}
