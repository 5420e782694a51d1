package lab

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
)

// at=N on a run's URL (page, websocket, API) opens the run at step N: the
// run is replayed there from step 0, without drawing, so the same URL
// shows the same state whatever the route.

// atStep reads at=N: an integer from 0 to the scenario's MaxSteps; 0 when
// it is left out.
func atStep(sc *Scenario, extra url.Values) (int, error) {
	return intExtra(extra, "at", 0, sc.MaxSteps, 0)
}

// advanceTo brings a run to step at, or to its end when it ends sooner,
// as steps=M does for a headless run: its frame then says done.
func advanceTo(ctx context.Context, run *Run, at int) error {
	return run.AdvanceContext(ctx, at)
}

// stepsFrom reads a headless run's steps=M and at=N: its frames (or
// metrics rows) are those of steps N to M, both included; N above M is
// refused.
func stepsFrom(req request) (steps, at int, err error) {
	steps, err = intExtra(req.extra, "steps", 0, req.sc.MaxSteps, req.sc.MaxSteps)
	if err != nil {
		return 0, 0, err
	}
	if at, err = atStep(req.sc, req.extra); err != nil {
		return 0, 0, err
	}
	if at > steps {
		return 0, 0, badRequest(&ParamError{Name: "at", Value: strconv.Itoa(at),
			Allowed: fmt.Sprintf("at most steps (%d): the first step of the answer cannot come after its last", steps)})
	}
	return steps, at, nil
}

// plotStep reads the step a plot shows: step=N, or at=N, which means the
// same there; given both, they must agree.
func plotStep(req request) (int, error) {
	step, err := intExtra(req.extra, "step", 0, req.sc.MaxSteps, 0)
	if err != nil {
		return 0, err
	}
	at, err := atStep(req.sc, req.extra)
	if err != nil {
		return 0, err
	}
	_, stepGiven := req.extra["step"]
	_, atGiven := req.extra["at"]
	switch {
	case stepGiven && atGiven && at != step:
		return 0, badRequest(&ParamError{Name: "at", Value: strconv.Itoa(at),
			Allowed: fmt.Sprintf("the same as step (%d), or left out: a plot shows one step", step)})
	case atGiven:
		return at, nil
	}
	return step, nil
}
