package nn

import "math"

// Activation is an elementwise function with its derivative. D receives
// both the input x and the output y = F(x), so each derivative can use the
// cheaper of the two (σ′ = y(1 − y), tanh′ = 1 − y²).
type Activation struct {
	Name string
	F    func(x float64) float64
	D    func(x, y float64) float64
}

// The activations of the course.
var (
	Sigmoid = Activation{"sigmoid",
		func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
		func(_, y float64) float64 { return y * (1 - y) }}
	Tanh = Activation{"tanh", math.Tanh,
		func(_, y float64) float64 { return 1 - y*y }}
	ReLU = Activation{"relu",
		func(x float64) float64 { return max(0, x) },
		func(x, _ float64) float64 {
			if x > 0 {
				return 1
			}
			return 0
		}}
	// LeakyReLU lets 1% of a negative input through, so its units never die.
	LeakyReLU = Activation{"leaky_relu",
		func(x float64) float64 {
			if x > 0 {
				return x
			}
			return 0.01 * x
		},
		func(x, _ float64) float64 {
			if x > 0 {
				return 1
			}
			return 0.01
		}}
	Linear = Activation{"linear",
		func(x float64) float64 { return x },
		func(_, _ float64) float64 { return 1 }}
	// Heaviside is the perceptron's step, 1 for x ≥ 0. Its derivative is 0
	// wherever it exists, which is why the perceptron has its own rule.
	Heaviside = Activation{"heaviside",
		func(x float64) float64 {
			if x >= 0 {
				return 1
			}
			return 0
		},
		func(_, _ float64) float64 { return 0 }}
)

// Activations lists them by name, as URLs spell them.
var Activations = map[string]Activation{
	Sigmoid.Name: Sigmoid, Tanh.Name: Tanh, ReLU.Name: ReLU, LeakyReLU.Name: LeakyReLU,
	Linear.Name: Linear, Heaviside.Name: Heaviside,
}
