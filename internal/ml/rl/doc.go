// Package rl is reinforcement learning on a gridworld: the environment,
// tabular Q-learning as a stepper, and value iteration as its reference.
//
// The gridworld is a Markov decision process with deterministic moves. A
// state is a cell; an action is up, right, down or left; a move into a
// wall or off the grid leaves the agent where it is. The reward of a move
// is the reward of the cell entered, R(s'); goal and pit cells are
// terminal and end the episode.
//
// Value iteration (Bellman 1957, "Dynamic Programming"; Sutton & Barto
// 2018, "Reinforcement Learning: An Introduction", 2nd ed., §4.4) repeats
// the Bellman optimality backup on every non-terminal cell,
//
//	V(s) ← max_a [ R(s') + γ·V(s') ],  s' = move(s, a),  V(terminal) = 0
//
// until no value changes by more than a tolerance; V* is its fixed point.
//
// Q-learning (Watkins 1989, "Learning from Delayed Rewards", PhD thesis,
// Cambridge; Sutton & Barto §6.5) learns Q(s, a) from the moves of an
// ε-greedy agent, without a model of the moves:
//
//	Q(s, a) ← Q(s, a) + αₙ·[ r + γ·max_a' Q(s', a') − Q(s, a) ]
//
// with max_a' Q(s', a') taken as 0 when s' is terminal, and a step size
// that decays with n(s, a), the number of updates of that pair so far:
//
//	αₙ = α / (1 + (n − 1)/100)
//
// which keeps Σαₙ = ∞ and Σαₙ² < ∞ (Robbins–Monro). With every pair
// tried infinitely often (ε > 0), Q converges to Q*, and max_a Q(s, a)
// to V*(s) (Watkins & Dayan 1992, "Q-learning", Machine Learning 8).
//
// The stepper (see ml.Stepper):
//
//   - QLearning: one move or one whole episode per Step; Done when the
//     given number of episodes has run. An episode starts at the start
//     cell and ends in a terminal cell or after MaxMoves moves.
package rl
