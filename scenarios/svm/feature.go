package svm

import (
	"math"

	"github.com/mlplayground/playground/internal/ml/svm"
)

// quadDim is the number of coordinates of the degree-2 feature map of a
// 2-D input; the first three are the quadratic ones the lifted view draws.
const quadDim = 6

// quadFeatures is the explicit feature map of the degree-2 polynomial
// kernel on 2-D inputs, K(x, z) = (γ xᵀz + c₀)² = Σⱼ sⱼ φⱼ(x) φⱼ(z):
//
//	φ(x) = (γx₁², √2·γx₁x₂, γx₂², √(2γ|c₀|)·x₁, √(2γ|c₀|)·x₂, |c₀|)
//	s    = (1, 1, 1, sign c₀, sign c₀, 1)
//
// Expanding the square gives γ²(xᵀz)² + 2γc₀ xᵀz + c₀², and
// γ²(x₁z₁ + x₂z₂)² = γ²x₁²z₁² + 2γ²x₁x₂z₁z₂ + γ²x₂²z₂² is the dot product
// of the first three coordinates: they are every monomial of degree 2, the
// √2 counting the cross term twice. The linear and constant parts come
// from c₀; for c₀ < 0 the kernel is not an inner product, and s carries
// the sign of its linear part (Schölkopf & Smola, Learning with Kernels,
// 2002, §2.1).
func quadFeatures(k svm.Kernel, x []float64) (phi, sign [quadDim]float64) {
	if k.Name != svm.KernelPoly || k.Degree != 2 || len(x) != 2 {
		panic("svm: quadFeatures needs the degree-2 polynomial kernel on 2-D inputs")
	}
	g, c := k.Gamma, k.Coef0
	lin := math.Sqrt(2 * g * math.Abs(c))
	s := 1.0
	if c < 0 {
		s = -1
	}
	return [quadDim]float64{g * x[0] * x[0], math.Sqrt2 * g * x[0] * x[1], g * x[1] * x[1], lin * x[0], lin * x[1], math.Abs(c)},
		[quadDim]float64{1, 1, 1, s, s, 1}
}

// hasQuadMap says whether the lifted view can draw the explicit feature
// map: the degree-2 polynomial kernel on a 2-D data set.
func (m *model) hasQuadMap() bool {
	return m.kernel.Name == svm.KernelPoly && m.kernel.Degree == 2 && len(m.set.FeatureNames) == 2
}

// quadWeights is the SVM's weight vector in the feature space of
// quadFeatures, from the dual,
//
//	w = Σᵢ αᵢ yᵢ φ(xᵢ),   f(x) = Σⱼ sⱼ wⱼ φⱼ(x) − b,
//
// which is the kernel's f(x) = Σᵢ αᵢ yᵢ K(xᵢ, x) − b term by term.
func (m *model) quadWeights() (w [quadDim]float64) {
	a := m.svm.Alphas()
	for _, i := range m.svm.Support() {
		phi, _ := quadFeatures(m.kernel, m.trainX[i])
		c := a[i] * float64(m.svm.Label(i))
		for j, v := range phi {
			w[j] += c * v
		}
	}
	return w
}
