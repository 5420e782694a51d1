package rl

import (
	"fmt"
	"strings"
)

// MaxSide bounds the rows and the columns of a layout.
const MaxSide = 12

// LayoutFormat says what ParseLayout reads, for error messages and help.
const LayoutFormat = "rows separated by /, each cell one of . (empty), W or # (wall), S (start), G (goal), P (pit); " +
	"at most 12 rows and 12 columns, every row as long, exactly one S and at least one G that S can reach"

// ParseLayout reads a grid written row by row, rows separated by "/":
// "." an empty cell, "W" (or "#") a wall, "S" the start, "G" a goal, "P"
// a pit; letters in either case. The error says what is wrong in words
// a user can act on.
func ParseLayout(s string) (*Grid, error) {
	if s == "" {
		return nil, fmt.Errorf("the layout is empty")
	}
	rows := strings.Split(s, "/")
	if len(rows) > MaxSide {
		return nil, fmt.Errorf("%d rows, more than %d", len(rows), MaxSide)
	}
	cols := len(rows[0])
	var cells []Cell
	starts, goals := 0, 0
	for r, row := range rows {
		if len(row) != cols {
			return nil, fmt.Errorf("row %d has %d cells and row 1 has %d", r+1, len(row), cols)
		}
		if cols == 0 || cols > MaxSide {
			return nil, fmt.Errorf("row %d has %d cells; a row has 1 to %d", r+1, cols, MaxSide)
		}
		for c := range len(row) {
			var cell Cell
			switch row[c] {
			case '.':
				cell = Empty
			case 'W', 'w', '#':
				cell = Wall
			case 'S', 's':
				cell, starts = Start, starts+1
			case 'G', 'g':
				cell, goals = Goal, goals+1
			case 'P', 'p':
				cell = Pit
			default:
				return nil, fmt.Errorf("row %d, column %d: %q is not a cell", r+1, c+1, row[c:c+1])
			}
			cells = append(cells, cell)
		}
	}
	switch {
	case starts != 1:
		return nil, fmt.Errorf("%d start cells S; a layout has exactly one", starts)
	case goals == 0:
		return nil, fmt.Errorf("no goal G")
	}
	g := NewGrid(len(rows), cols, cells)
	reach := g.Reachable()
	for i := range cells {
		if reach[i] && cells[i] == Goal {
			return g, nil
		}
	}
	return nil, fmt.Errorf("no goal G can be reached from S")
}

// Layout returns the grid in ParseLayout's notation, walls as "W": one
// spelling for every grid.
func (g *Grid) Layout() string {
	var b strings.Builder
	for i, c := range g.cells {
		if i > 0 && i%g.Cols == 0 {
			b.WriteByte('/')
		}
		b.WriteByte(".WGPS"[c])
	}
	return b.String()
}
