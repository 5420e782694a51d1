package nn

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// An architecture written as text, and every layer's output shape and
// parameter count as Keras's model.summary() reports them.
//
// Layers are separated by "→", "->", "," or ";" and start with the input
// shape, H×W×C (or H×W for one channel; "x" works for "×"). Each layer is
// a word and its settings, in any order, parentheses and activation names
// (relu, tanh, …) ignored:
//
//	conv N [K×K] [sS] [valid|same|pP]   N filters, kernel K×K (3×3 if not
//	                                    given), stride S (1), padding P
//	maxpool [K×K] [sS] [valid|same|pP]  window K×K (2×2), stride S (K),
//	avgpool …                           padding valid unless given
//	gap                                 global average pooling
//	flatten [N]                         N, if given, must be the size
//	dense N
//	dropout R                           0 ≤ R < 1
//	residual N [K×K] [sS]               conv N K×K stride S same → conv N
//	                                    K×K same, plus the input (through a
//	                                    1×1 conv N stride S when its shape
//	                                    differs), added
//	inception A B C D                   GoogLeNet's block: 1×1 conv A ‖ 3×3
//	                                    conv B ‖ 5×5 conv C ‖ 3×3 max pool
//	                                    stride 1 → 1×1 conv D, concatenated;
//	                                    "R/B" puts a 1×1 conv R before the
//	                                    3×3 (and "R/C" before the 5×5)
//
// so the course's example reads
//
//	32×32×3 → Conv 32 (3×3) → MaxPool → Conv 64 → MaxPool → Conv 64 → Flatten (1024) → Dense 64 → Dense 10
//
// A convolution's output along each direction is (in − K + 2P)/S + 1 for
// padding P (valid is P = 0), and ⌈in/S⌉ for same padding; one that is not
// a whole number (the stride does not tile the padded input) or is below
// 1 is refused. A pooling drops the rows and columns left over, as Keras
// does, ⌊(in − K + 2P)/S⌋ + 1, so 13 → 6 with 2×2 pooling. The blocks' own
// convolutions use same padding.
//
// A convolution has (K·K·C + 1)·N parameters (a weight per kernel value
// and input channel, and a bias, per filter), a dense layer (n + 1)·N,
// every other layer none. Keras would also accept a dense layer on a
// feature map (acting on the channels); here it needs flatten or gap
// first, as a first course expects.

// ArchLayer is one row of the summary.
type ArchLayer struct {
	Name   string // Keras's: conv2d, conv2d_1, max_pooling2d, dense, …
	Kind   string // conv, maxpool, avgpool, gap, flatten, dense, dropout, add, concat
	Block  string // the residual or inception block it belongs to, or ""
	Text   string // the layer as written (the block's, for a block's layers)
	Output []int  // [h, w, c] for a feature map, [n] for a vector
	Params int
	// ShapeFormula and ParamsFormula show the arithmetic, e.g.
	// "(32 − 3 + 2·0)/1 + 1 = 30" and "(3·3·3 + 1)·32 = 896".
	ShapeFormula, ParamsFormula string
	// FullyConnected is the parameter count of a dense layer joining every
	// input value to every output value, (in + 1)·out, for the layers
	// that have weights: what sharing a kernel across positions saves.
	FullyConnected int
}

// Arch is a parsed architecture.
type Arch struct {
	Input       Shape
	Layers      []ArchLayer
	TotalParams int
}

// Limits that keep every count within an int and a summary readable.
const (
	maxArchLayers = 100
	maxArchSide   = 512  // input height and width
	maxArchWidth  = 4096 // channels, filters, units
	maxArchKernel = 64   // kernel side and stride
)

// ParseArch reads an architecture; pad is the padding of a convolution
// that does not give one. The error names the layer and the arithmetic
// that refused it.
func ParseArch(text string, pad Padding) (*Arch, error) {
	items := splitArch(text)
	if len(items) == 0 {
		return nil, fmt.Errorf("nn: empty architecture: start with the input shape, e.g. 32×32×3")
	}
	if len(items) > maxArchLayers {
		return nil, fmt.Errorf("nn: %d layers, at most %d", len(items), maxArchLayers)
	}
	in, err := parseInput(items[0])
	if err != nil {
		return nil, err
	}
	b := &archBuilder{arch: &Arch{Input: in}, shape: in, names: map[string]int{}, pad: pad}
	for _, item := range items[1:] {
		if err := b.layer(item); err != nil {
			return nil, err
		}
	}
	for _, l := range b.arch.Layers {
		b.arch.TotalParams += l.Params
	}
	return b.arch, nil
}

func splitArch(text string) []string {
	for _, sep := range []string{"→", "->", ";", "\n"} {
		text = strings.ReplaceAll(text, sep, ",")
	}
	var items []string
	for _, s := range strings.Split(text, ",") {
		if s = strings.TrimSpace(s); s != "" {
			items = append(items, s)
		}
	}
	return items
}

// fields splits a layer into lower-case words, parentheses dropped, "×"
// and "*" read as "x".
func fields(item string) []string {
	r := strings.NewReplacer("(", " ", ")", " ", "×", "x", "*", "x", "=", "")
	return strings.Fields(strings.ToLower(r.Replace(item)))
}

func parseInput(item string) (Shape, error) {
	f := fields(item)
	if len(f) > 0 && f[0] == "input" {
		f = f[1:]
	}
	if len(f) > 0 {
		dims, ok := parseDims(strings.Join(f, "")) // "32 × 32 × 3" too
		if ok && (len(dims) == 2 || len(dims) == 3) {
			s := Shape{dims[0], dims[1], 1}
			if len(dims) == 3 {
				s.C = dims[2]
			}
			if s.H > maxArchSide || s.W > maxArchSide || s.C > maxArchWidth {
				return s, fmt.Errorf("nn: input %v: at most %d×%d×%d", s, maxArchSide, maxArchSide, maxArchWidth)
			}
			return s, nil
		}
	}
	return Shape{}, fmt.Errorf("nn: the architecture starts with the input shape H×W×C, e.g. 32×32×3, not %q", item)
}

// parseDims reads "32x32x3" (every part at least 1).
func parseDims(s string) ([]int, bool) {
	var dims []int
	for _, p := range strings.Split(s, "x") {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return nil, false
		}
		dims = append(dims, n)
	}
	return dims, true
}

type archBuilder struct {
	arch  *Arch
	shape Shape // the current feature map, or Shape{1, 1, n} with flat set
	flat  bool
	names map[string]int
	pad   Padding
}

// name returns Keras's name for the next layer of a class: conv2d,
// conv2d_1, conv2d_2, …
func (b *archBuilder) name(base string) string {
	n := b.names[base]
	b.names[base]++
	if n == 0 {
		return base
	}
	return fmt.Sprintf("%s_%d", base, n)
}

func (b *archBuilder) output() []int {
	if b.flat {
		return []int{b.shape.C}
	}
	return []int{b.shape.H, b.shape.W, b.shape.C}
}

// layerSettings are the settings a layer's words can give.
type layerSettings struct {
	counts         []int // bare numbers, in order
	ratio          string
	kh, kw, stride int
	pad            Padding
	padSet         bool
	reduced        [][2]int // inception's "R/N" and plain "N"
}

func parseSettings(words []string, what string) (layerSettings, error) {
	s := layerSettings{}
	bad := func(w string) error { return fmt.Errorf("nn: %s: cannot read %q", what, w) }
	for i := 0; i < len(words); i++ {
		w := words[i]
		if _, ok := Activations[w]; ok || w == "softmax" {
			continue // an activation changes no shape and adds no parameter
		}
		// "stride 2", "padding 1": the number is the next word.
		if (w == "stride" || w == "s" || w == "padding" || w == "pad" || w == "p") && i+1 < len(words) {
			i++
			w += words[i]
		}
		switch {
		case w == "same":
			s.pad, s.padSet = Same, true
		case w == "valid":
			s.pad, s.padSet = Valid, true
		case strings.Contains(w, "/"):
			r, n, _ := strings.Cut(w, "/")
			ri, e1 := strconv.Atoi(r)
			ni, e2 := strconv.Atoi(n)
			if e1 != nil || e2 != nil || ri < 1 || ni < 1 {
				return s, bad(w)
			}
			s.reduced = append(s.reduced, [2]int{ri, ni})
		case strings.Contains(w, "x"):
			d, ok := parseDims(w)
			if !ok || len(d) != 2 {
				return s, bad(w)
			}
			s.kh, s.kw = d[0], d[1]
		case strings.Contains(w, "."):
			s.ratio = w
		default:
			word := strings.TrimLeftFunc(w, unicode.IsLetter)
			n, err := strconv.Atoi(word)
			if err != nil || n < 0 {
				return s, bad(w)
			}
			switch strings.TrimSuffix(w, word) {
			case "":
				s.counts = append(s.counts, n)
				s.reduced = append(s.reduced, [2]int{0, n})
			case "s", "stride":
				if n < 1 {
					return s, fmt.Errorf("nn: %s: stride %d, want at least 1", what, n)
				}
				s.stride = n
			case "p", "pad", "padding":
				s.pad, s.padSet = Padding(n), true
			default:
				return s, bad(w)
			}
		}
	}
	return s, nil
}

func (b *archBuilder) layer(item string) error {
	words := fields(item)
	label := fmt.Sprintf("%q", item)
	if len(words) == 0 {
		return fmt.Errorf("nn: %s is not a layer", label)
	}
	kind := words[0]
	s, err := parseSettings(words[1:], label)
	if err != nil {
		return err
	}
	needMap := func() error {
		if b.flat {
			return fmt.Errorf("nn: %s needs a feature map, but after flatten or gap the data is a vector of %d", label, b.shape.C)
		}
		return nil
	}
	switch kind {
	case "conv", "conv2d", "convolution":
		if err := needMap(); err != nil {
			return err
		}
		if len(s.counts) != 1 {
			return fmt.Errorf("nn: %s: give the number of filters once, e.g. conv 32 3×3", label)
		}
		if s.kh == 0 {
			s.kh, s.kw = 3, 3
		}
		if !s.padSet {
			s.pad = b.pad
		}
		return b.conv(item, "", s.counts[0], Window{s.kh, s.kw, max(s.stride, 1), s.pad})
	case "maxpool", "pool", "maxpooling", "maxpool2d", "avgpool", "averagepool", "avgpool2d", "averagepooling":
		if err := needMap(); err != nil {
			return err
		}
		if s.kh == 0 {
			s.kh, s.kw = 2, 2
			if len(s.counts) == 1 {
				s.kh, s.kw = s.counts[0], s.counts[0]
			}
		}
		if len(s.counts) > 1 || (len(s.counts) == 1 && s.counts[0] != s.kh) {
			return fmt.Errorf("nn: %s: give the window once, e.g. maxpool 2 or maxpool 3×3 s2", label)
		}
		if s.stride == 0 {
			s.stride = s.kh
		}
		avg := strings.HasPrefix(kind, "avg") || strings.HasPrefix(kind, "average")
		return b.pool(item, "", Window{s.kh, s.kw, s.stride, s.pad}, avg)
	case "gap", "globalavgpool", "globalaveragepooling", "globalaveragepooling2d":
		if err := needMap(); err != nil {
			return err
		}
		in := b.shape
		b.shape, b.flat = Shape{1, 1, in.C}, true
		b.add(ArchLayer{Name: b.name("global_average_pooling2d"), Kind: "gap", Text: item,
			ShapeFormula: fmt.Sprintf("average of each channel over %d×%d → %d", in.H, in.W, in.C)})
		return nil
	case "flatten":
		n := b.shape.Size()
		f := fmt.Sprintf("%d·%d·%d = %d", b.shape.H, b.shape.W, b.shape.C, n)
		if b.flat {
			f = fmt.Sprintf("%d", n)
		}
		if len(s.counts) == 1 && s.counts[0] != n {
			return fmt.Errorf("nn: %s: the map flattens to %s values, not %d", label, f, s.counts[0])
		}
		b.shape, b.flat = Shape{1, 1, n}, true
		b.add(ArchLayer{Name: b.name("flatten"), Kind: "flatten", Text: item, ShapeFormula: f})
		return nil
	case "dense", "fc", "linear":
		if !b.flat {
			return fmt.Errorf("nn: %s: a dense layer takes a vector; put flatten (%d·%d·%d = %d values) or gap before it",
				label, b.shape.H, b.shape.W, b.shape.C, b.shape.Size())
		}
		if len(s.counts) != 1 || s.counts[0] < 1 || s.counts[0] > maxArchWidth {
			return fmt.Errorf("nn: %s: give the number of units, 1 to %d", label, maxArchWidth)
		}
		n, out := b.shape.C, s.counts[0]
		b.shape = Shape{1, 1, out}
		b.add(ArchLayer{Name: b.name("dense"), Kind: "dense", Text: item, Params: (n + 1) * out,
			ShapeFormula:   fmt.Sprintf("%d", out),
			ParamsFormula:  fmt.Sprintf("(%d + 1)·%d = %d", n, out, (n+1)*out),
			FullyConnected: (n + 1) * out})
		return nil
	case "dropout":
		r, err := strconv.ParseFloat(s.ratio, 64)
		if len(s.counts) == 1 && s.ratio == "" {
			r, err = float64(s.counts[0]), nil
		}
		if err != nil || r < 0 || r >= 1 {
			return fmt.Errorf("nn: %s: give the rate, 0 ≤ R < 1, e.g. dropout 0.5", label)
		}
		b.add(ArchLayer{Name: b.name("dropout"), Kind: "dropout", Text: item, ShapeFormula: "unchanged"})
		return nil
	case "residual", "res", "resblock":
		if err := needMap(); err != nil {
			return err
		}
		if len(s.counts) != 1 {
			return fmt.Errorf("nn: %s: give the number of filters once, e.g. residual 64 3×3", label)
		}
		if s.kh == 0 {
			s.kh, s.kw = 3, 3
		}
		return b.residual(item, s.counts[0], s.kh, s.kw, max(s.stride, 1))
	case "inception":
		if err := needMap(); err != nil {
			return err
		}
		if len(s.reduced) != 4 || s.reduced[0][0] != 0 || s.reduced[3][0] != 0 {
			return fmt.Errorf("nn: %s: give four branch widths, e.g. inception 64 96/128 16/32 32 (1×1, [1×1 →] 3×3, [1×1 →] 5×5, pool → 1×1)", label)
		}
		return b.inception(item, s.reduced)
	}
	return fmt.Errorf("nn: %s: unknown layer %q (conv, maxpool, avgpool, gap, flatten, dense, dropout, residual, inception)", label, kind)
}

func (b *archBuilder) add(l ArchLayer) {
	l.Output = b.output()
	b.arch.Layers = append(b.arch.Layers, l)
}

// dim is one direction of a convolution or pooling: the output size and
// its formula, or an error with the arithmetic.
func dim(in, k, s int, pad Padding, floor bool) (int, string, error) {
	if pad == Same {
		out := (in + s - 1) / s
		if s == 1 {
			return out, fmt.Sprintf("%d (same, stride 1)", out), nil
		}
		return out, fmt.Sprintf("⌈%d/%d⌉ = %d", in, s, out), nil
	}
	p := int(pad)
	num := in - k + 2*p
	expr := fmt.Sprintf("(%d − %d + 2·%d)/%d + 1", in, k, p, s)
	if num < 0 {
		v := float64(num)/float64(s) + 1
		return 0, "", fmt.Errorf("%s = %s < 1: the %d-wide window is wider than the %d-wide input with padding %d",
			expr, strconv.FormatFloat(v, 'g', 4, 64), k, in, p)
	}
	out := num/s + 1
	if num%s != 0 {
		if !floor {
			return 0, "", fmt.Errorf("%s = %s is not a whole number: stride %d does not tile the padded input (%d − %d + 2·%d = %d is not a multiple of %d)",
				expr, strconv.FormatFloat(float64(num)/float64(s)+1, 'g', 6, 64), s, in, k, p, num, s)
		}
		return out, fmt.Sprintf("⌊(%d − %d + 2·%d)/%d⌋ + 1 = %d (%d left over)", in, k, p, s, out, num%s), nil
	}
	return out, fmt.Sprintf("%s = %d", expr, out), nil
}

// window2 applies dim in both directions, naming the layer in an error.
func (b *archBuilder) window2(name, text string, w Window, floor bool) (int, int, string, error) {
	if w.KH < 1 || w.KW < 1 || w.KH > maxArchKernel || w.KW > maxArchKernel || w.Stride < 1 || w.Stride > maxArchKernel {
		return 0, 0, "", fmt.Errorf("nn: %s (%q): window %d×%d stride %d, each 1 to %d", name, text, w.KH, w.KW, w.Stride, maxArchKernel)
	}
	if w.Pad > Padding(maxArchKernel) {
		return 0, 0, "", fmt.Errorf("nn: %s (%q): padding %d, at most %d", name, text, int(w.Pad), maxArchKernel)
	}
	oh, fh, err := dim(b.shape.H, w.KH, w.Stride, w.Pad, floor)
	if err != nil {
		return 0, 0, "", fmt.Errorf("nn: %s (%q), height: %w", name, text, err)
	}
	ow, fw, err := dim(b.shape.W, w.KW, w.Stride, w.Pad, floor)
	if err != nil {
		return 0, 0, "", fmt.Errorf("nn: %s (%q), width: %w", name, text, err)
	}
	if oh > maxArchSide || ow > maxArchSide {
		return 0, 0, "", fmt.Errorf("nn: %s (%q): the padding grows the map to %d×%d, at most %d×%d", name, text, oh, ow, maxArchSide, maxArchSide)
	}
	f := fh
	if fw != fh {
		f = "height " + fh + ", width " + fw
	}
	return oh, ow, f, nil
}

func (b *archBuilder) conv(text, block string, filters int, w Window) error {
	name := b.name("conv2d")
	if filters < 1 || filters > maxArchWidth {
		return fmt.Errorf("nn: %s (%q): %d filters, 1 to %d", name, text, filters, maxArchWidth)
	}
	oh, ow, f, err := b.window2(name, text, w, false)
	if err != nil {
		return err
	}
	in := b.shape
	params := (w.KH*w.KW*in.C + 1) * filters
	b.shape = Shape{oh, ow, filters}
	b.add(ArchLayer{Name: name, Kind: "conv", Block: block, Text: text, Params: params,
		ShapeFormula:   f,
		ParamsFormula:  fmt.Sprintf("(%d·%d·%d + 1)·%d = %d", w.KH, w.KW, in.C, filters, params),
		FullyConnected: (in.Size() + 1) * b.shape.Size()})
	return nil
}

func (b *archBuilder) pool(text, block string, w Window, avg bool) error {
	base, kind := "max_pooling2d", "maxpool"
	if avg {
		base, kind = "average_pooling2d", "avgpool"
	}
	name := b.name(base)
	if w.Pad != Same && (int(w.Pad) >= w.KH || int(w.Pad) >= w.KW) {
		return fmt.Errorf("nn: %s (%q): padding %d with a %d×%d window: a window could hold nothing but padding", name, text, int(w.Pad), w.KH, w.KW)
	}
	oh, ow, f, err := b.window2(name, text, w, true)
	if err != nil {
		return err
	}
	b.shape = Shape{oh, ow, b.shape.C}
	b.add(ArchLayer{Name: name, Kind: kind, Block: block, Text: text, ShapeFormula: f})
	return nil
}

// residual adds He et al.'s (2016) basic block.
func (b *archBuilder) residual(text string, filters, kh, kw, stride int) error {
	block := fmt.Sprintf("residual %d", b.names["add"]+1)
	in := b.shape
	if err := b.conv(text, block, filters, Window{kh, kw, stride, Same}); err != nil {
		return err
	}
	if err := b.conv(text, block, filters, Window{kh, kw, 1, Same}); err != nil {
		return err
	}
	main := b.shape
	if main != in {
		b.shape = in
		if err := b.conv(text, block, filters, Window{1, 1, stride, Same}); err != nil {
			return err
		}
	}
	b.add(ArchLayer{Name: b.name("add"), Kind: "add", Block: block, Text: text,
		ShapeFormula: fmt.Sprintf("%v + %v", main, b.shape)})
	return nil
}

// inception adds Szegedy et al.'s (2015) block, branch by branch.
func (b *archBuilder) inception(text string, widths [][2]int) error {
	block := fmt.Sprintf("inception %d", b.names["concatenate"]+1)
	in := b.shape
	var outs []string
	total := 0
	branch := func(steps func() error) error {
		b.shape = in
		if err := steps(); err != nil {
			return err
		}
		outs = append(outs, strconv.Itoa(b.shape.C))
		total += b.shape.C
		return nil
	}
	one := Window{1, 1, 1, Same}
	reduceThen := func(r, n, k int) func() error {
		return func() error {
			if r > 0 {
				if err := b.conv(text, block, r, one); err != nil {
					return err
				}
			}
			return b.conv(text, block, n, Window{k, k, 1, Same})
		}
	}
	for _, steps := range []func() error{
		func() error { return b.conv(text, block, widths[0][1], one) },
		reduceThen(widths[1][0], widths[1][1], 3),
		reduceThen(widths[2][0], widths[2][1], 5),
		func() error {
			if err := b.pool(text, block, Window{3, 3, 1, Same}, false); err != nil {
				return err
			}
			return b.conv(text, block, widths[3][1], one)
		},
	} {
		if err := branch(steps); err != nil {
			return err
		}
	}
	if total > maxArchWidth {
		return fmt.Errorf("nn: %q: %s = %d channels, at most %d", text, strings.Join(outs, " + "), total, maxArchWidth)
	}
	b.shape = Shape{in.H, in.W, total}
	b.add(ArchLayer{Name: b.name("concatenate"), Kind: "concat", Block: block, Text: text,
		ShapeFormula: fmt.Sprintf("%s = %d channels", strings.Join(outs, " + "), total)})
	return nil
}
