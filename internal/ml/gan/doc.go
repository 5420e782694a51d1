// Package gan trains a generative adversarial network on two-dimensional
// samples (Goodfellow et al. 2014, "Generative Adversarial Nets", NeurIPS):
// a generator G maps noise z ~ U(−1, 1)^d to a point x = G(z) of the
// plane, and a discriminator D scores points, high for the target's and
// low for the generator's. Both are multi-layer perceptrons of package nn.
//
// With the log loss D outputs a probability (a sigmoid) and the two play
//
//	L_D = −1/n Σ_i [log D(xᵢ) + log(1 − D(G(zᵢ)))]
//	L_G = −1/n Σ_i log D(G(zᵢ))
//
// L_G is the non-saturating generator loss of the paper's §3: the minimax
// generator would minimise 1/n Σ log(1 − D(G(z))), whose gradient
// vanishes while D rejects every generated point. For a fixed G the best
// discriminator is D*(x) = p_r(x)/(p_r(x) + p_g(x)), and against D* the
// minimax value is 2·JS(p_r ‖ p_g) − log 4, so the game's equilibrium is
// p_g = p_r with D = ½ everywhere.
//
// With the least-squares loss (Mao et al. 2017, "Least Squares Generative
// Adversarial Networks", ICCV, labels a = 0, b = c = 1) D's output is
// linear and
//
//	L_D = ½·1/n Σ_i (D(xᵢ) − 1)² + ½·1/n Σ_i D(G(zᵢ))²
//	L_G = ½·1/n Σ_i (D(G(zᵢ)) − 1)²
//
// whose best discriminator is the same p_r/(p_r + p_g).
//
// One Step is k_D discriminator updates, each on a fresh batch of target
// samples and of generated ones, then one generator update on fresh noise
// (either part can be switched off). Hidden units are leaky ReLUs; the
// stepper is GAN; JS estimates the
// Jensen–Shannon divergence between two sample sets on a grid, and
// Target is a mixture of modes (Gaussian blobs, crescents) to sample from
// and to count the modes the generator covers.
package gan
