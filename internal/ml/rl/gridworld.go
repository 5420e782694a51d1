package rl

import "fmt"

// Action is a move of the agent. Actions are numbered in the order
// up, right, down, left, the order of the columns of Q.
type Action int

const (
	Up Action = iota
	Right
	Down
	Left
)

// Actions is the number of actions.
const Actions = 4

// String returns the action's name.
func (a Action) String() string {
	switch a {
	case Up:
		return "up"
	case Right:
		return "right"
	case Down:
		return "down"
	case Left:
		return "left"
	}
	return fmt.Sprintf("Action(%d)", int(a))
}

// Cell is what a cell of the grid holds.
type Cell int

const (
	Empty Cell = iota
	Wall
	Goal
	Pit
	Start
)

// Rewards of entering a cell. Only terminal cells pay, so the value of a
// cell k moves from the goal is γ^(k−1): the discount alone makes short
// paths worth more.
const (
	RewardEmpty = 0.0
	RewardGoal  = 1.0
	RewardPit   = -1.0
)

// Grid is a gridworld of Rows × Cols cells, numbered row-major from the
// top-left corner: cell = row·Cols + col.
type Grid struct {
	Rows, Cols int
	cells      []Cell
	start      int
}

// NewGrid returns a grid of the given cells, row-major. It panics unless
// there are rows·cols cells, exactly one Start and at least one Goal:
// checking a user's layout is the caller's job.
func NewGrid(rows, cols int, cells []Cell) *Grid {
	if rows < 1 || cols < 1 || len(cells) != rows*cols {
		panic(fmt.Sprintf("ml/rl: %d cells for a %d×%d grid", len(cells), rows, cols))
	}
	g := &Grid{Rows: rows, Cols: cols, cells: append([]Cell(nil), cells...), start: -1}
	goals := 0
	for i, c := range cells {
		switch c {
		case Start:
			if g.start >= 0 {
				panic("ml/rl: two start cells")
			}
			g.start = i
		case Goal:
			goals++
		}
	}
	if g.start < 0 || goals == 0 {
		panic("ml/rl: a grid needs one start and a goal")
	}
	return g
}

// Cells returns the number of cells.
func (g *Grid) Cells() int { return g.Rows * g.Cols }

// Cell returns what cell i holds.
func (g *Grid) Cell(i int) Cell { return g.cells[i] }

// Start returns the start cell.
func (g *Grid) Start() int { return g.start }

// Wall reports whether cell i is a wall.
func (g *Grid) Wall(i int) bool { return g.cells[i] == Wall }

// Terminal reports whether cell i ends an episode: a goal or a pit.
func (g *Grid) Terminal(i int) bool { return g.cells[i] == Goal || g.cells[i] == Pit }

// Reward returns the reward of entering cell i.
func (g *Grid) Reward(i int) float64 {
	switch g.cells[i] {
	case Goal:
		return RewardGoal
	case Pit:
		return RewardPit
	}
	return RewardEmpty
}

// Walls, TerminalCells and Rewards return one value per cell, row-major.
func (g *Grid) Walls() []bool         { return g.each(g.Wall) }
func (g *Grid) TerminalCells() []bool { return g.each(g.Terminal) }
func (g *Grid) Rewards() []float64 {
	out := make([]float64, g.Cells())
	for i := range out {
		out[i] = g.Reward(i)
	}
	return out
}

func (g *Grid) each(f func(int) bool) []bool {
	out := make([]bool, g.Cells())
	for i := range out {
		out[i] = f(i)
	}
	return out
}

// Move returns the cell reached from s by action a and the reward of
// entering it. A move off the grid or into a wall stays in s (and earns
// s's own reward, which is 0 for every cell an agent can stand on).
func (g *Grid) Move(s int, a Action) (next int, reward float64) {
	r, c := s/g.Cols, s%g.Cols
	switch a {
	case Up:
		r--
	case Right:
		c++
	case Down:
		r++
	case Left:
		c--
	default:
		panic(fmt.Sprintf("ml/rl: no action %d", a))
	}
	next = s
	if r >= 0 && r < g.Rows && c >= 0 && c < g.Cols && !g.Wall(r*g.Cols+c) {
		next = r*g.Cols + c
	}
	return next, g.Reward(next)
}

// Reachable reports, for every cell, whether some sequence of moves leads
// there from the start without passing through a terminal cell (terminal
// cells themselves can be reached, not left).
func (g *Grid) Reachable() []bool {
	seen := make([]bool, g.Cells())
	seen[g.start] = true
	queue := []int{g.start}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if g.Terminal(s) {
			continue
		}
		for a := range Action(Actions) {
			if n, _ := g.Move(s, a); !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	return seen
}
