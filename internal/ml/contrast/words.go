package contrast

import "math/rand/v2"

// Words are the digits' names, Words[d] for digit d: the class prompts of
// zero-shot classification.
var Words = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

// Letters is the size of a bag of letters: one count per letter a–z.
const Letters = 26

// BagOfLetters returns the counts of the letters a–z in word; other
// characters are not counted.
func BagOfLetters(word string) []float64 {
	bag := make([]float64, Letters)
	for _, r := range word {
		if r >= 'a' && r <= 'z' {
			bag[r-'a']++
		}
	}
	return bag
}

// Typo returns word with one letter, chosen uniformly, replaced by a
// letter drawn uniformly from a–z (possibly the same one): a noisy caption.
func Typo(rng *rand.Rand, word string) string {
	b := []byte(word)
	b[rng.IntN(len(b))] = byte('a' + rng.IntN(Letters))
	return string(b)
}
