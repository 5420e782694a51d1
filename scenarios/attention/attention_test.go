package attention

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
	"github.com/mlplayground/playground/web/static"
	"github.com/mlplayground/playground/web/templates"
)

var sc = Scenario("test")

// frame is the JSON contract of an attention frame, every part.
type frame struct {
	Step    int                `json:"step"`
	Done    bool               `json:"done"`
	Metrics map[string]float64 `json:"metrics"`
	State   struct {
		Part      string          `json:"part"`
		Attention [][][][]float64 `json:"attention"`
		Tokens    []string        `json:"tokens"`
		Targets   []string        `json:"targets"`
		Predicted []string        `json:"predicted"`
		// Parts sentence and patches.
		Query          int         `json:"query"`
		Label          int         `json:"label"`
		PredictedLabel int         `json:"predicted_label"`
		Pixels         []float64   `json:"pixels"`
		DK             int         `json:"d_k"`
		Q              [][]float64 `json:"Q"`
		K              [][]float64 `json:"K"`
		V              [][]float64 `json:"V"`
		Output         [][]float64 `json:"output"`
	} `json:"state"`
	Note string `json:"note"`
}

// checkRows fails unless attention is [layers][heads][T][T] with every row
// a distribution summing to 1 within 1e-12.
func checkRows(t *testing.T, where string, a [][][][]float64, layers, heads, T int) {
	t.Helper()
	if len(a) != layers {
		t.Fatalf("%s: %d layers of attention, want %d", where, len(a), layers)
	}
	for l, hs := range a {
		if len(hs) != heads {
			t.Fatalf("%s: layer %d has %d heads, want %d", where, l, len(hs), heads)
		}
		for h, m := range hs {
			if len(m) != T {
				t.Fatalf("%s: layer %d head %d has %d rows, want %d", where, l, h, len(m), T)
			}
			for i, row := range m {
				var s float64
				for _, v := range row {
					if v < 0 || v > 1 {
						t.Fatalf("%s: weight %v outside [0, 1]", where, v)
					}
					s += v
				}
				if len(row) != T || math.Abs(s-1) > 1e-12 {
					t.Fatalf("%s: layer %d head %d row %d has %d weights summing to %.15f", where, l, h, i, len(row), s)
				}
			}
		}
	}
}

// Every frame of the transformer part carries the chosen example's
// attention as [layer][head][T][T] rows summing to 1, and its tokens.
func TestTransformerAttentionRows(t *testing.T) {
	for _, c := range []struct {
		query            string
		layers, heads, T int
		tokens, targets  []string // the example at step 0
	}{
		{"", 1, 2, 6, nil, nil},
		{"layers=2&heads=4&length=8&task=sort&seed=3", 2, 4, 8, nil, nil},
		{"task=brackets&heads=1&length=5&positional=learned", 1, 1, 5, nil, nil},
	} {
		r := scenariotest.NewRun(t, sc, c.query)
		for step := 0; step <= 6; step++ {
			f := scenariotest.Decode[frame](t, r, false)
			where := fmt.Sprintf("%q step %d", c.query, step)
			checkRows(t, where, f.State.Attention, c.layers, c.heads, c.T)
			if len(f.State.Tokens) != c.T || len(f.State.Targets) != c.T || len(f.State.Predicted) != c.T {
				t.Fatalf("%s: tokens %v, targets %v, predicted %v", where, f.State.Tokens, f.State.Targets, f.State.Predicted)
			}
			scenariotest.CheckNote(t, f.Note, where)
			r.Advance(1)
		}
	}
}

// The example's targets follow the task from its tokens.
func TestExampleFollowsTheTask(t *testing.T) {
	for task, want := range map[string]func(x []string) []string{
		"reverse": func(x []string) []string { y := slices.Clone(x); slices.Reverse(y); return y },
		"sort":    func(x []string) []string { y := slices.Clone(x); slices.Sort(y); return y },
		"copy":    slices.Clone[[]string],
	} {
		f := scenariotest.Decode[frame](t, scenariotest.NewRun(t, sc, "task="+task), false)
		if got := want(f.State.Tokens); !slices.Equal(f.State.Targets, got) {
			t.Errorf("%s: %v → %v, want %v", task, f.State.Tokens, f.State.Targets, got)
		}
	}
	// "(())" and the like: each bracket names its partner's position,
	// counted from 1, or "–".
	f := scenariotest.Decode[frame](t, scenariotest.NewRun(t, sc, "task=brackets&length=8"), false)
	for i, p := range f.State.Targets {
		if p == "–" {
			continue
		}
		j, _ := strconv.Atoi(p)
		if j < 1 || j > 8 || f.State.Targets[j-1] != strconv.Itoa(i+1) || f.State.Tokens[min(i, j-1)] != "(" || f.State.Tokens[max(i, j-1)] != ")" {
			t.Errorf("brackets %v: targets %v", f.State.Tokens, f.State.Targets)
		}
	}
}

var differenceRe = regexp.MustCompile(`with positional encoding (\w+): (\d+) %, a difference of ([+-]\d+) points`)

// With the default seed the reverse task is learnt with sinusoidal
// positions (100 % exact match of the step's 64 fresh sequences by step
// 60, measured: 86 % at step 50) while the same network without positions
// stays at 0–2 %: self-attention sees a bag of tokens. The note states the
// difference; with positions off the roles swap.
func TestPositionsDecideReverse(t *testing.T) {
	for _, c := range []struct {
		query, twin string
		sign        float64
	}{{"", "none", 1}, {"positional=none", "sinusoidal", -1}} {
		r := scenariotest.NewRun(t, sc, c.query)
		r.Advance(60)
		f := scenariotest.Decode[frame](t, r, false)
		exact, twin := f.Metrics["exact_match"], f.Metrics["twin_exact_match"]
		if gap := c.sign * (exact - twin); gap < 0.8 {
			t.Errorf("%q step 60: exact match %.3f, the other positional setting %.3f; want a gap over 0.8", c.query, exact, twin)
		}
		m := differenceRe.FindStringSubmatch(f.Note)
		if m == nil || m[1] != c.twin {
			t.Fatalf("%q: the note does not state the difference against %s: %s", c.query, c.twin, f.Note)
		}
		if pct, _ := strconv.Atoi(m[2]); pct != int(math.Round(100*twin)) {
			t.Errorf("%q: note says %s %%, metric %.4f", c.query, m[2], twin)
		}
		if d, _ := strconv.Atoi(m[3]); d != int(math.Round(100*(exact-twin))) {
			t.Errorf("%q: note says a difference of %s points, metrics %.4f − %.4f", c.query, m[3], exact, twin)
		}
	}
}

// Each step's metrics are those of its two fresh batches: data.csv
// replays step 1's batches, which follow the task.
func TestDataIsTheFirstBatches(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "length=5")
	rows := scenariotest.Rows(t, r)
	if len(rows) != 1+stepBatches*32+1 || len(rows[0]) != 11 || rows[0][0] != "x1" || rows[0][5] != "y1" {
		t.Fatalf("data.csv: %d rows, header %v", len(rows), rows[0])
	}
	for _, row := range rows[1:] {
		for i := range 5 {
			if row[i] != row[5+4-i] {
				t.Fatalf("row %v is not a reversal", row)
			}
		}
	}
	if last := rows[len(rows)-1]; last[10] != "example" {
		t.Errorf("last row %v, want the example", last)
	}
}

func TestBadParameters(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "layers=3", "heads=0", "dim=40", "length=2", "lr=0.1", "task=add", "positional=rope",
		"part=video", "patch=3", "sentence="+strings.Repeat("a", maxSentence+1))
	scenariotest.RunRejects(t, sc,
		"heads=3",                              // does not divide dim = 16
		"heads=3&dim=20",                       // nor 20
		"sentence=The%20unicorn%20was%20tired", // any part
		"sentence=it%20was%20%3Cb%3Etired%3C%2Fb%3E&part=sentence", // <b>tired</b>
		"sentence=it&part=sentence",                                // one word
		"sentence="+strings.Repeat("it%20", maxWords+1)+"&part=sentence",
		"query=cat&part=sentence",
	)
	if _, err := scenariotest.TryRun(t, sc, "heads=3&dim=12"); err != nil {
		t.Errorf("3 heads of 4: %v", err)
	}
	// The refusal names the unknown word and nothing else of the text.
	_, err := scenariotest.TryRun(t, sc, "part=sentence&sentence=The%20unicorn%20and%20the%20dragon%20were%20tired")
	if err == nil || !strings.Contains(err.Error(), "the words unicorn, dragon are not in the toy vocabulary") {
		t.Errorf("unknown words: %v", err)
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "", 5)
	c := scenariotest.NewRun(t, sc, "seed=2")
	c.Advance(a.StepNumber())
	scenariotest.SeedsDiffer(t, a, c)
	scenariotest.SameURLSameFrames(t, sc, "part=sentence", 2)
	a, _ = scenariotest.SameURLSameFrames(t, sc, "part=patches", 3)
	c = scenariotest.NewRun(t, sc, "part=patches&seed=2")
	c.Advance(a.StepNumber())
	scenariotest.SeedsDiffer(t, a, c)
}

// A default step and its frame stay within 32 KB, at the start and once
// the heatmaps have taken shape, in every part. The largest networks carry
// up to 2·4·16² weights at full precision in their state (about 40 KB),
// and get a larger budget.
func TestFrameSize(t *testing.T) {
	for _, c := range []struct {
		query string
		limit int
	}{{"", 32 << 10}, {"part=sentence", 32 << 10}, {"part=patches", 32 << 10}, {"part=patches&patch=2", 32 << 10},
		{"layers=2&heads=4&length=10", 64 << 10}, {"part=patches&patch=2&layers=2&heads=4", 80 << 10}} {
		r := scenariotest.NewRun(t, sc, c.query)
		n0 := scenariotest.FrameWithin(t, r, c.limit, fmt.Sprintf("%q", c.query))
		r.Advance(30)
		n := scenariotest.FrameWithin(t, r, c.limit, fmt.Sprintf("%q", c.query))
		t.Logf("%q: %d and %d bytes", c.query, n0, n)
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "layers=2&heads=4&dim=32&length=10", "part=patches", "part=patches&patch=2")
}

var _ lab.Model = (*trainer)(nil)

// softmaxAttention recomputes softmax(QKᵀ/√d_k)V from a frame's Q, K, V.
func softmaxAttention(Q, K, V [][]float64) (weights, out [][]float64) {
	dk := float64(len(Q[0]))
	for _, q := range Q {
		s := make([]float64, len(K))
		top := math.Inf(-1)
		for j, k := range K {
			for c := range q {
				s[j] += q[c] * k[c]
			}
			s[j] /= math.Sqrt(dk)
			top = math.Max(top, s[j])
		}
		var z float64
		for j := range s {
			s[j] = math.Exp(s[j] - top)
			z += s[j]
		}
		o := make([]float64, len(V[0]))
		for j := range s {
			s[j] /= z
			for c := range o {
				o[c] += s[j] * V[j][c]
			}
		}
		weights, out = append(weights, s), append(out, o)
	}
	return weights, out
}

// The sentence part's output is softmax(QKᵀ/√d_k)V of its own Q, K and V,
// to 1e-12, and its weights are those of attention [0][0].
func TestSentenceOutputRecomputed(t *testing.T) {
	for _, q := range []string{"part=sentence", "part=sentence&sentence=I%20visit%20Rome%20in%20the%20spring.&query=rome",
		"part=sentence&sentence=The%20tourists%20crossed%20the%20old%20bridge&query=old"} {
		f := scenariotest.Decode[frame](t, scenariotest.NewRun(t, sc, q), false)
		s := f.State
		T := len(s.Tokens)
		checkRows(t, q, s.Attention, 1, 1, T)
		if len(s.Q) != T || len(s.K) != T || len(s.V) != T || len(s.Output) != T || len(s.Q[0]) != s.DK {
			t.Fatalf("%q: %d tokens, Q %d×%d, K %d, V %d, output %d", q, T, len(s.Q), len(s.Q[0]), len(s.K), len(s.V), len(s.Output))
		}
		w, out := softmaxAttention(s.Q, s.K, s.V)
		for i := range T {
			for j := range T {
				if d := math.Abs(w[i][j] - s.Attention[0][0][i][j]); d > 1e-12 {
					t.Fatalf("%q: weight (%d, %d) off by %g", q, i, j, d)
				}
			}
			for c := range out[i] {
				if d := math.Abs(out[i][c] - s.Output[i][c]); d > 1e-12 {
					t.Fatalf("%q: output (%d, %d) off by %g", q, i, c, d)
				}
			}
		}
	}
}

// By hand, for “it” in the default sentence: q = (6, 0, 0, 0) meets the
// key (1, 0, 0, 0) of “animal” (score 6/√4 = 3), its own key
// (0.5, 0, 0, 0) (score 1.5) and nine zero keys (score 0), so “animal”
// gets e³/(e³ + e^1.5 + 9) ≈ 0.598 and the output's animate feature is
// that same weight.
func TestSentenceByHand(t *testing.T) {
	f := scenariotest.Decode[frame](t, scenariotest.NewRun(t, sc, "part=sentence"), false)
	s := f.State
	if s.Tokens[s.Query] != "it" || s.Tokens[1] != "animal" || len(s.Tokens) != 11 {
		t.Fatalf("tokens %v, query %d", s.Tokens, s.Query)
	}
	want := math.Exp(3) / (math.Exp(3) + math.Exp(1.5) + 9)
	row := s.Attention[0][0][s.Query]
	if math.Abs(row[1]-want) > 1e-12 || math.Abs(s.Output[s.Query][animate]-want) > 1e-12 {
		t.Errorf("weight on animal %.15f, animate output %.15f; want %.15f", row[1], s.Output[s.Query][animate], want)
	}
	if !strings.Contains(f.Note, "“it” (a pronoun word) attends most to “animal” (weight 0.60)") {
		t.Errorf("note: %s", f.Note)
	}
	if !f.Done {
		t.Error("the sentence part has nothing to train and should be done at step 0")
	}
	// Without a query word the first pronoun that stands for a noun is
	// shown, “it” here, and in the Rome sentence, which has none, the most
	// concentrated row: “Rome”, with e³/(e³ + 5) ≈ 0.80 on “visit”.
	for q, want := range map[string]string{"part=sentence": "it", "part=sentence&sentence=I%20visit%20Rome%20in%20the%20spring": "Rome"} {
		f := scenariotest.Decode[frame](t, scenariotest.NewRun(t, sc, q), false)
		row := f.State.Attention[0][0][f.State.Query]
		if f.State.Tokens[f.State.Query] != want || !strings.HasPrefix(f.Note, "Query chosen") {
			t.Errorf("%q: query %q, want %q; note %s", q, f.State.Tokens[f.State.Query], want, f.Note)
		}
		if want == "Rome" && math.Abs(slices.Max(row)-math.Exp(3)/(math.Exp(3)+5)) > 1e-12 {
			t.Errorf("Rome's largest weight %.15f", slices.Max(row))
		}
	}
}

// The patches part: attention over P = (8/patch)² patches, rows summing
// to 1, and a network that learns the digits. With the default seed the
// default 4 patches of 4×4 reach 90 % of the 297 held-out digits at step
// 50 (measured: 11 % at step 0, 86 % at 40, 94 % at 100); 16 patches of
// 2×2 learn more slowly (69 % at step 150).
func TestPatches(t *testing.T) {
	for _, c := range []struct {
		query         string
		layers, heads int
		P             int
	}{{"part=patches", 1, 2, 4}, {"part=patches&patch=2&layers=2&heads=1&seed=4", 2, 1, 16}} {
		r := scenariotest.NewRun(t, sc, c.query)
		for step := 0; step <= 3; step++ {
			f := scenariotest.Decode[frame](t, r, false)
			where := fmt.Sprintf("%q step %d", c.query, step)
			checkRows(t, where, f.State.Attention, c.layers, c.heads, c.P)
			if len(f.State.Tokens) != c.P || len(f.State.Pixels) != 64 || f.State.Query < 0 || f.State.Query >= c.P {
				t.Fatalf("%s: %d tokens, %d pixels, query %d", where, len(f.State.Tokens), len(f.State.Pixels), f.State.Query)
			}
			scenariotest.CheckNote(t, f.Note, where)
			r.Advance(1)
		}
	}
	r := scenariotest.NewRun(t, sc, "part=patches")
	f0 := scenariotest.Decode[frame](t, r, false)
	r.Advance(50)
	f := scenariotest.Decode[frame](t, r, false)
	if f0.Metrics["test_accuracy"] > 0.3 || f.Metrics["test_accuracy"] < 0.85 {
		t.Errorf("held-out accuracy %.3f at step 0 and %.3f at step 50; want under 0.3, then over 0.85",
			f0.Metrics["test_accuracy"], f.Metrics["test_accuracy"])
	}
	if !strings.Contains(f.Note, "held-out accuracy "+strconv.Itoa(int(math.Round(100*f.Metrics["test_accuracy"])))+" %") {
		t.Errorf("note does not give the held-out accuracy %.3f: %s", f.Metrics["test_accuracy"], f.Note)
	}
	rows := scenariotest.Rows(t, r)
	split := map[string]int{}
	for _, row := range rows[1:] {
		split[row[len(row)-1]]++
	}
	if len(rows) != 1798 || len(rows[0]) != 66 || split["train"] != 1500 || split["test"] != 297 {
		t.Errorf("data.csv: %d rows of %d, split %v", len(rows), len(rows[0]), split)
	}
}

// Over HTTP: an unknown word in the sentence is a 400 that names the
// parameter and the word, on the page and in the API, and what was sent is
// never echoed unescaped.
func TestSentenceRefusedOverHTTP(t *testing.T) {
	srv, err := lab.NewServer(lab.Config{Scenarios: []*lab.Scenario{sc}, Pages: templates.Pages{}, Static: static.FS, MaxRuns: 4,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	for _, c := range []struct {
		path    string
		want    []string
		wantNot string
	}{
		{"/s/attention?part=sentence&sentence=The%20unicorn%20was%20tired", []string{"sentence", "the word unicorn is not in the toy vocabulary"}, ""},
		{"/s/attention?sentence=it%20was%20%3Cb%3Etired%3C%2Fb%3E", []string{"sentence", "&lt;b&gt;tired"}, "<b>tired"},
		{"/api/scenarios/attention/run?steps=0&sentence=The%20unicorn%20was%20tired", []string{`"param":"sentence"`, "the word unicorn is not in the toy vocabulary"}, ""},
		{"/s/attention?part=sentence&query=cat", []string{"query", "a word of the sentence"}, ""},
	} {
		resp, err := http.Get(ts.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", c.path, resp.StatusCode)
		}
		for _, w := range c.want {
			if !strings.Contains(string(body), w) {
				t.Errorf("%s: the answer does not say %q", c.path, w)
			}
		}
		if c.wantNot != "" && strings.Contains(string(body), c.wantNot) {
			t.Errorf("%s: the answer echoes %q unescaped", c.path, c.wantNot)
		}
	}
}
