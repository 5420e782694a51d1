// Package languagemodel is the language model scenario: next-token
// prediction on a corpus written for the playground, a count-based n-gram
// baseline beside a neural model (an LSTM, a vanilla RNN or a tiny causal
// transformer) trained live, perplexity per epoch on the training and the
// validation text, and continuations of a prompt sampled with a
// temperature.
package languagemodel

import (
	_ "embed"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/lm"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
)

// Limits and fixed settings of the scenario.
const (
	// Epochs is the length of a run: passes over the training text.
	Epochs = 8
	// BatchesPerStep is the number of mini-batches of lm.Batch windows one
	// Step trains on; a Step also ends where an epoch ends.
	BatchesPerStep = 2
	// K is the n-gram's add-k smoothing constant.
	K = 0.1
	// maxPrompt bounds the prompt, in characters.
	maxPrompt = 40
	// barTokens is the number of most probable next tokens drawn as bars.
	barTokens = 12
	// Lengths of the sampled continuations, in tokens.
	charSample = 30
	wordSample = 8
	// wrapAt is the longest line of the samples panel, in characters.
	wrapAt = 48
	// maxSteps is the longest run: Epochs at the character level with
	// context 1, 3182 training windows, 100 mini-batches an epoch.
	maxSteps = 400
)

//go:embed explanation.html
var explanation string

// parsePrompt checks the prompt's spelling; whether its tokens are in the
// vocabulary of the chosen level is checked with the level.
func parsePrompt(s string) (string, string, error) {
	if n := len([]rune(s)); n > maxPrompt {
		return "", "", fmt.Errorf("the prompt has %d characters, at most %d are allowed", n, maxPrompt)
	}
	if strings.TrimSpace(s) == "" {
		return "", "", fmt.Errorf("the prompt is empty: write a word or a few letters")
	}
	s = strings.ToLower(s)
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r == ' ' || r == '.') {
			return "", "", fmt.Errorf("the character %q is not in the corpus", r)
		}
	}
	return s, s, nil
}

// The parameter table.
var (
	levelParam = lab.Enum(lab.Param{Name: "level", Label: "Tokens", Default: "char",
		Help: "char: every character (letters, space, full stop) is a token; word: every word and every full stop is a token."},
		lab.Option("char", lm.Char), lab.Option("word", lm.Word))
	modelParam = lab.Enum(lab.Param{Name: "model", Label: "Model", Default: "lstm",
		Help: "lstm or rnn: a recurrent cell reads the context one token at a time (16 hidden units); transformer: one layer of causal self-attention (width 16, 2 heads); " +
			"ngram: the count-based model alone, counted in one step."},
		lab.Option("lstm", lm.LSTM), lab.Option("rnn", lm.RNN), lab.Option("transformer", lm.Transformer), lab.Option("ngram", arch(-1)))
	contextParam = lab.Int(lab.Param{Name: "context", Label: "Context C", Default: "4", Min: 1, Max: 8, Step: 1,
		Help: "The number of tokens before the next one that every model sees; the n-gram is of order C + 1."})
	temperatureParam = lab.Float(lab.Param{Name: "temperature", Label: "Temperature τ", Default: "1", Min: 0, Max: 2, Step: 0.05,
		Help: "Sampling draws from p^(1/τ), renormalised: τ = 1 is the model's own distribution, τ < 1 sharpens it, τ = 0 always takes the most probable token."})
	promptParam = lab.Text(lab.Param{Name: "prompt", Label: "Prompt", Default: "the cat",
		Options: []string{"the cat", "the dog sat on", "in the morning", "the old man"},
		Format:  fmt.Sprintf("up to %d characters: lower-case letters, spaces and full stops, in the corpus's vocabulary", maxPrompt),
		Help:    "The text the continuations start from; it is read after the end of a sentence."},
		parsePrompt)
	samplesParam = lab.Int(lab.Param{Name: "samples", Label: "Continuations", Default: "3", Min: 1, Max: 6, Step: 1,
		Help: "How many continuations of the prompt to sample."})
)

// arch is lm.Arch, with −1 for the n-gram alone.
type arch = lm.Arch

const ngramOnly arch = -1

// Scenario returns the language model scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "language-model",
		Title:    "A language model: n-grams, an LSTM, perplexity and sampling",
		Chapter:  chapter,
		Summary:  "Next-token prediction on a small corpus: an n-gram counted beside a neural model trained live, perplexity per epoch, and continuations of a prompt sampled with a temperature.",
		MaxSteps: maxSteps,
		Speed:    8,
		Params:   lab.Params(levelParam, modelParam, contextParam, temperatureParam, promptParam, samplesParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "perplexity", Title: "Perplexity per epoch: training and validation text"},
			{Name: "next", Title: "Next-token distribution after the prompt"},
			{Name: "samples", Title: "Sampled continuations (the prompt, then |)"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one run.
type model struct {
	corpus  *lm.Corpus
	C       int
	arch    arch
	tau     float64
	seed    uint64
	nSample int

	ngram, unigram       *lm.NGram
	ngramVal, ngramTrain float64
	unigramVal           float64
	ngramP, unigramP     []float64 // per validation token

	net      *lm.Neural
	rng      *rand.Rand
	perm     []int // training positions in this epoch's order
	next     int   // index into perm
	epoch    int   // completed epochs
	batches  int
	nllSum   float64 // this epoch's −log p so far
	nllCount int
	trainPP  []float64 // per epoch, from epoch 1
	valPP    []float64 // per epoch, from epoch 0
	valP     []float64 // the model's p of each validation token at its last evaluation
	counted  bool      // n-gram alone: counted

	prompt  []int
	dist    []float64 // after the prompt, τ = 1
	samples [][]int
}

func newModel(v lab.Values) (lab.Model, error) {
	level := levelParam.Get(v)
	c := lm.Load(level)
	prompt, unknown := c.Tokenize(promptParam.Get(v))
	if len(unknown) > 0 {
		what := map[lm.Level]string{lm.Char: "character", lm.Word: "word"}[level]
		q := make([]string, len(unknown))
		for i, u := range unknown {
			q[i] = strconv.Quote(u)
		}
		verb := " is"
		if len(unknown) > 1 {
			what, verb = what+"s", " are"
		}
		return nil, promptParam.Refuse(v, fmt.Sprintf("the %s %s%s not in the %s-level vocabulary of the corpus; its %d tokens are %s",
			what, strings.Join(q, ", "), verb, levelParam.Text(v), c.V(), vocabList(c)))
	}
	C := contextParam.Get(v)
	m := &model{corpus: c, C: C, arch: modelParam.Get(v), tau: temperatureParam.Get(v), seed: v.Seed(),
		nSample: samplesParam.Get(v), prompt: prompt}
	m.ngram = lm.NewNGram(c, C, K)
	m.unigram = lm.NewNGram(c, 0, K)
	n := len(c.Tokens)
	m.ngramP = m.ngram.Probs(c, c.NTrain, n)
	m.unigramP = m.unigram.Probs(c, c.NTrain, n)
	m.ngramVal, m.unigramVal = lm.Perplexity(m.ngramP), lm.Perplexity(m.unigramP)
	m.ngramTrain = lm.Perplexity(m.ngram.Probs(c, C, c.NTrain))
	m.rng = rand.New(rand.NewPCG(v.Seed(), 1))
	if m.arch != ngramOnly {
		m.net = lm.NewNeural(m.rng, m.arch, C, c.V())
		for i := C; i < c.NTrain; i++ {
			m.perm = append(m.perm, i)
		}
		m.shuffle()
	}
	m.evaluate()
	m.sample()
	return m, nil
}

// vocabList spells the vocabulary for an error message: the characters
// side by side, the words separated by spaces.
func vocabList(c *lm.Corpus) string {
	if c.Level == lm.Char {
		return "the space, the full stop and the letters " + strings.Join(c.Vocab[2:], "")
	}
	return strings.Join(c.Vocab, " ")
}

func (m *model) shuffle() {
	m.rng.Shuffle(len(m.perm), func(i, j int) { m.perm[i], m.perm[j] = m.perm[j], m.perm[i] })
	m.next = 0
}

// current is the model whose numbers the run reports: the network, or the
// n-gram (uniform before it is counted).
func (m *model) current() lm.Model {
	if m.arch == ngramOnly {
		if !m.counted {
			return uniform{v: m.corpus.V(), c: m.C}
		}
		return m.ngram
	}
	return m.net
}

// uniform gives every one of v tokens 1/v after any window of c tokens:
// the n-gram before it has counted anything.
type uniform struct{ v, c int }

func (u uniform) Dists(windows []int) [][]float64 {
	out := make([][]float64, len(windows)/u.c)
	for i := range out {
		out[i] = slices.Repeat([]float64{1 / float64(u.v)}, u.v)
	}
	return out
}

// evaluate measures the validation perplexity of the current model.
func (m *model) evaluate() {
	c := m.corpus
	n := len(c.Tokens)
	switch {
	case m.arch != ngramOnly:
		m.valP = m.net.Probs(c, c.NTrain, n)
	case m.counted:
		m.valP = m.ngramP
	default:
		m.valP = slices.Repeat([]float64{1 / float64(c.V())}, n-c.NTrain)
	}
	m.valPP = append(m.valPP, lm.Perplexity(m.valP))
}

// sample draws the continuations of the prompt, with a generator seeded
// afresh from the seed at every step: the same draws each time, so the
// continuations change only as the model does.
func (m *model) sample() {
	w := m.corpus.PromptWindow(m.prompt, m.C)
	cur := m.current()
	m.dist = cur.Dists(w)[0]
	length := charSample
	if m.corpus.Level == lm.Word {
		length = wordSample
	}
	m.samples = lm.Sample(rand.New(rand.NewPCG(m.seed, 2)), cur, w, m.C, m.nSample, length, m.tau)
}

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	if m.arch == ngramOnly {
		m.counted = true
		m.epoch = 1
		m.trainPP = append(m.trainPP, m.ngramTrain)
		m.evaluate()
		m.sample()
		return nil
	}
	for range BatchesPerStep {
		to := min(m.next+lm.Batch, len(m.perm))
		for _, p := range m.net.TrainBatch(m.corpus, m.perm[m.next:to]) {
			m.nllSum -= math.Log(p)
			m.nllCount++
		}
		m.batches++
		m.next = to
		if m.next == len(m.perm) {
			m.epoch++
			m.trainPP = append(m.trainPP, math.Exp(m.nllSum/float64(m.nllCount)))
			m.nllSum, m.nllCount = 0, 0
			m.evaluate()
			m.shuffle()
			break
		}
	}
	m.sample()
	return nil
}

func (m *model) Done() bool {
	if m.arch == ngramOnly {
		return m.counted
	}
	return m.epoch >= Epochs
}

// token spells a token for a label: the space as ␣.
func (m *model) token(t int) string {
	s := m.corpus.Vocab[t]
	if s == " " {
		return "␣"
	}
	return s
}

// nextToken is one bar of the next-token panel.
type nextToken struct {
	Token    string  `json:"token"`
	P        float64 `json:"p"`
	Tempered float64 `json:"p_tempered"`
}

// state is the frame's "state".
type state struct {
	Level       string      `json:"level"`
	Model       string      `json:"model"`
	Context     int         `json:"context"`
	K           float64     `json:"k"`
	Vocab       int         `json:"vocab_size"`
	TrainTokens int         `json:"train_tokens"`
	ValTokens   int         `json:"validation_tokens"`
	Epoch       int         `json:"epoch"`
	Batches     int         `json:"batches"`
	TrainPP     []float64   `json:"train_perplexity"`
	ValPP       []float64   `json:"validation_perplexity"`
	NGramVal    float64     `json:"ngram_perplexity"`
	NGramTrain  float64     `json:"ngram_train_perplexity"`
	UnigramVal  float64     `json:"unigram_perplexity"`
	Prompt      []string    `json:"prompt_tokens"`
	Temperature float64     `json:"temperature"`
	Next        []nextToken `json:"next"`
	Samples     []string    `json:"samples"`
}

func (m *model) Snapshot() lab.Snapshot {
	s := state{Level: []string{"char", "word"}[m.corpus.Level], Model: m.modelWord(), Context: m.C, K: K, Vocab: m.corpus.V(),
		TrainTokens: m.corpus.NTrain, ValTokens: len(m.corpus.Tokens) - m.corpus.NTrain, Epoch: m.epoch, Batches: m.batches,
		TrainPP: m.trainPP, ValPP: m.valPP, NGramVal: m.ngramVal, NGramTrain: m.ngramTrain, UnigramVal: m.unigramVal,
		Temperature: m.tau, Prompt: []string{}}
	for _, t := range m.prompt {
		s.Prompt = append(s.Prompt, m.corpus.Vocab[t])
	}
	q := lm.Temper(m.dist, m.tau)
	for _, t := range m.top() {
		s.Next = append(s.Next, nextToken{Token: m.corpus.Vocab[t], P: m.dist[t], Tempered: q[t]})
	}
	for _, x := range m.samples {
		s.Samples = append(s.Samples, m.corpus.Join(x))
	}
	metrics := map[string]float64{"epoch": float64(m.epoch), "batches": float64(m.batches),
		"perplexity": m.valPP[len(m.valPP)-1], "train_perplexity": math.NaN(),
		"ngram_perplexity": m.ngramVal, "unigram_perplexity": m.unigramVal}
	if len(m.trainPP) > 0 {
		metrics["train_perplexity"] = m.trainPP[len(m.trainPP)-1]
	}
	return lab.Snapshot{Metrics: metrics, State: s, Note: m.note()}
}

func (m *model) modelName() string {
	return map[arch]string{lm.LSTM: "LSTM", lm.RNN: "RNN", lm.Transformer: "transformer", ngramOnly: "n-gram"}[m.arch]
}

func (m *model) modelWord() string {
	return map[arch]string{lm.LSTM: "lstm", lm.RNN: "rnn", lm.Transformer: "transformer", ngramOnly: "ngram"}[m.arch]
}

// top returns the barTokens most probable next tokens, most probable first
// (the lower index first among ties).
func (m *model) top() []int {
	idx := make([]int, len(m.dist))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case m.dist[a] > m.dist[b]:
			return -1
		case m.dist[a] < m.dist[b]:
			return 1
		}
		return 0
	})
	return idx[:min(barTokens, len(idx))]
}

func f2(v float64) string { return textfmt.Fixed(v, 2) }

func (m *model) note() string {
	var b strings.Builder
	pp := m.valPP[len(m.valPP)-1]
	top := m.top()[0]
	after := fmt.Sprintf(" After the prompt the most probable next token is %q (p = %s).", m.token(top), f2(m.dist[top]))
	baselines := fmt.Sprintf("the %d-gram counted with add-%s smoothing scores %s, the unigram %s",
		m.C+1, textfmt.Num(K), f2(m.ngramVal), f2(m.unigramVal))
	switch {
	case m.arch == ngramOnly && !m.counted:
		fmt.Fprintf(&b, "Nothing counted yet: every one of the %d tokens has p = 1/%d, so the validation perplexity is %d. Step to count the training text.",
			m.corpus.V(), m.corpus.V(), m.corpus.V())
		return b.String()
	case m.arch == ngramOnly:
		fmt.Fprintf(&b, "Counted the %d training tokens: the %d-gram's perplexity is %s on the training text and %s on the validation text; the unigram scores %s.",
			m.corpus.NTrain, m.C+1, f2(m.ngramTrain), f2(m.ngramVal), f2(m.unigramVal))
	case m.batches == 0:
		fmt.Fprintf(&b, "Untrained %s: validation perplexity %s, near the vocabulary size %d (a uniform guess); %s. Step to train on %d mini-batches of %d windows.",
			m.modelName(), f2(pp), m.corpus.V(), baselines, BatchesPerStep, lm.Batch)
	default:
		fmt.Fprintf(&b, "Epoch %d of %d, %d mini-batches: ", min(m.epoch+1, Epochs), Epochs, m.batches)
		if m.epoch > 0 {
			fmt.Fprintf(&b, "after epoch %d the perplexity is %s on the training text and %s on the validation text; %s.",
				m.epoch, f2(m.trainPP[m.epoch-1]), f2(pp), baselines)
		} else {
			fmt.Fprintf(&b, "the validation perplexity is measured at the end of each epoch (%s before training); %s.", f2(pp), baselines)
		}
	}
	b.WriteString(after)
	if m.Done() && m.arch != ngramOnly {
		fmt.Fprintf(&b, " All %d epochs run.", Epochs)
	}
	return b.String()
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "perplexity":
		return m.plotPerplexity(), nil
	case "next":
		return m.plotNext(), nil
	case "samples":
		return m.plotSamples(), nil
	}
	return nil, fmt.Errorf("languagemodel: no panel %q", panel)
}

func (m *model) plotPerplexity() *plot.Plot {
	p := viz.NewPlot("", "epoch", "perplexity")
	viz.AddHLine(p, m.unigramVal, "unigram, validation "+f2(m.unigramVal), viz.Neutral)
	viz.AddHLine(p, m.ngramVal, fmt.Sprintf("%d-gram, validation %s", m.C+1, f2(m.ngramVal)), viz.ClassColor(2))
	epochs := func(from, n int) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(from + i)
		}
		return xs
	}
	if m.arch == ngramOnly {
		if m.counted {
			viz.AddLine(p, []float64{1}, []float64{m.ngramTrain}, viz.ClassColor(0), "training text", false)
		}
	} else {
		if len(m.trainPP) > 0 {
			viz.AddLine(p, epochs(1, len(m.trainPP)), m.trainPP, viz.ClassColor(0), "training text", false)
		}
		viz.AddLine(p, epochs(0, len(m.valPP)), m.valPP, viz.ClassColor(1), "validation text", false)
	}
	p.X.Min, p.X.Max = 0, Epochs
	p.Y.Min = 1
	p.Y.Max = 1.6 * max(float64(m.corpus.V()), slices.Max(m.valPP), m.ngramVal)
	viz.SetLogY(p)
	return p
}

func (m *model) plotNext() *plot.Plot {
	p := viz.NewPlot("", "next token", "probability")
	top := m.top()
	q := lm.Temper(m.dist, m.tau)
	xs, ps, qs := make([]float64, len(top)), make([]float64, len(top)), make([]float64, len(top))
	ticks := make([]plot.Tick, len(top))
	for i, t := range top {
		xs[i], ps[i], qs[i] = float64(i), m.dist[t], q[t]
		ticks[i] = plot.Tick{Value: float64(i), Label: m.token(t)}
	}
	shift := func(d float64) []float64 {
		out := make([]float64, len(xs))
		for i, x := range xs {
			out[i] = x + d
		}
		return out
	}
	viz.AddBars(p, shift(-0.19), ps, 0.36, viz.RegionColor(0), "p, the model")
	viz.AddBars(p, shift(0.19), qs, 0.36, viz.ClassColor(0), "sampled at τ = "+textfmt.Num(m.tau))
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = -0.6, float64(len(top))-0.4
	p.Y.Min, p.Y.Max = 0, 1
	return p
}

func (m *model) plotSamples() *plot.Plot {
	p := viz.NewPlot("", "", "")
	prompt := m.corpus.Join(m.prompt)
	var lines []string
	for i, s := range m.samples {
		cont := m.corpus.Join(s)
		if m.corpus.Level == lm.Word && prompt != "" && !strings.HasPrefix(cont, ".") {
			cont = " " + cont
		}
		lines = append(lines, wrap(fmt.Sprintf("%d. %s|%s", i+1, prompt, cont), wrapAt)...)
	}
	addLines(p, lines, 12)
	return p
}
