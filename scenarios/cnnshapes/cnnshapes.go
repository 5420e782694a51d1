// Package cnnshapes is the CNN tensor shapes scenario: an architecture
// written as text in the URL is built one layer per step, with each
// layer's output shape and parameter count worked out on the page, the
// tensors drawn as boxes, the Keras-style summary table, and what a fully
// connected network of the same widths would cost.
package cnnshapes

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/nn"
)

//go:embed explanation.html
var explanation string

// courseExample is the course's network: three valid 3×3 convolutions
// (32, 64, 64 filters), a 2×2 max pooling after the first two, then
// flatten and two dense layers, on 32×32×3 colour images.
const courseExample = "32x32x3,conv 32 3x3,maxpool,conv 64 3x3,maxpool,conv 64 3x3,flatten,dense 64,dense 10"

// The parameter table.
var (
	archParam = lab.Text(lab.Param{Name: "arch", Label: "Architecture", Default: courseExample,
		Format: "the input shape H×W×C, then layers separated by commas: conv N [K×K] [sS] [valid|same|pP], maxpool|avgpool [K×K] [sS], gap, flatten, dense N, dropout R, residual N [K×K] [sS], inception A B C D (or A R/B R/C D)",
		Options: []string{
			courseExample,
			"28x28x1,conv 32 5x5 same,maxpool,conv 64 5x5 same,maxpool,flatten,dropout 0.5,dense 128,dense 10",
			"32x32x3,conv 64 3x3 same,conv 16 1x1,conv 64 3x3 same,gap,dense 10",
			"32x32x3,conv 32 3x3 s2 same,residual 32,residual 64 s2,gap,dense 10",
			"28x28x192,inception 64 96/128 16/32 32,maxpool 3x3 s2,gap,dense 10",
			"65x65x3,conv 16 5x5 s2 p2,avgpool,conv 32 3x3 p1,maxpool 3x3 s2,flatten,dense 10",
		},
		Help: "One layer per comma, the input shape first. conv 64 3x3 s2 same: 64 filters of 3×3, stride 2, same padding (a convolution without a padding takes the padding setting); maxpool 3x3 s2: 3×3 windows moved by 2 (2×2 by 2 if not given); residual and inception add whole blocks."},
		parseArch)
	paddingParam = lab.Enum(lab.Param{Name: "padding", Label: "Padding", Default: "valid",
		Help: "The padding of a convolution that does not give its own: valid adds none, so a K×K kernel shrinks each side by K − 1; same pads with zeros so that the output keeps the input's size (divided by the stride)."},
		lab.Option("valid", nn.Valid),
		lab.Option("same", nn.Same),
	)
)

// parseArch checks an architecture's words and spells it canonically:
// lower case, "x" for "×", one space between words ("+" read as one),
// layers joined by commas. The shapes are checked again in newModel with the chosen
// padding; here the text must build with valid or with same padding.
func parseArch(text string) (string, string, error) {
	canon := canonicalArch(text)
	_, err := nn.ParseArch(canon, nn.Valid)
	if err != nil {
		if _, errSame := nn.ParseArch(canon, nn.Same); errSame == nil {
			err = nil
		}
	}
	if err != nil {
		return "", "", plainError(err)
	}
	return canon, canon, nil
}

// plainError drops the engine's package prefix from a message shown to
// the user.
func plainError(err error) error {
	return fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "nn: "))
}

func canonicalArch(text string) string {
	for _, sep := range []string{"→", "->", ";", "\n"} {
		text = strings.ReplaceAll(text, sep, ",")
	}
	// "+" is a space as a form writes it in a query.
	r := strings.NewReplacer("(", " ", ")", " ", "×", "x", "*", "x", "=", "", "+", " ")
	var layers []string
	for _, item := range strings.Split(text, ",") {
		words := strings.Fields(strings.ToLower(r.Replace(item)))
		if len(words) == 0 {
			continue
		}
		if len(layers) == 0 { // the input shape: "input 32 x 32 x 3" is 32x32x3
			if words[0] == "input" {
				words = words[1:]
			}
			words = []string{strings.Join(words, "")}
		}
		layers = append(layers, strings.Join(words, " "))
	}
	return strings.Join(layers, ",")
}

// Scenario returns the CNN tensor shapes scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:          "cnn-shapes",
		Title:         "CNN tensor shapes",
		Chapter:       chapter,
		Summary:       "Build a convolutional network layer by layer: each output shape and parameter count worked out, the tensors drawn as boxes, Keras's summary table, and what the same widths would cost fully connected.",
		MaxSteps:      maxRows,
		Speed:         1,
		Deterministic: true,
		Params:        lab.Params(archParam, paddingParam),
		Panels: []lab.Panel{
			{Name: "tensors", Title: "The tensors, layer by layer"},
			{Name: "summary", Title: "Summary, as Keras prints it"},
			{Name: "sharing", Title: "Parameters: shared kernels vs fully connected"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// maxRows bounds the summary, blocks written out layer by layer, so that
// a frame listing every layer stays within 32 KB.
const maxRows = 80

// model is one architecture, shown up to a layer.
type model struct {
	arch  *nn.Arch
	pad   string
	shown int // layers added so far
}

func newModel(v lab.Values) (lab.Model, error) {
	arch, err := nn.ParseArch(archParam.Get(v), paddingParam.Get(v))
	if err != nil {
		return nil, archParam.Refuse(v, fmt.Sprintf("with padding %s: %v", paddingParam.Text(v), plainError(err)))
	}
	if n := len(arch.Layers); n > maxRows {
		return nil, archParam.Refuse(v, fmt.Sprintf("%d layers once the blocks are written out layer by layer, at most %d", n, maxRows))
	}
	return &model{arch: arch, pad: paddingParam.Text(v)}, nil
}

func (m *model) Step() error {
	if !m.Done() {
		m.shown++
	}
	return nil
}

func (m *model) Done() bool { return m.shown == len(m.arch.Layers) }

// layerState is one row of the summary, as Keras's model.summary() gives
// it, with the fully connected count beside it.
type layerState struct {
	Name           string `json:"name"`
	Kind           string `json:"kind"`
	Block          string `json:"block,omitempty"`
	OutputShape    []int  `json:"output_shape"`
	Params         int    `json:"params"`
	FullyConnected int    `json:"fully_connected,omitempty"`
}

type state struct {
	Input       []int        `json:"input_shape"`
	Layers      []layerState `json:"layers"`
	TotalParams int          `json:"total_params"`
	// TotalFullyConnected adds up the fully connected counts of the layers
	// with weights.
	TotalFullyConnected int `json:"total_fully_connected"`
}

func (m *model) state() state {
	in := m.arch.Input
	s := state{Input: []int{in.H, in.W, in.C}, Layers: []layerState{}}
	for _, l := range m.arch.Layers[:m.shown] {
		s.Layers = append(s.Layers, layerState{Name: l.Name, Kind: l.Kind, Block: l.Block, OutputShape: l.Output,
			Params: l.Params, FullyConnected: l.FullyConnected})
		s.TotalParams += l.Params
		s.TotalFullyConnected += l.FullyConnected
	}
	return s
}

func (m *model) Snapshot() lab.Snapshot {
	s := m.state()
	return lab.Snapshot{
		Metrics: map[string]float64{"total_params": float64(s.TotalParams), "fully_connected_params": float64(s.TotalFullyConnected)},
		State:   s,
		Note:    m.note(s),
	}
}

// group writes n with thin spaces between groups of three digits: 122 570.
func group(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune(' ')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// shapeText writes an output shape as 30×30×32 or 1024.
func shapeText(s []int) string {
	parts := make([]string, len(s))
	for i, n := range s {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, "×")
}

func (m *model) note(s state) string {
	in := m.arch.Input
	if m.shown == 0 {
		return fmt.Sprintf("Input: %d×%d×%d = %s values per image; %d layers to add (padding %s where a convolution gives none). Step adds one.",
			in.H, in.W, in.C, group(in.Size()), len(m.arch.Layers), m.pad)
	}
	l := m.arch.Layers[m.shown-1]
	var b strings.Builder
	fmt.Fprintf(&b, "Layer %d, %s", m.shown, l.Name)
	if l.Block != "" {
		fmt.Fprintf(&b, " in block %s (%s)", l.Block, l.Text)
	} else {
		fmt.Fprintf(&b, " (%s)", l.Text)
	}
	fmt.Fprintf(&b, ": output %s", shapeText(l.Output))
	switch {
	case l.Kind == "dense":
		b.WriteString(", one value per unit")
	case l.Kind == "dropout":
		b.WriteString(", the shape unchanged")
	case strings.HasPrefix(l.ShapeFormula, "height"):
		fmt.Fprintf(&b, ", %s", l.ShapeFormula)
	case l.Kind == "conv" || l.Kind == "maxpool" || l.Kind == "avgpool":
		fmt.Fprintf(&b, ", each side %s", l.ShapeFormula)
	default:
		fmt.Fprintf(&b, " (%s)", l.ShapeFormula)
	}
	switch {
	case l.ParamsFormula != "":
		fmt.Fprintf(&b, "; parameters %s", strings.ReplaceAll(l.ParamsFormula, strconv.Itoa(l.Params), group(l.Params)))
		if l.Kind != "dense" {
			fmt.Fprintf(&b, ", where a fully connected layer between the same shapes would need %s", group(l.FullyConnected))
		}
	case l.Kind == "dropout":
		b.WriteString("; no parameters: dropout zeroes a random share of the values while training")
	default:
		b.WriteString("; no parameters")
	}
	fmt.Fprintf(&b, ". Total so far %s", group(s.TotalParams))
	if m.Done() {
		fmt.Fprintf(&b, "; that is the whole network, against %s fully connected.", group(s.TotalFullyConnected))
	} else {
		b.WriteString(".")
	}
	return b.String()
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "tensors":
		return m.plotTensors(), nil
	case "summary":
		return m.plotSummary(), nil
	case "sharing":
		return m.plotSharing(), nil
	}
	return nil, fmt.Errorf("cnnshapes: no panel %q", panel)
}

// Data is the summary table with its formulas.
func (m *model) Data() [][]string {
	rows := [][]string{{"name", "kind", "block", "output_shape", "params", "fully_connected", "shape_formula", "params_formula"}}
	for _, l := range m.arch.Layers {
		rows = append(rows, []string{l.Name, l.Kind, l.Block, shapeText(l.Output), strconv.Itoa(l.Params),
			strconv.Itoa(l.FullyConnected), l.ShapeFormula, l.ParamsFormula})
	}
	return rows
}
