package vision

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/ml/nn"
)

// Images is a labelled set of images: image i is the row
// X[i·Shape.Size() : (i+1)·Shape.Size()], value (y, x, c) at
// (y·W + x)·C + c, with class Labels[i] in [0, len(ClassNames)).
type Images struct {
	X          []float64
	Labels     []int
	Shape      nn.Shape
	ClassNames []string
}

// Len is the number of images.
func (s *Images) Len() int { return len(s.Labels) }

// Image returns image i's values (a view, not a copy).
func (s *Images) Image(i int) []float64 {
	d := s.Shape.Size()
	return s.X[i*d : (i+1)*d]
}

// Subset returns the images at the given indices, in that order, copied.
func (s *Images) Subset(idx []int) *Images {
	out := &Images{Shape: s.Shape, ClassNames: s.ClassNames, X: make([]float64, 0, len(idx)*s.Shape.Size()), Labels: make([]int, len(idx))}
	for k, i := range idx {
		out.X = append(out.X, s.Image(i)...)
		out.Labels[k] = s.Labels[i]
	}
	return out
}

// Digits returns the 8×8 handwritten digits (dataset.Digits) with pixels
// scaled from 0–16 to [0, 1].
func Digits() *Images {
	X, labels := dataset.Digits()
	s := &Images{Shape: nn.Shape{H: 8, W: 8, C: 1}, Labels: labels,
		ClassNames: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}}
	s.X = make([]float64, 0, len(X)*64)
	for _, row := range X {
		for _, v := range row {
			s.X = append(s.X, v/16)
		}
	}
	return s
}

// ShapeNames are the classes of Shapes, in label order.
var ShapeNames = []string{"square", "circle", "cross", "line"}

// Shapes draws n size×size grey images of one shape each, the classes in
// turn (image i shows shape i mod 4): the outline of a square, of a circle,
// a plus-shaped cross, or a straight line (horizontal, vertical or
// diagonal), each of a random extent (a third to two thirds of the side)
// at a random position, fully inside the image, on a background of
// uniform noise in [0, noise).
func Shapes(rng *rand.Rand, n, size int, noise float64) *Images {
	if size < 6 {
		panic(fmt.Sprintf("ml: Shapes of side %d, want at least 6", size))
	}
	s := &Images{Shape: nn.Shape{H: size, W: size, C: 1}, Labels: make([]int, n), ClassNames: ShapeNames}
	s.X = make([]float64, n*size*size)
	for i := range n {
		img := s.X[i*size*size : (i+1)*size*size]
		for p := range img {
			img[p] = noise * rng.Float64()
		}
		set := func(y, x int) {
			if y >= 0 && y < size && x >= 0 && x < size {
				img[y*size+x] = 1
			}
		}
		class := i % len(ShapeNames)
		s.Labels[i] = class
		ext := size/3 + rng.IntN(size/3+1) // side of the shape's box, in pixels
		y0, x0 := rng.IntN(size-ext+1), rng.IntN(size-ext+1)
		last := ext - 1
		switch class {
		case 0: // square outline
			for k := range ext {
				set(y0, x0+k)
				set(y0+last, x0+k)
				set(y0+k, x0)
				set(y0+k, x0+last)
			}
		case 1: // circle outline
			r := float64(last) / 2
			cy, cx := float64(y0)+r, float64(x0)+r
			for k := range 8 * ext {
				a := 2 * math.Pi * float64(k) / float64(8*ext)
				set(int(math.Round(cy+r*math.Sin(a))), int(math.Round(cx+r*math.Cos(a))))
			}
		case 2: // cross: a vertical and a horizontal bar through the middle
			mid := last / 2
			for k := range ext {
				set(y0+mid, x0+k)
				set(y0+k, x0+mid)
			}
		case 3: // line: horizontal, vertical, or one of the diagonals
			dir := rng.IntN(4)
			for k := range ext {
				switch dir {
				case 0:
					set(y0+last/2, x0+k)
				case 1:
					set(y0+k, x0+last/2)
				case 2:
					set(y0+k, x0+k)
				default:
					set(y0+k, x0+last-k)
				}
			}
		}
	}
	return s
}

// Shifted returns a copy of the images, each moved by its own (dy, dx)
// pixels (down and right for positive values), the uncovered border filled
// with 0 and what leaves the image lost.
func (s *Images) Shifted(dy, dx []int) *Images {
	if len(dy) != s.Len() || len(dx) != s.Len() {
		panic(fmt.Sprintf("ml: Shifted %d images by %d and %d offsets", s.Len(), len(dy), len(dx)))
	}
	sh := s.Shape
	out := &Images{Shape: sh, ClassNames: s.ClassNames, Labels: append([]int(nil), s.Labels...), X: make([]float64, len(s.X))}
	for i := range s.Len() {
		src, dst := s.Image(i), out.Image(i)
		for y := range sh.H {
			for x := range sh.W {
				fy, fx := y-dy[i], x-dx[i]
				if fy < 0 || fy >= sh.H || fx < 0 || fx >= sh.W {
					continue
				}
				copy(dst[(y*sh.W+x)*sh.C:(y*sh.W+x+1)*sh.C], src[(fy*sh.W+fx)*sh.C:(fy*sh.W+fx+1)*sh.C])
			}
		}
	}
	return out
}

// RandomShifts draws, for n images, a shift of 1 or 2 pixels in a random
// direction among the eight (up, down, left, right and the diagonals):
// dy, dx ∈ {−2, …, 2}, not both 0, max(|dy|, |dx|) ∈ {1, 2}.
func RandomShifts(rng *rand.Rand, n int) (dy, dx []int) {
	dy, dx = make([]int, n), make([]int, n)
	dirs := [8][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}, {-1, -1}, {-1, 1}, {1, -1}, {1, 1}}
	for i := range n {
		d := dirs[rng.IntN(8)]
		k := 1 + rng.IntN(2)
		dy[i], dx[i] = k*d[0], k*d[1]
	}
	return dy, dx
}
