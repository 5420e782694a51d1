package seq

import (
	"fmt"
	"math/rand/v2"
)

// Reverse draws batch sequences of seqLen tokens uniformly from
// 0…vocab−1 into inputs and their reversals into targets (both batch·seqLen,
// reused when large enough): targets[b·T + t] = inputs[b·T + T−1−t].
func Reverse(rng *rand.Rand, batch, seqLen, vocab int, inputs, targets []int) ([]int, []int) {
	n := batch * seqLen
	inputs, targets = resize(inputs, n), resize(targets, n)
	for i := range inputs {
		inputs[i] = rng.IntN(vocab)
	}
	for b := range batch {
		for t := range seqLen {
			targets[b*seqLen+t] = inputs[b*seqLen+seqLen-1-t]
		}
	}
	return inputs, targets
}

// FirstToken draws batch sequences of seqLen tokens whose first token is a
// signal, drawn from 0…signals−1, followed by seqLen−1 distractors drawn
// from signals…vocab−1; the target of each sequence (one per sequence) is
// its signal. The answer is asked for only after the last distractor, so a
// network must carry it through seqLen−1 steps.
func FirstToken(rng *rand.Rand, batch, seqLen, signals, vocab int, inputs, targets []int) ([]int, []int) {
	if signals < 1 || signals >= vocab {
		panic(fmt.Sprintf("seq: %d signals in a vocabulary of %d", signals, vocab))
	}
	inputs, targets = resize(inputs, batch*seqLen), resize(targets, batch)
	for b := range batch {
		targets[b] = rng.IntN(signals)
		inputs[b*seqLen] = targets[b]
		for t := 1; t < seqLen; t++ {
			inputs[b*seqLen+t] = signals + rng.IntN(vocab-signals)
		}
	}
	return inputs, targets
}

func resize(s []int, n int) []int {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]int, n)
}
