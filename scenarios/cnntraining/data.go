package cnntraining

import (
	"math/rand/v2"
	"strconv"

	"github.com/mlplayground/playground/internal/ml/vision"
)

// splits are the data set cut three ways, and the validation and test
// images shifted for the translation test.
type splits struct {
	all                     *vision.Images
	train, val, test        *vision.Images
	valShifted, testShifted *vision.Images
}

// newSplits draws the data set, shuffles it, cuts off the test then the
// validation share and draws one shift of 1–2 pixels per validation and
// test image.
func newSplits(rng *rand.Rand, src source) *splits {
	all := src(rng)
	perm := rng.Perm(all.Len())
	nTest := int(testShare * float64(all.Len()))
	nVal := int(valShare * float64(all.Len()))
	s := &splits{all: all,
		test:  all.Subset(perm[:nTest]),
		val:   all.Subset(perm[nTest : nTest+nVal]),
		train: all.Subset(perm[nTest+nVal:]),
	}
	s.valShifted = s.val.Shifted(vision.RandomShifts(rng, s.val.Len()))
	s.testShifted = s.test.Shifted(vision.RandomShifts(rng, s.test.Len()))
	return s
}

// Data is data.csv: one image a row, its pixels p<y>_<x> (row y, column x
// from the top left; values in [0, 1]), its label and its split, the
// training rows first in the order of the training set, then validation,
// then test.
func (m *model) Data() [][]string {
	sh := m.data.all.Shape
	header := make([]string, 0, sh.Size()+2)
	for y := range sh.H {
		for x := range sh.W {
			header = append(header, "p"+strconv.Itoa(y)+"_"+strconv.Itoa(x))
		}
	}
	rows := [][]string{append(header, "label", "split")}
	for _, part := range []struct {
		set  *vision.Images
		name string
	}{{m.data.train, "train"}, {m.data.val, "val"}, {m.data.test, "test"}} {
		for i := range part.set.Len() {
			row := make([]string, 0, sh.Size()+2)
			for _, v := range part.set.Image(i) {
				row = append(row, strconv.FormatFloat(v, 'g', -1, 64))
			}
			rows = append(rows, append(row, strconv.Itoa(part.set.Labels[i]), part.name))
		}
	}
	return rows
}
