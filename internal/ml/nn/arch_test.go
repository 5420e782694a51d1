package nn

import (
	"slices"
	"strings"
	"testing"
)

// The course's example (EXAMPLE OF A CNN ARCHITECTURE (WITH TENSOR SIZE)),
// whose summary the course prints: 896 / 0 / 18 496 / 0 / 36 928 / 0 /
// 65 600 / 650 parameters, 122 570 in all.
func TestArchCourseExample(t *testing.T) {
	a, err := ParseArch("32×32×3 → Conv 32 (3×3) → MaxPool → Conv 64 → MaxPool → Conv 64 → Flatten (1024) → Dense 64 → Dense 10", Valid)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name   string
		output []int
		params int
	}{
		{"conv2d", []int{30, 30, 32}, 896},
		{"max_pooling2d", []int{15, 15, 32}, 0},
		{"conv2d_1", []int{13, 13, 64}, 18496},
		{"max_pooling2d_1", []int{6, 6, 64}, 0},
		{"conv2d_2", []int{4, 4, 64}, 36928},
		{"flatten", []int{1024}, 0},
		{"dense", []int{64}, 65600},
		{"dense_1", []int{10}, 650},
	}
	if len(a.Layers) != len(want) {
		t.Fatalf("%d layers, want %d", len(a.Layers), len(want))
	}
	for i, w := range want {
		l := a.Layers[i]
		if l.Name != w.name || !slices.Equal(l.Output, w.output) || l.Params != w.params {
			t.Errorf("layer %d: %s %v %d, want %s %v %d", i, l.Name, l.Output, l.Params, w.name, w.output, w.params)
		}
	}
	if a.TotalParams != 122570 {
		t.Errorf("total %d, want 122570", a.TotalParams)
	}
	for i, f := range map[int][2]string{
		0: {"(32 − 3 + 2·0)/1 + 1 = 30", "(3·3·3 + 1)·32 = 896"},
		3: {"⌊(13 − 2 + 2·0)/2⌋ + 1 = 6 (1 left over)", ""},
		5: {"4·4·64 = 1024", ""},
		6: {"64", "(1024 + 1)·64 = 65600"},
	} {
		if l := a.Layers[i]; l.ShapeFormula != f[0] || l.ParamsFormula != f[1] {
			t.Errorf("%s: formulas %q, %q; want %q, %q", l.Name, l.ShapeFormula, l.ParamsFormula, f[0], f[1])
		}
	}
	// Fully connected 32·32·3 → 30·30·32 instead: (3072 + 1)·28800.
	if got := a.Layers[0].FullyConnected; got != 3073*28800 {
		t.Errorf("fully connected first layer %d, want %d", got, 3073*28800)
	}
}

// kerasSide is Keras's output length along one direction (conv_utils.
// conv_output_length): ⌈in/S⌉ for same, ⌊(in − K + 2P)/S⌋ + 1 otherwise.
func kerasSide(in, k, s int, pad Padding) int {
	if pad == Same {
		return (in + s - 1) / s
	}
	return (in-k+2*int(pad))/s + 1
}

// kerasConvParams is Conv2D's count with biases.
func kerasConvParams(k, in, n int) int { return (k*k*in + 1) * n }

// Other architectures against Keras's closed forms.
func TestArchClosedForms(t *testing.T) {
	tests := []struct {
		text    string
		pad     Padding
		outputs [][]int
		params  []int
	}{
		// LeNet-5 in Keras: 61 706 parameters.
		{"28x28x1, conv 6 5x5 same, avgpool 2, conv 16 5x5, avgpool 2, flatten, dense 120, dense 84, dense 10", Valid,
			[][]int{{28, 28, 6}, {14, 14, 6}, {kerasSide(14, 5, 1, Valid), 10, 16}, {5, 5, 16}, {400}, {120}, {84}, {10}},
			[]int{kerasConvParams(5, 1, 6), 0, kerasConvParams(5, 6, 16), 0, 0, 401 * 120, 121 * 84, 85 * 10}},
		{"7x7x2, conv 4 4x4 s2 same", Valid,
			[][]int{{kerasSide(7, 4, 2, Same), kerasSide(7, 4, 2, Same), 4}}, []int{kerasConvParams(4, 2, 4)}},
		{"9x9x1, conv 2 3x3 stride 2", Valid,
			[][]int{{kerasSide(9, 3, 2, Valid), 4, 2}}, []int{kerasConvParams(3, 1, 2)}},
		{"5x5x3, conv 8 3x3 p1 s2", Valid,
			[][]int{{kerasSide(5, 3, 2, Padding(1)), kerasSide(5, 3, 2, Padding(1)), 8}}, []int{kerasConvParams(3, 3, 8)}},
		{"8x8x16, conv 4 1x1", Valid, [][]int{{8, 8, 4}}, []int{kerasConvParams(1, 16, 4)}},
		{"10x10x1, conv 2 3x3", Same, [][]int{{10, 10, 2}}, []int{20}},
		{"10x10x1, conv 2 3x3 valid", Same, [][]int{{8, 8, 2}}, []int{20}},
		{"5x5x1, maxpool 2 same, avgpool 3x3 s1", Valid,
			[][]int{{kerasSide(5, 2, 2, Same), 3, 1}, {1, 1, 1}}, []int{0, 0}},
		{"input 8 × 8 × 3, conv 10 3x3 same relu, gap, dropout 0.5, dense 2 softmax", Valid,
			[][]int{{8, 8, 10}, {10}, {10}, {2}}, []int{kerasConvParams(3, 3, 10), 0, 0, 11 * 2}},
		// Basic residual blocks, the second with stride 2 and a 1×1
		// projection of the input: conv, conv, add (+ 1×1 conv).
		{"16x16x8, residual 8, residual 16 s2", Valid,
			[][]int{{16, 16, 8}, {16, 16, 8}, {16, 16, 8}, {8, 8, 16}, {8, 8, 16}, {8, 8, 16}, {8, 8, 16}},
			[]int{kerasConvParams(3, 8, 8), kerasConvParams(3, 8, 8), 0,
				kerasConvParams(3, 8, 16), kerasConvParams(3, 16, 16), kerasConvParams(1, 8, 16), 0}},
		// GoogLeNet's inception (3a): 64 + 128 + 32 + 32 = 256 channels.
		{"28x28x192, inception 64 96/128 16/32 32", Valid,
			[][]int{{28, 28, 64}, {28, 28, 96}, {28, 28, 128}, {28, 28, 16}, {28, 28, 32}, {28, 28, 192}, {28, 28, 32}, {28, 28, 256}},
			[]int{kerasConvParams(1, 192, 64), kerasConvParams(1, 192, 96), kerasConvParams(3, 96, 128),
				kerasConvParams(1, 192, 16), kerasConvParams(5, 16, 32), 0, kerasConvParams(1, 192, 32), 0}},
	}
	for _, tt := range tests {
		a, err := ParseArch(tt.text, tt.pad)
		if err != nil {
			t.Errorf("%s: %v", tt.text, err)
			continue
		}
		total := 0
		for i, l := range a.Layers {
			if i >= len(tt.outputs) || !slices.Equal(l.Output, tt.outputs[i]) || l.Params != tt.params[i] {
				t.Errorf("%s: layer %d %s: %v, %d parameters", tt.text, i, l.Name, l.Output, l.Params)
				continue
			}
			total += tt.params[i]
		}
		if len(a.Layers) != len(tt.outputs) || a.TotalParams != total {
			t.Errorf("%s: %d layers, %d parameters; want %d, %d", tt.text, len(a.Layers), a.TotalParams, len(tt.outputs), total)
		}
	}
	// Keras's names in a block: the residual's layers are conv2d … add.
	a, _ := ParseArch("16x16x8, residual 16 s2", Valid)
	var names []string
	for _, l := range a.Layers {
		names = append(names, l.Name+"/"+l.Block)
	}
	if want := "conv2d/residual 1 conv2d_1/residual 1 conv2d_2/residual 1 add/residual 1"; strings.Join(names, " ") != want {
		t.Errorf("names %v, want %s", names, want)
	}
}

func TestArchRefusals(t *testing.T) {
	for _, tt := range []struct{ text, want string }{
		{"32x32x3, conv 8 3x3 s2", `conv2d ("conv 8 3x3 s2"), height: (32 − 3 + 2·0)/2 + 1 = 15.5 is not a whole number`},
		{"4x4x1, conv 2 3x3, conv 2 3x3, conv 2 3x3", `conv2d_1 ("conv 2 3x3"), height: (2 − 3 + 2·0)/1 + 1 = 0 < 1`},
		{"2x8x1, maxpool 3", `max_pooling2d ("maxpool 3"), height: (2 − 3 + 2·0)/3 + 1 = 0.6667 < 1`},
		{"8x8x1, dense 10", "put flatten (8·8·1 = 64 values) or gap before it"},
		{"8x8x1, flatten, conv 2", "needs a feature map"},
		{"8x8x2, flatten (100)", "flattens to 8·8·2 = 128 values, not 100"},
		{"8x8x1, dropout 1", "0 ≤ R < 1"},
		{"8x8x1, lstm 4", `unknown layer "lstm"`},
		{"conv 8", "starts with the input shape"},
		{"8x8x0, conv 1", "starts with the input shape"},
		{"8x8x1, conv 2 3x3 s0", "stride 0"},
		{"9x6x1, conv 2 3x3 p1 s2", `width: (6 − 3 + 2·1)/2 + 1 = 3.5 is not a whole number`},
		{"8x8x1, maxpool 2 p2", "could hold nothing but padding"},
		{"8x8x1, inception 4 4 4", "four branch widths"},
		{"", "empty architecture"},
		{"8x8x1, ()", `"()" is not a layer`},
	} {
		_, err := ParseArch(tt.text, Valid)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want one containing %q", tt.text, err, tt.want)
		}
	}
}
