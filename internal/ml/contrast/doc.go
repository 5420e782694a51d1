// Package contrast learns two encoders whose embeddings agree on paired
// inputs: the contrastive (InfoNCE) objective of CLIP (Radford et al.
// 2021, "Learning transferable visual models from natural language
// supervision", §2.3 and Figure 3) on a toy pair of modalities, an 8×8
// digit image and the digit's written word.
//
// An image encoder f and a text encoder g (small MLPs) map a batch of n
// pairs (x_i, t_i) to unit vectors u_i = f(x_i)/‖f(x_i)‖ and
// v_j = g(t_j)/‖g(t_j)‖. Their cosine similarities S_ij = u_i·v_j, divided
// by the temperature τ, are the logits of two classification problems:
// each image must pick its own text among the n texts of the batch (a row
// of S), and each text its own image (a column). The symmetric loss is
// the mean of the two cross-entropies, each averaged over the batch:
//
//	L = ½ [ 1/n Σ_i −log softmax_j(S_ij/τ)[j=i] + 1/n Σ_j −log softmax_i(S_ij/τ)[i=j] ]
//	  = ½ [ 1/n Σ_i (LSE_j(S_ij/τ) − S_ii/τ) + 1/n Σ_j (LSE_i(S_ij/τ) − S_jj/τ) ]
//
// with LSE the log-sum-exp. L falls as the diagonal of S rises above the
// rest of its row and column. Zero-shot classification then labels an
// image with the class whose word, passed through g, has the most similar
// embedding: no classifier is ever trained on the labels.
//
// Texts are bags of letters: a word is the vector of its 26 letter counts.
package contrast
