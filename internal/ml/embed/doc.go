// Package embed learns word embeddings: skip-gram with negative sampling
// (word2vec, Mikolov et al. 2013, "Distributed representations of words
// and phrases and their compositionality", NeurIPS) on a small corpus.
//
// Every word w has an input vector v_w (its embedding) and an output
// vector u_w. For a centre word c and a context word o within the window,
// with k negative words n_1…n_k drawn from the unigram distribution raised
// to the power 3/4, the loss is
//
//	L = −log σ(u_o·v_c) − Σ_j log σ(−u_{n_j}·v_c)
//
// and its gradients are
//
//	∂L/∂v_c     = (σ(u_o·v_c) − 1) u_o + Σ_j σ(u_{n_j}·v_c) u_{n_j}
//	∂L/∂u_o     = (σ(u_o·v_c) − 1) v_c
//	∂L/∂u_{n_j} = σ(u_{n_j}·v_c) v_c
//
// SGNS steps through every (centre, context) pair of the corpus once per
// epoch, in a shuffled order, with plain SGD of step η. Words are compared
// by cosine similarity of their embeddings; an analogy a − b + c is
// answered by the word, other than a, b and c, whose embedding is most
// similar to v_a − v_b + v_c.
//
// Corpus writes the built-in text: sentences from a small grammar about
// royalty, geography and animals, built so that analogies hold.
package embed
