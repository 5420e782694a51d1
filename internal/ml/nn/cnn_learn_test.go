package nn

import (
	"testing"

	"github.com/mlplayground/playground/internal/ml/dataset"
)

// DefaultCNN learns the digits: ten epochs of SGD (η = 0.1, batches of 32)
// on 1 437 images classify the other 360 with at least 95% accuracy
// (96.7% with these seeds).
func TestDefaultCNNLearnsDigits(t *testing.T) {
	all, allLabels := dataset.Digits()
	perm := newRand(30).Perm(len(all))
	const nTrain = 1437
	var X []float64
	for _, j := range perm {
		for _, v := range all[j] {
			X = append(X, v/16)
		}
	}
	labels := make([]int, len(perm))
	for i, j := range perm {
		labels[i] = allLabels[j]
	}
	m, _ := NewCNN(newRand(31), DefaultCNN())
	opt, _ := NewOptimizer("sgd", 0.1)
	tp := &Tape{}
	for range 10 {
		for start := 0; start < nTrain; start += DefaultCNNBatch {
			end := min(start+DefaultCNNBatch, nTrain)
			tp.Reset()
			m.ZeroGrad()
			x := tp.InputMaps(end-start, m.Config.In, X[start*64:end*64])
			tp.Backward(tp.CrossEntropy(m.Forward(tp, x), labels[start:end]))
			opt.Step(m.Params())
		}
	}
	tp.Reset()
	nTest := len(perm) - nTrain
	prob := m.Forward(tp, tp.InputMaps(nTest, m.Config.In, X[nTrain*64:]))
	right := 0
	for i := range nTest {
		best := 0
		for c := range 10 {
			if prob.At(i, c) > prob.At(i, best) {
				best = c
			}
		}
		if best == labels[nTrain+i] {
			right++
		}
	}
	acc := float64(right) / float64(nTest)
	t.Logf("test accuracy %.3f", acc)
	if acc < 0.95 {
		t.Errorf("test accuracy %.3f after 10 epochs, want at least 0.95", acc)
	}
}
