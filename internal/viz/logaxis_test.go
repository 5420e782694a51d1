package viz

import (
	"math"
	"testing"

	"gonum.org/v1/plot/vg"
)

// A long y label on a log axis must not push the data area down: the data
// area's top stays where a short label leaves it.
func TestLogAxisLongLabelKeepsDataArea(t *testing.T) {
	top := func(label string) float64 {
		p := NewPlot("", "epoch", label)
		AddLine(p, []float64{0, 1, 2}, []float64{1, 0.1, 0.01}, ClassColor(0), "", false)
		SetLogY(p)
		_, vp, err := SVG(p, 5*vg.Inch, 4*vg.Inch)
		if err != nil {
			t.Fatal(err)
		}
		return vp.Rect[1]
	}
	short, long := top("MSE"), top("mean squared error on a log scale, a long label")
	if math.Abs(short-long) > 1 {
		t.Errorf("data area top at %.1f with a long label, %.1f with a short one", long, short)
	}
	if long > 30 {
		t.Errorf("data area starts %.1f units below the top of a 288-unit plot", long)
	}
}
