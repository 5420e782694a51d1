// Package word2vec is the word-embedding scenario: skip-gram with negative
// sampling on a built-in corpus, one epoch a step, with the window's
// (centre, context) pairs on a sentence, the embeddings projected to 2-D
// by PCA, a word's nearest neighbours and an analogy a − b + c ≈ ?.
package word2vec

import (
	_ "embed"
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/decomp"
	"github.com/mlplayground/playground/internal/ml/embed"
	"github.com/mlplayground/playground/internal/ml/num"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
)

// Settings of the scenario.
const (
	maxSteps = 60
	// vocabularySentences is a corpus size per topic that holds every
	// word, to check words against and colour them by topic.
	vocabularySentences = 120
	maxWordLen          = 20
	neighbours          = 8 // drawn; the state holds them all ranked
	candidates          = 6 // of the analogy, drawn
)

//go:embed explanation.html
var explanation string

// vocabulary is every word of the full corpus: what word and analogy
// accept before the chosen corpus narrows it.
var vocabulary, _ = embed.Vocabulary(embed.Corpus(embed.Topics, len(embed.Topics)*vocabularySentences))

var letters = regexp.MustCompile(`^[a-z]+$`)

// parseWord checks one word: bounded, lower-case letters, in the corpus.
// The error names the word only once it is known to be letters alone.
func parseWord(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return "", fmt.Errorf("an empty word")
	case len(s) > maxWordLen:
		return "", fmt.Errorf("a word longer than %d letters", maxWordLen)
	case !letters.MatchString(s):
		return "", fmt.Errorf("a word may hold only the letters a to z")
	case !slices.Contains(vocabulary, s):
		return "", fmt.Errorf("the word %q is not in the corpus", s)
	}
	return s, nil
}

func parseOne(s string) (string, string, error) {
	w, err := parseWord(s)
	return w, w, err
}

// analogy is a checked a − b + c.
type analogy struct{ a, b, c string }

func (q analogy) String() string { return q.a + "-" + q.b + "+" + q.c }

func parseAnalogy(s string) (analogy, string, error) {
	if len(s) > 3*maxWordLen+4 {
		return analogy{}, "", fmt.Errorf("longer than %d characters", 3*maxWordLen+4)
	}
	minus, rest, ok1 := strings.Cut(s, "-")
	b, c, ok2 := strings.Cut(rest, "+")
	if !ok1 || !ok2 {
		return analogy{}, "", fmt.Errorf("not of the form a-b+c")
	}
	var q analogy
	var err error
	for _, f := range []struct {
		dst *string
		src string
	}{{&q.a, minus}, {&q.b, b}, {&q.c, c}} {
		if *f.dst, err = parseWord(f.src); err != nil {
			return analogy{}, "", err
		}
	}
	if q.a == q.b || q.a == q.c || q.b == q.c {
		return analogy{}, "", fmt.Errorf("the three words must differ")
	}
	return q, q.String(), nil
}

// The parameter table.
var (
	corpusParam = lab.Enum(lab.Param{Name: "corpus", Label: "Corpus", Default: "medium",
		Help: "Sentences from a small grammar written for this page, about kings, queens, princes and commoners; countries, capitals and languages; animals and their young. " +
			"small: 360 sentences, medium: 600, large: 1200, the three topics in turn; each holds all 90 words."},
		lab.Option("small", 120), lab.Option("medium", 200), lab.Option("large", 400))
	windowParam = lab.Int(lab.Param{Name: "window", Label: "Window w", Default: "2", Min: 1, Max: 4, Step: 1,
		Help: "Context words on each side of the centre word: each sentence gives every (centre, context) pair at most w apart."})
	dimParam = lab.Int(lab.Param{Name: "dim", Label: "Dimension d", Default: "16", Min: 2, Max: 32, Step: 1,
		Help: "Size of each word's embedding vector."})
	negativesParam = lab.Int(lab.Param{Name: "negatives", Label: "Negatives k", Default: "5", Min: 1, Max: 10, Step: 1,
		Help: "Random words per pair that the model learns to tell apart from the true context."})
	lrParam = lab.Float(lab.Param{Name: "lr", Label: "Learning rate η", Default: "0.05", Min: 0.001, Max: 0.5, Step: 0.001,
		Help: "SGD step size, one update per (centre, context) pair."})
	wordParam = lab.Text(lab.Param{Name: "word", Label: "Word", Default: "king", Options: []string{"king", "paris", "puppy", "she"},
		Format: "a word of the corpus, lower-case letters",
		Help:   "The word whose nearest neighbours by cosine similarity are listed."}, parseOne)
	analogyParam = lab.Text(lab.Param{Name: "analogy", Label: "Analogy a−b+c", Default: "king-man+woman",
		Options: []string{"king-man+woman", "paris-france+italy", "puppy-dog+cat", "prince-boy+girl"},
		Format:  "three words of the corpus written a-b+c",
		Help:    "The word nearest to v_a − v_b + v_c, other than a, b and c, answers the analogy."}, parseAnalogy)
)

// Scenario returns the word2vec scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "word2vec",
		Title:    "Word embeddings: word2vec",
		Chapter:  chapter,
		Summary:  "Skip-gram with negative sampling learns word vectors from a small corpus: the window's pairs on a sentence, the embeddings in 2-D by PCA, a word's nearest neighbours and king − man + woman ≈ queen.",
		MaxSteps: maxSteps,
		Speed:    4,
		Params:   lab.Params(corpusParam, windowParam, dimParam, negativesParam, lrParam, wordParam, analogyParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "window", Title: "The window on one sentence: (centre, context) pairs"},
			{Name: "pca", Title: "Embeddings projected on their first two principal components"},
			{Name: "neighbours", Title: "Nearest neighbours by cosine similarity"},
			{Name: "analogy", Title: "The analogy a − b + c ≈ ?"},
			{Name: "loss", Title: "Mean loss L per epoch"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one run.
type model struct {
	sgns      *embed.SGNS
	topics    []string
	sentences [][]string
	window    int
	word      string
	q         analogy
	expected  string // the corpus's answer to q, "" when it has none
	loss      []float64
	lr        float64
	// start is the loss where descent begins: with embeddings near 0
	// every one of a pair's 1 + k terms −ln σ(·) is ln 2.
	start    float64
	diverged bool        // the loss exploded (num.Exploded): training stopped
	prevAxes [][]float64 // the last PCA components drawn, to keep their signs
	proj     [][]float64
}

func newModel(v lab.Values) (lab.Model, error) {
	m := &model{topics: embed.Topics, window: windowParam.Get(v), word: wordParam.Get(v), q: analogyParam.Get(v),
		lr: lrParam.Get(v), start: float64(1+negativesParam.Get(v)) * math.Ln2}
	m.sentences = embed.Corpus(m.topics, len(m.topics)*corpusParam.Get(v))
	// Every corpus holds the whole vocabulary (TestEveryCorpusHasEveryWord),
	// so word and analogy, checked against it, are in it.
	for _, a := range embed.Analogies(m.topics) {
		if a.A == m.q.a && a.B == m.q.b && a.C == m.q.c {
			m.expected = a.Answer
		}
	}
	s, err := embed.NewSGNS(rand.New(rand.NewPCG(v.Seed(), 1)), m.sentences, embed.Config{
		Dim: dimParam.Get(v), Window: m.window, Negatives: negativesParam.Get(v), LR: lrParam.Get(v)})
	if err != nil {
		return nil, fmt.Errorf("word2vec: %w", err)
	}
	m.sgns = s
	m.project()
	return m, nil
}

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	m.sgns.Step()
	m.loss = append(m.loss, m.sgns.Loss())
	// Too large an η overshoots at every update and the embeddings grow
	// geometrically; stopping at a millionfold loss keeps the numbers
	// finite, and the PCA picture stays the last one before.
	if num.Exploded(m.sgns.Loss(), m.start) || !finiteRows(m.sgns.In) {
		m.diverged = true
		return nil
	}
	m.project()
	return nil
}

func (m *model) Done() bool { return m.diverged || m.sgns.Epoch() >= maxSteps }

func finiteRows(E [][]float64) bool {
	for _, row := range E {
		for _, x := range row {
			if !num.IsFinite(x) {
				return false
			}
		}
	}
	return true
}

// project runs PCA on the embeddings and keeps each axis pointing the way
// it did last epoch, so the picture does not flip between frames.
func (m *model) project() {
	p, err := decomp.NewPCA(m.sgns.Embeddings(), 2, false)
	if err != nil {
		panic("word2vec: " + err.Error())
	}
	for !p.Done() {
		p.Step()
	}
	axes, scores := p.Components()[:2], p.Scores()
	for k := range 2 {
		flip := m.prevAxes != nil && dot(axes[k], m.prevAxes[k]) < 0
		if m.prevAxes == nil {
			// First epoch: the largest entry positive, a fixed convention.
			flip = axes[k][argmaxAbs(axes[k])] < 0
		}
		if flip {
			for i := range axes[k] {
				axes[k][i] = -axes[k][i]
			}
			for _, s := range scores {
				s[k] = -s[k]
			}
		}
	}
	m.prevAxes, m.proj = axes, scores
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func argmaxAbs(v []float64) int {
	best := 0
	for i := range v {
		if math.Abs(v[i]) > math.Abs(v[best]) {
			best = i
		}
	}
	return best
}

// scored is a word and its cosine similarity, in a frame.
type scored struct {
	Word   string  `json:"word"`
	Cosine float64 `json:"cosine"`
}

func toScored(s []embed.Scored) []scored {
	out := make([]scored, len(s))
	for i, x := range s {
		out[i] = scored{x.Word, x.Cosine}
	}
	return out
}

// analogyState is the analogy's answer in a frame.
type analogyState struct {
	Query  string  `json:"query"`
	Answer string  `json:"answer"`
	Cosine float64 `json:"cosine"`
	// Expected is the corpus's answer ("" when the grammar builds none in)
	// and ExpectedRank its rank among the candidates, 1 the best.
	Expected     string   `json:"expected,omitempty"`
	ExpectedRank int      `json:"expected_rank,omitempty"`
	Top          []scored `json:"top"`
}

// state is the frame's "state".
type state struct {
	Epoch     int     `json:"epoch"`
	Sentences int     `json:"sentences"`
	Words     int     `json:"words"`
	Pairs     int     `json:"pairs"`
	Loss      float64 `json:"loss"`
	Word      string  `json:"word"`
	// Neighbours are the nearest words to Word by cosine similarity of
	// the embeddings in data.csv, the most similar first.
	Neighbours []scored     `json:"neighbours"`
	Analogy    analogyState `json:"analogy"`
	// Sentence is the sentence of the window panel.
	Sentence []string `json:"sentence"`
}

func (m *model) analogy() analogyState {
	r := m.sgns.Solve(m.q.a, m.q.b, m.q.c)
	a := analogyState{Query: m.q.a + " − " + m.q.b + " + " + m.q.c, Answer: r[0].Word, Cosine: r[0].Cosine,
		Expected: m.expected, Top: toScored(r[:candidates])}
	for i, s := range r {
		if s.Word == m.expected {
			a.ExpectedRank = i + 1
		}
	}
	return a
}

func (m *model) sentence() []string { return m.sentences[m.sgns.Epoch()%len(m.sentences)] }

func (m *model) Snapshot() lab.Snapshot {
	s := state{Epoch: m.sgns.Epoch(), Sentences: len(m.sentences), Words: len(m.sgns.Words), Pairs: m.sgns.PairCount(),
		Loss: m.sgns.Loss(), Word: m.word, Neighbours: toScored(m.sgns.Neighbours(m.word)[:neighbours]),
		Analogy: m.analogy(), Sentence: m.sentence()}
	metrics := map[string]float64{"loss": s.Loss, "answer_cosine": s.Analogy.Cosine}
	if s.Analogy.ExpectedRank > 0 {
		metrics["expected_rank"] = float64(s.Analogy.ExpectedRank)
	}
	return lab.Snapshot{Metrics: metrics, State: s, Note: m.note(s)}
}

func f2(v float64) string { return textfmt.Fixed(v, 2) }

func (m *model) note(s state) string {
	var b strings.Builder
	if m.diverged {
		fmt.Fprintf(&b, "Diverged at epoch %d: the mean loss L grew to %s, over a million times its start (1 + k)·ln 2 = %s, and training stopped. "+
			"The learning rate η = %g is too large here: each update overshoots further than the last, so the embeddings grew without bound "+
			"(the PCA panel keeps epoch %d's). Lower η and press Reset.",
			s.Epoch, textfmt.Readable(s.Loss, 3), textfmt.Readable(m.start, 3), m.lr, s.Epoch-1)
		return b.String()
	}
	if s.Epoch == 0 {
		fmt.Fprintf(&b, "Random embeddings before training: %d words, %d sentences, %d (centre, context) pairs with w = %d.",
			s.Words, s.Sentences, s.Pairs, m.window)
	} else {
		fmt.Fprintf(&b, "Epoch %d: every one of the %d (centre, context) pairs once, mean L %s.", s.Epoch, s.Pairs, textfmt.Readable(s.Loss, 3))
	}
	fmt.Fprintf(&b, " Nearest to %s:", s.Word)
	for i, n := range s.Neighbours[:3] {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %s %s", n.Word, f2(n.Cosine))
	}
	a := s.Analogy
	fmt.Fprintf(&b, ". %s ≈ %s (cosine %s)", a.Query, a.Answer, f2(a.Cosine))
	switch {
	case a.Expected == "":
		b.WriteString("; the grammar builds in no answer to this analogy.")
	case a.ExpectedRank == 1:
		fmt.Fprintf(&b, ": right, %s is the corpus's answer.", a.Expected)
	default:
		fmt.Fprintf(&b, "; the corpus's answer %s ranks %d.", a.Expected, a.ExpectedRank)
	}
	return b.String()
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "window":
		return m.plotWindow(), nil
	case "pca":
		return m.plotPCA(), nil
	case "neighbours":
		s := m.sgns.Neighbours(m.word)[:neighbours]
		return plotScores(s, "", "cosine similarity to "+m.word), nil
	case "analogy":
		all := m.sgns.Solve(m.q.a, m.q.b, m.q.c)
		top := slices.Clone(all[:candidates])
		// The corpus's answer, when it ranks lower, as a last lollipop
		// labelled with its rank.
		for i := candidates; i < len(all); i++ {
			if all[i].Word == m.expected {
				top = append(top, embed.Scored{Word: m.expected + " (rank " + strconv.Itoa(i+1) + ")", Cosine: all[i].Cosine})
				return plotScores(top, top[len(top)-1].Word, "cosine to "+m.q.a+" − "+m.q.b+" + "+m.q.c), nil
			}
		}
		return plotScores(top, m.expected, "cosine to "+m.q.a+" − "+m.q.b+" + "+m.q.c), nil
	case "loss":
		return m.plotLoss(), nil
	}
	return nil, fmt.Errorf("word2vec: no panel %q", panel)
}

// plotWindow shows one sentence once per centre word: the centre dark, its
// context words within the window lighter, each row one centre's pairs.
func (m *model) plotWindow() *plot.Plot {
	sent := m.sentence()
	n := len(sent)
	h := viz.Heatmap{Rows: make([]string, n), Cols: make([]string, n)}
	for i := range n {
		row, text := make([]float64, n), make([]string, n)
		for j := range n {
			text[j] = sent[j]
			switch d := i - j; {
			case d == 0:
				row[j] = 1
			case d >= -m.window && d <= m.window:
				row[j] = 0.5
			}
		}
		h.Values, h.Text = append(h.Values, row), append(h.Text, text)
		h.Rows[i] = "centre " + strconv.Itoa(i+1)
		h.Cols[i] = strconv.Itoa(i + 1)
	}
	p := viz.NewPlot("", "position (dark: the centre; mid: its context within w; pale: outside)", "")
	viz.AddHeatmap(p, h)
	return p
}

// colours gives each word the colour of the one topic it belongs to;
// words shared by topics (the, is, …) are left out.
var colours = sync.OnceValue(func() map[string]color.Color {
	seen := map[string]int{}
	for ti, t := range embed.Topics {
		ws, _ := embed.Vocabulary(embed.Corpus([]string{t}, vocabularySentences))
		for _, w := range ws {
			if _, ok := seen[w]; ok {
				seen[w] = -1
			} else {
				seen[w] = ti
			}
		}
	}
	out := map[string]color.Color{}
	for w, ti := range seen {
		if ti >= 0 {
			out[w] = viz.ClassColor(ti)
		}
	}
	return out
})

func (m *model) plotPCA() *plot.Plot {
	p := viz.NewPlot("", "PC 1", "PC 2")
	cols := colours()
	var labels plotter.XYLabels
	classes := make([]int, len(m.proj))
	for i, w := range m.sgns.Words {
		labels.XYs = append(labels.XYs, plotter.XY{X: m.proj[i][0], Y: m.proj[i][1]})
		labels.Labels = append(labels.Labels, w)
		classes[i] = -1
		for ti := range embed.Topics {
			if cols[w] == viz.ClassColor(ti) {
				classes[i] = ti
			}
		}
	}
	viz.AddScatter(p, m.proj, classes, viz.ScatterStyle{Radius: 2.5})
	lp, err := plotter.NewLabels(labels)
	if err == nil {
		for i := range lp.TextStyle {
			lp.TextStyle[i] = p.Legend.TextStyle
			lp.TextStyle[i].Font.Size = p.Legend.TextStyle.Font.Size * 0.8
			lp.TextStyle[i].XAlign = -0.5
			lp.TextStyle[i].YAlign = 0.2
			if c, ok := cols[m.sgns.Words[i]]; ok {
				lp.TextStyle[i].Color = viz.TextInk(c)
			}
		}
		p.Add(lp)
	}
	// Padded by a tenth of the spread, however small: the embeddings start
	// within ±1/(2d), and the picture should fill the panel from the start.
	b := viz.Bounds(m.proj)
	padX, padY := max(b.XMax-b.XMin, 1e-9)/10, max(b.YMax-b.YMin, 1e-9)/10
	b.XMin, b.XMax, b.YMin, b.YMax = b.XMin-padX, b.XMax+3*padX, b.YMin-padY, b.YMax+padY
	viz.SetAxes(p, b)
	return p
}

// plotScores draws ranked words as lollipops of their cosine similarity,
// the expected word (if any) in the second colour.
func plotScores(s []embed.Scored, expected, ylabel string) *plot.Plot {
	p := viz.NewPlot("", "", ylabel)
	ticks := make([]plot.Tick, len(s))
	var pts, hit [][]float64
	for i, x := range s {
		xi := float64(i + 1)
		c := viz.ClassColor(0)
		if x.Word == expected {
			c = viz.ClassColor(1)
			hit = append(hit, []float64{xi, x.Cosine})
		} else {
			pts = append(pts, []float64{xi, x.Cosine})
		}
		viz.AddLine(p, []float64{xi, xi}, []float64{0, x.Cosine}, c, "", false)
		ticks[i] = plot.Tick{Value: xi, Label: x.Word}
	}
	if len(pts) > 0 {
		viz.AddScatter(p, pts, make([]int, len(pts)), viz.ScatterStyle{Radius: 4})
	}
	if len(hit) > 0 {
		viz.AddScatter(p, hit, []int{1}, viz.ScatterStyle{Radius: 5})
	}
	viz.AddHLine(p, 0, "", viz.Neutral)
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = 0.4, float64(len(s))+0.6
	p.Y.Min, p.Y.Max = -1, 1
	return p
}

func (m *model) plotLoss() *plot.Plot {
	p := viz.NewPlot("", "epoch", "mean L per pair")
	vals := append([]float64{math.NaN()}, m.loss...)
	viz.AddHistory(p, 200, viz.Curve{Values: vals, From: 1, Color: viz.ClassColor(0), Dot: 3.5})
	p.X.Min, p.X.Max = 0, max(float64(len(m.loss)), 10)
	p.Y.Min = 0
	top := 0.0
	for _, v := range m.loss {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			top = max(top, v)
		}
	}
	p.Y.Max = max(top*1.1, 1)
	if len(m.loss) == 0 {
		viz.AddNotice(p, "The mean loss L of each epoch appears here,", "one point per epoch from epoch 1 on.")
	}
	return p
}

// Data returns the embeddings: word, e1…ed, one row a word, in order of
// first appearance in the corpus.
func (m *model) Data() [][]string {
	E := m.sgns.Embeddings()
	header := []string{"word"}
	for k := range E[0] {
		header = append(header, "e"+strconv.Itoa(k+1))
	}
	rows := [][]string{header}
	for i, w := range m.sgns.Words {
		row := []string{w}
		for _, x := range E[i] {
			row = append(row, textfmt.Num(x))
		}
		rows = append(rows, row)
	}
	return rows
}
