package languagemodel

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of a language-model frame.
type frame struct {
	Step    int                 `json:"step"`
	Done    bool                `json:"done"`
	Note    string              `json:"note"`
	Metrics map[string]*float64 `json:"metrics"`
	State   struct {
		Level      string    `json:"level"`
		Model      string    `json:"model"`
		Context    int       `json:"context"`
		K          float64   `json:"k"`
		Vocab      int       `json:"vocab_size"`
		Epoch      int       `json:"epoch"`
		Batches    int       `json:"batches"`
		TrainPP    []float64 `json:"train_perplexity"`
		ValPP      []float64 `json:"validation_perplexity"`
		NGramVal   float64   `json:"ngram_perplexity"`
		UnigramVal float64   `json:"unigram_perplexity"`
		Prompt     []string  `json:"prompt_tokens"`
		Next       []struct {
			Token    string  `json:"token"`
			P        float64 `json:"p"`
			Tempered float64 `json:"p_tempered"`
		} `json:"next"`
		Samples []string `json:"samples"`
	} `json:"state"`
}

func metric(t *testing.T, f frame, name string) float64 {
	t.Helper()
	v := f.Metrics[name]
	if v == nil {
		t.Fatalf("metric %s is null", name)
	}
	return *v
}

// token is one row of data.csv.
type token struct {
	text  string
	split string
	pm    float64 // p_model, validation rows
	pn    float64
	pu    float64
}

func corpus(t *testing.T, r *lab.Run) []token {
	t.Helper()
	rows := scenariotest.Rows(t, r)
	if !slices.Equal(rows[0], []string{"position", "split", "token", "token_id", "p_model", "p_ngram", "p_unigram"}) {
		t.Fatalf("data.csv header %v", rows[0])
	}
	out := make([]token, len(rows)-1)
	for i, row := range rows[1:] {
		if row[0] != strconv.Itoa(i) {
			t.Fatalf("row %d is position %s", i, row[0])
		}
		out[i] = token{text: row[2], split: row[1]}
		if row[1] == "validation" {
			for k, p := range []*float64{&out[i].pm, &out[i].pn, &out[i].pu} {
				v, err := strconv.ParseFloat(row[4+k], 64)
				if err != nil {
					t.Fatalf("row %d: %v", i, err)
				}
				*p = v
			}
		}
	}
	return out
}

// perplexity is exp(−1/T Σ log p), written out here.
func perplexity(ps []float64) float64 {
	var s float64
	for _, p := range ps {
		s += math.Log(p)
	}
	return math.Exp(-s / float64(len(ps)))
}

// ngramProbs recomputes, from the exported tokens alone, the add-k
// n-gram's probability of every validation token after the C tokens
// before it, as the page states: counts over the training text's
// positions i ≥ C, V the number of distinct tokens of the corpus.
func ngramProbs(toks []token, C int, k float64) []float64 {
	pair, ctx := map[string]float64{}, map[string]float64{}
	vocab := map[string]bool{}
	key := func(i int) string {
		var parts []string
		for _, tk := range toks[i-C : i] {
			parts = append(parts, tk.text)
		}
		return strings.Join(parts, "\x00")
	}
	for i, tk := range toks {
		vocab[tk.text] = true
		if tk.split == "train" && i >= C {
			ctx[key(i)]++
			pair[key(i)+"\x01"+tk.text]++
		}
	}
	V := float64(len(vocab))
	var out []float64
	for i, tk := range toks {
		if tk.split == "validation" {
			h := key(i)
			out = append(out, (pair[h+"\x01"+tk.text]+k)/(ctx[h]+k*V))
		}
	}
	return out
}

// The numbers anyone can check: metrics.perplexity is exp of the mean
// negative log-likelihood of the validation text under the probabilities
// data.csv reports, and the n-gram's and unigram's are recomputed from
// the exported corpus with add-0.1 smoothing, to 1e-9.
func TestPerplexityFromExport(t *testing.T) {
	for _, q := range []string{"", "level=word&context=2", "model=transformer&context=3", "model=ngram&context=5", "model=rnn&level=word&context=1"} {
		r := scenariotest.NewRun(t, sc, q)
		for step := 0; ; step++ {
			f := scenariotest.Decode[frame](t, r, false)
			toks := corpus(t, r)
			var pm, pn, pu []float64
			for _, tk := range toks {
				if tk.split == "validation" {
					pm, pn, pu = append(pm, tk.pm), append(pn, tk.pn), append(pu, tk.pu)
				}
			}
			near := func(what string, got, want float64) {
				if math.Abs(got-want) > 1e-9*want {
					t.Errorf("%q step %d: %s %.15g, recomputed %.15g", q, f.Step, what, got, want)
				}
			}
			near("perplexity", metric(t, f, "perplexity"), perplexity(pm))
			near("last validation perplexity", f.State.ValPP[len(f.State.ValPP)-1], perplexity(pm))
			C := f.State.Context
			wantN, wantU := ngramProbs(toks, C, 0.1), ngramProbs(toks, 0, 0.1)
			for i := range wantN {
				near("p_ngram", pn[i], wantN[i])
				near("p_unigram", pu[i], wantU[i])
			}
			near("ngram_perplexity", metric(t, f, "ngram_perplexity"), perplexity(wantN))
			near("unigram_perplexity", metric(t, f, "unigram_perplexity"), perplexity(wantU))
			if f.State.Model == "ngram" {
				// Before counting every token is 1/V; after, the n-gram's.
				want := float64(f.State.Vocab)
				if f.Step == 1 {
					want = perplexity(wantN)
				}
				near("n-gram run's perplexity", metric(t, f, "perplexity"), want)
			}
			if f.Done || step == 2 {
				break
			}
			// On to the end of the next epoch.
			for e := f.State.Epoch; !r.Done() && scenariotest.Decode[frame](t, r, false).State.Epoch == e; {
				r.Step()
			}
		}
	}
}

// The neural model's validation perplexity falls below the unigram's by
// the end of its first epoch (second at the word level), at the default
// seed; a long run then overfits the n-gram: its training perplexity is
// far below its validation perplexity.
func TestNeuralBeatsUnigram(t *testing.T) {
	for _, c := range []struct {
		q      string
		epochs int
	}{{"", 1}, {"model=transformer", 1}, {"model=rnn", 1}, {"level=word", 2}, {"level=word&model=transformer", 2}} {
		r := scenariotest.NewRun(t, sc, c.q)
		f := scenariotest.Decode[frame](t, r, false)
		if pp := metric(t, f, "perplexity"); pp < 0.5*float64(f.State.Vocab) {
			t.Errorf("%q: untrained perplexity %.2f, far from a uniform guess's %d", c.q, pp, f.State.Vocab)
		}
		steps := 0
		for f.State.Epoch < c.epochs && steps < 100 {
			r.Step()
			steps++
			f = scenariotest.Decode[frame](t, r, false)
		}
		pp, uni := metric(t, f, "perplexity"), metric(t, f, "unigram_perplexity")
		if pp >= uni {
			t.Errorf("%q: validation perplexity %.2f after %d epochs (%d steps), unigram %.2f", c.q, pp, f.State.Epoch, steps, uni)
		}
		t.Logf("%q: %.2f after %d steps, unigram %.2f, n-gram %.2f", c.q, pp, steps, uni, f.State.NGramVal)
	}
}

// At τ = 0 every continuation is the argmax path: all alike whatever the
// seed, starting with the most probable next token; the tempered bars are
// one-hot. At τ = 1 the tempered bars are the model's own.
func TestTemperatureZeroIsArgmax(t *testing.T) {
	var first []string
	for _, seed := range []string{"1", "2"} {
		r := scenariotest.NewRun(t, sc, "temperature=0&samples=4&level=word&seed="+seed)
		r.Advance(12)
		f := scenariotest.Decode[frame](t, r, false)
		for _, s := range f.State.Samples {
			if s != f.State.Samples[0] {
				t.Errorf("seed %s: continuations differ at τ = 0: %q", seed, f.State.Samples)
			}
		}
		if w := strings.Fields(f.State.Samples[0]); len(w) == 0 || w[0] != f.State.Next[0].Token {
			t.Errorf("seed %s: continuation %q does not start with the argmax %q", seed, f.State.Samples[0], f.State.Next[0].Token)
		}
		for i, n := range f.State.Next {
			if want := map[bool]float64{true: 1, false: 0}[i == 0]; n.Tempered != want {
				t.Errorf("seed %s: tempered bar %d is %v", seed, i, n.Tempered)
			}
		}
		first = append(first, f.State.Samples[0])
	}
	if first[0] == first[1] {
		t.Logf("the greedy paths of seeds 1 and 2 agree: %q", first[0])
	}
	f := scenariotest.Decode[frame](t, scenariotest.NewRun(t, sc, ""), false)
	var sum float64
	for i, n := range f.State.Next {
		sum += n.P
		if n.P != n.Tempered || (i > 0 && n.P > f.State.Next[i-1].P) {
			t.Errorf("τ = 1: bar %d p %v, tempered %v", i, n.P, n.Tempered)
		}
	}
	if sum > 1+1e-12 || len(f.State.Next) != barTokens {
		t.Errorf("%d bars summing to %v", len(f.State.Next), sum)
	}
}

func TestValidation(t *testing.T) {
	scenariotest.RunRejects(t, sc, "level=sentence", "model=gpt", "context=0", "context=9", "context=2.5",
		"temperature=-0.1", "temperature=2.5", "samples=0", "samples=7", "seed=-1",
		"prompt="+strings.Repeat("a", maxPrompt+1), "prompt=the%20cat!", "prompt=%3Cscript%3E",
		"prompt=the%20zebra&level=word", "prompt=jazz", "prompt=", "prompt=%20%20")
	// Unknown tokens are named, in a message that says what is allowed.
	for q, want := range map[string][]string{
		"prompt=the%20zebra%20and%20the%20yak&level=word": {`words "zebra", "yak" are`, "word-level vocabulary", " apple "},
		"prompt=jazz": {`characters "j", "z" are`, "char-level vocabulary", "letters abcdefghiklmnopqrstuvwy"},
	} {
		_, err := scenariotest.TryRun(t, sc, q)
		var pe *lab.ParamError
		if !errors.As(err, &pe) {
			t.Fatalf("%s: %v", q, err)
		}
		for _, w := range want {
			if !strings.Contains(pe.Error(), w) {
				t.Errorf("%s: %q does not say %s", q, pe.Error(), w)
			}
		}
	}
	// The prompt is spelled in lower case.
	r := scenariotest.NewRun(t, sc, "prompt=The%20Dog&level=word")
	if f := scenariotest.Decode[frame](t, r, false); !slices.Equal(f.State.Prompt, []string{"the", "dog"}) || promptParam.Text(r.Values) != "the dog" {
		t.Errorf("prompt tokens %q", f.State.Prompt)
	}
}

func TestDeterminism(t *testing.T) {
	for _, q := range []string{"", "model=transformer&level=word&temperature=1.5&samples=6"} {
		a, _ := scenariotest.SameURLSameFrames(t, sc, q, 6)
		c := scenariotest.NewRun(t, sc, q+"&seed=2")
		c.Advance(6)
		scenariotest.SeedsDiffer(t, a, c)
	}
}

// The frame stays within 32 KB, with the longest prompt and the most
// continuations, at the start, mid-run and at the end; every note spells
// its numbers.
func TestFrameBudget(t *testing.T) {
	long := "the%20dog%20sat%20on%20the%20mat%20and%20the%20cat%20sat" // 40 characters
	// The longest run ends within the scenario's step limit.
	r := scenariotest.NewRun(t, sc, "context=1")
	r.Advance(sc.MaxSteps)
	if f := scenariotest.Decode[frame](t, r, false); f.State.Epoch != Epochs {
		t.Errorf("context=1: %d epochs of %d after %d steps", f.State.Epoch, Epochs, sc.MaxSteps)
	}
	for _, q := range []string{"samples=6&prompt=" + long, "samples=6&level=word&context=8&prompt=" + long, "model=ngram&samples=6"} {
		r := scenariotest.NewRun(t, sc, q)
		for _, n := range []int{0, 30, sc.MaxSteps} {
			if n == sc.MaxSteps && strings.Contains(q, "prompt=") && !strings.Contains(q, "level=word") {
				n = 60 // the character level's full run is long; its frames do not grow
			}
			r.Advance(n - r.StepNumber())
			scenariotest.FrameWithin(t, r, 32<<10, q)
			f := scenariotest.Decode[frame](t, r, false)
			scenariotest.CheckNote(t, f.Note, q)
		}
		if !r.Done() && strings.Contains(q, "level=word") {
			t.Errorf("%q: not done after %d steps", q, r.StepNumber())
		}
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "level=word", "model=transformer")
}

func BenchmarkNewRun(b *testing.B) { scenariotest.BenchNewRun(b, sc) }

// As the explanation says, a long context makes the n-gram score well on
// its training text and badly on new text: the ratio of its validation to
// its training perplexity grows from C = 1 to C = 6, past 2 (char: 1.15 to
// 2.53; word: 2.58 to 10.2).
func TestNGramOverfitsLongContexts(t *testing.T) {
	for _, level := range []string{"char", "word"} {
		var train, val []float64
		for _, C := range []string{"1", "6"} {
			r := scenariotest.NewRun(t, sc, "model=ngram&level="+level+"&context="+C)
			r.Step()
			f := scenariotest.Decode[frame](t, r, false)
			train, val = append(train, metric(t, f, "train_perplexity")), append(val, metric(t, f, "perplexity"))
		}
		if r0, r1 := val[0]/train[0], val[1]/train[1]; !(r1 > r0 && r1 > 2) {
			t.Errorf("%s: training perplexity %v, validation %v at C = 1 and 6", level, train, val)
		}
	}
}
