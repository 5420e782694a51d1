package lab

import (
	"context"
	"fmt"
	"strconv"
)

// A run can go back to any step it has reached (the page's timeline):
// its values are fixed, so step k is the same state however it is
// reached. Going forward steps on; going back starts again from the
// nearest checkpoint at or before the step, or from step 0, and replays
// from there without drawing.
//
// Checkpoints are copies of the model (Cloner) taken as the run first
// reaches every checkpointEvery-th step; at most maxCheckpoints a run:
// past that every other one is dropped and the spacing doubles, so a run
// of any length keeps between half and all of them, evenly spread. A
// model that cannot copy itself replays from step 0. For the default
// neural network one step back from step 1000 costs 61–118 ms from a
// checkpoint against 0.54–0.86 s from step 0 (BenchmarkSeekBack in
// scenarios; README's figures).

// Cloner is a model that can copy itself, state, random source and
// histories, so that the copy steps on exactly as the model would; the
// timeline keeps such copies as checkpoints.
type Cloner interface {
	Clone() Model
}

// Checkpoint spacing and bound, per run.
const (
	checkpointEvery = 25
	maxCheckpoints  = 16
)

// checkpoint is a copy of a run's model at a step, never stepped itself:
// restoring it steps a copy of it.
type checkpoint struct {
	step  int
	model Model
}

// takeCheckpoint keeps a copy of the model if the step is due one; it is
// called when the run first reaches a step.
func (r *Run) takeCheckpoint() {
	c, ok := r.model.(Cloner)
	if !ok || r.noCheckpoints {
		return
	}
	if r.every == 0 {
		r.every = checkpointEvery
	}
	if r.step%r.every != 0 {
		return
	}
	var m Model
	if err := r.safely("clone", func() error { m = c.Clone(); return nil }); err != nil {
		r.noCheckpoints = true // replays from step 0 still work
		return
	}
	r.checkpoints = append(r.checkpoints, checkpoint{step: r.step, model: m})
	if len(r.checkpoints) > maxCheckpoints {
		r.every *= 2
		kept := r.checkpoints[:0]
		for _, cp := range r.checkpoints {
			if cp.step%r.every == 0 {
				kept = append(kept, cp)
			}
		}
		clear(r.checkpoints[len(kept):])
		r.checkpoints = kept
	}
}

// Checkpoints is the steps of the checkpoints the run keeps.
func (r *Run) Checkpoints() []int {
	steps := make([]int, len(r.checkpoints))
	for i, cp := range r.checkpoints {
		steps[i] = cp.step
	}
	return steps
}

// restore starts the run again from its latest checkpoint at or before
// step n, if that is nearer n than where it is; it reports whether it did.
func (r *Run) restore(n int) (bool, error) {
	var best *checkpoint
	for i := range r.checkpoints {
		if cp := &r.checkpoints[i]; cp.step <= n {
			best = cp
		}
	}
	if best == nil || (r.step <= n && r.step >= best.step) {
		return false, nil
	}
	var m Model
	err := r.safely("clone", func() error { m = best.model.(Cloner).Clone(); return nil })
	if err != nil {
		return false, err
	}
	r.model, r.step, r.failed = m, best.step, nil
	// Versions are only comparable within one model.
	clear(r.drawn)
	clear(r.backdrops)
	return true, nil
}

// Reached is the highest step the run has reached since it was built; a
// reset keeps it, since the same values replay the same steps.
func (r *Run) Reached() int { return r.reached }

// SeekContext brings the run to step n, which it has reached before:
// from the nearest checkpoint at or before n, or from where it is if that
// is nearer, or from step 0, by stepping without drawing. A step it has
// not reached is refused with a *ParamError naming step.
func (r *Run) SeekContext(ctx context.Context, n int) error {
	if n < 0 || n > r.reached {
		return &ParamError{Name: "step", Value: strconv.Itoa(n),
			Allowed: fmt.Sprintf("a step this run has reached, from 0 to %d", r.reached)}
	}
	restored, err := r.restore(n)
	if err != nil {
		return err
	}
	if !restored && n < r.step {
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
