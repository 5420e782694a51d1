package seq

import (
	"fmt"
	"math/rand/v2"
	"slices"
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

// Copy draws batch sequences of seqLen tokens from 0…vocab−1 and returns
// them as their own targets: y_t = x_t.
func Copy(rng *rand.Rand, batch, seqLen, vocab int, inputs, targets []int) ([]int, []int) {
	n := batch * seqLen
	inputs, targets = resize(inputs, n), resize(targets, n)
	for i := range inputs {
		inputs[i] = rng.IntN(vocab)
	}
	copy(targets, inputs)
	return inputs, targets
}

// Sort draws batch sequences of seqLen tokens from 0…vocab−1; each
// sequence's targets are its tokens in increasing order.
func Sort(rng *rand.Rand, batch, seqLen, vocab int, inputs, targets []int) ([]int, []int) {
	inputs, targets = Copy(rng, batch, seqLen, vocab, inputs, targets)
	for b := range batch {
		slices.Sort(targets[b*seqLen : (b+1)*seqLen])
	}
	return inputs, targets
}

// Open and Close are the bracket tokens of Brackets.
const (
	Open  = 0
	Close = 1
)

// Brackets draws batch sequences of seqLen brackets, each Open or Close
// with probability ½; the target at each position is the position of its
// matching bracket (0…seqLen−1), or seqLen when it has none. Targets need
// a vocabulary of seqLen+1 tokens.
func Brackets(rng *rand.Rand, batch, seqLen int, inputs, targets []int) ([]int, []int) {
	n := batch * seqLen
	inputs, targets = resize(inputs, n), resize(targets, n)
	var open []int // positions of unmatched opening brackets
	for b := range batch {
		open = open[:0]
		for t := range seqLen {
			i := b*seqLen + t
			inputs[i], targets[i] = rng.IntN(2), seqLen
			switch {
			case inputs[i] == Open:
				open = append(open, t)
			case len(open) > 0:
				partner := open[len(open)-1]
				open = open[:len(open)-1]
				targets[i], targets[b*seqLen+partner] = partner, t
			}
		}
	}
	return inputs, targets
}
