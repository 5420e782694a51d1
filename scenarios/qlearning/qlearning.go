// Package qlearning is the Q-learning scenario: an ε-greedy agent learns
// a gridworld by reward, one move or one episode a step, beside value
// iteration's V* for the same grid.
package qlearning

import (
	_ "embed"
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/ml/rl"
	"github.com/mlplayground/playground/internal/textfmt"
	"github.com/mlplayground/playground/internal/viz"
)

// Limits of the scenario.
const (
	maxSteps    = 50000
	maxEpisodes = 20000
	// movesPerCell sets the cap on an episode's length: 4 moves per cell
	// of the grid, so that every run ends.
	movesPerCell = 4
	// viTol is value iteration's stopping tolerance: V* is then exact to
	// viTol·γ/(1 − γ) ≤ 1e-10 for γ ≤ 0.99.
	viTol = 1e-12
	// returnWindow is the number of episodes the running mean of the
	// return averages.
	returnWindow = 20
	// historyPoints bounds the points drawn on the curves.
	historyPoints = 400
)

//go:embed explanation.html
var explanation string

// presets are ready-made grids, by name.
var presets = []struct{ name, layout string }{
	// Russell & Norvig's 4×3 world, with deterministic moves.
	{"simple", "...G/.W.P/S..."},
	// Sutton & Barto's cliff walk (Example 6.6), 8 columns instead of 12
	// so the cells stay legible: the short path runs along the edge.
	{"cliff", "......../......../......../SPPPPPPG"},
	// Four rooms joined by doors.
	{"rooms", "S..W.../......./...W.../W.WW.WW/...W.../...W.P./......G"},
	// A corridor, where V* = γᵏ is read off cell by cell.
	{"corridor", "S......G"},
	// A bridge between pits: exploring is expensive.
	{"bridge", "PPPPPP/S....G/PPPPPP"},
}

// world is a checked grid parameter: the grid and the preset it came
// from ("" for a typed layout).
type world struct {
	grid   *rl.Grid
	preset string
}

func parseWorld(s string) (world, string, error) {
	for _, p := range presets {
		if s == p.name {
			g, err := rl.ParseLayout(p.layout)
			if err != nil {
				panic("qlearning: preset " + p.name + ": " + err.Error())
			}
			return world{grid: g, preset: p.name}, p.name, nil
		}
	}
	g, err := rl.ParseLayout(s)
	if err != nil {
		return world{}, "", err
	}
	return world{grid: g}, g.Layout(), nil
}

func presetNames() []string {
	out := make([]string, len(presets))
	for i, p := range presets {
		out[i] = p.name
	}
	return out
}

// The parameter table.
var (
	gridParam = lab.Text(lab.Param{Name: "grid", Label: "Grid", Default: "simple", Options: presetNames(),
		Format: "a preset (" + strings.Join(presetNames(), ", ") + ") or a layout: " + rl.LayoutFormat,
		Help: "simple: the 4×3 world; cliff: the short path runs along a row of pits; rooms: four rooms joined by doors; " +
			"corridor: one row; bridge: a path between pits. Or type your own layout, such as S..W/.W.G/...P: G pays +1, P −1."},
		parseWorld)
	gammaParam = lab.LiveFloat(lab.Param{Name: "gamma", Label: "Discount γ", Default: "0.9", Min: 0, Max: 0.99, Step: 0.01,
		Help: "How much a reward one move later is worth: the return is r₁ + γ·r₂ + γ²·r₃ + …; changes while the run plays."})
	alphaParam = lab.LiveFloat(lab.Param{Name: "alpha", Label: "Step size α", Default: "0.5", Min: 0.01, Max: 1, Step: 0.01,
		Help: "Step size of the first updates of a state–action pair; the n-th update uses α/(1 + (n − 1)/100); changes while the run plays."})
	epsilonParam = lab.LiveFloat(lab.Param{Name: "epsilon", Label: "Exploration ε", Default: "0.2", Min: 0, Max: 1, Step: 0.01,
		Help: "Probability of a random move instead of the greedy one; changes while the run plays."})
	episodesParam = lab.Int(lab.Param{Name: "episodes", Label: "Episodes", Default: "500", Min: 1, Max: maxEpisodes, Step: 1,
		Help: "Episodes to run; an episode starts on S and ends in G, in a pit, or after 4 moves per cell of the grid."})
	unitParam = lab.Enum(lab.Param{Name: "step_unit", Label: "One step is", Default: "move",
		Help: "move: one move of the agent and its update per Step; episode: a whole episode per Step. A run takes at most 50000 Steps."},
		lab.Option("move", rl.UnitMove), lab.Option("episode", rl.UnitEpisode))
)

// Scenario returns the Q-learning scenario in the given chapter.
func Scenario(chapter string) *lab.Scenario {
	return &lab.Scenario{
		Slug:     "q-learning",
		Title:    "Q-learning in a gridworld",
		Chapter:  chapter,
		Summary:  "An agent learns a gridworld by reward: ε-greedy episodes, Q-values as arrows, the greedy policy and the return per episode, beside value iteration's V*.",
		MaxSteps: maxSteps,
		Speed:    8,
		// The catalogue's picture: a few hundred episodes in, the values
		// have spread back from the goal and the arrows point to it.
		ThumbStep: 3000,
		Params:    lab.Params(gridParam, gammaParam, alphaParam, epsilonParam, episodesParam, unitParam, lab.Seed),
		Panels: []lab.Panel{
			{Name: "q", Title: "Q-learning: Q-values, max Q and the greedy policy"},
			{Name: "vstar", Title: "Value iteration: V* and an optimal policy"},
			{Name: "returns", Title: "Return per episode"},
			{Name: "gap", Title: "Distance to V*: max over cells of |max Q − V*|"},
		},
		Explanation: templ.Raw(explanation),
		New:         newModel,
	}
}

// model is one Q-learning run.
type model struct {
	world    world
	grid     *rl.Grid
	ql       *rl.QLearning
	vstar    []float64
	sweeps   int    // of value iteration
	reach    []bool // cells the agent can stand on or enter from S
	gap      []float64
	maxMoves int
	steps    int // Steps taken, to say when the run's limit cuts it
}

func newModel(v lab.Values) (lab.Model, error) {
	w := gridParam.Get(v)
	g := w.grid
	cfg := rl.Config{Gamma: gammaParam.Get(v), Alpha: alphaParam.Get(v), Epsilon: epsilonParam.Get(v),
		Episodes: episodesParam.Get(v), MaxMoves: movesPerCell * g.Cells(), Unit: unitParam.Get(v)}
	m := &model{world: w, grid: g, maxMoves: cfg.MaxMoves, reach: g.Reachable()}
	m.vstar, m.sweeps = rl.ValueIteration(g, cfg.Gamma, viTol)
	m.ql = rl.NewQLearning(rand.New(rand.NewPCG(v.Seed(), 1)), g, cfg)
	return m, nil
}

func (m *model) Step() error {
	before := m.ql.Episode()
	m.ql.Step()
	m.steps++
	if m.ql.Episode() > before {
		m.gap = append(m.gap, m.maxGap())
	}
	return nil
}

func (m *model) Done() bool { return m.ql.Done() }

// Retune sets γ, α and ε in force after step: they changed while the run
// played (the URL records when). V* follows γ.
func (m *model) Retune(v lab.Values, step int) {
	gamma := gammaParam.At(v, step)
	if gamma != m.ql.Config().Gamma {
		m.vstar, m.sweeps = rl.ValueIteration(m.grid, gamma, viTol)
	}
	m.ql.Retune(gamma, alphaParam.At(v, step), epsilonParam.At(v, step))
}

// maxGap is max |max_a Q(s, a) − V*(s)| over the cells the agent can
// stand on.
func (m *model) maxGap() float64 {
	v := m.ql.Values()
	gap := 0.0
	for s := range v {
		if m.standable(s) {
			gap = max(gap, math.Abs(v[s]-m.vstar[s]))
		}
	}
	return gap
}

// standable reports whether the agent can stand on cell s: reachable from
// S, not a wall, not terminal.
func (m *model) standable(s int) bool {
	return m.reach[s] && !m.grid.Wall(s) && !m.grid.Terminal(s)
}

// transition is the last move and its update, in a frame.
type transition struct {
	From     int     `json:"from"`
	Action   string  `json:"action"`
	To       int     `json:"to"`
	Explored bool    `json:"explored"`
	Reward   float64 `json:"reward"`
	Target   float64 `json:"target"`
	Alpha    float64 `json:"alpha"`
	Before   float64 `json:"q_before"`
	After    float64 `json:"q_after"`
}

// state is the frame's "state": the grid, Q and what a test needs to
// check the run against the rules and value iteration.
type state struct {
	Rows        int         `json:"rows"`
	Cols        int         `json:"cols"`
	Walls       []bool      `json:"walls"`
	Terminal    []bool      `json:"terminal"`
	Rewards     []float64   `json:"rewards"`
	Start       int         `json:"start"`
	Layout      string      `json:"layout"`
	Gamma       float64     `json:"gamma"`
	Alpha       float64     `json:"alpha"`
	Epsilon     float64     `json:"epsilon"`
	MaxMoves    int         `json:"max_moves"`
	Q           [][]float64 `json:"q"`
	Visits      [][]int     `json:"visits"`
	VStar       []float64   `json:"v_star"`
	Sweeps      int         `json:"vi_sweeps"`
	Agent       int         `json:"agent"`
	Episode     int         `json:"episode"`
	Moves       int         `json:"moves"`
	LastReturn  *float64    `json:"last_return"`
	LastOutcome string      `json:"last_outcome,omitempty"`
	Last        *transition `json:"last,omitempty"`
}

var outcomeWords = map[rl.Outcome]string{rl.ReachedGoal: "goal", rl.FellInPit: "pit", rl.Cut: "cut"}

func (m *model) Snapshot() lab.Snapshot {
	ql, g := m.ql, m.grid
	cfg := ql.Config()
	s := state{Rows: g.Rows, Cols: g.Cols, Walls: g.Walls(), Terminal: g.TerminalCells(), Rewards: g.Rewards(),
		Start: g.Start(), Layout: g.Layout(), Gamma: cfg.Gamma, Alpha: cfg.Alpha, Epsilon: cfg.Epsilon, MaxMoves: m.maxMoves,
		Q: ql.Q(), Visits: ql.Visits(), VStar: m.vstar, Sweeps: m.sweeps,
		Agent: ql.Agent(), Episode: ql.Episode(), Moves: ql.Moves()}
	metrics := map[string]float64{"episode": float64(ql.Episode()), "moves": float64(ql.Moves()),
		"return": math.NaN(), "gap_to_vstar": math.NaN()}
	if rets := ql.Returns(); len(rets) > 0 {
		r := rets[len(rets)-1]
		s.LastReturn = &r
		s.LastOutcome = outcomeWords[ql.Outcomes()[len(rets)-1]]
		metrics["return"] = r
		metrics["gap_to_vstar"] = m.gap[len(m.gap)-1]
	}
	if t, ok := ql.Last(); ok {
		s.Last = &transition{From: t.From, Action: t.Action.String(), To: t.To, Explored: t.Explored, Reward: t.Reward,
			Target: t.Target, Alpha: t.Alpha, Before: t.Before, After: t.After}
	}
	return lab.Snapshot{Metrics: metrics, State: s, Note: m.note()}
}

// cellName names cell s as (row, column), counted from 1 at the top left.
func (m *model) cellName(s int) string {
	return fmt.Sprintf("(%d,%d)", s/m.grid.Cols+1, s%m.grid.Cols+1)
}

func f3(v float64) string { return textfmt.Fixed(v+0, 3) }

func (m *model) note() string {
	ql := m.ql
	cfg := ql.Config()
	t, moved := ql.Last()
	if !moved {
		return fmt.Sprintf("Q = 0 for every cell and move; the agent stands on S %s. Value iteration reached V* in %d sweeps (the V* panel). "+
			"Step to make the first ε-greedy move (ε = %s).", m.cellName(m.grid.Start()), m.sweeps, textfmt.Num(cfg.Epsilon))
	}
	var b strings.Builder
	ended := ql.Moves() == 0 // the last move ended an episode
	if cfg.Unit == rl.UnitMove {
		how := "greedy"
		switch {
		case t.Explored:
			how = "random, probability ε"
		case t.Ties > 1:
			how = fmt.Sprintf("greedy, drawn among %d tied", t.Ties)
		}
		move, episode := ql.Moves(), ql.Episode()+1
		if ended {
			move, episode = ql.Lengths()[ql.Episode()-1], ql.Episode()
		}
		target := "r = " + textfmt.Num(t.Reward) + " (the episode ends)"
		if !m.grid.Terminal(t.To) {
			target = fmt.Sprintf("r + γ·max Q%s = %s + %s·%s", m.cellName(t.To), textfmt.Num(t.Reward), textfmt.Num(cfg.Gamma),
				f3((t.Target-t.Reward)/nonzero(cfg.Gamma)))
		}
		where := "from " + m.cellName(t.From) + " to " + m.cellName(t.To)
		if t.To == t.From {
			where = "into a wall or the edge: stays on " + m.cellName(t.From)
		}
		fmt.Fprintf(&b, "Episode %d, move %d: %s (%s) %s, reward %s. Target %s = %s; Q(%s, %s) ← %s + %s·(%s − %s) = %s.",
			episode, move, t.Action, how, where, textfmt.Num(t.Reward), target, f3(t.Target),
			m.cellName(t.From), t.Action, f3(t.Before), textfmt.Sig(t.Alpha, 3), f3(t.Target), f3(t.Before), f3(t.After))
		if ended {
			b.WriteString(" ")
		}
	}
	if ended {
		k := ql.Episode() - 1
		fmt.Fprintf(&b, "Episode %d %s after %d moves: return G = %s (V*(S) = %s). max |max Q − V*| = %s.",
			k+1, map[rl.Outcome]string{rl.ReachedGoal: "reached the goal", rl.FellInPit: "fell into a pit",
				rl.Cut: "was cut"}[ql.Outcomes()[k]], ql.Lengths()[k], f3(ql.Returns()[k]), f3(m.vstar[m.grid.Start()]),
			textfmt.Sig(m.gap[k], 3))
	}
	switch {
	case ql.Done():
		fmt.Fprintf(&b, " All %d episodes run.", cfg.Episodes)
	case m.steps >= maxSteps:
		fmt.Fprintf(&b, " The run stops here, at its limit of %d steps, after %d of %d episodes; one episode per step runs them all.",
			maxSteps, ql.Episode(), cfg.Episodes)
	}
	return b.String()
}

// nonzero avoids dividing by γ = 0, where the target is the reward alone.
func nonzero(g float64) float64 {
	if g == 0 {
		return 1
	}
	return g
}

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "q":
		return m.plotQ(), nil
	case "vstar":
		return m.plotVStar(), nil
	case "returns":
		return m.plotReturns(), nil
	case "gap":
		return m.plotGap(), nil
	}
	return nil, fmt.Errorf("qlearning: no panel %q", panel)
}

// Cell colours: walls dark, goals green, pits red; the cells the agent
// stands on shaded by their value, pale at 0 and dark at the goal's +1.
var (
	wallColor = color.RGBA{0x4A, 0x4A, 0x4A, 0xFF}
	goalColor = viz.RegionColor(4)
	pitColor  = viz.RegionColor(2)
	negColor  = viz.ClassColor(2)
)

// valueColor shades a value: Ramp from 0 to +1 (kept to its lighter part
// so the text stays readable), pale red below 0.
func valueColor(v float64) color.Color {
	if v < 0 {
		return viz.RegionColor(2)
	}
	return viz.Ramp(0.6 * min(v, 1))
}

// base returns the drawing of the grid with its walls, goals, pits, the
// letters and the value of every cell the agent stands on.
func (m *model) base(values []float64) viz.GridWorld {
	g := m.grid
	n := g.Cells()
	w := viz.GridWorld{Rows: g.Rows, Cols: g.Cols, Fill: make([]color.Color, n), Marks: make([]string, n),
		Text: make([]string, n), Agent: -1}
	for s := range n {
		switch g.Cell(s) {
		case rl.Wall:
			w.Fill[s] = wallColor
			continue
		case rl.Goal:
			w.Fill[s], w.Marks[s], w.Text[s] = goalColor, "G", "+1"
			continue
		case rl.Pit:
			w.Fill[s], w.Marks[s], w.Text[s] = pitColor, "P", "−1"
			continue
		case rl.Start:
			w.Marks[s] = "S"
		}
		w.Fill[s] = valueColor(values[s])
		w.Text[s] = strings.Replace(textfmt.Fixed(values[s]+0, 2), "-", "−", 1)
	}
	return w
}

func (m *model) plotQ() *plot.Plot {
	p := viz.NewPlot("", "", "")
	q := m.ql.Q()
	w := m.base(m.ql.Values())
	for s := range q {
		if m.grid.Wall(s) || m.grid.Terminal(s) {
			continue
		}
		greedy := m.ql.Greedy(s)
		for a := range rl.Action(rl.Actions) {
			v := q[s][a]
			bold := len(greedy) < rl.Actions && slices.Contains(greedy, a)
			length := math.Abs(v)
			if bold {
				length = max(length, 0.35) // the policy shows before the values do
			}
			c := color.Color(nil)
			if v < 0 {
				c = negColor
			}
			w.Arrows = append(w.Arrows, viz.GridArrow{Cell: s, Dir: int(a), Length: length, Color: c, Bold: bold})
		}
	}
	if path := m.ql.Path(); len(path) > 1 || m.ql.Config().Unit == rl.UnitMove {
		w.Path = path
	} else {
		w.Path = m.ql.LastPath()
	}
	w.Agent = m.ql.Agent()
	viz.AddGridWorld(p, w)
	return p
}

func (m *model) plotVStar() *plot.Plot {
	p := viz.NewPlot("", "", "")
	w := m.base(m.vstar)
	gamma := m.ql.Config().Gamma
	for s := range m.vstar {
		if m.grid.Wall(s) || m.grid.Terminal(s) {
			continue
		}
		for _, a := range rl.GreedyActions(m.grid, m.vstar, gamma, s, 1e-9) {
			w.Arrows = append(w.Arrows, viz.GridArrow{Cell: s, Dir: int(a), Length: 0.6, Bold: true})
		}
	}
	viz.AddGridWorld(p, w)
	return p
}

func (m *model) plotReturns() *plot.Plot {
	p := viz.NewPlot("", "episode", "return G")
	rets := m.ql.Returns()
	best := m.vstar[m.grid.Start()]
	viz.AddHLine(p, best, "V*(S) = "+textfmt.Fixed(best, 3), viz.ClassColor(4))
	if len(rets) > 0 {
		// Index k holds episode k: index 0 is left out.
		byEpisode := append([]float64{0}, rets...)
		mean := make([]float64, len(byEpisode))
		sum := 0.0
		for i, r := range rets {
			sum += r
			if i >= returnWindow {
				sum -= rets[i-returnWindow]
			}
			mean[i+1] = sum / float64(min(i+1, returnWindow))
		}
		viz.AddHistory(p, historyPoints,
			viz.Curve{Values: byEpisode, From: 1, Color: viz.ClassColor(0), Label: "G per episode"},
			viz.Curve{Values: mean, From: 1, Color: viz.ClassColor(1), Label: "mean of the last " + strconv.Itoa(returnWindow)})
	}
	p.X.Min = 0
	p.X.Max = max(p.X.Max, 10)
	p.Y.Min, p.Y.Max = rl.RewardPit-0.05, rl.RewardGoal+0.05
	return p
}

func (m *model) plotGap() *plot.Plot {
	p := viz.NewPlot("", "episode", "max |max Q − V*|")
	if len(m.gap) > 0 {
		gap := make([]float64, len(m.gap)+1) // index k holds episode k
		for i, g := range m.gap {
			gap[i+1] = max(g, 1e-12)
		}
		viz.AddHistory(p, historyPoints, viz.Curve{Values: gap, From: 1, Color: viz.ClassColor(0)})
	}
	viz.AddHLine(p, 1e-3, "10⁻³", viz.Neutral)
	p.X.Min = 0
	p.X.Max = max(p.X.Max, 10)
	p.Y.Min, p.Y.Max = 1e-6, 2
	viz.SetLogY(p)
	return p
}

// Data returns the grid, one row a cell, with value iteration's V*: what
// a check of the run needs.
func (m *model) Data() [][]string {
	g := m.grid
	rows := [][]string{{"cell", "row", "col", "kind", "wall", "terminal", "reward", "v_star"}}
	kinds := map[rl.Cell]string{rl.Empty: "empty", rl.Wall: "wall", rl.Goal: "goal", rl.Pit: "pit", rl.Start: "start"}
	for s := range g.Cells() {
		rows = append(rows, []string{strconv.Itoa(s), strconv.Itoa(s / g.Cols), strconv.Itoa(s % g.Cols), kinds[g.Cell(s)],
			strconv.FormatBool(g.Wall(s)), strconv.FormatBool(g.Terminal(s)), textfmt.Num(g.Reward(s)), textfmt.Num(m.vstar[s])})
	}
	return rows
}
