// Package convolution is the sliding filter scenario: a kernel moved over
// an image one output position per step, the window's element-wise
// products and their sum written into the output map, then max or average
// pooling of that map.
package convolution

import (
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	mldataset "github.com/mlplayground/playground/internal/ml/dataset"
)

//go:embed explanation.html
var explanation string

// Limits of the scenario.
const (
	maxKernel  = 7
	maxStride  = 4
	maxPadding = 3
	// maxSteps covers the largest output map (12 + 2·3 − 1 + 1 = 18 a
	// side) and its pooling.
	maxSteps = 18*18 + 9*9
)

// image is an input: [h][w][c] values.
type image [][][]float64

// The parameter table.
var (
	imageParam = lab.Enum(lab.Param{Name: "image", Label: "Image", Default: "digit",
		Help: "digit: an 8×8 handwritten 2 from the digits data set (values 0–16); shapes: a 12×12 drawing of a square outline and a bar (0 or 1); rgb: an 8×8 colour image, three channels from 0 to 1, so the kernel has three slices."},
		lab.Option[func() image]("digit", digitImage),
		lab.Option[func() image]("shapes", shapesImage),
		lab.Option[func() image]("rgb", rgbImage),
	)
	filterParam = lab.Enum(lab.Param{Name: "filter", Label: "Filter", Default: "edge-vertical",
		Help: "A preset K×K kernel, or custom to type its weights. On a colour image each of the three slices gets a third of the kernel, so the sum filters the mean of R, G and B."},
		lab.Option[preset]("identity", identityKernel),
		lab.Option[preset]("edge-horizontal", edgeHorizontalKernel),
		lab.Option[preset]("edge-vertical", edgeVerticalKernel),
		lab.Option[preset]("sobel", sobelKernel),
		lab.Option[preset]("blur", blurKernel),
		lab.Option[preset]("sharpen", sharpenKernel),
		lab.Option[preset]("emboss", embossKernel),
		lab.Option[preset](customFilter, nil),
	)
	weightsParam = lab.Floats(lab.Param{Name: "weights", Label: "Custom weights", Default: "0,-1,0,-1,5,-1,0,-1,0",
		Min: -100, Max: 100, MinItems: 1, MaxItems: maxKernel * maxKernel * 3,
		Help: "With filter=custom: the kernel's K·K weights row by row (K·K·3 for the rgb image, channel fastest: w[0][0][R], w[0][0][G], …)."})
	kernelParam = lab.Int(lab.Param{Name: "kernel", Label: "Kernel size K", Default: "3", Min: 1, Max: maxKernel, Step: 1,
		Help: "The filter is K×K."})
	strideParam = lab.Int(lab.Param{Name: "stride", Label: "Stride S", Default: "1", Min: 1, Max: maxStride, Step: 1,
		Help: "How far the window moves between two outputs, in both directions."})
	paddingParam = lab.Int(lab.Param{Name: "padding", Label: "Padding P", Default: "0", Min: 0, Max: maxPadding, Step: 1,
		Help: "Rows and columns of zeros added on every side. P = 0 is valid padding; P = (K − 1)/2 with stride 1 keeps the size (same)."})
	poolParam = lab.Enum(lab.Param{Name: "pool", Label: "Pooling", Default: "max",
		Help: "A second stage over the output map: the largest (max) or the mean (avg) of each window, or none."},
		lab.Option("none", ""),
		lab.Option("max", "max"),
		lab.Option("avg", "avg"),
	)
	poolSizeParam = lab.Int(lab.Param{Name: "pool_size", Label: "Pool size", Default: "2", Min: 2, Max: 4, Step: 1,
		Help: "The pooling window is pool_size × pool_size and moves by pool_size; rows and columns left over are dropped, as in Keras."})
)

const customFilter = "custom"

// Scenario returns the convolution scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:          "convolution",
		Title:         "Convolution: a filter sliding over an image",
		Chapter:       chapter,
		Summary:       "A kernel slides over an image one position per step: the window, the element-wise products, their sum in the output map, the output size (W − K + 2P)/S + 1, then pooling.",
		MaxSteps:      maxSteps,
		Speed:         4,
		Deterministic: true,
		Params:        lab.Params(imageParam, filterParam, weightsParam, kernelParam, strideParam, paddingParam, poolParam, poolSizeParam),
		Panels: []lab.Panel{
			{Name: "input", Title: "Input with zero padding, and the window"},
			{Name: "products", Title: "Window × kernel, element by element"},
			{Name: "output", Title: "Output map (feature map)"},
			{Name: "pooled", Title: "After pooling", Shown: func(v lab.Values) bool { return poolParam.Get(v) != "" }},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one convolution, computed one output position per step.
type model struct {
	img     image
	h, w, c int
	name    string // the image's word
	filter  string
	kernel  [][][]float64 // [kh][kw][c]
	k, s, p int
	oh, ow  int
	out     [][]float64 // NaN where not yet computed
	full    [][]float64 // the finished output, for a colour scale that holds still
	done    int         // output positions computed
	pool    string      // "", "max" or "avg"
	ps      int
	ph, pw  int
	pooled  [][]float64 // NaN where not yet computed
	pdone   int
}

// side is the output length along one direction, or an error with the
// arithmetic and the nearest strides and paddings that fit.
func side(dir string, in, k, s, p int) (int, error) {
	num := in - k + 2*p
	expr := fmt.Sprintf("(%d − %d + 2·%d)/%d + 1", in, k, p, s)
	if num < 0 {
		return 0, fmt.Errorf("the %s: %s = %s < 1: the %d-wide kernel is wider than the %d-wide input padded by %d on each side; use a kernel of at most %d or more padding",
			dir, expr, num1(float64(num)/float64(s)+1), k, in, p, in+2*p)
	}
	if num%s != 0 {
		return 0, fmt.Errorf("the %s: %s = %s is not a whole number: the windows moved by %d do not end at the edge of the padded input (%d − %d + 2·%d = %d is not a multiple of %d), so the last one would hang over it; strides that fit: %s; paddings that fit with stride %d: %s; kernel sizes that fit: %s",
			dir, expr, num1(float64(num)/float64(s)+1), s, in, k, p, num, s, fits(maxStride, func(s2 int) bool { return num%s2 == 0 }, 1),
			s, fits(maxPadding, func(p2 int) bool { return in-k+2*p2 >= 0 && (in-k+2*p2)%s == 0 }, 0),
			fits(maxKernel, func(k2 int) bool { return in-k2+2*p >= 0 && (in-k2+2*p)%s == 0 }, 1))
	}
	return num/s + 1, nil
}

func num1(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// fits lists the values from lo to hi that pass ok.
func fits(hi int, ok func(int) bool, lo int) string {
	var out []string
	for v := lo; v <= hi; v++ {
		if ok(v) {
			out = append(out, strconv.Itoa(v))
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

func newModel(v lab.Values) (lab.Model, error) {
	m := &model{name: imageParam.Text(v), filter: filterParam.Text(v), k: kernelParam.Get(v), s: strideParam.Get(v), p: paddingParam.Get(v),
		pool: poolParam.Get(v), ps: poolSizeParam.Get(v)}
	m.img = imageParam.Get(v)()
	m.h, m.w, m.c = len(m.img), len(m.img[0]), len(m.img[0][0])
	var err error
	if m.oh, err = side("height", m.h, m.k, m.s, m.p); err != nil {
		return nil, m.refuse(v, err)
	}
	if m.ow, err = side("width", m.w, m.k, m.s, m.p); err != nil {
		return nil, m.refuse(v, err)
	}
	if m.kernel, err = m.buildKernel(v); err != nil {
		return nil, err
	}
	if m.pool != "" {
		m.ph, m.pw = m.oh/m.ps, m.ow/m.ps
		if m.ph < 1 || m.pw < 1 {
			return nil, poolSizeParam.Refuse(v, fmt.Sprintf("the %d×%d output map is smaller than one %d×%d pooling window: ⌊%d/%d⌋ = 0; use a pool size of at most %d or pool=none",
				m.oh, m.ow, m.ps, m.ps, min(m.oh, m.ow), m.ps, min(m.oh, m.ow)))
		}
		m.pooled = nanGrid(m.ph, m.pw)
	}
	m.out = nanGrid(m.oh, m.ow)
	m.full = make([][]float64, m.oh)
	for oy := range m.oh {
		m.full[oy] = make([]float64, m.ow)
		for ox := range m.ow {
			m.full[oy][ox] = m.at(oy, ox)
		}
	}
	return m, nil
}

// refuse names the parameter to change: the kernel when it does not fit,
// the stride when it does not tile.
func (m *model) refuse(v lab.Values, err error) error {
	msg := fmt.Sprintf("a %d×%d kernel on the %d×%d %s image, stride %d, padding %d: output %v", m.k, m.k, m.h, m.w, m.name, m.s, m.p, err)
	if m.h-m.k+2*m.p < 0 || m.w-m.k+2*m.p < 0 {
		return kernelParam.Refuse(v, msg)
	}
	return strideParam.Refuse(v, msg)
}

func (m *model) buildKernel(v lab.Values) ([][][]float64, error) {
	k := m.k
	kernel := make([][][]float64, k)
	for i := range kernel {
		kernel[i] = make([][]float64, k)
		for j := range kernel[i] {
			kernel[i][j] = make([]float64, m.c)
		}
	}
	flat := make([]float64, k*k)
	if f := filterParam.Get(v); f != nil {
		for i := range k {
			for j := range k {
				flat[i*k+j] = f(k, i, j)
			}
		}
	} else {
		ws := weightsParam.Get(v)
		switch len(ws) {
		case k * k:
			flat = ws
		case k * k * m.c:
			for i := range k {
				for j := range k {
					copy(kernel[i][j], ws[(i*k+j)*m.c:])
				}
			}
			return kernel, nil
		default:
			want := strconv.Itoa(k * k)
			if m.c > 1 {
				want += " (one 2-D kernel, a third of it per slice) or " + strconv.Itoa(k*k*m.c) + " (every slice)"
			}
			msg := fmt.Sprintf("%d weights for a %d×%d kernel on a %d-channel image: give %s", len(ws), k, k, m.c, want)
			if weightsParam.Text(v) == weightsParam.Param().Default {
				// The weights were not typed: the kernel size is what changed.
				return nil, kernelParam.Refuse(v, msg)
			}
			return nil, weightsParam.Refuse(v, msg)
		}
	}
	for i := range k {
		for j := range k {
			for ch := range m.c {
				kernel[i][j][ch] = flat[i*k+j] / float64(m.c)
			}
		}
	}
	return kernel, nil
}

func nanGrid(rows, cols int) [][]float64 {
	g := make([][]float64, rows)
	for i := range g {
		g[i] = make([]float64, cols)
		for j := range g[i] {
			g[i][j] = math.NaN()
		}
	}
	return g
}

// pixel is the padded input: zero outside the image.
func (m *model) pixel(y, x, c int) float64 {
	if y < 0 || y >= m.h || x < 0 || x >= m.w {
		return 0
	}
	return m.img[y][x][c]
}

// at is the cross-correlation at output (oy, ox):
//
//	y[oy][ox] = Σ_ky Σ_kx Σ_c x[oy·S + ky − P][ox·S + kx − P][c] · w[ky][kx][c]
func (m *model) at(oy, ox int) float64 {
	var sum float64
	for ky := range m.k {
		for kx := range m.k {
			for c := range m.c {
				sum += m.pixel(oy*m.s+ky-m.p, ox*m.s+kx-m.p, c) * m.kernel[ky][kx][c]
			}
		}
	}
	return sum
}

// pooledAt is pooling window (py, px) of the output map.
func (m *model) pooledAt(py, px int) float64 {
	best, sum := math.Inf(-1), 0.0
	for y := py * m.ps; y < (py+1)*m.ps; y++ {
		for x := px * m.ps; x < (px+1)*m.ps; x++ {
			best = math.Max(best, m.full[y][x])
			sum += m.full[y][x]
		}
	}
	if m.pool == "max" {
		return best
	}
	return sum / float64(m.ps*m.ps)
}

func (m *model) positions() int { return m.oh * m.ow }

func (m *model) Step() error {
	switch {
	case m.done < m.positions():
		oy, ox := m.done/m.ow, m.done%m.ow
		m.out[oy][ox] = m.full[oy][ox]
		m.done++
	case m.pool != "" && m.pdone < m.ph*m.pw:
		py, px := m.pdone/m.pw, m.pdone%m.pw
		m.pooled[py][px] = m.pooledAt(py, px)
		m.pdone++
	}
	return nil
}

func (m *model) Done() bool {
	return m.done == m.positions() && (m.pool == "" || m.pdone == m.ph*m.pw)
}

// state is the frame's "state".
type state struct {
	// Output is the output map so far, null where not yet computed.
	Output [][]*float64 `json:"output"`
	// Kernel is [kh][kw] for a one-channel image, [kh][kw][c] otherwise.
	Kernel     any    `json:"kernel"`
	OutputSize [2]int `json:"output_size"`
	Stage      string `json:"stage"` // convolution, pooling or done
	// Position is the output position computed by the last step, or null.
	Position *[2]int `json:"position"`
	// Products are that position's window × kernel, element by element,
	// shaped like Kernel; Sum adds them up.
	Products any          `json:"products,omitempty"`
	Sum      *float64     `json:"sum,omitempty"`
	Pooled   [][]*float64 `json:"pooled,omitempty"`
	PoolSize [2]int       `json:"pooled_size,omitempty"`
}

func nullable(g [][]float64) [][]*float64 {
	out := make([][]*float64, len(g))
	for i, row := range g {
		out[i] = make([]*float64, len(row))
		for j, v := range row {
			if !math.IsNaN(v) {
				out[i][j] = &v
			}
		}
	}
	return out
}

// shaped returns k as [kh][kw] for one channel, as it is for more.
func (m *model) shaped(k [][][]float64) any {
	if m.c > 1 {
		return k
	}
	out := make([][]float64, len(k))
	for i, row := range k {
		out[i] = make([]float64, len(row))
		for j, v := range row {
			out[i][j] = v[0]
		}
	}
	return out
}

// current is the output position the last convolution step computed, or
// false.
func (m *model) current() (oy, ox int, ok bool) {
	if m.done == 0 || m.pdone > 0 {
		return 0, 0, false
	}
	return (m.done - 1) / m.ow, (m.done - 1) % m.ow, true
}

// products returns the window × kernel products at (oy, ox), [kh][kw][c].
func (m *model) products(oy, ox int) [][][]float64 {
	out := make([][][]float64, m.k)
	for ky := range m.k {
		out[ky] = make([][]float64, m.k)
		for kx := range m.k {
			out[ky][kx] = make([]float64, m.c)
			for c := range m.c {
				out[ky][kx][c] = m.pixel(oy*m.s+ky-m.p, ox*m.s+kx-m.p, c) * m.kernel[ky][kx][c]
			}
		}
	}
	return out
}

func (m *model) stage() string {
	switch {
	case m.done < m.positions():
		return "convolution"
	case !m.Done():
		return "pooling"
	}
	return "done"
}

func (m *model) Snapshot() lab.Snapshot {
	s := state{Output: nullable(m.out), Kernel: m.shaped(m.kernel), OutputSize: [2]int{m.oh, m.ow}, Stage: m.stage()}
	metrics := map[string]float64{"computed": float64(m.done)}
	if oy, ox, ok := m.current(); ok {
		s.Position = &[2]int{oy, ox}
		s.Products = m.shaped(m.products(oy, ox))
		sum := m.out[oy][ox]
		s.Sum = &sum
		metrics["value"] = sum
	}
	if m.pool != "" {
		s.Pooled = nullable(m.pooled)
		s.PoolSize = [2]int{m.ph, m.pw}
	}
	return lab.Snapshot{Metrics: metrics, State: s, Note: m.note()}
}

// num writes a value briefly, with a real minus sign: 3 significant
// digits, whole numbers as they are.
func num(v float64) string {
	var s string
	switch {
	case math.Abs(v) < 1e-9: // a sum of thirds that should cancel
		return "0"
	case v == math.Trunc(v) || math.Abs(v) >= 100:
		s = strconv.FormatFloat(v, 'f', 0, 64)
	default:
		s = strconv.FormatFloat(v, 'g', 3, 64)
	}
	if s == "-0" {
		return "0"
	}
	return strings.Replace(s, "-", "−", 1)
}

// factor writes a number inside a product, a negative one in parentheses.
func factor(v float64) string {
	if s := num(v); strings.HasPrefix(s, "−") {
		return "(" + s + ")"
	} else {
		return s
	}
}

// sizeArithmetic is the output size formula with the numbers.
func (m *model) sizeArithmetic() string {
	f := func(in, out int) string {
		return fmt.Sprintf("(%d − %d + 2·%d)/%d + 1 = %d", in, m.k, m.p, m.s, out)
	}
	if m.h == m.w {
		return f(m.h, m.oh) + " in both directions"
	}
	return "height " + f(m.h, m.oh) + ", width " + f(m.w, m.ow)
}

func (m *model) note() string {
	channels := ""
	if m.c > 1 {
		channels = fmt.Sprintf("×%d", m.c)
	}
	switch {
	case m.done == 0:
		return fmt.Sprintf("A %d×%d%s %s kernel on the %d×%d%s %s image, stride %d, padding %d: the output is %s, so %d×%d = %d positions. Step computes one.",
			m.k, m.k, channels, m.filter, m.h, m.w, channels, m.name, m.s, m.p, m.sizeArithmetic(), m.oh, m.ow, m.positions())
	case m.pdone == 0:
		oy, ox, _ := m.current()
		var terms []string
		for ky := range m.k {
			for kx := range m.k {
				for c := range m.c {
					terms = append(terms, factor(m.pixel(oy*m.s+ky-m.p, ox*m.s+kx-m.p, c))+"·"+factor(m.kernel[ky][kx][c]))
				}
			}
		}
		sum := "the sum of the " + strconv.Itoa(len(terms)) + " products"
		if len(terms) <= 9 {
			sum = strings.Join(terms, " + ")
		}
		y0, x0 := oy*m.s-m.p, ox*m.s-m.p
		next := "."
		if m.done == m.positions() && m.pool != "" {
			next = fmt.Sprintf(". The output map is complete; next, %s pooling %d×%d.", m.pool, m.ps, m.ps)
		} else if m.done == m.positions() {
			next = ". The output map is complete."
		}
		return fmt.Sprintf("Output (%d, %d): the window covers input rows %d to %d and columns %d to %d (negative or past %d is padding); %s = %s%s",
			oy, ox, y0, y0+m.k-1, x0, x0+m.k-1, m.h-1, sum, num(m.out[oy][ox]), next)
	default:
		py, px := (m.pdone-1)/m.pw, (m.pdone-1)%m.pw
		what := "the largest"
		if m.pool == "avg" {
			what = "the mean"
		}
		done := ""
		if m.Done() {
			done = fmt.Sprintf(" Done: %d×%d → %d×%d, ⌊%d/%d⌋ = %d", m.oh, m.ow, m.ph, m.pw, m.oh, m.ps, m.ph)
			if m.oh%m.ps != 0 || m.ow%m.ps != 0 {
				done += "; the rows or columns left over are dropped"
			}
			done += "."
		}
		return fmt.Sprintf("Pooling (%d, %d): %s of output rows %d to %d, columns %d to %d = %s.%s",
			py, px, what, py*m.ps, py*m.ps+m.ps-1, px*m.ps, px*m.ps+m.ps-1, num(m.pooled[py][px]), done)
	}
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "input":
		return m.plotInput(), nil
	case "products":
		return m.plotProducts(), nil
	case "output":
		return m.plotOutput(), nil
	case "pooled":
		return m.plotPooled(), nil
	}
	return nil, fmt.Errorf("convolution: no panel %q", panel)
}

// Data exports the input image, one value a row.
func (m *model) Data() [][]string {
	rows := [][]string{{"row", "col", "channel", "value"}}
	for y, row := range m.img {
		for x, px := range row {
			for c, v := range px {
				rows = append(rows, []string{strconv.Itoa(y), strconv.Itoa(x), strconv.Itoa(c), strconv.FormatFloat(v, 'g', -1, 64)})
			}
		}
	}
	return rows
}

// The images.

func digitImage() image {
	X, labels := mldataset.Digits()
	for i, l := range labels {
		if l == 2 {
			return gridImage(8, 8, func(y, x int) []float64 { return []float64{X[i][8*y+x]} })
		}
	}
	panic("convolution: no 2 among the digits")
}

// shapesImage is a square outline with a horizontal bar inside it: edges
// in both directions and corners.
func shapesImage() image {
	return gridImage(12, 12, func(y, x int) []float64 {
		outline := (y == 2 || y == 9) && x >= 2 && x <= 9 || (x == 2 || x == 9) && y >= 2 && y <= 9
		bar := y >= 5 && y <= 6 && x >= 4 && x <= 7
		if outline || bar {
			return []float64{1}
		}
		return []float64{0}
	})
}

// rgbImage is an 8×8 colour image: a red square, a green bar and a blue
// diagonal, overlapping in places.
func rgbImage() image {
	return gridImage(8, 8, func(y, x int) []float64 {
		px := []float64{0, 0, 0}
		if y >= 1 && y <= 3 && x >= 1 && x <= 4 {
			px[0] = 1
		}
		if y >= 3 && y <= 4 {
			px[1] = 0.75
		}
		if x == y || x == y+1 {
			px[2] = 1
		}
		return px
	})
}

func gridImage(h, w int, f func(y, x int) []float64) image {
	img := make(image, h)
	for y := range img {
		img[y] = make([][]float64, w)
		for x := range img[y] {
			img[y][x] = f(y, x)
		}
	}
	return img
}

// The preset kernels, each a weight for kernel row i and column j of a
// K×K kernel, made for 3×3 and extended to any K.
type preset func(k, i, j int) float64

// offset is the signed distance from the kernel's centre line.
func offset(k, i int) float64 { return float64(k-1)/2 - float64(i) }

func sign(v float64) float64 {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func identityKernel(k, i, j int) float64 {
	if i == (k-1)/2 && j == (k-1)/2 {
		return 1
	}
	return 0
}

// edgeHorizontalKernel is +1 above the centre row and −1 below it: it
// answers a change from top to bottom, a horizontal edge.
func edgeHorizontalKernel(k, i, j int) float64 { return sign(offset(k, i)) }

// edgeVerticalKernel is +1 left of the centre column, −1 right of it.
func edgeVerticalKernel(k, i, j int) float64 { return sign(offset(k, j)) }

// sobelKernel is the vertical-edge kernel with the centre row counted
// twice: 1 0 −1 / 2 0 −2 / 1 0 −1 for K = 3.
func sobelKernel(k, i, j int) float64 {
	w := 1.0
	if offset(k, i) == 0 {
		w = 2
	}
	return w * sign(offset(k, j))
}

func blurKernel(k, i, j int) float64 { return 1 / float64(k*k) }

// sharpenKernel is 0 −1 0 / −1 5 −1 / 0 −1 0 for K = 3: the centre
// weighed against its four neighbours.
func sharpenKernel(k, i, j int) float64 {
	c := (k - 1) / 2
	di, dj := i-c, j-c
	switch {
	case di == 0 && dj == 0:
		n := 0.0
		for _, d := range [][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
			if c+d[0] >= 0 && c+d[0] < k && c+d[1] >= 0 && c+d[1] < k {
				n++
			}
		}
		return n + 1
	case di*di+dj*dj == 1:
		return -1
	}
	return 0
}

// embossKernel is −2 −1 0 / −1 1 1 / 0 1 2 for K = 3: a slope from the
// top left to the bottom right, plus the centre.
func embossKernel(k, i, j int) float64 {
	v := math.Max(-2, math.Min(2, float64(i+j-(k-1))))
	return v + identityKernel(k, i, j)
}
