// Package contrastive is the contrastive-learning scenario: an image
// encoder and a text encoder trained together with CLIP's symmetric
// InfoNCE loss on 8×8 digits paired with their written names, one epoch a
// step, with the batch's similarity matrix, both embeddings in one 2-D
// view and zero-shot classification by the nearest word.
package contrastive

import (
	_ "embed"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/a-h/templ"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/contrast"
	"github.com/mlplayground/playground/internal/ml/num"
	"github.com/mlplayground/playground/internal/ml/vision"
	"github.com/mlplayground/playground/internal/textfmt"
)

// Settings of the scenario.
const (
	maxSteps = 60
	// heldOut pairs are never trained on: the evaluation batch and the
	// zero-shot test come from them.
	heldOut = 300
	// typoRate is the share of captions with one letter replaced.
	typoRate = 0.3
)

//go:embed explanation.html
var explanation string

// The parameter table.
var (
	pairsParam = lab.Int(lab.Param{Name: "pairs", Label: "Training pairs", Default: "500", Min: 50, Max: 1400, Step: 50,
		Help: "Digit images, each paired with its name (\"three\"), that the encoders learn from; 300 other pairs are held out."})
	dimParam = lab.Int(lab.Param{Name: "dim", Label: "Embedding size", Default: "8", Min: 2, Max: 32, Step: 1,
		Help: "Length of the vectors both encoders output; they are scaled to length 1, so their dot product is a cosine similarity."})
	temperatureParam = lab.Float(lab.Param{Name: "temperature", Label: "Temperature τ", Default: "0.1", Min: 0.02, Max: 1, Step: 0.01,
		Help: "Similarities are divided by τ before the softmax: a small τ makes the loss punish the hardest wrong match most."})
	batchParam = lab.Int(lab.Param{Name: "batch", Label: "Batch n", Default: "10", Min: 2, Max: 32, Step: 1,
		Help: "Pairs per update: each image must find its own caption among the n captions of its batch, and each caption its image."})
	lrParam = lab.Float(lab.Param{Name: "lr", Label: "Learning rate η", Default: "0.003", Min: 0.0001, Max: 0.05, Step: 0.0001,
		Help: "Adam's step size for both encoders."})
)

// Scenario returns the contrastive-learning scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "contrastive",
		Title:    "Contrastive learning: pairing images and words",
		Chapter:  chapter,
		Summary:  "Two encoders learn a shared space from (digit image, name) pairs with CLIP's InfoNCE loss: the batch's similarity matrix turns diagonal and digits are classified zero-shot by their nearest word.",
		MaxSteps: maxSteps,
		Speed:    3,
		Params:   lab.Params(pairsParam, dimParam, temperatureParam, batchParam, lrParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "similarity", Title: "Cosine similarities of a held-out batch: images × captions"},
			{Name: "embedding", Title: "Both embeddings on their first two principal components"},
			{Name: "zeroshot", Title: "Zero-shot accuracy: each held-out image labelled by its nearest word"},
			{Name: "loss", Title: "InfoNCE loss L per epoch"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one run.
type model struct {
	clip   *contrast.CLIP
	train  contrast.Pairs
	test   contrast.Pairs
	eval   []int // indices into test: the evaluation batch
	tau    float64
	batch  int
	dim    int
	perm   []int // order of the digits data set: train, then test
	digits *vision.Images

	// Per frame: the evaluation batch's similarities and loss, the
	// zero-shot result, the projection.
	S        [][]float64
	loss     float64
	zeroPred []int
	// Per epoch, from epoch 0.
	evalLoss, trainLoss, accuracy []float64

	proj     projection
	prevAxes [][]float64
}

func newModel(v lab.Values) (lab.Model, error) {
	rng := rand.New(rand.NewPCG(v.Seed(), 1))
	m := &model{tau: temperatureParam.Get(v), batch: batchParam.Get(v), dim: dimParam.Get(v), digits: vision.Digits()}
	n := pairsParam.Get(v)
	// pairs ≤ 1400 and batch ≤ 32: the 1797 digits hold every split, and
	// a batch always fits the training pairs.
	m.perm = rng.Perm(m.digits.Len())[:n+heldOut]
	all := m.pairs(rng, m.perm)
	m.train = contrast.Pairs{Images: all.Images[:n], Words: all.Words[:n], Labels: all.Labels[:n]}
	m.test = contrast.Pairs{Images: all.Images[n:], Words: all.Words[n:], Labels: all.Labels[n:]}
	m.eval = evalBatch(m.test.Labels, m.batch)
	c, err := contrast.NewCLIP(rng, m.train, contrast.Config{Dim: m.dim, Temperature: m.tau, Batch: m.batch, LR: lrParam.Get(v)})
	if err != nil {
		return nil, fmt.Errorf("contrastive: %w", err)
	}
	m.clip = c
	m.evaluate()
	m.trainLoss = append(m.trainLoss, math.NaN())
	return m, nil
}

// pairs captions the digits at idx with their names, a typo in about
// typoRate of them.
func (m *model) pairs(rng *rand.Rand, idx []int) contrast.Pairs {
	var p contrast.Pairs
	for _, i := range idx {
		y := m.digits.Labels[i]
		w := contrast.Words[y]
		if rng.Float64() < typoRate {
			w = contrast.Typo(rng, w)
		}
		p.Images = append(p.Images, m.digits.Image(i))
		p.Words = append(p.Words, w)
		p.Labels = append(p.Labels, y)
	}
	return p
}

// evalBatch picks n held-out pairs whose digits run 0, 1, …, 9, 0, 1, …:
// the first of each digit not yet taken. With n ≤ 10 no digit repeats, so
// a trained model's matrix is diagonal; beyond, repeats light up cells ten
// apart.
func evalBatch(labels []int, n int) []int {
	used := make([]bool, len(labels))
	out := make([]int, 0, n)
	for k := 0; len(out) < n; k++ {
		for i, y := range labels {
			if y == k%10 && !used[i] {
				used[i] = true
				out = append(out, i)
				break
			}
		}
	}
	return out
}

// evaluate computes the frame's numbers from the current encoders.
func (m *model) evaluate() {
	words := make([]string, len(m.eval))
	for k, i := range m.eval {
		words[k] = m.test.Words[i]
	}
	// Every held-out image once: the batch's rows are among them (nn.Infer
	// computes each row alone, so a row's embedding does not depend on
	// the others).
	U := m.clip.EmbedImages(m.test.Images)
	u := make([][]float64, len(m.eval))
	for k, i := range m.eval {
		u[k] = U[i]
	}
	w := m.clip.EmbedWords(words)
	m.S = contrast.Similarity(u, w)
	m.loss = contrast.InfoNCE(m.S, m.tau)
	prompts := m.clip.EmbedWords(contrast.Words)
	m.zeroPred = make([]int, len(U))
	for i, row := range contrast.Similarity(U, prompts) {
		m.zeroPred[i] = num.Argmax(row)
	}
	m.evalLoss = append(m.evalLoss, m.loss)
	m.accuracy = append(m.accuracy, m.zeroShotAccuracy())
	m.project(U, prompts, w)
}

func (m *model) zeroShotAccuracy() float64 {
	ok := 0
	for i, y := range m.test.Labels {
		if m.zeroPred[i] == y {
			ok++
		}
	}
	return float64(ok) / float64(len(m.zeroPred))
}

func (m *model) Step() error {
	if m.Done() {
		return nil
	}
	m.clip.Step()
	m.trainLoss = append(m.trainLoss, m.clip.TrainLoss())
	m.evaluate()
	return nil
}

func (m *model) Done() bool { return m.clip.Epoch() >= maxSteps }

// state is the frame's "state".
type state struct {
	Epoch       int     `json:"epoch"`
	Temperature float64 `json:"temperature"`
	// Similarity is the evaluation batch's S: S[i][j] is the cosine
	// similarity of image i's and caption j's embeddings, the matrix
	// metrics.loss is computed from.
	Similarity [][]float64 `json:"similarity"`
	// Labels and Captions are the evaluation batch's digits and captions,
	// row (and column) order; HeldOut its pairs' rows among the test
	// rows of data.csv, from 0.
	Labels   []int    `json:"labels"`
	Captions []string `json:"captions"`
	HeldOut  []int    `json:"held_out"`
	// ZeroShot is the class given to each test row of data.csv, in order.
	ZeroShot []int `json:"zero_shot"`
}

func (m *model) Snapshot() lab.Snapshot {
	s := state{Epoch: m.clip.Epoch(), Temperature: m.tau, Similarity: m.S, HeldOut: m.eval, ZeroShot: m.zeroPred}
	for _, i := range m.eval {
		s.Labels = append(s.Labels, m.test.Labels[i])
		s.Captions = append(s.Captions, m.test.Words[i])
	}
	diag, off := m.diagonal()
	metrics := map[string]float64{"loss": m.loss, "zero_shot_accuracy": m.accuracy[len(m.accuracy)-1],
		"diagonal_similarity": diag, "off_diagonal_similarity": off}
	if s.Epoch > 0 {
		metrics["train_loss"] = m.clip.TrainLoss()
	}
	return lab.Snapshot{Metrics: metrics, State: s, Note: m.note(diag, off)}
}

// diagonal returns the mean similarity of the batch's true pairs and of
// its other cells.
func (m *model) diagonal() (diag, off float64) {
	n := len(m.S)
	for i := range n {
		for j := range n {
			if i == j {
				diag += m.S[i][j]
			} else {
				off += m.S[i][j]
			}
		}
	}
	return diag / float64(n), off / float64(n*(n-1))
}

func (m *model) note(diag, off float64) string {
	acc := textfmt.Fixed(100*m.accuracy[len(m.accuracy)-1], 1) + "%"
	batchLine := fmt.Sprintf("On a held-out batch of %d pairs L = %s (%s when every similarity is equal); true pairs average a cosine of %s, the other cells %s.",
		len(m.S), textfmt.Fixed(m.loss, 3), textfmt.Fixed(math.Log(float64(len(m.S))), 3), textfmt.Fixed(diag, 2), textfmt.Fixed(off, 2))
	if m.clip.Epoch() == 0 {
		return fmt.Sprintf("Random encoders before training, τ = %s. %s Zero-shot, each of the %d held-out images labelled by its nearest digit name: %s (chance 10%%).",
			textfmt.Num(m.tau), batchLine, heldOut, acc)
	}
	return fmt.Sprintf("Epoch %d: %d batches of %d pairs, mean training L %s. %s Zero-shot: %s of %d held-out images labelled right by their nearest digit name.",
		m.clip.Epoch(), m.train.Len()/m.batch, m.batch, textfmt.Fixed(m.clip.TrainLoss(), 3), batchLine, acc, heldOut)
}

// Data is data.csv: one pair a row, training pairs first, then the held-out
// test pairs: split, label, caption, the pixels p<y>_<x> in [0, 1], and the
// row's place in the evaluation batch (empty when it is not in it).
func (m *model) Data() [][]string {
	header := []string{"split", "label", "caption"}
	for y := range 8 {
		for x := range 8 {
			header = append(header, "p"+strconv.Itoa(y)+"_"+strconv.Itoa(x))
		}
	}
	rows := [][]string{append(header, "eval_batch")}
	inBatch := map[int]int{}
	for k, i := range m.eval {
		inBatch[i] = k
	}
	for _, part := range []struct {
		p    contrast.Pairs
		name string
	}{{m.train, "train"}, {m.test, "test"}} {
		for i := range part.p.Len() {
			row := []string{part.name, strconv.Itoa(part.p.Labels[i]), part.p.Words[i]}
			for _, v := range part.p.Images[i] {
				row = append(row, textfmt.Num(v))
			}
			k, ok := inBatch[i]
			if part.name == "test" && ok {
				row = append(row, strconv.Itoa(k))
			} else {
				row = append(row, "")
			}
			rows = append(rows, row)
		}
	}
	return rows
}
