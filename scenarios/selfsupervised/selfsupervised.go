// Package selfsupervised is the self-supervised learning scenario: an
// encoder trained on unlabelled digits with a pretext task (masked-patch
// prediction or the jigsaw), then judged by a linear probe with a few
// labels per class, against the same network's random features and the
// raw pixels.
package selfsupervised

import (
	_ "embed"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/a-h/templ"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/pretext"
	"github.com/mlplayground/playground/internal/ml/vision"
	"github.com/mlplayground/playground/internal/textfmt"
)

// Settings of the scenario.
const (
	maxEpochs = 60
	testSize  = 500 // held-out images the probes are scored on
	pretextN  = 640 // unlabelled images of the pretext task
	maxLabels = 20  // labelled images per class the probes may use
	lr        = 0.01
	shown     = 4 // examples in the task panel
)

// labelCounts are the probe curves' points; labels_per_class is added.
var labelCounts = []int{1, 2, 5, 10, 20}

//go:embed explanation.html
var explanation string

// The parameter table.
var (
	pretextParam = lab.Enum(lab.Param{Name: "pretext", Label: "Pretext task", Default: "masked",
		Help: "masked: a 4×4 square of each digit is greyed out and the network restores it; jigsaw: the four quarters are shuffled by one of 6 permutations and the network names it."},
		lab.Option("masked", pretext.Masked), lab.Option("jigsaw", pretext.Jigsaw))
	labelsParam = lab.Int(lab.Param{Name: "labels_per_class", Label: "Labels per class", Default: "5", Min: 1, Max: maxLabels, Step: 1,
		Help: "Labelled digits of each class the linear probe learns from; the probe panel also shows 1, 2, 5, 10 and 20."})
	epochsParam = lab.Int(lab.Param{Name: "epochs", Label: "Pretext epochs", Default: "30", Min: 1, Max: maxEpochs, Step: 1,
		Help: "Passes of the pretext task over the 640 unlabelled digits before the probe is fitted (one step each; the probe is the step after)."})
)

// Scenario returns the self-supervised learning scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "self-supervised",
		Title:    "Self-supervised learning: pretext task, then a linear probe",
		Chapter:  chapter,
		Summary:  "An encoder learns from unlabelled digits by restoring a hidden patch or ordering shuffled quarters; a linear probe with a few labels per class then compares its features with random ones and raw pixels.",
		MaxSteps: maxEpochs + 1,
		Speed:    3,
		Params:   lab.Params(pretextParam, labelsParam, epochsParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "task", Title: "What the pretext task sees, and the network's answer (held-out digits)"},
			{Name: "probe", Title: "Linear probe: test accuracy vs labels per class"},
			{Name: "loss", Title: "Pretext loss L per epoch"},
			{Name: "filters", Title: "What training changed in each unit's weights: W₁ − W₁ at step 0"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one run.
type model struct {
	task    pretext.Task
	epochs  int
	labels  int
	counts  []int // the probe curve's label counts
	digits  *vision.Images
	test    []int   // digit indices of the test set
	pool    [][]int // per class, the labelled candidates in draw order
	unlab   [][]float64
	net     *pretext.Net
	random  *pretext.Net // the encoder before training
	trainer *pretext.Trainer

	examples []pretext.Example // the task panel's, fixed for the run
	loss     []float64         // per epoch, from 1
	raw      []float64         // probe accuracy per count
	rand     []float64
	learned  []float64 // nil until the probe step
}

func newModel(v lab.Values) (lab.Model, error) {
	rng := rand.New(rand.NewPCG(v.Seed(), 1))
	m := &model{task: pretextParam.Get(v), epochs: epochsParam.Get(v), labels: labelsParam.Get(v), digits: vision.Digits()}
	m.counts = slices.Clone(labelCounts)
	if !slices.Contains(m.counts, m.labels) {
		m.counts = append(m.counts, m.labels)
		slices.Sort(m.counts)
	}
	perm := rng.Perm(m.digits.Len())
	m.test = perm[:testSize]
	rest := perm[testSize:]
	m.pool = make([][]int, 10)
	for _, i := range rest {
		if y := m.digits.Labels[i]; len(m.pool[y]) < maxLabels {
			m.pool[y] = append(m.pool[y], i)
		}
	}
	for _, i := range rest[:pretextN] {
		m.unlab = append(m.unlab, m.digits.Image(i))
	}
	m.net = pretext.NewNet(rng, m.task)
	m.random = m.net.RandomEncoder()
	m.trainer = pretext.NewTrainer(rng, m.net, m.unlab, lr)
	// The task panel's examples draw from their own stream, so they never
	// change the run.
	show := rand.New(rand.NewPCG(v.Seed(), 2))
	for _, i := range m.test[:shown] {
		m.examples = append(m.examples, m.net.Draw(show, m.digits.Image(i)))
	}
	var err error
	if m.raw, err = m.probeCurve(func(X [][]float64) [][]float64 { return X }); err != nil {
		return nil, err
	}
	if m.rand, err = m.probeCurve(m.random.Features); err != nil {
		return nil, err
	}
	return m, nil
}

// labelled returns the first k labelled candidates of every class, class
// by class: the probe's training set.
func (m *model) labelled(k int) (X [][]float64, y []int) {
	for c := range 10 {
		for _, i := range m.pool[c][:k] {
			X, y = append(X, m.digits.Image(i)), append(y, c)
		}
	}
	return X, y
}

func (m *model) testSet() (X [][]float64, y []int) {
	for _, i := range m.test {
		X, y = append(X, m.digits.Image(i)), append(y, m.digits.Labels[i])
	}
	return X, y
}

// probeCurve fits the probe on features(x) for every label count.
func (m *model) probeCurve(features func([][]float64) [][]float64) ([]float64, error) {
	tx, ty := m.testSet()
	tf := features(tx)
	out := make([]float64, len(m.counts))
	for k, n := range m.counts {
		X, y := m.labelled(n)
		acc, err := pretext.Probe(features(X), y, tf, ty)
		if err != nil {
			return nil, fmt.Errorf("self-supervised: %w", err)
		}
		out[k] = acc
	}
	return out, nil
}

func (m *model) Step() error {
	switch {
	case m.Done():
	case m.trainer.Epoch() < m.epochs:
		m.trainer.Step()
		m.loss = append(m.loss, m.trainer.Loss())
	default:
		acc, err := m.probeCurve(m.net.Features)
		if err != nil {
			return err
		}
		m.learned = acc
	}
	return nil
}

func (m *model) Done() bool { return m.learned != nil }

// at returns a curve's value at labels_per_class.
func (m *model) at(curve []float64) float64 { return curve[slices.Index(m.counts, m.labels)] }

// state is the frame's "state".
type state struct {
	Pretext string `json:"pretext"`
	Epoch   int    `json:"epoch"`
	Probed  bool   `json:"probed"`
	// Labels are the probe curves' label counts per class; Raw, Random and
	// Learned the test accuracy of the probe on pixels, on the untrained
	// encoder's features and on the trained one's (null before the probe
	// step), one per count.
	Labels         []int     `json:"labels"`
	LabelsPerClass int       `json:"labels_per_class"`
	Raw            []float64 `json:"raw"`
	Random         []float64 `json:"random"`
	Learned        []float64 `json:"learned"`
	// The probe's recipe: softmax regression with penalty λ, full-batch
	// gradient descent for ProbeEpochs epochs from zero weights, step η
	// = 1/(½·mean‖x‖² + λ + ½) over the probe's training features.
	ProbeLambda     float64 `json:"probe_lambda"`
	ProbeIterations int     `json:"probe_iterations"`
	// Examples are the task panel's: for masked, each square's top-left
	// (row, column); for jigsaw, the permutation applied and the
	// network's probabilities of the six.
	Examples []example `json:"examples"`
}

type example struct {
	Square []int     `json:"square,omitempty"` // masked: (row, column) of the top-left hidden pixel
	Perm   *int      `json:"permutation,omitempty"`
	Probs  []float64 `json:"probabilities,omitempty"`
}

func (m *model) Snapshot() lab.Snapshot {
	s := state{Pretext: string(m.task), Epoch: m.trainer.Epoch(), Probed: m.learned != nil, Labels: m.counts, LabelsPerClass: m.labels,
		Raw: m.raw, Random: m.rand, Learned: m.learned, ProbeLambda: pretext.ProbeLambda, ProbeIterations: pretext.ProbeIterations}
	pred := m.net.Predict(m.examples)
	for i, e := range m.examples {
		var ex example
		if m.task == pretext.Masked {
			first := slices.Index(e.Mask, 1)
			ex.Square = []int{first / 8, first % 8}
		} else {
			ex.Perm, ex.Probs = &e.Perm, pred[i]
		}
		s.Examples = append(s.Examples, ex)
	}
	metrics := map[string]float64{"probe_raw": m.at(m.raw), "probe_random": m.at(m.rand)}
	if s.Epoch > 0 {
		metrics["pretext_loss"] = m.trainer.Loss()
	}
	if m.learned != nil {
		metrics["probe_learned"] = m.at(m.learned)
	}
	return lab.Snapshot{Metrics: metrics, State: s, Note: m.note()}
}

func pct(v float64) string { return textfmt.Fixed(100*v, 1) + "%" }

func (m *model) note() string {
	k := m.labels
	probes := fmt.Sprintf("a linear probe with %d labelled digit(s) per class scores %s on raw pixels and %s on the untrained encoder's features",
		k, pct(m.at(m.raw)), pct(m.at(m.rand)))
	what := "restore a greyed 4×4 square"
	if m.task == pretext.Jigsaw {
		what = "name which of 6 shuffles of the four quarters was applied"
	}
	switch e := m.trainer.Epoch(); {
	case m.learned != nil:
		l, r := m.at(m.learned), m.at(m.rand)
		verdict := "better than"
		switch {
		case l < r:
			verdict = "worse than"
		case l == r:
			verdict = "the same as"
		}
		return fmt.Sprintf("Probe step: after %d pretext epochs the encoder is frozen and %s %s, against %s for random features and %s for pixels: the pretext task made the features %s random ones.",
			m.epochs, fmt.Sprintf("a linear probe with %d labelled digit(s) per class scores", k), pct(l), pct(r), pct(m.at(m.raw)), verdict)
	case e == 0:
		return fmt.Sprintf("No training yet. Pretext task: %s, on %d unlabelled digits, for %d epochs. Before that, %s.", what, pretextN, m.epochs, probes)
	case e < m.epochs:
		return fmt.Sprintf("Pretext epoch %d of %d: the network learns to %s; mean loss L %s. No label used so far.", e, m.epochs, what, textfmt.Fixed(m.trainer.Loss(), 4))
	default:
		return fmt.Sprintf("Pretext epoch %d of %d, the last: mean loss L %s. Next step: freeze the encoder and fit the linear probe on its features.", e, m.epochs, textfmt.Fixed(m.trainer.Loss(), 4))
	}
}

// Data is data.csv: the probe's images, the labelled candidates first
// (split "probe", rank its place among its class's candidates: the probe
// with k labels per class uses the ranks below k), then the test images;
// each with its pixels p<y>_<x>, the untrained encoder's features r1…r32
// and the current encoder's f1…f32.
func (m *model) Data() [][]string {
	header := []string{"split", "label", "rank"}
	for y := range 8 {
		for x := range 8 {
			header = append(header, "p"+strconv.Itoa(y)+"_"+strconv.Itoa(x))
		}
	}
	for _, c := range []string{"r", "f"} {
		for j := range pretext.Features {
			header = append(header, c+strconv.Itoa(j+1))
		}
	}
	rows := [][]string{header}
	add := func(split string, i, rank int) {
		x := m.digits.Image(i)
		row := []string{split, strconv.Itoa(m.digits.Labels[i]), ""}
		if rank >= 0 {
			row[2] = strconv.Itoa(rank)
		}
		for _, v := range x {
			row = append(row, textfmt.Num(v))
		}
		for _, f := range [][]float64{m.random.Features([][]float64{x})[0], m.net.Features([][]float64{x})[0]} {
			for _, v := range f {
				row = append(row, textfmt.Num(v))
			}
		}
		rows = append(rows, row)
	}
	for c := range 10 {
		for r, i := range m.pool[c] {
			add("probe", i, r)
		}
	}
	for _, i := range m.test {
		add("test", i, -1)
	}
	return rows
}
