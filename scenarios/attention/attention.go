// Package attention is the attention scenario: scaled dot-product
// attention worked out on a sentence with toy embeddings, a small
// transformer trained live on a toy sequence task with one attention
// heatmap per head per layer, and an image cut into patches that attend
// to each other (the idea of vision transformers).
package attention

import (
	_ "embed"
	"fmt"

	"github.com/a-h/templ"
	"gonum.org/v1/plot/vg"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/seq"
)

// Limits of the scenario.
const (
	maxSteps = 150
	// stepBatches is how many mini-batches of seq.DefaultBatch sequences
	// one Step trains on.
	stepBatches = 2
	// maxWords bounds a sentence: its attention map keeps readable labels.
	maxWords = 12
	// maxSentence bounds the sentence's characters, maxQuery the query's.
	maxSentence = 100
	maxQuery    = 20
)

//go:embed explanation.html
var explanation string

// part builds the model of one part of the scenario.
type part func(v lab.Values) (lab.Model, error)

// The parameter table.
var (
	partParam = lab.Enum(lab.Param{Name: "part", Label: "Part", Default: "transformer",
		Help: "transformer: a small transformer learns a toy sequence task while you watch its attention; sentence: attention worked out step by step on a sentence with hand-made embeddings; patches: an 8×8 digit cut into patches that attend to each other."},
		lab.Option[part]("transformer", newTrainer),
		lab.Option[part]("sentence", newSentence),
		lab.Option[part]("patches", newPatches),
	)
	sentenceParam = lab.Text(lab.Param{Name: "sentence", Label: "Sentence", Default: presets[0], Options: presets,
		Help: "Part sentence: the words that attend to each other. Pick a ready-made sentence or write your own from the toy vocabulary.",
		Format: fmt.Sprintf("2 to %d words of the toy vocabulary, at most %d characters: letters, apostrophes and spaces, "+
			"with . , ; : ! ? dropped (data.csv with part=sentence lists the vocabulary)", maxWords, maxSentence)},
		parseSentenceText)
	queryParam = lab.Text(lab.Param{Name: "query", Label: "Query word", Default: autoQuery,
		// The ready-made sentences' own queries, in their order.
		Options: []string{autoQuery, "Rome", "old"},
		Help:    "Part sentence: the word whose softmax row and output are shown. auto: the first pronoun that stands for a noun (it, he, they…), else the word whose attention is the most concentrated.",
		Format:  fmt.Sprintf("auto, or one word of the sentence (at most %d letters)", maxQuery)},
		parseQueryText)
	taskParam = lab.Enum(lab.Param{Name: "task", Label: "Task", Default: "reverse",
		Help: "Part transformer: reverse the digits; sort them; copy them; or, for each bracket, find the position of its partner."},
		lab.Option("reverse", reverseTask),
		lab.Option("sort", sortTask),
		lab.Option("copy", copyTask),
		lab.Option("brackets", bracketsTask),
	)
	layersParam = lab.Int(lab.Param{Name: "layers", Label: "Layers", Default: "1", Min: 1, Max: 2, Step: 1,
		Help: "Parts transformer and patches: transformer blocks (attention + MLP) stacked."})
	headsParam = lab.Int(lab.Param{Name: "heads", Label: "Heads", Default: "2", Min: 1, Max: 4, Step: 1,
		Help: "Parts transformer and patches: attention heads per layer; each gets dim/heads of the width. Must divide dim."})
	dimParam = lab.Int(lab.Param{Name: "dim", Label: "Width (dim)", Default: "16", Min: 4, Max: 32, Step: 4,
		Help: "Parts transformer and patches: the length of each token's vector, a multiple of 4."})
	positionalParam = lab.Enum(lab.Param{Name: "positional", Label: "Positional encoding", Default: "sinusoidal",
		Help: "Parts transformer and patches: how tokens learn where they stand. sinusoidal: fixed sines and cosines; learned: a trained vector per position; none: no positions, so attention sees a bag of tokens."},
		lab.Option("sinusoidal", seq.Sinusoidal),
		lab.Option("learned", seq.Learned),
		lab.Option("none", seq.NoPositions),
	)
	lengthParam = lab.Int(lab.Param{Name: "length", Label: "Sequence length T", Default: "6", Min: 3, Max: 10, Step: 1,
		Help: "Part transformer: tokens per sequence."})
	patchParam = lab.Enum(lab.Param{Name: "patch", Label: "Patch size (pixels)", Default: "4",
		Help: "Part patches: 4 cuts the 8×8 digit into 4 patches of 4×4 pixels; 2 into 16 patches of 2×2, each too small to say much alone."},
		lab.Option("2", 2),
		lab.Option("4", 4),
	)
	lrParam = lab.Float(lab.Param{Name: "lr", Label: "Learning rate η", Default: "0.01", Min: 0.0005, Max: 0.05, Step: 0.0005,
		Help: "Parts transformer and patches: Adam's step size."})
)

// Scenario returns the attention scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "attention",
		Title:    "Attention and transformers",
		Chapter:  chapter,
		Summary:  "softmax(QKᵀ/√dₖ)V worked out on a sentence, then a small transformer trained live, one attention heatmap per head changing as it learns.",
		MaxSteps: maxSteps,
		// The catalogue's picture: the heads have drawn the reversal's
		// anti-diagonal by then (100 % exact match at step 60).
		ThumbStep: 30,
		Speed:     5,
		Params: lab.Params(partParam, sentenceParam, queryParam, taskParam, layersParam, headsParam, dimParam, positionalParam,
			lengthParam, patchParam, lrParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "attention", Title: "Attention weights (row: query, column: key)", Width: 6 * vg.Inch, Height: 5 * vg.Inch},
			{Name: "vectors", Title: "The example, or Q, K, V and the output", Width: 6 * vg.Inch, Height: 5 * vg.Inch},
			{Name: "progress", Title: "Learning curves, or the query's softmax row"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// newModel checks the sentence and query whatever the part, so a URL never
// carries words the page would refuse, then builds the part's model.
func newModel(v lab.Values) (lab.Model, error) {
	if _, err := parseSentence(v); err != nil {
		return nil, err
	}
	// A width in steps of 4 splits into 1, 2 or 4 heads; 3 heads need
	// 12 or 24, which the part checks.
	if dim := dimParam.Get(v); dim%4 != 0 {
		return nil, dimParam.Refuse(v, "a multiple of 4 from 4 to 32")
	}
	return partParam.Get(v)(v)
}
