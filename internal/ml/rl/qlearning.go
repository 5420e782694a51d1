package rl

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mlplayground/playground/internal/ml"
)

var _ ml.Stepper = (*QLearning)(nil)

// Unit is how much of the run one Step advances.
type Unit int

const (
	UnitMove    Unit = iota // one move of the agent
	UnitEpisode             // moves until the episode ends
)

// AlphaHalving is the number of updates of a state–action pair after
// which its step size has halved: the n-th update uses
//
//	αₙ = α / (1 + (n − 1)/AlphaHalving)
//
// nearly α for the first few dozen updates, then falling like 1/n, so
// that Σαₙ = ∞ and Σαₙ² < ∞. A faster fall (1/n from the first update)
// freezes a pair before the reward has travelled back to it.
const AlphaHalving = 100

// Config sets a Q-learning run.
type Config struct {
	Gamma    float64 // discount γ in [0, 1)
	Alpha    float64 // first step size α in (0, 1]
	Epsilon  float64 // probability ε in [0, 1] of a random action
	Episodes int     // episodes to run
	MaxMoves int     // moves after which an episode is cut
	Unit     Unit
}

// Outcome is how an episode ended.
type Outcome int

const (
	Running Outcome = iota // not ended
	ReachedGoal
	FellInPit
	Cut // MaxMoves moves without reaching a terminal cell
)

// Transition is one move and the update it made.
type Transition struct {
	From, To int
	Action   Action
	Explored bool    // the action was drawn at random (probability ε)
	Ties     int     // greedy actions tied for the highest Q (0 when explored)
	Reward   float64 // R(To)
	Target   float64 // r + γ·max_a' Q(To, a'), or r when To is terminal
	Alpha    float64 // the step size used, αₙ
	Before   float64 // Q(From, Action) before the update
	After    float64 // and after it
}

// QLearning is tabular Q-learning with an ε-greedy agent on a Grid.
type QLearning struct {
	grid *Grid
	cfg  Config
	rng  *rand.Rand

	q      [][Actions]float64
	visits [][Actions]int

	state   int     // the agent's cell
	moves   int     // moves in the current episode
	ret     float64 // discounted return of the current episode so far
	path    []int   // cells of the current episode, from the start
	last    Transition
	moved   bool // a move has been made
	episode int  // episodes finished

	returns  []float64 // discounted return of every finished episode
	lengths  []int     // and its number of moves
	outcomes []Outcome
	lastPath []int // cells of the last finished episode
}

// NewQLearning returns a run on g with Q = 0 everywhere and the agent at
// the start. Randomness (ε draws, random actions, ties between greedy
// actions) comes from rng only.
func NewQLearning(rng *rand.Rand, g *Grid, cfg Config) *QLearning {
	if !(cfg.Gamma >= 0 && cfg.Gamma < 1) || !(cfg.Alpha > 0 && cfg.Alpha <= 1) || !(cfg.Epsilon >= 0 && cfg.Epsilon <= 1) ||
		cfg.Episodes < 1 || cfg.MaxMoves < 1 {
		panic(fmt.Sprintf("ml/rl: bad Q-learning config %+v", cfg))
	}
	return &QLearning{grid: g, cfg: cfg, rng: rng,
		q: make([][Actions]float64, g.Cells()), visits: make([][Actions]int, g.Cells()),
		state: g.Start(), path: []int{g.Start()}}
}

// Step makes one move or plays out the current episode, as the Unit says.
func (l *QLearning) Step() {
	if l.Done() {
		return
	}
	if l.cfg.Unit == UnitMove {
		l.move()
		return
	}
	for ended := false; !ended; {
		ended = l.move()
	}
}

// Done reports whether every episode has run.
func (l *QLearning) Done() bool { return l.episode >= l.cfg.Episodes }

// move makes one ε-greedy move, updates Q, and reports whether the
// episode ended.
func (l *QLearning) move() (ended bool) {
	s := l.state
	explore := l.rng.Float64() < l.cfg.Epsilon
	var a Action
	ties := 0
	if explore {
		a = Action(l.rng.IntN(Actions))
	} else {
		best := l.Greedy(s)
		a, ties = best[0], len(best)
		if ties > 1 {
			a = best[l.rng.IntN(ties)]
		}
	}
	next, r := l.grid.Move(s, a)
	target := r
	if !l.grid.Terminal(next) {
		target += l.cfg.Gamma * maxOf(l.q[next])
	}
	l.visits[s][a]++
	alpha := l.cfg.Alpha / (1 + float64(l.visits[s][a]-1)/AlphaHalving)
	before := l.q[s][a]
	l.q[s][a] = before + alpha*(target-before)
	l.last = Transition{From: s, To: next, Action: a, Explored: explore, Ties: ties, Reward: r, Target: target, Alpha: alpha,
		Before: before, After: l.q[s][a]}
	l.moved = true

	l.ret += math.Pow(l.cfg.Gamma, float64(l.moves)) * r
	l.moves++
	l.path = append(l.path, next)
	outcome := Running
	switch {
	case l.grid.Cell(next) == Goal:
		outcome = ReachedGoal
	case l.grid.Cell(next) == Pit:
		outcome = FellInPit
	case l.moves >= l.cfg.MaxMoves:
		outcome = Cut
	}
	if outcome == Running {
		l.state = next
		return false
	}
	l.returns = append(l.returns, l.ret)
	l.lengths = append(l.lengths, l.moves)
	l.outcomes = append(l.outcomes, outcome)
	l.lastPath = l.path
	l.episode++
	l.state, l.moves, l.ret, l.path = l.grid.Start(), 0, 0, []int{l.grid.Start()}
	return true
}

func maxOf(q [Actions]float64) float64 { return slices.Max(q[:]) }

// Greedy returns the actions of highest Q in cell s, in action order.
func (l *QLearning) Greedy(s int) []Action {
	best := maxOf(l.q[s])
	var out []Action
	for a := range Action(Actions) {
		if l.q[s][a] == best {
			out = append(out, a)
		}
	}
	return out
}

// Q returns Q as [cell][action], row-major cells, actions up, right,
// down, left.
func (l *QLearning) Q() [][]float64 {
	out := make([][]float64, len(l.q))
	for i, row := range l.q {
		out[i] = slices.Clone(row[:])
	}
	return out
}

// Values returns max_a Q(s, a) for every cell.
func (l *QLearning) Values() []float64 {
	out := make([]float64, len(l.q))
	for i, row := range l.q {
		out[i] = maxOf(row)
	}
	return out
}

// Visits returns n(s, a), the updates made of each pair.
func (l *QLearning) Visits() [][]int {
	out := make([][]int, len(l.visits))
	for i, row := range l.visits {
		out[i] = slices.Clone(row[:])
	}
	return out
}

// Config returns the run's settings.
func (l *QLearning) Config() Config { return l.cfg }

// Retune changes γ, α and ε for the moves to come; Q, the visit counts
// and the episode under way are kept. It panics on a value out of range,
// as NewQLearning does.
func (l *QLearning) Retune(gamma, alpha, epsilon float64) {
	if !(gamma >= 0 && gamma < 1) || !(alpha > 0 && alpha <= 1) || !(epsilon >= 0 && epsilon <= 1) {
		panic(fmt.Sprintf("ml/rl: bad Q-learning retune γ=%v α=%v ε=%v", gamma, alpha, epsilon))
	}
	l.cfg.Gamma, l.cfg.Alpha, l.cfg.Epsilon = gamma, alpha, epsilon
}

// Agent returns the agent's cell.
func (l *QLearning) Agent() int { return l.state }

// Episode returns the number of finished episodes.
func (l *QLearning) Episode() int { return l.episode }

// Moves returns the moves made in the current episode.
func (l *QLearning) Moves() int { return l.moves }

// Path returns the cells of the current episode so far, from the start.
func (l *QLearning) Path() []int { return slices.Clone(l.path) }

// LastPath returns the cells of the last finished episode (nil before).
func (l *QLearning) LastPath() []int { return slices.Clone(l.lastPath) }

// Last returns the last move and its update; ok is false before any move.
func (l *QLearning) Last() (t Transition, ok bool) { return l.last, l.moved }

// Returns returns the discounted return G = Σₜ γᵗ·rₜ₊₁ of every finished
// episode.
func (l *QLearning) Returns() []float64 { return slices.Clone(l.returns) }

// Lengths returns the number of moves of every finished episode.
func (l *QLearning) Lengths() []int { return slices.Clone(l.lengths) }

// Outcomes returns how every finished episode ended.
func (l *QLearning) Outcomes() []Outcome { return slices.Clone(l.outcomes) }
