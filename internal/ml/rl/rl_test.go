package rl

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func mustParse(t *testing.T, layout string) *Grid {
	t.Helper()
	g, err := ParseLayout(layout)
	if err != nil {
		t.Fatalf("%s: %v", layout, err)
	}
	return g
}

// The rules of the gridworld, move by move, on
//
//	S . W
//	. P G
//	. . .
func TestMoveRules(t *testing.T) {
	g := mustParse(t, "S.W/.PG/...")
	for _, c := range []struct {
		name   string
		from   int
		a      Action
		to     int
		reward float64
	}{
		{"off the top stays", 0, Up, 0, 0},
		{"off the left stays", 0, Left, 0, 0},
		{"right into an empty cell", 0, Right, 1, 0},
		{"into a wall stays", 1, Right, 1, 0},
		{"down into the pit pays its reward", 1, Down, 4, RewardPit},
		{"off the bottom stays", 6, Down, 6, 0},
		{"down into an empty cell", 3, Down, 6, 0},
		{"up from the bottom row", 3, Up, 0, 0},
		{"right into the pit", 3, Right, 4, RewardPit},
		{"into the goal pays its reward", 4, Right, 5, RewardGoal},
		{"off the right edge from the goal stays and earns its reward", 5, Right, 5, RewardGoal},
	} {
		to, r := g.Move(c.from, c.a)
		if to != c.to || r != c.reward {
			t.Errorf("%s: Move(%d, %v) = %d, %g; want %d, %g", c.name, c.from, c.a, to, r, c.to, c.reward)
		}
	}
	if got, want := g.Walls(), []bool{false, false, true, false, false, false, false, false, false}; !slices.Equal(got, want) {
		t.Errorf("walls %v, want %v", got, want)
	}
	if got, want := g.TerminalCells(), []bool{false, false, false, false, true, true, false, false, false}; !slices.Equal(got, want) {
		t.Errorf("terminal %v, want %v", got, want)
	}
	if got, want := g.Rewards(), []float64{0, 0, 0, 0, -1, 1, 0, 0, 0}; !slices.Equal(got, want) {
		t.Errorf("rewards %v, want %v", got, want)
	}
}

// An episode ends on a terminal cell: the agent goes back to the start and
// the finished episode's return and length are kept.
func TestEpisodeEndsOnTerminal(t *testing.T) {
	g := mustParse(t, "SG")
	// ε = 1: every action at random; the episode ends the first time the
	// agent steps right.
	l := NewQLearning(rand.New(rand.NewPCG(1, 2)), g, Config{Gamma: 0.9, Alpha: 1, Epsilon: 1, Episodes: 3, MaxMoves: 100, Unit: UnitEpisode})
	for range 3 {
		l.Step()
	}
	if !l.Done() || l.Episode() != 3 || l.Agent() != 0 || l.Moves() != 0 {
		t.Fatalf("after 3 episodes: done %v, episode %d, agent %d, moves %d", l.Done(), l.Episode(), l.Agent(), l.Moves())
	}
	for i, n := range l.Lengths() {
		// Every move but the last stays in S (reward 0); the last enters G.
		want := math.Pow(0.9, float64(n-1))
		if got := l.Returns()[i]; math.Abs(got-want) > 1e-15 || l.Outcomes()[i] != ReachedGoal {
			t.Errorf("episode %d: %d moves, return %g, outcome %v; want return %g and the goal", i, n, got, l.Outcomes()[i], want)
		}
		if path := l.LastPath(); i == 2 && (len(path) != n+1 || path[n] != 1) {
			t.Errorf("last path %v for %d moves", path, n)
		}
	}
	// α = 1 and a terminal target: Q(S, right) is exactly the goal's reward.
	if got := l.Q()[0][Right]; got != RewardGoal {
		t.Errorf("Q(S, right) = %g, want %g", got, RewardGoal)
	}
}

// An episode that has not ended after MaxMoves moves is cut, and the
// agent starts again.
func TestEpisodeIsCut(t *testing.T) {
	g := mustParse(t, "S.........G") // ten moves at least
	l := NewQLearning(rand.New(rand.NewPCG(3, 4)), g, Config{Gamma: 0.9, Alpha: 0.5, Epsilon: 0.5, Episodes: 2, MaxMoves: 3, Unit: UnitMove})
	for range 3 {
		l.Step()
	}
	if l.Episode() != 1 || l.Agent() != 0 || !slices.Equal(l.Lengths(), []int{3}) || l.Outcomes()[0] != Cut || l.Returns()[0] != 0 {
		t.Errorf("after 3 moves: episode %d, agent %d, lengths %v, outcomes %v, returns %v",
			l.Episode(), l.Agent(), l.Lengths(), l.Outcomes(), l.Returns())
	}
}

// On a corridor S . . . G, the cell k moves before the goal's neighbour
// is worth V* = γ^k·R: the closed form of the Bellman equation when only
// the goal pays.
func TestValueIterationCorridor(t *testing.T) {
	const n = 8
	g := mustParse(t, "S"+strings.Repeat(".", n-2)+"G")
	for _, gamma := range []float64{0, 0.5, 0.9, 0.99} {
		v, _ := ValueIteration(g, gamma, 1e-13)
		for s := range n - 1 {
			k := n - 2 - s // moves before the cell next to the goal
			want := math.Pow(gamma, float64(k)) * RewardGoal
			if math.Abs(v[s]-want) > 1e-11 {
				t.Errorf("γ = %g: V*(%d) = %.15g, want γ^%d = %.15g", gamma, s, v[s], k, want)
			}
		}
		if v[n-1] != 0 {
			t.Errorf("γ = %g: V*(goal) = %g, want 0 (terminal)", gamma, v[n-1])
		}
		if s := GreedyActions(g, v, gamma, 0, 1e-12); gamma > 0 && !slices.Equal(s, []Action{Right}) {
			t.Errorf("γ = %g: optimal actions at S %v, want [right]", gamma, s)
		}
	}
}

// A pit beside the path: stepping into it is worth −1, never chosen, and
// the values around it follow the shortest path to the goal.
func TestValueIterationPit(t *testing.T) {
	g := mustParse(t, "...G/.WPP/S...")
	const gamma = 0.9
	v, _ := ValueIteration(g, gamma, 1e-13)
	// S is 5 moves from G (up, up, right, right, right): γ⁴.
	if got, want := v[g.Start()], math.Pow(gamma, 4); math.Abs(got-want) > 1e-11 {
		t.Errorf("V*(S) = %.15g, want γ⁴ = %.15g", got, want)
	}
	// Cell (2, 2) is below a pit: up is −1, so it goes back left and up.
	if got, want := v[2*4+2], math.Pow(gamma, 6); math.Abs(got-want) > 1e-11 {
		t.Errorf("V*(2,2) = %.15g, want γ⁶ = %.15g", got, want)
	}
	if a := GreedyActions(g, v, gamma, 2*4+2, 1e-12); !slices.Equal(a, []Action{Left}) {
		t.Errorf("optimal actions at (2,2) %v, want [left]", a)
	}
}

// The test the issue asks for: with ε > 0, the decaying step size and
// enough episodes, max_a Q equals value iteration's V* on every reachable
// non-terminal cell to 1e-3.
func TestQLearningConvergesToValueIteration(t *testing.T) {
	for _, c := range []struct {
		layout   string
		gamma    float64
		alpha    float64
		epsilon  float64
		episodes int
	}{
		{"...G/.W.P/S...", 0.9, 0.5, 0.2, 10000},
		{"............/............/............/SPPPPPPPPPPG", 0.9, 0.5, 0.2, 10000},
		{"S..W.../......./...W.../W.WW.WW/...W.../...W.P./......G", 0.95, 0.8, 0.5, 20000},
		{"S......G", 0.99, 1, 0.1, 2000},
	} {
		g := mustParse(t, c.layout)
		vstar, _ := ValueIteration(g, c.gamma, 1e-12)
		l := NewQLearning(rand.New(rand.NewPCG(7, 8)), g, Config{Gamma: c.gamma, Alpha: c.alpha, Epsilon: c.epsilon,
			Episodes: c.episodes, MaxMoves: 4 * g.Cells(), Unit: UnitEpisode})
		for !l.Done() {
			l.Step()
		}
		v := l.Values()
		worst := 0.0
		reach := g.Reachable()
		for s := range v {
			if !reach[s] || g.Terminal(s) {
				continue
			}
			worst = max(worst, math.Abs(v[s]-vstar[s]))
		}
		if worst > 1e-3 {
			t.Errorf("%s: max |max_a Q − V*| = %.3g after %d episodes, want ≤ 1e-3", c.layout, worst, c.episodes)
		} else {
			t.Logf("%s: max |max_a Q − V*| = %.3g", c.layout, worst)
		}
	}
}

// The same seed gives the same run, move for move.
func TestQLearningIsDeterministic(t *testing.T) {
	g := mustParse(t, "...G/.W.P/S...")
	run := func(seed uint64) ([][]float64, []float64) {
		l := NewQLearning(rand.New(rand.NewPCG(seed, 1)), g, Config{Gamma: 0.9, Alpha: 0.5, Epsilon: 0.2, Episodes: 50, MaxMoves: 48, Unit: UnitMove})
		for !l.Done() {
			l.Step()
		}
		return l.Q(), l.Returns()
	}
	q1, r1 := run(5)
	q2, r2 := run(5)
	q3, _ := run(6)
	if !slices.EqualFunc(q1, q2, slices.Equal) || !slices.Equal(r1, r2) {
		t.Error("two runs with seed 5 differ")
	}
	if slices.EqualFunc(q1, q3, slices.Equal) {
		t.Error("seeds 5 and 6 give the same Q: the seed is not used")
	}
}

func TestParseLayout(t *testing.T) {
	g, err := ParseLayout("s.#/.pG/...")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := g.Layout(), "S.W/.PG/..."; got != want {
		t.Errorf("canonical %q, want %q", got, want)
	}
	if g.Rows != 3 || g.Cols != 3 || g.Start() != 0 {
		t.Errorf("%d×%d, start %d", g.Rows, g.Cols, g.Start())
	}
	for layout, want := range map[string]string{
		"":                                    "the layout is empty",
		"S..G/...":                            "row 2 has 3 cells and row 1 has 4",
		"S.xG":                                `row 1, column 3: "x" is not a cell`,
		"...G":                                "0 start cells S; a layout has exactly one",
		"S.SG":                                "2 start cells S; a layout has exactly one",
		"S...":                                "no goal G",
		"SW.G":                                "no goal G can be reached from S",
		"SPG":                                 "no goal G can be reached from S",
		strings.Repeat("S", 13) + "G":         "row 1 has 14 cells; a row has 1 to 12",
		"S/" + strings.Repeat("./", 11) + "G": "13 rows, more than 12",
	} {
		if _, err := ParseLayout(layout); err == nil || err.Error() != want {
			t.Errorf("%q: error %v, want %q", layout, err, want)
		}
	}
}
