package neuralnet

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/scenarios/internal/classdata"
)

// dataset is one of the playground's data sets: one of classdata's
// classification data sets, or a regression surface.
type dataset struct {
	classes *classdata.Dataset           // nil for regression
	surface func(x1, x2 float64) float64 // the noise-free regression target, nil for classification
}

func (d dataset) regression() bool { return d.surface != nil }

// samples is the number of generated samples, TensorFlow Playground's 500.
const samples = 500

// regRadius is the half-width of the square the regression inputs fill.
const regRadius = 3

// bumps are the centres and signs of the reg-gauss surface: TensorFlow
// Playground's six Gaussians (src/dataset.ts), at half its scale.
var bumps = []struct{ x, y, sign float64 }{
	{-2, 1.25, 1}, {0, 1.25, -1}, {2, 1.25, 1},
	{-2, -1.25, -1}, {0, -1.25, 1}, {2, -1.25, -1},
}

// bumpWidth is the standard deviation of each bump.
const bumpWidth = 0.6

// plane is reg-plane's surface, from −1 to 1 over [−3, 3]²:
//
//	y = (x₁ + x₂)/6
func plane(x1, x2 float64) float64 { return (x1 + x2) / (2 * regRadius) }

// gaussBumps is reg-gauss's surface:
//
//	y = Σ_k s_k exp(−‖x − c_k‖²/(2·0.6²)), s_k = ±1
func gaussBumps(x1, x2 float64) float64 {
	var y float64
	for _, b := range bumps {
		d2 := (x1-b.x)*(x1-b.x) + (x2-b.y)*(x2-b.y)
		y += b.sign * math.Exp(-d2/(2*bumpWidth*bumpWidth))
	}
	return y
}

// regressionData draws n inputs uniformly in [−3, 3]² and their targets.
// As in TensorFlow Playground, noise (0 to 50, percent) shifts the point
// where the surface is read by up to noise% of the square's width in each
// coordinate, so the label no longer quite belongs to its position.
func regressionData(rng *rand.Rand, surface func(x1, x2 float64) float64, n int, noise float64) ([][]float64, []float64) {
	X := make([][]float64, n)
	y := make([]float64, n)
	for i := range n {
		x1 := regRadius * (2*rng.Float64() - 1)
		x2 := regRadius * (2*rng.Float64() - 1)
		u1 := noise / 100 * regRadius * (2*rng.Float64() - 1)
		u2 := noise / 100 * regRadius * (2*rng.Float64() - 1)
		X[i], y[i] = []float64{x1, x2}, surface(x1+u1, x2+u2)
	}
	return X, y
}

// data is a run's data set: classdata's Set (for regression its labels are
// all 0) and, for regression, the targets.
type data struct {
	set *classdata.Set
	y   []float64 // regression targets, nil for classification
}

// loadData builds the data set the parameters ask for, or a *lab.ParamError
// when they do not fit together.
func loadData(rng *rand.Rand, v lab.Values) (*data, error) {
	dataset, name, problem, classes := datasetParam.Get(v), datasetParam.Text(v), problemParam.Get(v), classesParam.Get(v)
	noise := float64(noiseParam.Get(v))
	testShare := 1 - float64(trainParam.Get(v))/100
	points := pointsParam.Get(v)
	if dataset.regression() != problem.regression {
		what := "a classification data set: choose problem=binary or multiclass, or dataset=reg-plane or reg-gauss"
		if dataset.regression() {
			what = "a regression data set: choose problem=regression, or a classification data set"
		}
		return nil, problemParam.Refuse(v, fmt.Sprintf("%s is %s", name, what))
	}
	switch {
	case !problem.multiclass && classes != 2:
		return nil, classesParam.Refuse(v, fmt.Sprintf("problem=%s has no choice of classes (leave 2); choose problem=multiclass for more", problem.name))
	case problem.multiclass && dataset.classes.Real() && classes > 3:
		return nil, classesParam.Refuse(v, name+" has 3 classes: choose 2 or 3")
	case problem.multiclass && dataset.classes.TwoClass() && classes != 2:
		return nil, classesParam.Refuse(v, name+" has 2 classes: choose 2, or gauss, spiral, iris, wine or custom for more")
	}
	if problem.regression {
		if len(points) > 0 {
			return nil, pointsParam.Refuse(v, "clicked points carry a class; regression data sets take none (remove them)")
		}
		X, y := regressionData(rng, dataset.surface, samples, noise)
		set, err := classdata.FromSamples(rng, name, X, make([]int, len(X)), 1, classdata.Options{TestShare: testShare})
		if err != nil {
			return nil, err
		}
		return &data{set: set, y: y}, nil
	}
	set, err := classdata.Load(rng, classdata.Options{
		Dataset: dataset.classes, N: samples, Noise: noise / 50, Classes: classes,
		Binary: classes == 2, TestShare: testShare, Points: points,
	})
	if err != nil {
		return nil, err
	}
	return &data{set: set}, nil
}

// target is sample i's target: its label, or its value for regression.
func (d *data) target(i int) float64 {
	if d.y != nil {
		return d.y[i]
	}
	return float64(d.set.Labels[i])
}

// Rows is data.csv: x1..xd, label (or y), split (train or val).
func (d *data) Rows() [][]string {
	rows := d.set.ValRows()
	if d.y == nil {
		return rows
	}
	last := len(rows[0]) - 2 // the label column
	rows[0][last] = "y"
	for i, row := range rows[1:] {
		row[last] = textfmt.Num(d.y[i])
	}
	return rows
}
