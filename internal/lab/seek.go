package lab

import (
	"context"
	"fmt"
	"strconv"
)

// A run can go back to any step it has reached (the page's timeline):
// its values are fixed, so step k is the same state however it is
// reached. Going forward steps on; going back replays from step 0
// without drawing, which costs the steps only: under 3 ms for a whole
// k-means run, 0.6 ms a step for the default neural network, so 0.4 to
// 0.7 s back from step 1000, against 3 to 7 ms to draw one frame
// (BenchmarkSeekBack in scenarios).
//
// Checkpoints would cut that to the steps since the nearest one: a model
// able to copy itself (a Clone() Model beside the Model interface; its
// generator's state, optimiser moments and histories with it) kept every
// K steps, at most a fixed number a run with K doubled when they run out,
// so a seek replays at most K steps. No model copies itself yet, and each
// of the 31 scenarios would need its own Clone; only the networks trained
// for hundreds of steps would gain.

// Reached is the highest step the run has reached since it was built; a
// reset keeps it, since the same values replay the same steps.
func (r *Run) Reached() int { return r.reached }

// SeekContext brings the run to step n, which it has reached before:
// forward by stepping, back by replaying from step 0 without drawing.
// A step it has not reached is refused with a *ParamError naming step.
func (r *Run) SeekContext(ctx context.Context, n int) error {
	if n < 0 || n > r.reached {
		return &ParamError{Name: "step", Value: strconv.Itoa(n),
			Allowed: fmt.Sprintf("a step this run has reached, from 0 to %d", r.reached)}
	}
	if n < r.step {
		if err := r.Reset(); err != nil {
			return err
		}
	}
	return r.AdvanceContext(ctx, n)
}

// seek carries out a client's seek: the run goes to step n and the frame
// of that step is sent whole, byte for byte the frame a run opened at n
// (at=n) sends first. A step the run has not reached is refused with an
// error message; the run stays where it is.
func (t *trainer) seek(n int) error {
	run := t.s.run
	if n > run.Reached() {
		err := &ParamError{Name: "step", Value: strconv.Itoa(n),
			Allowed: fmt.Sprintf("a step this run has reached, from 0 to %d", run.Reached())}
		if !t.s.out.control(errorMessage{Type: "error", Message: "seek: " + err.Error(), Param: "step"}) {
			return errBehind
		}
		return nil
	}
	if err := run.SeekContext(t.ctx, n); err != nil {
		return err
	}
	t.sent.forget()
	return t.sendFrame()
}
