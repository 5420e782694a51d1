package attention

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/nn"
	"github.com/mlplayground/playground/internal/viz"
)

// The toy embeddings: each word is one of six kinds, and its embedding x
// is the one-hot vector of its kind. Hand-made projections then decide
// who looks for whom: a pronoun or a quality looks for an animate noun, a
// place for the action done to it, an action for who and where, a noun
// for its action and qualities; function words look for nothing in
// particular and so spread their attention evenly.
const (
	animate = iota
	place
	action
	pronoun
	quality
	function
	kinds
)

var kindNames = []string{"animate", "place", "action", "pronoun", "quality", "function"}

// keyNames are the features of query and key vectors: what a word offers
// (key) and what it looks for (query).
var keyNames = []string{"animate", "place", "action", "quality"}

// vocabulary maps each known word to its kind.
var vocabulary = buildVocabulary()

func buildVocabulary() map[string]int {
	vocabulary := map[string]int{}
	for k, words := range [kinds]string{
		animate:  "animal animals dog dogs cat cats bird horse man woman child children tourist tourists king queen friend friends",
		place:    "street road river bridge city town rome paris london park house garden country sea",
		action:   "cross crossed crosses visit visited visits see saw sees like liked likes love loved loves walk walked go went cross crossing",
		pronoun:  "it he she they i we you him her them",
		quality:  "tired wide busy beautiful old young hungry happy big small long narrow quiet sunny",
		function: "the a an because was is are were too very in on at to of and but every didn't did not this that so during spring summer winter autumn day morning",
	} {
		for _, w := range strings.Fields(words) {
			vocabulary[w] = k
		}
	}
	return vocabulary
}

// wq and wk are the query and key projections (kinds × keyNames); the
// values are the embeddings themselves (W_V = I).
var (
	wq = [kinds][4]float64{
		animate:  {0, 0, 3, 3}, // a noun looks for its action and qualities
		place:    {0, 0, 6, 0}, // a place looks for what is done to it
		action:   {3, 3, 0, 0}, // an action looks for who and where
		pronoun:  {6, 0, 0, 0}, // a pronoun looks for the noun it stands for
		quality:  {6, 0, 0, 0}, // a quality looks for what it describes
		function: {0, 0, 0, 0},
	}
	wk = [kinds][4]float64{
		animate: {1, 0, 0, 0},
		place:   {0, 1, 0, 0},
		action:  {0, 0, 1, 0},
		pronoun: {0.5, 0, 0, 0}, // a pronoun is half an entity itself
		quality: {0, 0, 0, 1},
	}
)

// sentence is the sentence part: one pass of scaled dot-product attention.
type sentence struct {
	words           []string
	kinds           []int
	query           int
	chosen          bool // the query was picked as the most concentrated row
	Q, K, V         [][]float64
	scores, weights [][]float64
	output          [][]float64
	dk              int
}

// presets are the ready-made sentences: the course's two examples and
// one more.
var presets = []string{
	"The animal didn't cross the street because it was too tired",
	"I visit Rome in the spring",
	"The tourists crossed the old bridge",
}

// autoQuery asks for the query word to be chosen.
const autoQuery = "auto"

// thirdPerson are the pronouns that stand for a noun of the sentence: the
// query the course's example asks about.
var thirdPerson = []string{"it", "he", "she", "they", "him", "her", "them"}

// punctuation is dropped from a sentence.
const punctuation = ".,;:!?"

// parseSentenceText checks a sentence's length, characters and words and
// returns its words as written, without punctuation, and its canonical
// spelling (single spaces).
func parseSentenceText(text string) ([]string, string, error) {
	if n := utf8.RuneCountInString(text); n > maxSentence {
		return nil, "", fmt.Errorf("%d characters, more than %d", n, maxSentence)
	}
	if strings.ContainsFunc(text, func(r rune) bool {
		return !(r < unicode.MaxASCII && unicode.IsLetter(r) || r == '\'' || r == ' ' || strings.ContainsRune(punctuation, r))
	}) {
		return nil, "", fmt.Errorf("only letters a–z, apostrophes, spaces and %s", strings.Join(strings.Split(punctuation, ""), " "))
	}
	var words, unknown []string
	for _, w := range strings.Fields(strings.Map(func(r rune) rune {
		if strings.ContainsRune(punctuation, r) {
			return ' '
		}
		return r
	}, text)) {
		if _, ok := vocabulary[strings.ToLower(w)]; !ok && !slices.Contains(unknown, w) {
			unknown = append(unknown, w)
		}
		words = append(words, w)
	}
	switch {
	case len(unknown) == 1:
		return nil, "", fmt.Errorf("the word %s is not in the toy vocabulary", unknown[0])
	case len(unknown) > 1:
		return nil, "", fmt.Errorf("the words %s are not in the toy vocabulary", strings.Join(unknown, ", "))
	case len(words) < 2 || len(words) > maxWords:
		return nil, "", fmt.Errorf("%d words", len(words))
	}
	return words, strings.Join(strings.Fields(text), " "), nil
}

// parseQueryText checks a query word's characters; whether it is in the
// sentence is checked with the sentence.
func parseQueryText(text string) (string, string, error) {
	w := strings.TrimSpace(text)
	if w == "" || utf8.RuneCountInString(w) > maxQuery || strings.ContainsFunc(w, func(r rune) bool {
		return !(r < unicode.MaxASCII && unicode.IsLetter(r) || r == '\'')
	}) {
		return "", "", fmt.Errorf("not one word of at most %d letters", maxQuery)
	}
	return w, w, nil
}

func known() []string {
	w := make([]string, 0, len(vocabulary))
	for k := range vocabulary {
		w = append(w, k)
	}
	sort.Strings(w)
	return w
}

// parseSentence returns the sentence's words and their kinds, with the
// query word's place: the one asked for, or -1 for newSentence to choose
// the first pronoun that stands for a noun (it, he, they…), else the word
// whose attention is the most concentrated (the first of equals).
func parseSentence(v lab.Values) (*sentence, error) {
	words := sentenceParam.Get(v)
	m := &sentence{words: words, query: -1, dk: len(keyNames)}
	for _, w := range words {
		m.kinds = append(m.kinds, vocabulary[strings.ToLower(w)])
	}
	if q := queryParam.Get(v); q != autoQuery {
		m.query = slices.IndexFunc(words, func(w string) bool { return strings.EqualFold(w, q) })
		if m.query < 0 {
			return nil, queryParam.Refuse(v, "auto, or a word of the sentence: "+strings.Join(words, ", "))
		}
	}
	return m, nil
}

func newSentence(v lab.Values) (lab.Model, error) {
	m, err := parseSentence(v)
	if err != nil {
		return nil, err
	}
	T, ks := len(m.words), m.kinds
	X := make([]float64, T*kinds)
	Qd, Kd := make([]float64, T*m.dk), make([]float64, T*m.dk)
	for i, k := range ks {
		X[i*kinds+k] = 1
		copy(Qd[i*m.dk:], wq[k][:])
		copy(Kd[i*m.dk:], wk[k][:])
	}
	// The engine's own operation, the one the transformer part trains.
	tp := &nn.Tape{}
	qt, kt, vt := tp.Input(T, m.dk, Qd), tp.Input(T, m.dk, Kd), tp.Input(T, kinds, X)
	out, w := tp.Attention(qt, kt, vt, T, false)
	m.Q, m.K, m.V = rows(qt), rows(kt), rows(vt)
	m.weights, m.output = rows(w), rows(out)
	if m.query < 0 {
		m.chosen = true
		m.query = slices.IndexFunc(m.words, func(w string) bool { return slices.Contains(thirdPerson, strings.ToLower(w)) })
		if m.query < 0 {
			m.query = 0
			for i, row := range m.weights {
				if slices.Max(row) > slices.Max(m.weights[m.query]) {
					m.query = i
				}
			}
		}
	}
	m.scores = make([][]float64, T)
	for i := range T {
		m.scores[i] = make([]float64, T)
		for j := range T {
			var s float64
			for c := range m.dk {
				s += m.Q[i][c] * m.K[j][c]
			}
			m.scores[i][j] = s / math.Sqrt(float64(m.dk))
		}
	}
	return m, nil
}

func rows(t *nn.Tensor) [][]float64 {
	out := make([][]float64, t.Rows)
	for i := range out {
		out[i] = append([]float64(nil), t.Data[i*t.Cols:(i+1)*t.Cols]...)
	}
	return out
}

func (m *sentence) Step() error { return nil }
func (m *sentence) Done() bool  { return true }

// sentenceState is the frame's state of the sentence part: output =
// softmax(Q Kᵀ/√d_k) V holds to rounding.
type sentenceState struct {
	Part      string          `json:"part"`
	Tokens    []string        `json:"tokens"`
	Query     int             `json:"query"` // index into tokens
	DK        int             `json:"d_k"`
	Q         [][]float64     `json:"Q"`
	K         [][]float64     `json:"K"`
	V         [][]float64     `json:"V"`
	Scores    [][]float64     `json:"scores"` // QKᵀ/√d_k
	Attention [][][][]float64 `json:"attention"`
	Output    [][]float64     `json:"output"`
}

func (m *sentence) Snapshot() lab.Snapshot {
	row := m.weights[m.query]
	return lab.Snapshot{
		Metrics: map[string]float64{"max_weight": slices.Max(row)},
		State: sentenceState{Part: "sentence", Tokens: m.words, Query: m.query, DK: m.dk, Q: m.Q, K: m.K, V: m.V,
			Scores: m.scores, Attention: [][][][]float64{{m.weights}}, Output: m.output},
		Note: m.note(),
	}
}

func (m *sentence) note() string {
	row := m.weights[m.query]
	order := make([]int, len(row))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return row[order[a]] > row[order[b]] })
	q := m.words[m.query]
	first, second := order[0], order[1]
	out := m.output[m.query]
	feat := 0
	for c, v := range out {
		if v > out[feat] {
			feat = c
		}
	}
	how := ""
	if m.chosen {
		how = "Query chosen as the first pronoun that stands for a noun, or else the word whose attention is the most concentrated. "
	}
	return how + fmt.Sprintf("“%s” (a %s word) attends most to “%s” (weight %.2f), then to “%s” (%.2f). "+
		"Its output, Σⱼ aⱼ vⱼ, is mostly %s (%.2f): after attention, “%s” carries the meaning of the words it looked at. "+
		"Scores are q·k/√%d; with %d words, equal scores would give each 1/%d = %.2f.",
		q, kindNames[m.kinds[m.query]], m.words[first], row[first], m.words[second], row[second],
		kindNames[feat], out[feat], q, m.dk, len(m.words), len(m.words), 1/float64(len(m.words)))
}

func (m *sentence) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "attention":
		p := viz.NewPlot("softmax(QKᵀ/√dₖ), pale 0 → dark 1", "", "")
		addMatrices(p, []matrix{{Values: m.weights, Rows: m.words, Cols: m.words, Lo: 0, Hi: 1, Mark: m.query, Marked: true,
			Caption: "row “" + m.words[m.query] + "” outlined"}}, 1)
		return p, nil
	case "vectors":
		return m.plotVectors(), nil
	case "progress":
		return m.plotRow(), nil
	}
	return nil, fmt.Errorf("attention: no panel %q", panel)
}

func (m *sentence) plotVectors() *plot.Plot {
	p := viz.NewPlot("Q = XW_Q looks for, K = XW_K offers, V = X, output = AV", "", "")
	scale := func(vals [][]float64) (lo, hi float64) {
		for _, r := range vals {
			for _, v := range r {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		if hi == lo {
			hi = lo + 1
		}
		return lo, hi
	}
	block := func(caption string, vals [][]float64, cols, rows []string) matrix {
		lo, hi := scale(vals)
		return matrix{Values: vals, Rows: rows, Cols: cols, Lo: lo, Hi: hi, Caption: caption, Mark: m.query, Marked: true}
	}
	// One row of blocks: the words label the first, and every block's
	// row is the same word.
	addMatrices(p, []matrix{
		block("Q", m.Q, keyNames, m.words),
		block("K", m.K, keyNames, nil),
		block("V", m.V, kindNames, nil),
		block("output", m.output, kindNames, nil),
	}, 4)
	return p
}

// plotRow draws the query's softmax row as horizontal bars, the first
// word at the top, each with its weight written beside it.
func (m *sentence) plotRow() *plot.Plot {
	q := m.words[m.query]
	p := viz.NewPlot("softmax row of “"+q+"”", "attention weight", "")
	row := m.weights[m.query]
	T := len(row)
	vals := make(plotter.Values, T)
	ticks := make([]plot.Tick, T)
	labels := plotter.XYLabels{XYs: make(plotter.XYs, T), Labels: make([]string, T)}
	for j, w := range row {
		vals[T-1-j] = w
		ticks[j] = plot.Tick{Value: float64(T - 1 - j), Label: m.words[j]}
		labels.XYs[j] = plotter.XY{X: w + 0.02, Y: float64(T - 1 - j)}
		labels.Labels[j] = strconv.FormatFloat(w, 'f', 2, 64)
	}
	// A bar's thickness is in points: about 0.7 of a row of a panel's
	// 200-point data area.
	if bars, err := plotter.NewBarChart(vals, vg.Points(140/float64(T))); err == nil {
		bars.Horizontal = true
		bars.Color = viz.ClassColor(0)
		bars.LineStyle.Width = 0
		p.Add(bars)
	}
	if l, err := plotter.NewLabels(labels); err == nil {
		for i := range l.TextStyle {
			l.TextStyle[i] = p.Y.Tick.Label
			l.TextStyle[i].XAlign, l.TextStyle[i].YAlign = draw.XLeft, draw.YCenter
		}
		p.Add(l)
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Min, p.Y.Max = -0.6, float64(T)-0.4
	p.X.Min, p.X.Max = 0, 1.1
	return p
}

// Data is the toy vocabulary: each word, its kind and its embedding.
func (m *sentence) Data() [][]string {
	rows := [][]string{append([]string{"word", "kind"}, kindNames...)}
	for _, w := range known() {
		r := []string{w, kindNames[vocabulary[w]]}
		for k := range kinds {
			r = append(r, strconv.Itoa(map[bool]int{true: 1}[k == vocabulary[w]]))
		}
		rows = append(rows, r)
	}
	return rows
}
