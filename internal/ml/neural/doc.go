// Package neural trains multi-layer perceptrons on the autodiff engine of
// package nn, and walks optimisers over two-dimensional loss surfaces.
//
// A network f(x; W) of dense layers h_l = a(W_l h_{l−1} + b_l) is trained
// on one mini-batch B at a time by an optimiser step on
//
//	J(W) = 1/|B| Σ_{i∈B} ℓ(yᵢ, f(xᵢ; W)) + λ·Ω(W),  Ω = Σ w² (L2) or Σ |w| (L1)
//
// with ℓ the binary cross-entropy of a sigmoid output, the categorical
// cross-entropy of a softmax output, or ½(y − ŷ)². The gradient comes by
// backpropagation, the chain rule layer by layer,
//
//	δ_l = a′(z_l) ⊙ (W_{l+1}ᵀ δ_{l+1}),  ∂J/∂W_l = δ_l h_{l−1}ᵀ
//
// which is also why the gradient vanishes in deep sigmoid networks:
// a′ ≤ 1/4 at every layer (Hochreiter 1991; Glorot & Bengio 2010). Dropout
// zeroes hidden units with probability p while training and scales the
// others by 1/(1 − p) (Srivastava et al. 2014, JMLR 15). One hidden layer
// of enough sigmoid units approximates any continuous function on a
// compact set (Cybenko 1989; Hornik 1991).
//
// Every trainer runs its epochs through the same loop: the samples in a
// fresh order, cut into batches, and for each batch one descent step
// (clear the tape, zero the gradients, record the loss, backpropagate,
// update). None of them ends by itself: Done is always false, and a
// learning rate too large shows as Finite reporting false.
//
// The steppers (see ml.Stepper), one epoch per Step unless said:
//
//   - Network: the neural-network playground's model, any problem, depth,
//     activation, penalty, dropout and batch size.
//   - RegularizedNets: one network trained side by side with and without
//     dropout and an L2 penalty, one full-batch epoch of each per Step.
//   - MiniBatchTrainer: a binary classifier under any optimiser and batch
//     size.
//   - ShallowNet: the network of the universal approximation theorem,
//     f(x) = Σᵢ aᵢ σ(wᵢ x + bᵢ) + c, full batch.
//   - DeepNet: a deep, narrow classifier whose per-layer gradient norms
//     are measured after every epoch.
//   - SurfaceDescent: one optimiser step per Step on a Surface (Rosenbrock,
//     Saddle, Ravine, Beale) whose gradient is known in closed form.
//
// Softmax (at a temperature) and VanishingZones (where an activation's
// derivative is too small to pass a gradient on) complete package nn's
// activations.
//
// Expected values in the tests come from NumPy (testdata/gen_neuralnet.py)
// and from finite differences.
package neural
