// Package autoenc is representation learning by reconstruction: the plain
// and denoising autoencoder and the variational autoencoder (VAE), small
// multi-layer perceptrons on the nn tape.
//
// An autoencoder is an encoder f and a decoder g with a narrow code h
// between them, trained to give its input back:
//
//	h = f(x),  x̂ = g(h),  L = 1/(2n) Σ_i ‖x̂_i − x_i‖²
//
// The denoising variant (Vincent et al. 2008) feeds a corrupted input
// x̃ = x + s·ε, ε ~ N(0, I), and still asks for the clean x.
//
// The VAE (Kingma & Welling 2014) makes the encoder output a Gaussian
// q(z|x) = N(μ, diag σ²), written as μ and log σ², draws its code by the
// reparameterisation z = μ + σ ⊙ ε, ε ~ N(0, I), so that the draw is a
// differentiable function of μ and σ, and minimises the negative evidence
// lower bound with a weight β on its KL term (Higgins et al. 2017):
//
//	L = 1/n Σ_i [ −Σ_j (x_ij log x̂_ij + (1 − x_ij) log(1 − x̂_ij))
//	              + β · ½ Σ_k (μ_ik² + σ_ik² − log σ_ik² − 1) ]
//
// the second term being KL(N(μ, σ²) ‖ N(0, I)) in closed form.
//
// Steppers: Trainer (an epoch of mini-batch training of one Net).
package autoenc
