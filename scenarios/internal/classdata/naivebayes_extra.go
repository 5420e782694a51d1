package classdata

import (
	"math/rand/v2"
	"strconv"
)

// FromSamples builds a Set from 2-D samples a scenario generated itself
// (a data set classdata does not offer, such as naive Bayes' correlated
// stripes), then splits it and adds the user's points exactly as Load does
// for its own data sets: TestShare of the samples drawn with rng go to the
// test set, the user's points all train, Mean and Bounds from the result.
// It takes ownership of X and labels.
func FromSamples(rng *rand.Rand, name string, X [][]float64, labels []int, classes int, o Options) (*Set, error) {
	s := &Set{Name: name, X: X, Labels: labels, Classes: classes, FeatureNames: []string{"x₁", "x₂"}}
	for k := range classes {
		s.ClassNames = append(s.ClassNames, "class "+strconv.Itoa(k))
	}
	if err := s.split(rng, o); err != nil {
		return nil, err
	}
	return s, nil
}
