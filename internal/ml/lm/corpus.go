// Package lm holds the language model chapter's numerics: a corpus cut
// into characters or words, a count-based n-gram model with add-k
// smoothing, a neural next-token model (an RNN, an LSTM or a causal
// transformer from package seq) reading a window of the last C tokens,
// perplexity, and sampling with a temperature.
//
// The corpus (corpus.txt) was written for the playground: simple
// sentences about a cat, a dog, a farm and a river. It carries the
// repository's licence.
package lm

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
)

//go:embed corpus.txt
var corpusText string

// Level says what a token is.
type Level int

const (
	// Char makes every character a token, the space and the full stop
	// included.
	Char Level = iota
	// Word makes every word a token, and every full stop one more.
	Word
)

// ValidationShare is the share of the corpus, its last sentences, held out
// to measure the validation perplexity.
const ValidationShare = 0.12

// Corpus is the text as tokens: Tokens holds the training text
// (Tokens[:NTrain]) followed by the validation text.
type Corpus struct {
	Level  Level
	Vocab  []string // sorted; a token is its index
	Tokens []int
	NTrain int
	index  map[string]int
}

// Text returns the corpus as written, its lines joined into one.
func Text() string { return strings.Join(strings.Fields(corpusText), " ") }

// split cuts text into the level's token strings.
func split(text string, level Level) []string {
	if level == Char {
		out := make([]string, 0, len(text))
		for _, r := range text {
			out = append(out, string(r))
		}
		return out
	}
	var out []string
	for _, f := range strings.Fields(text) {
		w, stop := strings.CutSuffix(f, ".")
		if w != "" {
			out = append(out, w)
		}
		if stop {
			out = append(out, ".")
		}
	}
	return out
}

// Load cuts the corpus into tokens of the level and holds out its last
// sentences, about ValidationShare of the tokens, as validation text. At
// the character level the training text ends with the full stop and the
// space before the first validation sentence.
func Load(level Level) *Corpus {
	text := Text()
	toks := split(text, level)
	c := &Corpus{Level: level, index: map[string]int{}}
	for _, t := range toks {
		if _, ok := c.index[t]; !ok {
			c.index[t] = 0
			c.Vocab = append(c.Vocab, t)
		}
	}
	slices.Sort(c.Vocab)
	for i, t := range c.Vocab {
		c.index[t] = i
	}
	c.Tokens = make([]int, len(toks))
	for i, t := range toks {
		c.Tokens[i] = c.index[t]
	}
	// The first sentence start after (1 − share) of the tokens.
	cut := int(float64(len(toks)) * (1 - ValidationShare))
	for cut < len(toks) && !(cut > 0 && sentenceStart(toks, cut, level)) {
		cut++
	}
	c.NTrain = cut
	return c
}

// sentenceStart reports whether token i begins a sentence.
func sentenceStart(toks []string, i int, level Level) bool {
	if level == Word {
		return toks[i-1] == "."
	}
	return i >= 2 && toks[i-1] == " " && toks[i-2] == "."
}

// V is the size of the vocabulary.
func (c *Corpus) V() int { return len(c.Vocab) }

// Train and Validation return the two texts' tokens.
func (c *Corpus) Train() []int      { return c.Tokens[:c.NTrain] }
func (c *Corpus) Validation() []int { return c.Tokens[c.NTrain:] }

// Tokenize cuts s into tokens of the corpus's vocabulary; unknown lists,
// once each in order of appearance, the pieces the vocabulary lacks.
func (c *Corpus) Tokenize(s string) (tokens []int, unknown []string) {
	for _, t := range split(s, c.Level) {
		i, ok := c.index[t]
		if !ok {
			if !slices.Contains(unknown, t) {
				unknown = append(unknown, t)
			}
			continue
		}
		tokens = append(tokens, i)
	}
	return tokens, unknown
}

// Join writes tokens back as text: characters side by side, words
// separated by spaces with the full stop against its word.
func (c *Corpus) Join(tokens []int) string {
	var b strings.Builder
	for i, t := range tokens {
		s := c.Vocab[t]
		if c.Level == Word && i > 0 && s != "." {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	return b.String()
}

// Context returns the C tokens before position i of the corpus, reaching
// back from the validation text into the training text.
func (c *Corpus) Context(i, C int) []int {
	if i < C {
		panic(fmt.Sprintf("lm: position %d has no context of %d tokens", i, C))
	}
	return c.Tokens[i-C : i]
}

// PromptWindow returns the last C tokens of the training text followed by
// the prompt, so that a prompt shorter than the context is read as the
// start of a new sentence.
func (c *Corpus) PromptWindow(prompt []int, C int) []int {
	w := append(slices.Clone(c.Tokens[c.NTrain-C:c.NTrain]), prompt...)
	return w[len(w)-C:]
}
