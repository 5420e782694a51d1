package vision

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mlplayground/playground/internal/ml/nn"
)

// Shifted moves each image by its own offset, filling with 0: a 3×3 image
// 1…9 moved down-right by (1, 1) and up by (−2, 0).
func TestShifted(t *testing.T) {
	s := &Images{Shape: nn.Shape{H: 3, W: 3, C: 1}, Labels: []int{0, 1}, ClassNames: []string{"a", "b"},
		X: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9}}
	got := s.Shifted([]int{1, -2}, []int{1, 0})
	want := []float64{0, 0, 0, 0, 1, 2, 0, 4, 5, 7, 8, 9, 0, 0, 0, 0, 0, 0}
	for i := range want {
		if got.X[i] != want[i] {
			t.Fatalf("shifted %v, want %v", got.X, want)
		}
	}
	if s.X[0] != 1 {
		t.Errorf("Shifted changed its input")
	}
}

func TestRandomShifts(t *testing.T) {
	dy, dx := RandomShifts(rand.New(rand.NewPCG(1, 2)), 2000)
	seen := map[[2]int]bool{}
	for i := range dy {
		if m := max(abs(dy[i]), abs(dx[i])); m < 1 || m > 2 || (dy[i] != 0 && dx[i] != 0 && abs(dy[i]) != abs(dx[i])) {
			t.Fatalf("shift (%d, %d)", dy[i], dx[i])
		}
		seen[[2]int{dy[i], dx[i]}] = true
	}
	if len(seen) != 16 { // 8 directions × 2 lengths
		t.Errorf("%d distinct shifts in 2000 draws, want 16", len(seen))
	}
}

func abs(a int) int { return max(a, -a) }

// Shapes: the classes in turn, every value in [0, 1), the shape's pixels
// exactly 1, and a line of ext pixels has ext of them.
func TestShapes(t *testing.T) {
	s := Shapes(rand.New(rand.NewPCG(3, 4)), 400, 12, 0.25)
	for i := range s.Len() {
		if s.Labels[i] != i%4 {
			t.Fatalf("image %d has label %d", i, s.Labels[i])
		}
		ones := 0
		for _, v := range s.Image(i) {
			if v == 1 {
				ones++
			} else if v < 0 || v >= 0.25 {
				t.Fatalf("image %d: background value %v", i, v)
			}
		}
		// Extents run from 4 to 8 pixels: a line has 4–8 ones, a cross
		// 7–15, a square outline 12–28.
		b := [][2]int{{12, 28}, {4, 64}, {7, 15}, {4, 8}}[s.Labels[i]]
		if ones < b[0] || ones > b[1] {
			t.Errorf("image %d (%s): %d shape pixels, want %d to %d", i, ShapeNames[s.Labels[i]], ones, b[0], b[1])
		}
	}
}

func TestDigitsScaled(t *testing.T) {
	d := Digits()
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range d.X {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if d.Len() != 1797 || len(d.X) != 1797*64 || lo != 0 || hi != 1 {
		t.Errorf("%d digits, %d values in [%v, %v]", d.Len(), len(d.X), lo, hi)
	}
}

// The last of FeatureMaps, through the dense layer and a softmax, gives
// the CNN's own probabilities; and the Evaluator's loss is their mean
// cross-entropy.
func TestFeatureMapsAndScore(t *testing.T) {
	d := Digits().Subset([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	m, _ := nn.NewCNN(rand.New(rand.NewPCG(5, 6)), nn.DefaultCNN())
	var tp nn.Tape
	prob := m.Forward(&tp, tp.InputMaps(d.Len(), d.Shape, d.X))
	var loss float64
	for i := range d.Len() {
		maps, shapes := FeatureMaps(m, d.Image(i))
		if len(maps) != 4 || shapes[3] != (nn.Shape{H: 2, W: 2, C: 16}) {
			t.Fatalf("maps of shapes %v", shapes)
		}
		last := maps[3]
		logits := make([]float64, 10)
		for o := range logits {
			logits[o] = m.Dense.B.Data[o]
			for j, v := range last {
				logits[o] += v * m.Dense.W.Data[j*10+o]
			}
		}
		p := make([]float64, 10)
		nn.SoftmaxRow(logits, p)
		for o := range p {
			if math.Abs(p[o]-prob.At(i, o)) > 1e-12 {
				t.Fatalf("image %d class %d: %v from the maps, %v from Forward", i, o, p[o], prob.At(i, o))
			}
		}
		loss -= math.Log(p[d.Labels[i]])
	}
	e := Evaluator{Set: d}
	if got := e.Score(m).Loss; math.Abs(got-loss/float64(d.Len())) > 1e-12 {
		t.Errorf("Evaluator loss %v, want %v", got, loss/float64(d.Len()))
	}
}
