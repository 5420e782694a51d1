// Package seq holds the sequence models of the chapter on sequences and
// language, built from nn's operations, and the toy tasks they learn:
//
//	Transformer  token embedding + positional encoding, pre-norm
//	             transformer blocks, a final layer norm and a softmax over
//	             the vocabulary at every position (Vaswani et al. 2017)
//	Recurrent    token embedding, an RNN or LSTM cell unrolled through time,
//	             a softmax over the classes from the last hidden state
//	Reverse      the sequence backwards: y_t = x_{T−1−t}
//	Copy, Sort   the sequence again, and in increasing order
//	Brackets     the position of each bracket's partner
//	FirstToken   the first token again after T−1 distractors, which needs a
//	             memory of T steps
//
// DefaultAttention and DefaultRNN are the networks the attention and rnn
// scenarios start from. A batch of B sequences of length T is B·T tokens,
// sequence b's token t at b·T + t. Randomness comes only from the
// *rand.Rand passed in.
package seq
