package rl

import "math"

// ValueIteration returns V*, one value per cell (0 on walls and terminal
// cells), by sweeping the Bellman optimality backup
//
//	V(s) ← max_a [ R(s') + γ·V(s') ],  V(terminal) = 0
//
// in place over the non-terminal cells until no value changes by more
// than tol, and the number of sweeps it took. γ must be in [0, 1); the
// error after a sweep that changed values by at most tol is at most
// tol·γ/(1 − γ).
func ValueIteration(g *Grid, gamma, tol float64) (v []float64, sweeps int) {
	if !(gamma >= 0 && gamma < 1) || !(tol > 0) {
		panic("ml/rl: value iteration needs 0 ≤ γ < 1 and tol > 0")
	}
	v = make([]float64, g.Cells())
	for {
		sweeps++
		change := 0.0
		for s := range v {
			if g.Wall(s) || g.Terminal(s) {
				continue
			}
			best := math.Inf(-1)
			for a := range Action(Actions) {
				best = max(best, backup(g, v, gamma, s, a))
			}
			change = max(change, math.Abs(best-v[s]))
			v[s] = best
		}
		if change <= tol {
			return v, sweeps
		}
	}
}

// backup is R(s') + γ·V(s') for the move from s by a.
func backup(g *Grid, v []float64, gamma float64, s int, a Action) float64 {
	n, r := g.Move(s, a)
	if g.Terminal(n) {
		return r
	}
	return r + gamma*v[n]
}

// GreedyActions returns, for cell s, the actions whose backup of v is
// within tol of the best: the optimal policy's choices when v is V*.
func GreedyActions(g *Grid, v []float64, gamma float64, s int, tol float64) []Action {
	var q [Actions]float64
	best := math.Inf(-1)
	for a := range Action(Actions) {
		q[a] = backup(g, v, gamma, s, a)
		best = max(best, q[a])
	}
	var out []Action
	for a := range Action(Actions) {
		if q[a] >= best-tol {
			out = append(out, a)
		}
	}
	return out
}
