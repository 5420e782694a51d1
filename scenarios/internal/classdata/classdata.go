// Package classdata is the data side shared by the classifier scenarios:
// the data set picker (generated 2-D problems and real data), the user's
// labelled points, the train/test split, data.csv, and the drawing of a
// classifier's region map with its samples.
//
// Real data sets are standardised (each feature to mean 0, sd 1) and the two
// features drawn on the map come first (x1, x2); a model sees every feature,
// and the map is the slice through the other features' training means.
package classdata

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"strconv"

	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/dataset"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
)

// Dataset is one data set a classifier scenario can offer: its URL word and
// how it is made.
type Dataset struct {
	Name string
	// make fills s with the data set's samples, drawing from rng; nil for a
	// data set its scenario makes itself (see Named).
	make func(rng *rand.Rand, s *Set, o Options)
	// twoClass data sets have exactly two classes whatever is asked.
	twoClass bool
	// real data sets are measurements with their own size and classes.
	real bool
	// help describes a Named data set in the parameter's help.
	help string
}

// TwoClass reports whether the data set has exactly two classes whatever
// is asked.
func (d *Dataset) TwoClass() bool { return d.twoClass }

// Real reports whether the data set is real measurements (iris, wine),
// with its own size and classes.
func (d *Dataset) Real() bool { return d.real }

// Named declares a data set a scenario makes itself (with FromSamples),
// offered under word beside classdata's own and described by help in the
// parameter's help; Load refuses it.
func Named(word, help string) *Dataset { return &Dataset{Name: word, help: help} }

// blobs makes Gaussian blobs around o.Classes centres on a circle of
// radius r, with sd spread times the noise.
func blobs(rng *rand.Rand, s *Set, o Options, r, spread float64) {
	c := make([][]float64, o.Classes)
	for k := range c {
		a := 2*math.Pi*float64(k)/float64(o.Classes) + math.Pi
		c[k] = []float64{r * math.Cos(a), r * math.Sin(a)}
	}
	s.X, s.Labels = dataset.Blobs(rng, o.N, c, spread*max(o.Noise, 0.2)/0.5)
}

// The data sets, as the URL spells them.
var (
	Separable = &Dataset{Name: "separable", make: func(rng *rand.Rand, s *Set, o Options) { blobs(rng, s, o, 2.2, 0.6) }}
	Overlap   = &Dataset{Name: "overlap", make: func(rng *rand.Rand, s *Set, o Options) { blobs(rng, s, o, 1.2, 1.0) }}
	Outliers  = &Dataset{Name: "outliers", make: func(rng *rand.Rand, s *Set, o Options) {
		blobs(rng, s, o, 2.2, 0.6)
		s.Outliers = dataset.WithOutliers(rng, s.X, 0.05, 1.3)
	}}
	XOR = &Dataset{Name: "xor", twoClass: true, make: func(rng *rand.Rand, s *Set, o Options) {
		s.X, s.Labels = dataset.XOR(rng, o.N, 0.4*o.Noise)
	}}
	Circles = &Dataset{Name: "circles", twoClass: true, make: func(rng *rand.Rand, s *Set, o Options) {
		s.X, s.Labels = dataset.Circles(rng, o.N, 0.1*o.Noise, 0.45)
	}}
	Moons = &Dataset{Name: "moons", twoClass: true, make: func(rng *rand.Rand, s *Set, o Options) {
		s.X, s.Labels = dataset.Moons(rng, o.N, 0.2*o.Noise)
		for _, x := range s.X { // to the playground's range, centred
			x[0], x[1] = 2*(x[0]-0.5), 2*(x[1]-0.25)
		}
	}}
	Spiral = &Dataset{Name: "spiral", make: func(rng *rand.Rand, s *Set, o Options) {
		s.X, s.Labels = dataset.Spiral(rng, o.N, o.Classes, 0.2*o.Noise)
	}}
	Iris = &Dataset{Name: "iris", real: true, make: func(_ *rand.Rand, s *Set, o Options) {
		X, labels, features, classes := dataset.Iris()
		s.load(X, labels, features, classes, irisMap, o.Binary)
	}}
	Wine = &Dataset{Name: "wine", real: true, make: func(_ *rand.Rand, s *Set, o Options) {
		X, labels, features, classes := dataset.Wine()
		s.load(X, labels, features, classes, wineMap, o.Binary)
	}}
	Custom = &Dataset{Name: "custom", make: func(*rand.Rand, *Set, Options) {}}
)

// All is every data set, generated ones first.
var All = []*Dataset{Separable, Overlap, Outliers, XOR, Circles, Moons, Spiral, Iris, Wine, Custom}

// MaxClasses bounds the classes of any data set and of clicked points.
const MaxClasses = 5

// Map features of the real data sets: the pair that shows the species or
// cultivars best in two dimensions.
var (
	irisMap = [2]int{2, 3} // petal length, petal width
	wineMap = [2]int{6, 9} // flavanoids, colour intensity
)

// DatasetParam is the "dataset" parameter offering the given data sets.
func DatasetParam(def *Dataset, ds []*Dataset) lab.Handle[*Dataset] {
	help := "separable / overlap: Gaussian blobs apart or overlapping; outliers: separable blobs with 5% of the samples thrown deep into the other side; " +
		"xor, circles, moons, spiral: classes no straight line can separate; iris, wine: real measurements (standardised; the map shows two features, the model uses all); custom: only your points."
	choices := make([]lab.Choice[*Dataset], len(ds))
	for i, d := range ds {
		choices[i] = lab.Option(d.Name, d)
		if d.help != "" {
			help += " " + d.help
		}
	}
	return lab.Enum(lab.Param{Name: "dataset", Label: "Data set", Default: def.Name, Help: help}, choices...)
}

// PointsParam is the "points" parameter: samples the user clicked, each
// with a class.
func PointsParam() lab.Handle[[]lab.Point] {
	return lab.Points(lab.Param{Name: "points", Label: "Your points", Default: "", Classes: MaxClasses,
		Help: "Points you added by clicking on the map, in the class chosen beside it; they join the training set."})
}

// NParam is the "n" parameter: the number of generated samples.
func NParam(def, max int) lab.Handle[int] {
	return lab.Int(lab.Param{Name: "n", Label: "Samples", Default: strconv.Itoa(def), Min: 20, Max: float64(max), Step: 10,
		Help: "Number of generated samples (real data sets keep their own size)."})
}

// Options says which data set to build.
type Options struct {
	Dataset *Dataset
	N       int
	// Noise is the sd of the blobs and the jitter of the other generators.
	Noise float64
	// Classes is the number of classes for the blob and spiral data sets.
	Classes int
	// Binary keeps only classes 0 and 1 of the real data sets.
	Binary bool
	// TestShare of the generated or real samples is held out: a test split,
	// or, on a page that compares models on it, a validation split (its
	// data.csv is then ValRows).
	TestShare float64
	Points    []lab.Point
}

// Set is a labelled data set split into training and test samples.
type Set struct {
	Name         string
	X            [][]float64 // samples, every feature the model sees
	Labels       []int
	Classes      int
	ClassNames   []string
	FeatureNames []string
	Train, Test  []int     // indices into X
	Split        []bool    // true for test samples
	User         int       // the last User samples are the user's points
	Mean         []float64 // training means, for the map's slice
	Bounds       viz.Box
	Outliers     []int // indices moved by the outliers data set
}

// Load builds the data set, adds the user's points to its training part and
// splits the rest with rng.
func Load(rng *rand.Rand, o Options) (*Set, error) {
	if o.Classes < 2 {
		o.Classes = 2
	}
	if o.Dataset.make == nil {
		return nil, fmt.Errorf("classdata: data set %q is made by its scenario, not by Load", o.Dataset.Name)
	}
	if o.Dataset.twoClass && o.Classes != 2 {
		return nil, &lab.ParamError{Name: "classes", Value: strconv.Itoa(o.Classes),
			Allowed: fmt.Sprintf("data set %s has 2 classes; choose 2, or blobs or spiral for more", o.Dataset.Name)}
	}
	s := &Set{Name: o.Dataset.Name, Classes: o.Classes}
	o.Dataset.make(rng, s, o)
	if s.FeatureNames == nil {
		s.FeatureNames = []string{"x₁", "x₂"}
		for k := range s.Classes {
			s.ClassNames = append(s.ClassNames, "class "+strconv.Itoa(k))
		}
	}
	if err := s.split(rng, o); err != nil {
		return nil, err
	}
	return s, nil
}

// split holds out TestShare of the samples drawn with rng for testing, adds
// the user's points (which all train), and sets Mean and Bounds.
func (s *Set) split(rng *rand.Rand, o Options) error {
	n := len(s.X)
	s.Split = make([]bool, n)
	nTest := int(math.Round(o.TestShare * float64(n)))
	for _, i := range rng.Perm(n)[:nTest] {
		s.Split[i] = true
	}
	d := len(s.FeatureNames)
	for i, p := range o.Points {
		if p.Class >= s.Classes {
			return &lab.ParamError{Name: "points", Value: lab.EncodePoints(o.Points, MaxClasses),
				Allowed: fmt.Sprintf("point %d has class %d but data set %s has classes 0 to %d", i+1, p.Class, s.Name, s.Classes-1)}
		}
		x := make([]float64, d) // unseen features at 0, the standardised mean
		x[0], x[1] = p.X, p.Y
		s.X = append(s.X, x)
		s.Labels = append(s.Labels, p.Class)
		s.Split = append(s.Split, false)
		s.User++
	}
	for i, test := range s.Split {
		if test {
			s.Test = append(s.Test, i)
		} else {
			s.Train = append(s.Train, i)
		}
	}
	s.Mean = make([]float64, d)
	for _, i := range s.Train {
		for j := range d {
			s.Mean[j] += s.X[i][j] / float64(len(s.Train))
		}
	}
	s.Bounds = bounds(s.X)
	return nil
}

// load standardises a real data set and moves its two map features first.
func (s *Set) load(X [][]float64, labels []int, features, classes []string, mapped [2]int, binary bool) {
	d := len(features)
	order := []int{mapped[0], mapped[1]}
	for j := range d {
		if j != mapped[0] && j != mapped[1] {
			order = append(order, j)
		}
	}
	mean, sd := make([]float64, d), make([]float64, d)
	for _, x := range X {
		for j := range d {
			mean[j] += x[j] / float64(len(X))
		}
	}
	for _, x := range X {
		for j := range d {
			sd[j] += (x[j] - mean[j]) * (x[j] - mean[j]) / float64(len(X))
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j])
	}
	for i, x := range X {
		if binary && labels[i] > 1 {
			continue
		}
		row := make([]float64, d)
		for k, j := range order {
			row[k] = (x[j] - mean[j]) / sd[j]
		}
		s.X = append(s.X, row)
		s.Labels = append(s.Labels, labels[i])
	}
	for _, j := range order {
		s.FeatureNames = append(s.FeatureNames, features[j])
	}
	s.ClassNames = classes
	if binary {
		s.ClassNames = classes[:2]
	}
	s.Classes = len(s.ClassNames)
}

// bounds pads the bounding box of the first two features.
func bounds(X [][]float64) viz.Box {
	b := viz.Box{XMin: -3, XMax: 3, YMin: -3, YMax: 3}
	for _, x := range X {
		b.XMin, b.XMax = min(b.XMin, x[0]-0.3), max(b.XMax, x[0]+0.3)
		b.YMin, b.YMax = min(b.YMin, x[1]-0.3), max(b.YMax, x[1]+0.3)
	}
	return b
}

// Dim is the number of features.
func (s *Set) Dim() int { return len(s.FeatureNames) }

// Slice returns the full feature vector at map position (x1, x2), the
// other features at their training means.
func (s *Set) Slice(x1, x2 float64, out []float64) []float64 {
	if len(out) != s.Dim() {
		out = make([]float64, s.Dim())
	}
	copy(out, s.Mean)
	out[0], out[1] = x1, x2
	return out
}

// Subset returns the samples and labels at idx.
func (s *Set) Subset(idx []int) ([][]float64, []int) {
	X := make([][]float64, len(idx))
	y := make([]int, len(idx))
	for k, i := range idx {
		X[k], y[k] = s.X[i], s.Labels[i]
	}
	return X, y
}

// Accuracy is the share of samples at idx whose predicted class is right.
func (s *Set) Accuracy(idx []int, predict func(x []float64) int) float64 {
	if len(idx) == 0 {
		return math.NaN()
	}
	right := 0
	for _, i := range idx {
		if predict(s.X[i]) == s.Labels[i] {
			right++
		}
	}
	return float64(right) / float64(len(idx))
}

// Rows is data.csv: x1..xd, label, split, one row a sample in X's order.
func (s *Set) Rows() [][]string { return s.rows("test") }

// ValRows is Rows with the held-out samples named "val": a page that
// compares models on them uses them as a validation split, not a test set.
func (s *Set) ValRows() [][]string { return s.rows("val") }

// rows is data.csv with the held-out split named heldOut.
func (s *Set) rows(heldOut string) [][]string {
	header := make([]string, 0, s.Dim()+2)
	for j := range s.Dim() {
		header = append(header, "x"+strconv.Itoa(j+1))
	}
	rows := [][]string{append(header, "label", "split")}
	for i, x := range s.X {
		row := make([]string, 0, len(header))
		for _, v := range x {
			row = append(row, textfmt.Num(v))
		}
		split := "train"
		if s.Split[i] {
			split = heldOut
		}
		rows = append(rows, append(row, strconv.Itoa(s.Labels[i]), split))
	}
	return rows
}

// NewMap starts the plot of a classifier over the data set's map features.
func (s *Set) NewMap() *plot.Plot {
	return viz.NewPlot("", s.FeatureNames[0], s.FeatureNames[1])
}

// AddRegions draws colorAt over the map as a res×res raster, the other
// features held at their training means.
func (s *Set) AddRegions(p *plot.Plot, res int, colorAt func(x []float64) color.Color) {
	buf := make([]float64, s.Dim())
	viz.AddRegionMap(p, s.Bounds, res, func(x1, x2 float64) color.Color {
		return colorAt(s.Slice(x1, x2, buf))
	})
}

// AddRegionLevels is AddRegions for colours from a short list, as
// viz.RegionRasterLevels takes them: the colour at x is
// colors[level(x)].
func (s *Set) AddRegionLevels(p *plot.Plot, res int, colors []color.RGBA, level func(x []float64) int) {
	buf := make([]float64, s.Dim())
	viz.AddRegionRaster(p, s.Bounds, viz.RegionRasterLevels(s.Bounds, res, colors, func(x1, x2 float64) int {
		return level(s.Slice(x1, x2, buf))
	}))
}

// AddSamples draws training samples as outlined circles, test samples as
// triangles and the user's points as squares, coloured by class.
func (s *Set) AddSamples(p *plot.Plot) {
	gen := len(s.X) - s.User
	var train, test [][]float64
	var trainY, testY []int
	for i := range gen {
		if s.Split[i] {
			test, testY = append(test, s.X[i]), append(testY, s.Labels[i])
		} else {
			train, trainY = append(train, s.X[i]), append(trainY, s.Labels[i])
		}
	}
	viz.AddScatter(p, train, trainY, viz.ScatterStyle{Outline: true})
	viz.AddScatter(p, test, testY, viz.ScatterStyle{Shape: "triangle", Radius: 3.5, Outline: true})
	if s.User > 0 {
		viz.AddScatter(p, s.X[gen:], s.Labels[gen:], viz.ScatterStyle{Shape: "square", Radius: 4, Outline: true})
	}
	viz.SetAxes(p, s.Bounds)
}

// Blend mixes the region colours of the classes weighted by probs, rounded
// to tenths that still sum to one (largest remainders first): a sure
// prediction shows its class's colour, an unsure one a mix, and the raster
// keeps to a few hundred colours, a small PNG.
func Blend(probs []float64) color.Color { return BlendRGBA(probs) }

// BlendRGBA is Blend as a color.RGBA, for viz.AddRegionMapRGBA.
func BlendRGBA(probs []float64) color.RGBA {
	// A colour per map cell: scratch on the stack for the usual few classes.
	var tenthsBuf [16]int
	tenths := tenthsBuf[:0]
	if len(probs) > len(tenthsBuf) {
		tenths = make([]int, 0, len(probs))
	}
	tenths = tenths[:len(probs)]
	if !blendTenths(probs, tenths) {
		return viz.RegionColor(-1)
	}
	return blendOf(tenths)
}

// blendTenths writes into tenths (as long as probs) the tenths of each
// class Blend mixes. Values that are not probabilities (NaN, or shares
// of a sum that is not one's) have no tenths (ok false): Blend shows the
// neutral colour.
func blendTenths(probs []float64, tenths []int) (ok bool) {
	var restBuf [16]float64
	rest := restBuf[:0]
	if len(probs) > len(restBuf) {
		rest = make([]float64, 0, len(probs))
	}
	rest = rest[:len(probs)]
	total, sum := 0, 0.0
	for _, pk := range probs {
		sum += pk
	}
	for k, pk := range probs {
		v := 10 * pk / sum
		if !(v > -1 && v < 11) { // NaN, or no probabilities at all
			return false
		}
		tenths[k] = int(v)
		rest[k] = v - float64(tenths[k])
		total += tenths[k]
	}
	for ; total < 10; total++ {
		best := 0
		for k := range rest {
			if rest[k] > rest[best] {
				best = k
			}
		}
		tenths[best]++
		rest[best] = -1
	}
	return true
}

// blendOf mixes the classes' region colours in the given tenths.
func blendOf(tenths []int) color.RGBA {
	var r, g, b int
	for k, t := range tenths {
		c := viz.RegionColor(k)
		r += t * int(c.R)
		g += t * int(c.G)
		b += t * int(c.B)
	}
	return color.RGBA{uint8((r + 5) / 10), uint8((g + 5) / 10), uint8((b + 5) / 10), 255}
}

// BlendRaster is viz.RegionRaster of BlendRGBA(probsAt(x, y)) over b: for
// up to three classes it is made by level, each cell's tenths picking one
// of the few blends there are, with no colour mixed per cell. probsAt's
// slice is only read before its next call.
func BlendRaster(b viz.Box, res, classes int, probsAt func(x, y float64) []float64) image.Image {
	if classes >= 1 && classes <= maxLevelClasses {
		bad := false // tenths out of their range (non-finite probabilities)
		var buf [maxLevelClasses]int
		img := viz.RegionRasterLevels(b, res, blendLevels[classes], func(x, y float64) int {
			probs := probsAt(x, y)
			if len(probs) != classes {
				bad = true
				return 0
			}
			t := buf[:classes]
			if !blendTenths(probs, t) {
				bad = true
				return 0
			}
			level, sum := 0, 0
			for k := classes - 1; k >= 0; k-- {
				if t[k] < 0 || t[k] > 10 {
					bad = true
					return 0
				}
				if k > 0 {
					level = level*11 + t[k]
				}
				sum += t[k]
			}
			if sum != 10 {
				bad = true
				return 0
			}
			return level
		})
		if !bad {
			return img
		}
	}
	return viz.RegionRaster(b, res, func(x, y float64) color.RGBA { return BlendRGBA(probsAt(x, y)) })
}

// maxLevelClasses is the most classes BlendRaster makes by level: 11² blends
// of three classes fit a PNG palette.
const maxLevelClasses = 3

// blendLevels[k] holds, for k classes, the blend of each level: level
// Σ t_c·11^(c−1) over classes c ≥ 1, with t_0 the rest of ten (blends whose
// tenths do not sum to ten are never used).
var blendLevels = func() [maxLevelClasses + 1][]color.RGBA {
	var out [maxLevelClasses + 1][]color.RGBA
	for k := 1; k <= maxLevelClasses; k++ {
		n := 1
		for range k - 1 {
			n *= 11
		}
		out[k] = make([]color.RGBA, n)
		t := make([]int, k)
		for level := range n {
			rest, left := level, 10
			for c := 1; c < k; c++ {
				t[c] = rest % 11
				rest /= 11
				left -= t[c]
			}
			if left < 0 {
				continue
			}
			t[0] = left
			out[k][level] = blendOf(t)
		}
	}
	return out
}()

// AddNoticeIfEmpty writes on p, while the set has no training sample (a
// custom data set before the first click), how to add some, so that no
// panel is left blank.
func (s *Set) AddNoticeIfEmpty(p *plot.Plot) {
	if len(s.Train) == 0 {
		viz.AddNotice(p, "No samples yet: pick a class beside the map", "and click on the map to add points.")
	}
}
