package lab

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// A live parameter may change while its run plays (q-learning's γ, α, ε).
// The URL records when, so that the same URL still gives the same frames:
// its value is a schedule,
//
//	epsilon=0.2,0.05@300,0.01@1200
//
// 0.2 from the start, 0.05 for the steps after step 300, 0.01 after step
// 1200. A run applies a change just before it takes the step after the
// change's step (Retuner), whether it plays, replays to at=N, goes back on
// the timeline or answers the API. The page's control sends
// {"type":"set","name":…,"value":…}: the schedule keeps its changes up to
// the step on screen, gains the new value from there, and the run's new
// query comes back in a run message.

// Change is one step of a live parameter's schedule: Value from the step
// after Step on.
type Change struct {
	Step  int
	Value float64
}

// maxChanges bounds a schedule's length.
const maxChanges = 32

// Retuner is a model with live parameters: Retune sets their values in
// force after step (read with LiveHandle.At). The run calls it before
// taking step step+1 whenever a live value changes at step.
type Retuner interface {
	Retune(v Values, step int)
}

// LiveHandle is a live real parameter: Get reads its value at the start,
// At its value in force after a step.
type LiveHandle struct{ Handle[float64] }

// LiveFloat declares a real parameter within [p.Min, p.Max] that may
// change while its run plays.
func LiveFloat(p Param) LiveHandle {
	p.Live = true
	return LiveHandle{Float(p)}
}

// At returns the value in force for the step after step.
func (h LiveHandle) At(v Values, step int) float64 {
	v.param(h.Name(), KindFloat)
	return v.at(h.Name(), step)
}

// LiveEnumHandle is a live enum parameter (the gan's train): Get reads
// its choice at the start, At the choice in force after a step. Its
// schedule spells words, such as train=both,d@40,both@80.
type LiveEnumHandle[T any] struct {
	Handle[T]
	choices []Choice[T]
}

// LiveEnum declares an enum parameter that may change while its run plays.
func LiveEnum[T any](p Param, choices ...Choice[T]) LiveEnumHandle[T] {
	p = declare(p, KindEnum)
	p.Options = words(p, choices)
	p.Live = true
	return LiveEnumHandle[T]{Handle[T]{p, func(v Values, n string) T {
		return choices[int(v.num[n])].Value
	}}, choices}
}

// At returns the choice in force for the step after step.
func (h LiveEnumHandle[T]) At(v Values, step int) T {
	v.param(h.Name(), KindEnum)
	return h.choices[int(v.at(h.Name(), step))].Value
}

// liveText spells a live value as its URL does: a number, or an enum's
// word (x its index); ok is false for a value out of the parameter's range.
func liveText(p Param, x float64) (string, bool) {
	if p.Kind == KindEnum {
		i := int(x)
		if float64(i) != x || i < 0 || i >= len(p.Options) {
			return "", false
		}
		return p.Options[i], true
	}
	if math.IsNaN(x) || math.IsInf(x, 0) || x < p.Min || x > p.Max {
		return fmtNum(x), false
	}
	return fmtNum(x), true
}

// at is a live parameter's value in force for the step after step.
func (v Values) at(name string, step int) float64 {
	x := v.num[name]
	for _, c := range v.changes[name] {
		if c.Step <= step {
			x = c.Value
		}
	}
	return x
}

// setSchedule reads a live parameter's value: a number, or a number and
// changes value@step, steps increasing.
func (v *Values) setSchedule(p Param, text string) error {
	parts := strings.Split(text, ",")
	if len(parts) > maxChanges+1 {
		return &ParamError{Name: p.Name, Value: text, Allowed: fmt.Sprintf("at most %d changes", maxChanges)}
	}
	num := func(s string) (float64, bool) {
		if p.Kind == KindEnum {
			i := slices.Index(p.Options, strings.TrimSpace(s))
			return float64(i), i >= 0
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) && f >= p.Min && f <= p.Max
	}
	example := fmtNum(p.Min) + "," + fmtNum(p.Max) + "@100"
	if p.Kind == KindEnum {
		example = p.Options[0] + "," + p.Options[len(p.Options)-1] + "@100"
	}
	allowed := p.Allowed() + ", then changes value@step with steps increasing from 1, such as " + example
	first, ok := num(parts[0])
	if !ok {
		return &ParamError{Name: p.Name, Value: text, Allowed: allowed}
	}
	var changes []Change
	word := func(x float64) string { t, _ := liveText(p, x); return t }
	canon := []string{word(first)}
	last := 0
	for _, part := range parts[1:] {
		val, step, found := strings.Cut(part, "@")
		x, okV := num(val)
		n, err := strconv.Atoi(strings.TrimSpace(step))
		if !found || !okV || err != nil || n <= last {
			return &ParamError{Name: p.Name, Value: text, Allowed: allowed}
		}
		changes = append(changes, Change{Step: n, Value: x})
		canon = append(canon, word(x)+"@"+strconv.Itoa(n))
		last = n
	}
	v.num[p.Name] = first
	v.raw[p.Name] = strings.Join(canon, ",")
	if len(changes) > 0 {
		v.changes[p.Name] = changes
	} else {
		delete(v.changes, p.Name)
	}
	return nil
}

// changesAt reports whether a live value changes at step.
func (v Values) changesAt(step int) bool {
	for _, cs := range v.changes {
		for _, c := range cs {
			if c.Step == step {
				return true
			}
		}
	}
	return false
}

// lastChange is the step of the latest change of any live value, 0 if none.
func (v Values) lastChange() int {
	last := 0
	for _, cs := range v.changes {
		last = max(last, cs[len(cs)-1].Step)
	}
	return last
}

// TextAt is the value of a parameter in force after step, as a control
// shows it: a live parameter's at that step, any other's text.
func (v Values) TextAt(name string, step int) string {
	p := v.param(name, allKinds...)
	if !p.Live {
		return v.raw[name]
	}
	t, _ := liveText(p, v.at(name, step))
	return t
}

// retuned returns v with live parameter name set to value from the step
// after step on: its changes after that step are forgotten (the run's
// future is rewritten), at step 0 its first value is replaced.
func (v Values) retuned(name string, step int, value float64) (Values, error) {
	p := v.param(name, allKinds...)
	if !p.Live {
		return Values{}, &ParamError{Name: name, Value: fmtNum(value), Allowed: "a parameter that can change while the run plays (" + v.liveNames() + ")"}
	}
	text, ok := liveText(p, value)
	if !ok {
		return Values{}, &ParamError{Name: name, Value: text, Allowed: p.Allowed()}
	}
	word := func(x float64) string { t, _ := liveText(p, x); return t }
	parts := []string{word(v.num[name])}
	if step == 0 {
		parts[0] = text
	}
	for _, c := range v.changes[name] {
		if c.Step < step {
			parts = append(parts, word(c.Value)+"@"+strconv.Itoa(c.Step))
		}
	}
	if step > 0 {
		parts = append(parts, text+"@"+strconv.Itoa(step))
	}
	return v.With(name, strings.Join(parts, ","))
}

func (v Values) liveNames() string {
	var names []string
	for _, p := range v.params {
		if p.Live {
			names = append(names, p.Name)
		}
	}
	if names == nil {
		return "none here"
	}
	return strings.Join(names, ", ")
}

// forgetAfter forgets the steps after step: a live value changed there, so
// they are no longer this run's (the timeline ends at step).
func (r *Run) forgetAfter(step int) {
	r.reached = step
	kept := r.checkpoints[:0]
	for _, cp := range r.checkpoints {
		if cp.step <= step {
			kept = append(kept, cp)
		}
	}
	clear(r.checkpoints[len(kept):])
	r.checkpoints = kept
}

// set changes a live parameter from the step the run is at (live.go): the
// run's query gains the change and a run message says so; the steps after
// this one are forgotten. At step 0 the run starts over with the new first
// value. A refused change is said in an error message and changes nothing.
func (t *trainer) set(name string, value float64) error {
	run := t.s.run
	refuse := func(err error) error {
		m := errorMessageFor(err)
		m.Message = "set: " + m.Message
		if !t.s.out.control(m) {
			return errBehind
		}
		return nil
	}
	live := false
	for _, p := range run.Values.Params() {
		live = live || (p.Name == name && p.Live)
	}
	if !live {
		return refuse(&ParamError{Name: name, Value: fmtNum(value),
			Allowed: "a parameter that can change while the run plays (" + run.Values.liveNames() + ")"})
	}
	vals, err := run.Values.retuned(name, run.StepNumber(), value)
	if err != nil {
		return refuse(err)
	}
	run.Values = vals
	run.forgetAfter(run.StepNumber())
	if !t.s.out.control(t.runMessage()) {
		return errBehind
	}
	if run.StepNumber() > 0 {
		return nil
	}
	if err := run.Reset(); err != nil {
		return err
	}
	t.sent.forget()
	return t.sendFrame()
}
