package qlearning

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/internal/scenariotest"
)

var sc = Scenario("test")

// frame is the JSON contract of a q-learning frame.
type frame struct {
	Step    int                 `json:"step"`
	Done    bool                `json:"done"`
	Note    string              `json:"note"`
	Metrics map[string]*float64 `json:"metrics"`
	State   struct {
		Rows     int         `json:"rows"`
		Cols     int         `json:"cols"`
		Walls    []bool      `json:"walls"`
		Terminal []bool      `json:"terminal"`
		Rewards  []float64   `json:"rewards"`
		Start    int         `json:"start"`
		Layout   string      `json:"layout"`
		Gamma    float64     `json:"gamma"`
		Alpha    float64     `json:"alpha"`
		MaxMoves int         `json:"max_moves"`
		Q        [][]float64 `json:"q"`
		Visits   [][]int     `json:"visits"`
		VStar    []float64   `json:"v_star"`
		Agent    int         `json:"agent"`
		Episode  int         `json:"episode"`
		Moves    int         `json:"moves"`
		Last     *struct {
			From     int     `json:"from"`
			Action   string  `json:"action"`
			To       int     `json:"to"`
			Explored bool    `json:"explored"`
			Reward   float64 `json:"reward"`
			Target   float64 `json:"target"`
			Alpha    float64 `json:"alpha"`
			Before   float64 `json:"q_before"`
			After    float64 `json:"q_after"`
		} `json:"last"`
	} `json:"state"`
}

var actionIndex = map[string]int{"up": 0, "right": 1, "down": 2, "left": 3}

// move applies the page's rules to the frame's own grid arrays: the cell
// a move reaches, written independently of package rl.
func move(f frame, s, a int) int {
	r, c := s/f.State.Cols, s%f.State.Cols
	r += []int{-1, 0, 1, 0}[a]
	c += []int{0, 1, 0, -1}[a]
	if r < 0 || r >= f.State.Rows || c < 0 || c >= f.State.Cols || f.State.Walls[r*f.State.Cols+c] {
		return s
	}
	return r*f.State.Cols + c
}

func maxOf(q []float64) float64 {
	m := math.Inf(-1)
	for _, v := range q {
		m = max(m, v)
	}
	return m
}

// TestEveryMoveKeepsTheRules checks every move of several runs against the
// rules stated on the page and the Q-learning update with the stated step
// size, from the previous frame alone.
func TestEveryMoveKeepsTheRules(t *testing.T) {
	for _, query := range []string{"", "grid=cliff&epsilon=0.5&seed=3", "grid=rooms&gamma=0.95&alpha=1", "grid=S.W.%2F...P%2FW..G&epsilon=1",
		"grid=corridor&gamma=0&episodes=3"} {
		r := scenariotest.NewRun(t, sc, query)
		prev := scenariotest.Decode[frame](t, r, false)
		if prev.State.Agent != prev.State.Start || prev.State.Last != nil {
			t.Fatalf("%q: step 0 has the agent on %d, start %d, last move %v", query, prev.State.Agent, prev.State.Start, prev.State.Last)
		}
		for range 600 {
			if r.Done() {
				break
			}
			if err := r.Step(); err != nil {
				t.Fatal(err)
			}
			f := scenariotest.Decode[frame](t, r, false)
			scenariotest.CheckNote(t, f.Note, query)
			m, st := f.State.Last, f.State
			a := actionIndex[m.Action]
			where := query + " step " + strconv.Itoa(f.Step)
			if m.From != prev.State.Agent {
				t.Fatalf("%s: moved from %d, the agent was on %d", where, m.From, prev.State.Agent)
			}
			if want := move(f, m.From, a); m.To != want {
				t.Fatalf("%s: %s from %d reached %d, the rules give %d", where, m.Action, m.From, m.To, want)
			}
			if m.Reward != st.Rewards[m.To] {
				t.Fatalf("%s: reward %g, the cell entered pays %g", where, m.Reward, st.Rewards[m.To])
			}
			target := m.Reward
			if !st.Terminal[m.To] {
				target += st.Gamma * maxOf(prev.State.Q[m.To])
			}
			n := st.Visits[m.From][a]
			alpha := st.Alpha / (1 + float64(n-1)/100)
			want := prev.State.Q[m.From][a] + alpha*(target-prev.State.Q[m.From][a])
			if n != prev.State.Visits[m.From][a]+1 || math.Abs(m.Target-target) > 1e-15 || math.Abs(m.Alpha-alpha) > 1e-15 ||
				math.Abs(st.Q[m.From][a]-want) > 1e-15 {
				t.Fatalf("%s: Q(%d,%s) = %g with α %g, target %g (n %d); want %g, α %g, target %g",
					where, m.From, m.Action, st.Q[m.From][a], m.Alpha, m.Target, n, want, alpha, target)
			}
			ended := st.Terminal[m.To] || prev.State.Moves+1 == st.MaxMoves
			switch {
			case ended && (st.Agent != st.Start || st.Moves != 0 || st.Episode != prev.State.Episode+1):
				t.Fatalf("%s: the episode should have ended: agent %d, moves %d, episode %d", where, st.Agent, st.Moves, st.Episode)
			case !ended && (st.Agent != m.To || st.Moves != prev.State.Moves+1 || st.Episode != prev.State.Episode):
				t.Fatalf("%s: agent %d, moves %d, episode %d after a move to %d", where, st.Agent, st.Moves, st.Episode, m.To)
			}
			prev = f
		}
	}
}

// TestValueIterationOnTheExportedGrid recomputes V* from data.csv by
// sweeping the Bellman backup, and checks the corridor's closed form.
func TestValueIterationOnTheExportedGrid(t *testing.T) {
	for _, query := range []string{"", "grid=cliff&gamma=0.8", "grid=rooms&gamma=0.99", "grid=bridge", "grid=corridor&gamma=0.5"} {
		r := scenariotest.NewRun(t, sc, query)
		f := scenariotest.Decode[frame](t, r, false)
		rows := scenariotest.Rows(t, r)
		if got := strings.Join(rows[0], ","); got != "cell,row,col,kind,wall,terminal,reward,v_star" {
			t.Fatalf("data.csv header %s", got)
		}
		n := len(rows) - 1
		wall, term := make([]bool, n), make([]bool, n)
		reward, exported := make([]float64, n), make([]float64, n)
		for i, row := range rows[1:] {
			wall[i], term[i] = row[4] == "true", row[5] == "true"
			reward[i], _ = strconv.ParseFloat(row[6], 64)
			exported[i], _ = strconv.ParseFloat(row[7], 64)
			if wall[i] != f.State.Walls[i] || term[i] != f.State.Terminal[i] || reward[i] != f.State.Rewards[i] {
				t.Fatalf("%q: data.csv row %d disagrees with the frame's grid", query, i)
			}
		}
		// Jacobi sweeps (the scenario sweeps in place): the same fixed point.
		v := make([]float64, n)
		for range 5000 {
			next := make([]float64, n)
			for s := range n {
				if wall[s] || term[s] {
					continue
				}
				next[s] = math.Inf(-1)
				for a := range 4 {
					to := move(f, s, a)
					val := reward[to]
					if !term[to] {
						val += f.State.Gamma * v[to]
					}
					next[s] = max(next[s], val)
				}
			}
			v = next
		}
		for s := range n {
			if math.Abs(v[s]-exported[s]) > 1e-9 || exported[s] != f.State.VStar[s] {
				t.Errorf("%q: V*(%d) exported %g, frame %g, recomputed %g", query, s, exported[s], f.State.VStar[s], v[s])
			}
		}
		if strings.HasPrefix(query, "grid=corridor") {
			for s := range n - 1 {
				if want := math.Pow(f.State.Gamma, float64(n-2-s)); math.Abs(exported[s]-want) > 1e-10 {
					t.Errorf("corridor: V*(%d) = %g, want γ^%d = %g", s, exported[s], n-2-s, want)
				}
			}
		}
	}
}

// TestConvergesToVStar is the test through the scenario: with
// ε > 0, the stated step size and enough episodes, max_a Q equals V* on
// every cell the agent can stand on, to 1e-3.
func TestConvergesToVStar(t *testing.T) {
	for _, query := range []string{"step_unit=episode&episodes=10000", "grid=cliff&step_unit=episode&episodes=10000&epsilon=0.3",
		"grid=rooms&step_unit=episode&episodes=20000&epsilon=0.5&alpha=0.8&seed=2"} {
		r := scenariotest.NewRun(t, sc, query)
		if err := r.Advance(sc.MaxSteps); err != nil {
			t.Fatal(err)
		}
		f := scenariotest.Decode[frame](t, r, false)
		if !f.Done || f.State.Episode != episodesParam.Get(r.Values) || f.Step != f.State.Episode {
			t.Fatalf("%q: ended at step %d after %d episodes (done %v)", query, f.Step, f.State.Episode, f.Done)
		}
		// Cells the agent can stand on: reachable from S through
		// non-terminal cells, found here by a search of the frame's grid.
		seen := map[int]bool{f.State.Start: true}
		queue := []int{f.State.Start}
		for len(queue) > 0 {
			s := queue[0]
			queue = queue[1:]
			for a := range 4 {
				if to := move(f, s, a); !seen[to] && !f.State.Terminal[to] {
					seen[to] = true
					queue = append(queue, to)
				}
			}
		}
		worst := 0.0
		for s := range seen {
			worst = max(worst, math.Abs(maxOf(f.State.Q[s])-f.State.VStar[s]))
		}
		if worst > 1e-3 || math.Abs(*f.Metrics["gap_to_vstar"]-worst) > 1e-15 {
			t.Errorf("%q: max |max Q − V*| = %g (metric %g), want ≤ 1e-3", query, worst, *f.Metrics["gap_to_vstar"])
		}
	}
}

func TestParameterErrors(t *testing.T) {
	scenariotest.ParseRejects(t, sc,
		"grid=", "grid=Simple", "grid=S..", "grid=S.G%2F..", "grid=SSG", "grid=S.xG", "grid=SWG",
		"grid="+strings.Repeat(".", 12)+"SG", "gamma=1", "gamma=-0.1", "alpha=0", "alpha=1.5", "epsilon=1.01",
		"episodes=0", "episodes=20001", "step_unit=jump", "seed=-1")
	// The message names what is wrong with a layout.
	q, _ := lab.ParseQuery("grid=S.G%2F..")
	_, err := lab.Parse(sc.Params, q)
	if err == nil || !strings.Contains(err.Error(), "row 2 has 2 cells and row 1 has 3") {
		t.Errorf("grid=S.G/..: %v", err)
	}
}

// A layout is spelled one way: upper case, W for walls; a preset by name.
func TestCanonicalGrid(t *testing.T) {
	for query, want := range map[string]string{
		"grid=s..g%2F.%23.p": "grid=S..G/.W.P",
		"grid=S..G/.W.P":     "grid=S..G/.W.P",
		"grid=cliff":         "grid=cliff",
		"grid=simple":        "",
	} {
		if got := scenariotest.Values(t, sc, query).Encode(); got != want {
			t.Errorf("%s encodes as %q, want %q", query, got, want)
		}
	}
}

// One Step of step_unit=episode is one whole episode.
func TestEpisodeUnit(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "step_unit=episode&grid=rooms")
	for want := 1; want <= 20; want++ {
		if err := r.Step(); err != nil {
			t.Fatal(err)
		}
		f := scenariotest.Decode[frame](t, r, false)
		if f.State.Episode != want || f.State.Moves != 0 || f.State.Agent != f.State.Start {
			t.Fatalf("step %d: episode %d, moves %d, agent %d", want, f.State.Episode, f.State.Moves, f.State.Agent)
		}
		scenariotest.CheckNote(t, f.Note, "episode unit")
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := scenariotest.SameURLSameFrames(t, sc, "grid=cliff&epsilon=0.3", 40)
	c := scenariotest.NewRun(t, sc, "grid=cliff&epsilon=0.3&seed=2")
	if err := c.Advance(40); err != nil {
		t.Fatal(err)
	}
	scenariotest.SeedsDiffer(t, a, c)
}

func BenchmarkStepAndFrame(b *testing.B) {
	scenariotest.BenchStepAndFrame(b, sc, "", "grid=rooms&step_unit=episode")
}

func BenchmarkNewRun(b *testing.B) { scenariotest.BenchNewRun(b, sc) }

// In move mode a run longer than the step limit stops there and says so.
func TestStepLimitIsSaid(t *testing.T) {
	r := scenariotest.NewRun(t, sc, "grid=rooms&episodes=20000&epsilon=1")
	if err := r.Advance(sc.MaxSteps); err != nil {
		t.Fatal(err)
	}
	f := scenariotest.Decode[frame](t, r, false)
	if !r.Done() || f.Step != sc.MaxSteps || f.State.Episode >= 20000 ||
		!strings.Contains(f.Note, "at its limit of 50000 steps, after "+strconv.Itoa(f.State.Episode)+" of 20000 episodes") {
		t.Errorf("step %d, episode %d, done %v: note %q", f.Step, f.State.Episode, r.Done(), f.Note)
	}
}
