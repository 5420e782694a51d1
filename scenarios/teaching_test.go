package scenarios

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
)

// maxExplanationWords bounds what a student reads before the teachers'
// fold: the idea on one screen, about 350–500 words.
const maxExplanationWords = 520

var (
	teachersFold = regexp.MustCompile(`(?s)<details class="teachers">.*?</details>`)
	texElement   = regexp.MustCompile(`(?s)<(span|div) class="tex">.*?</(span|div)>`)
	htmlTag      = regexp.MustCompile(`<[^>]*>`)
	hasWordChar  = regexp.MustCompile(`[\p{L}\p{N}]`)
)

// studentWords counts the words of an explanation a student reads: the
// text outside <details class="teachers">, each formula counted as one
// word, and tokens without a letter or digit (dashes, lone symbols) not
// counted.
func studentWords(html string) int {
	html = teachersFold.ReplaceAllString(html, " ")
	html = texElement.ReplaceAllString(html, " formula ")
	html = htmlTag.ReplaceAllString(html, " ")
	n := 0
	for _, w := range strings.Fields(html) {
		if hasWordChar.MatchString(w) {
			n++
		}
	}
	return n
}

func explanationHTML(t *testing.T, sc *lab.Scenario) string {
	t.Helper()
	var b strings.Builder
	if err := sc.Explanation.Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestStudentWords(t *testing.T) {
	for _, c := range []struct {
		html string
		want int
	}{
		{`<p>One two, three.</p>`, 3},
		{`<p>The score <span class="tex">z = w^\top x + b</span> is — linear.</p>`, 5},
		{`<p>Idea.</p><div class="tex">\sum_i a_i</div><details class="teachers"><summary>For teachers: SMO</summary><p>Many words here.</p></details><p>End.</p>`, 3},
		{`<details class="teachers"><summary>For teachers</summary>a</details><p>x</p><details class="teachers"><summary>b</summary>c</details>`, 1},
	} {
		if got := studentWords(c.html); got != c.want {
			t.Errorf("studentWords(%q) = %d, want %d", c.html, got, c.want)
		}
	}
}

// TestExplanationFitsOneScreen: every explanation keeps what a student
// needs outside its teachers' fold, and a fold is a well-formed
// <details class="teachers"> with a "For teachers" summary.
func TestExplanationFitsOneScreen(t *testing.T) {
	summary := regexp.MustCompile(`^<details class="teachers"><summary>For teachers[^<]*</summary>`)
	for _, sc := range All() {
		html := explanationHTML(t, sc)
		if n := studentWords(html); n > maxExplanationWords {
			t.Errorf("%s: %d words outside the teachers' fold, want at most %d", sc.Slug, n, maxExplanationWords)
		}
		folds := teachersFold.FindAllString(html, -1)
		if strings.Count(html, "<details") != len(folds) {
			t.Errorf("%s: a <details> that is not a closed <details class=\"teachers\">", sc.Slug)
		}
		for _, f := range folds {
			if !summary.MatchString(f) {
				t.Errorf("%s: a teachers' fold without a \"For teachers…\" summary: %.80q", sc.Slug, f)
			}
		}
	}
}

// testForChoice finds phrases that call a split "test" while using it to
// choose: a best or lowest test figure, a test figure that peaks or
// turns up, a winner named by test loss. The golden rule: a split that
// compares models is a validation split; a test set is opened once.
var testForChoice = regexp.MustCompile(`(?i)\b(best|lowest|highest|smallest|winning|minimum|min) test (loss|accuracy|error|mse)\b` +
	`|\btest (loss|accuracy|error|mse|curve) (peaks|turns|climbs|rises|is lowest|was lowest)\b` +
	`|\b(picks|chooses|selects|is chosen|is picked) (the \w+ )?by (its |their )?test\b` +
	`|\btest accuracy peaks\b|\bearly stopping on the test\b`)

// comparesModels lists the scenarios whose held-out samples pick a
// winner (a depth, a remedy, a setting): there the split is a validation
// split and no frame, title or download may call it a test set.
var comparesModels = []string{"dropout", "neural-network", "decision-tree"}

var testWord = regexp.MustCompile(`(?i)\btest\b`)

// TestModelChoiceSplitIsValidation checks, as far as a list of phrases can
// tell, that no explanation, summary, parameter help, panel title or note
// calls a model-choice split "test" (and, while it reads every note, that
// none points at a panel by position); and that the scenarios that compare
// models on held-out samples use no "test" word at all in their notes,
// panel titles, metric and state keys, plot text and data.csv splits.
func TestModelChoiceSplitIsValidation(t *testing.T) {
	choosers := map[string]bool{}
	for _, s := range comparesModels {
		choosers[s] = true
	}
	seen := 0
	for _, sc := range All() {
		texts := []string{htmlTag.ReplaceAllString(explanationHTML(t, sc), " "), sc.Summary}
		for _, p := range sc.Params {
			texts = append(texts, p.Help)
		}
		for _, pn := range sc.Panels {
			texts = append(texts, pn.Title)
		}
		r, err := lab.NewRun(sc, lab.Defaults(sc.Params))
		if err != nil {
			t.Fatal(err)
		}
		var frames []string
		for step := 0; ; step++ {
			// Every frame's note; the full frame (plots too) at a few steps.
			withPlots := choosers[sc.Slug] && (step == 0 || step == 5 || step%150 == 0 || r.Done())
			f, err := r.Frame(withPlots)
			if err != nil {
				t.Fatalf("%s step %d: %v", sc.Slug, step, err)
			}
			texts = append(texts, f.Note)
			for _, m := range positional.FindAllString(f.Note, -1) {
				t.Errorf("%s step %d: the note points at a panel by position (%q): name it by its title", sc.Slug, step, m)
			}
			if choosers[sc.Slug] {
				b, err := json.Marshal(struct {
					Note    string
					Metrics lab.Metrics
					State   any
					Plots   map[string]string
				}{f.Note, f.Metrics, f.State, f.Plots})
				if err != nil {
					t.Fatal(err)
				}
				frames = append(frames, string(b))
			}
			if r.Done() || step >= 400 {
				break
			}
			if err := r.Step(); err != nil {
				t.Fatalf("%s step %d: %v", sc.Slug, step, err)
			}
		}
		for _, s := range texts {
			for _, m := range testForChoice.FindAllString(s, -1) {
				t.Errorf("%s: %q calls a split that chooses a model \"test\": in %.120q", sc.Slug, m, s)
			}
		}
		if !choosers[sc.Slug] {
			continue
		}
		seen++
		for _, pn := range sc.Panels {
			if testWord.MatchString(pn.Title) {
				t.Errorf("%s: panel title %q says test for its validation split", sc.Slug, pn.Title)
			}
		}
		for _, p := range sc.Params {
			if strings.Contains(strings.ToLower(p.Help), "test set") {
				t.Errorf("%s: parameter %s's help says test set: %q", sc.Slug, p.Name, p.Help)
			}
		}
		for _, f := range frames {
			if m := testWord.FindString(f); m != "" {
				i := strings.Index(f, m)
				t.Errorf("%s: a frame says %q for its validation split: …%s…", sc.Slug, m, f[max(0, i-80):min(len(f), i+40)])
				break
			}
		}
		rows, err := r.Data()
		if err != nil {
			t.Fatal(err)
		}
		if split := column(rows, "split"); split >= 0 {
			for _, row := range rows[1:] {
				if row[split] != "train" && row[split] != "val" {
					t.Errorf("%s: data.csv split %q, want train or val", sc.Slug, row[split])
					break
				}
			}
		} else {
			t.Errorf("%s: data.csv has no split column", sc.Slug)
		}
	}
	if seen != len(comparesModels) {
		t.Errorf("%d of the %d model-comparing scenarios are in the catalogue", seen, len(comparesModels))
	}
}

// column is the index of a data.csv column, or −1.
func column(rows [][]string, name string) int {
	if len(rows) == 0 {
		return -1
	}
	for j, h := range rows[0] {
		if h == name {
			return j
		}
	}
	return -1
}
