// Package pretext learns features from unlabelled 8×8 digits with a
// self-supervised pretext task, then measures them with a linear probe.
//
// An encoder h = tanh(x·W₁ + b₁) (64 pixels → Features units) is trained
// with a head on one of two tasks whose targets come from the images
// themselves:
//
// Masked patch prediction: a 4×4 square at a random place is greyed out
// (its pixels set to ½) and the head ŷ = σ(h·W₂ + b₂) (64 outputs) must
// restore the hidden pixels. Only the masked pixels M_i of image i count:
//
//	L = 1/(2n) Σ_i Σ_{p ∈ M_i} (ŷ_ip − x_ip)²
//
// Jigsaw (Noroozi & Favaro 2016, "Unsupervised learning of visual
// representations by solving jigsaw puzzles", ECCV): the image's four 4×4
// quadrants are rearranged by one of a small set of permutations, and the
// head ŷ = softmax(h·W₂ + b₂) must say which:
//
//	L = −1/n Σ_i log ŷ_{i, π_i}
//
// A linear probe is softmax regression with an L2 penalty, fitted by
// L-BFGS on the frozen features of a few labelled images per class and
// scored on held-out test images: the usual way to judge what a
// representation has learnt (probe.go).
package pretext
