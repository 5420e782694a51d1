package seq

import "math/rand/v2"

// LastToken is FirstToken with each sequence read backwards: seqLen−1
// distractors, then the signal, which is the target. The answer is asked
// for right after the signal, so a memory of one step suffices: the
// control for FirstToken, whose signal lies seqLen−1 steps back.
func LastToken(rng *rand.Rand, batch, seqLen, signals, vocab int, inputs, targets []int) ([]int, []int) {
	inputs, targets = FirstToken(rng, batch, seqLen, signals, vocab, inputs, targets)
	for b := range batch {
		s := inputs[b*seqLen : (b+1)*seqLen]
		for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
			s[i], s[j] = s[j], s[i]
		}
	}
	return inputs, targets
}
