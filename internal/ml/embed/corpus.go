package embed

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Topics of the built-in corpus.
var Topics = []string{"royalty", "geography", "animals"}

// Analogy is a − b + c ≈ Answer, written so the corpus supports it.
type Analogy struct{ A, B, C, Answer string }

func (a Analogy) String() string { return a.A + "-" + a.B + "+" + a.C }

// person is a word of the royalty topic: its gender, rank and age.
type person struct {
	word        string
	male, royal bool
	young       bool
	twin        string // the same person of the other gender
}

var people = []person{
	{"king", true, true, false, "queen"}, {"queen", false, true, false, "king"},
	{"prince", true, true, true, "princess"}, {"princess", false, true, true, "prince"},
	{"man", true, false, false, "woman"}, {"woman", false, false, false, "man"},
	{"boy", true, false, true, "girl"}, {"girl", false, false, true, "boy"},
}

// country is a word triple of the geography topic.
type country struct{ name, capital, language string }

var countries = []country{
	{"france", "paris", "french"}, {"italy", "rome", "italian"}, {"spain", "madrid", "spanish"},
	{"germany", "berlin", "german"}, {"japan", "tokyo", "japanese"}, {"greece", "athens", "greek"},
}

// animal is an adult, its young and the sound both make.
type animal struct{ adult, young, sound string }

var animals = []animal{
	{"dog", "puppy", "barks"}, {"cat", "kitten", "meows"}, {"cow", "calf", "moos"},
	{"sheep", "lamb", "bleats"}, {"horse", "foal", "neighs"}, {"duck", "duckling", "quacks"},
}

// pick returns one of words at random.
func pick(rng *rand.Rand, words ...string) string { return words[rng.IntN(len(words))] }

func royaltySentence(rng *rand.Rand) string {
	p := people[rng.IntN(len(people))]
	pron, poss := "she", "her"
	if p.male {
		pron, poss = "he", "his"
	}
	place, item := pick(rng, "village", "farm", "market"), pick(rng, "hat", "coat")
	if p.royal {
		place, item = pick(rng, "palace", "castle", "throne"), pick(rng, "crown", "robe")
	}
	adj, act := pick(rng, "old", "wise", "tall"), pick(rng, "works", "rules")
	if p.young {
		adj, act = pick(rng, "young", "little"), pick(rng, "plays", "learns")
	}
	if !p.royal && !p.young {
		act = "works"
	}
	switch rng.IntN(5) {
	case 0:
		return "the " + p.word + " lives in the " + place
	case 1:
		return pron + " is a " + adj + " " + p.word
	case 2:
		return "the " + p.word + " wears " + poss + " " + item
	case 3:
		return "the " + adj + " " + p.word + " " + act
	default:
		return "the " + p.word + " and the " + p.twin + " " + act + " in the " + place
	}
}

func geographySentence(rng *rand.Rand) string {
	c := countries[rng.IntN(len(countries))]
	switch rng.IntN(6) {
	case 0:
		return c.capital + " is the capital of " + c.name
	case 1:
		return "people in " + c.capital + " speak " + c.language
	case 2:
		return "people in " + c.name + " speak " + c.language
	case 3:
		return c.capital + " is a " + pick(rng, "big", "busy", "old") + " city"
	case 4:
		return c.name + " is a " + pick(rng, "large", "beautiful", "sunny") + " country"
	default:
		return c.capital + " is a city in " + c.name
	}
}

func animalSentence(rng *rand.Rand) string {
	a := animals[rng.IntN(len(animals))]
	switch rng.IntN(5) {
	case 0:
		return "the " + pick(rng, a.adult, a.young) + " " + a.sound
	case 1:
		return "the " + a.young + " is " + pick(rng, "small", "young", "little")
	case 2:
		return "the " + a.adult + " is " + pick(rng, "big", "strong", "old")
	case 3:
		return "a " + a.young + " is a baby " + a.adult
	default:
		return "the " + pick(rng, a.adult, a.young) + " lives on the " + pick(rng, "farm", "field")
	}
}

// corpusSeed fixes the built-in corpus: the same text for every run.
const corpusSeed = 1213

// Corpus returns n sentences about the given topics, each a list of
// lower-case words, the topics taking turns. The text is fixed: the
// grammar is sampled from its own generator, not from a run's seed.
func Corpus(topics []string, n int) [][]string {
	rng := rand.New(rand.NewPCG(corpusSeed, uint64(len(topics))))
	out := make([][]string, 0, n)
	for i := range n {
		var s string
		switch t := topics[i%len(topics)]; t {
		case "royalty":
			s = royaltySentence(rng)
		case "geography":
			s = geographySentence(rng)
		case "animals":
			s = animalSentence(rng)
		default:
			panic(fmt.Sprintf("embed: no topic %q", t))
		}
		out = append(out, strings.Fields(s))
	}
	return out
}

// Analogies returns the analogies the grammar of the topics builds in.
func Analogies(topics []string) []Analogy {
	var out []Analogy
	for _, t := range topics {
		switch t {
		case "royalty":
			for _, p := range people {
				for _, q := range people {
					// p − (p's kind in q's rank and age) + q's twin-gender
					// counterpart: king − man + woman ≈ queen.
					if p.word != q.word && p.male == q.male && (p.royal != q.royal || p.young != q.young) {
						out = append(out, Analogy{p.word, q.word, q.twin, p.twin})
					}
				}
			}
		case "geography":
			for _, c := range countries {
				for _, d := range countries {
					if c != d {
						out = append(out, Analogy{c.capital, c.name, d.name, d.capital})
					}
				}
			}
		case "animals":
			for _, a := range animals {
				for _, b := range animals {
					if a != b {
						out = append(out, Analogy{a.young, a.adult, b.adult, b.young})
					}
				}
			}
		}
	}
	return out
}

// Vocabulary returns the distinct words of sentences in order of first
// appearance and each word's count.
func Vocabulary(sentences [][]string) (words []string, counts []int) {
	index := map[string]int{}
	for _, s := range sentences {
		for _, w := range s {
			i, ok := index[w]
			if !ok {
				i = len(words)
				index[w] = i
				words = append(words, w)
				counts = append(counts, 0)
			}
			counts[i]++
		}
	}
	return words, counts
}

// Pairs returns the (centre, context) position pairs of a sentence of n
// words with a window of w: every j ≠ i with |i − j| ≤ w, centre by centre.
func Pairs(n, w int) [][2]int {
	var out [][2]int
	for i := range n {
		for j := max(0, i-w); j <= min(n-1, i+w); j++ {
			if j != i {
				out = append(out, [2]int{i, j})
			}
		}
	}
	return out
}
