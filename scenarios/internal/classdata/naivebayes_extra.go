package classdata

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/mlplayground/playground/internal/lab"
)

// FromSamples builds a Set from 2-D samples a scenario generated itself
// (a data set classdata does not offer, such as naive Bayes' correlated
// stripes), then splits it and adds the user's points exactly as Load does
// for its own data sets: TestShare of the samples drawn with rng go to the
// test set, the user's points all train, Mean and Bounds from the result.
// It takes ownership of X and labels.
func FromSamples(rng *rand.Rand, name string, X [][]float64, labels []int, classes int, o Options) (*Set, error) {
	s := &Set{Name: name, X: X, Labels: labels, Classes: classes, FeatureNames: []string{"x1", "x2"}}
	for k := range classes {
		s.ClassNames = append(s.ClassNames, "class "+strconv.Itoa(k))
	}
	n := len(s.X)
	s.Split = make([]bool, n)
	nTest := int(math.Round(o.TestShare * float64(n)))
	for _, i := range rng.Perm(n)[:nTest] {
		s.Split[i] = true
	}
	for i, p := range o.Points {
		if p.Class >= s.Classes {
			return nil, &lab.ParamError{Name: "points", Value: lab.EncodePoints(o.Points, MaxClasses),
				Allowed: fmt.Sprintf("point %d has class %d but data set %s has classes 0 to %d", i+1, p.Class, name, s.Classes-1)}
		}
		s.X = append(s.X, []float64{p.X, p.Y})
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
	s.Mean = make([]float64, 2)
	for _, i := range s.Train {
		for j := range 2 {
			s.Mean[j] += s.X[i][j] / float64(len(s.Train))
		}
	}
	s.Bounds = bounds(s.X)
	return s, nil
}
