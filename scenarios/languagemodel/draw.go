package languagemodel

import (
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/mlplayground/playground/internal/textfmt"
)

// addLines writes lines of text top down, left aligned, on a plot without
// axes, at least minLines to the panel's height so that a few lines keep
// together at the top.
func addLines(p *plot.Plot, lines []string, minLines int) {
	p.HideAxes()
	n := max(len(lines), minLines)
	xy := make(plotter.XYs, len(lines))
	for i := range lines {
		xy[i] = plotter.XY{X: 0, Y: float64(n-i) - 0.5}
	}
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xy, Labels: lines})
	if err != nil {
		return
	}
	ts := p.Legend.TextStyle // the house font
	ts.XAlign, ts.YAlign = draw.XLeft, draw.YCenter
	ts.Font.Size = 12
	for i := range l.TextStyle {
		l.TextStyle[i] = ts
	}
	p.Add(l)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, float64(n)
}

// Data returns the corpus, one row a token, with the probability each
// model gives every validation token after its context: what a check of
// the perplexities needs.
func (m *model) Data() [][]string {
	c := m.corpus
	rows := [][]string{{"position", "split", "token", "token_id", "p_model", "p_ngram", "p_unigram"}}
	for i, t := range c.Tokens {
		split, pm, pn, pu := "train", "", "", ""
		if i >= c.NTrain {
			k := i - c.NTrain
			split, pm, pn, pu = "validation", num(m.valP[k]), num(m.ngramP[k]), num(m.unigramP[k])
		}
		rows = append(rows, []string{strconv.Itoa(i), split, c.Vocab[t], strconv.Itoa(t), pm, pn, pu})
	}
	return rows
}

func num(v float64) string { return textfmt.Num(v) }

// wrap cuts text into lines of at most width characters, at spaces where
// it can; the lines after the first are indented.
func wrap(text string, width int) []string {
	var lines []string
	r := []rune(text)
	indent := ""
	for len(r) > width-len(indent) {
		w := width - len(indent)
		cut := strings.LastIndex(string(r[:w]), " ")
		if cut <= 0 {
			cut = w
		} else {
			cut = len([]rune(string(r[:w])[:cut])) + 1 // keep the space on this line
		}
		lines = append(lines, indent+string(r[:cut]))
		r = r[cut:]
		indent = "    "
	}
	return append(lines, indent+string(r))
}
