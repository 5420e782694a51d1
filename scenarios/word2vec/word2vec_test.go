package word2vec

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

type frame struct {
	Step    int                `json:"step"`
	Metrics map[string]float64 `json:"metrics"`
	State   state              `json:"state"`
	Note    string             `json:"note"`
}

// ranked is words ordered by cosine similarity to q, computed here from
// the export alone.
func ranked(words []string, E [][]float64, q []float64, skip ...string) []scored {
	var out []scored
	for i, w := range words {
		if slices.Contains(skip, w) {
			continue
		}
		var dot, nq, ne float64
		for k := range q {
			dot += q[k] * E[i][k]
			nq += q[k] * q[k]
			ne += E[i][k] * E[i][k]
		}
		out = append(out, scored{w, dot / math.Sqrt(nq*ne)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Cosine > out[j].Cosine })
	return out
}

// The check: the nearest neighbours and the analogy's answer on
// the page equal those recomputed from data.csv (word, e1…ed) by cosine
// similarity, at several epochs and settings.
func TestNeighboursAndAnalogyFromExport(t *testing.T) {
	for _, q := range []string{"", "corpus=small&word=rome&analogy=paris-france+japan&dim=5&window=1",
		"corpus=large&word=lamb&analogy=puppy-dog+horse&negatives=1&lr=0.2"} {
		r := scenariotest.NewRun(t, sc, q)
		for _, step := range []int{0, 1, 7} {
			r.Advance(step)
			f := scenariotest.Decode[frame](t, r, false)
			rows := scenariotest.Rows(t, r)
			d := len(rows[0]) - 1
			if rows[0][0] != "word" || rows[0][1] != "e1" || rows[0][d] != "e"+strconv.Itoa(d) || len(rows)-1 != f.State.Words {
				t.Fatalf("%q: data.csv header %v, %d rows for %d words", q, rows[0], len(rows)-1, f.State.Words)
			}
			var words []string
			E := make([][]float64, len(rows)-1)
			index := map[string]int{}
			for i, row := range rows[1:] {
				words = append(words, row[0])
				index[row[0]] = i
				for _, s := range row[1:] {
					v, err := strconv.ParseFloat(s, 64)
					if err != nil {
						t.Fatal(err)
					}
					E[i] = append(E[i], v)
				}
			}
			s := f.State
			want := ranked(words, E, E[index[s.Word]], s.Word)
			for i, n := range s.Neighbours {
				if n.Word != want[i].Word || math.Abs(n.Cosine-want[i].Cosine) > 1e-12 {
					t.Errorf("%q step %d: neighbour %d of %s is %v, recomputed %v", q, step, i+1, s.Word, n, want[i])
				}
			}
			a, _, err := parseAnalogy(analogyText(q))
			if err != nil {
				t.Fatal(err)
			}
			qv := make([]float64, d)
			for k := range qv {
				qv[k] = E[index[a.a]][k] - E[index[a.b]][k] + E[index[a.c]][k]
			}
			cand := ranked(words, E, qv, a.a, a.b, a.c)
			if s.Analogy.Answer != cand[0].Word || math.Abs(s.Analogy.Cosine-cand[0].Cosine) > 1e-12 {
				t.Errorf("%q step %d: answer %s %v, recomputed %v", q, step, s.Analogy.Answer, s.Analogy.Cosine, cand[0])
			}
			rank := slices.IndexFunc(cand, func(c scored) bool { return c.Word == s.Analogy.Expected }) + 1
			if s.Analogy.Expected == "" || rank != s.Analogy.ExpectedRank {
				t.Errorf("%q step %d: expected %q at rank %d, recomputed %d", q, step, s.Analogy.Expected, s.Analogy.ExpectedRank, rank)
			}
			scenariotest.CheckNote(t, f.Note, q)
		}
	}
}

func analogyText(q string) string {
	for _, kv := range strings.Split(q, "&") {
		if v, ok := strings.CutPrefix(kv, "analogy="); ok {
			return v
		}
	}
	return analogyParam.Param().Default
}

// The grammar's analogies come out: at seeds 1, 2 and 3 king − man + woman
// ≈ queen, paris − france + italy ≈ rome and puppy − dog + cat ≈ kitten
// each rank first from epoch 40 on (measured every 10 epochs; at epoch 20
// some still rank 2 or 3); the loss has fallen from its first epoch.
func TestAnalogiesLearned(t *testing.T) {
	for _, seed := range []string{"1", "2", "3"} {
		for _, a := range [][2]string{{"king-man+woman", "queen"}, {"paris-france+italy", "rome"}, {"puppy-dog+cat", "kitten"}} {
			r := scenariotest.NewRun(t, sc, "analogy="+a[0]+"&seed="+seed)
			r.Advance(1)
			first := scenariotest.Decode[frame](t, r, false).State.Loss
			r.Advance(40)
			f := scenariotest.Decode[frame](t, r, false)
			if f.State.Analogy.Answer != a[1] || f.State.Analogy.ExpectedRank != 1 || f.Metrics["expected_rank"] != 1 {
				t.Errorf("seed %s, %s after 40 epochs: %+v", seed, a[0], f.State.Analogy)
			}
			if !(f.State.Loss < first) {
				t.Errorf("seed %s, %s: loss %v after 40 epochs, %v after 1", seed, a[0], f.State.Loss, first)
			}
		}
	}
}

// The window's pairs: a sentence of n words with window w has
// 2·Σ_{g=1..w} (n − g) pairs (fewer when w ≥ n), and the state counts
// them over the corpus.
func TestPairCount(t *testing.T) {
	m0, err := newModel(scenariotest.Values(t, sc, "window=3"))
	if err != nil {
		t.Fatal(err)
	}
	m := m0.(*model)
	want := 0
	for _, s := range m.sentences {
		for g := 1; g <= 3 && g < len(s); g++ {
			want += 2 * (len(s) - g)
		}
	}
	if got := m.Snapshot().State.(state).Pairs; got != want {
		t.Errorf("%d pairs, want %d", got, want)
	}
}

func TestBadParams(t *testing.T) {
	scenariotest.ParseRejects(t, sc, "word=unicorn", "word=Kin%3Cb%3Eg", "word="+strings.Repeat("a", 21), "word=",
		"analogy=king+man-woman", "analogy=king-king+queen", "analogy=king-man+unicorn", "analogy="+strings.Repeat("a", 70),
		"corpus=huge", "window=0", "window=5", "dim=1", "dim=33", "negatives=0", "negatives=11", "lr=0", "lr=0.6", "seed=x")
}

// An unknown word is named in the error; a word with other characters is
// refused without being repeated in the reason.
func TestWordErrors(t *testing.T) {
	if _, _, err := parseOne("unicorn"); err == nil || !strings.Contains(err.Error(), `"unicorn"`) {
		t.Errorf("unknown word: %v", err)
	}
	if _, _, err := parseOne("<b>x"); err == nil || strings.Contains(err.Error(), "<b>") {
		t.Errorf("markup: %v", err)
	}
	if w, canon, err := parseOne(" King "); err != nil || w != "king" || canon != "king" {
		t.Errorf("King: %q %q %v", w, canon, err)
	}
}

func TestSameURLSameFrames(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "seed=3&dim=8", 3)
	c := scenariotest.NewRun(t, sc, "seed=4&dim=8")
	c.Advance(3)
	scenariotest.SeedsDiffer(t, a, c)
}

func TestFrameSize(t *testing.T) {
	for _, q := range []string{"", "dim=32&window=4&negatives=10"} {
		r := scenariotest.NewRun(t, sc, q)
		r.Advance(sc.MaxSteps)
		scenariotest.FrameWithin(t, r, 32<<10, q)
	}
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "dim=32&window=4&negatives=10")
}

// Each corpus holds all 90 words of the grammar, so no word the
// parameters accept is missing from the one chosen.
func TestEveryCorpusHasEveryWord(t *testing.T) {
	if len(vocabulary) != 90 {
		t.Errorf("%d words, want 90", len(vocabulary))
	}
	for _, o := range corpusParam.Param().Options {
		r := scenariotest.NewRun(t, sc, "corpus="+o)
		if f := scenariotest.Decode[frame](t, r, false); f.State.Words != len(vocabulary) {
			t.Errorf("corpus %s: %d words, want %d", o, f.State.Words, len(vocabulary))
		}
	}
}

// The largest η of the range, with the widest window and most negatives,
// blows the embeddings up in the first epoch (loss about 7·10⁴¹): the run
// must stop there with a note naming η, its numbers finite, and every
// panel still drawn (PCA of a growing run overflowed and crashed).
func TestLargeLearningRateDiverges(t *testing.T) {
	const q = "corpus=large&window=4&dim=32&negatives=10&lr=0.5&word=she&analogy=prince-boy+girl&seed=999999"
	note := scenariotest.Diverges(t, sc, q, 10, "η = 0.5", "Lower η")
	if !strings.Contains(note, "Diverged at epoch 1:") {
		t.Errorf("note: %s", note)
	}
	r := scenariotest.NewRun(t, sc, q)
	r.Advance(maxSteps)
	if !r.Done() || r.StepNumber() != 1 {
		t.Fatalf("done %v at step %d, want done at step 1", r.Done(), r.StepNumber())
	}
	f := scenariotest.Decode[frame](t, r, true)
	if f.State.Epoch != 1 || !(f.State.Loss > 1e6*11*math.Ln2) || math.IsInf(f.State.Loss, 0) {
		t.Errorf("epoch %d, loss %g: want epoch 1, a finite loss over 10⁶ times 11·ln 2", f.State.Epoch, f.State.Loss)
	}
	for _, row := range scenariotest.Rows(t, r)[1:] {
		for _, s := range row[1:] {
			if x, err := strconv.ParseFloat(s, 64); err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("data.csv holds %q", s)
			}
		}
	}
}
