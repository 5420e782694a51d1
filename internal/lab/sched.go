package lab

import (
	"container/heap"
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// pool shares the cores between runs. Every unit of a run's work (one
// step, one frame) takes one of a few slots, about one a core, so the
// runs take turns instead of all slowing down at once. When units wait,
// the next slot goes to the run that has used the least computing time
// (start-time fair queuing, Goyal, Vin and Cheng, SIGCOMM 1996): a run's
// unit is tagged
//
//	start = max(V, finish of the run's previous unit)
//	finish = start + time the unit took
//
// where V is the start tag of the last unit let in, and the smallest
// start goes first, ties first come first served. A light run, whose
// units are short and far apart, arrives with start = V and goes ahead
// of heavy runs that have queued unit after unit, so it waits for at
// most one unit of theirs however many of them there are.
//
// A run's steps and its frames are two flows, each with its own finish
// tag (see schedule): the steps of a playing run are light beside its
// frames, so they are let in ahead of the frames of every run, its own
// included, and keep their pace while frames wait; a run whose steps are
// heavy still queues them behind lighter runs.
type pool struct {
	mu    sync.Mutex
	free  int           // slots not taken
	v     time.Duration // virtual time: the start tag of the last unit let in
	seq   uint64        // arrival order, for ties
	queue waiters
}

// flow is one run's place in the pool: where its last unit finished.
// A flow is used by one goroutine at a time.
type flow struct{ finish time.Duration }

type waiter struct {
	p     *pool
	start time.Duration
	seq   uint64
	index int           // in the queue, -1 once let in
	ready chan struct{} // closed when the waiter holds a slot
}

func newPool(n int) *pool { return &pool{free: n} }

// do runs f in a slot once fl's turn comes, and returns how long f took,
// or ctx's error if ctx ends first.
func (p *pool) do(ctx context.Context, fl *flow, f func() error) (time.Duration, error) {
	w := p.ask(fl)
	select {
	case <-w.ready: // a free slot is taken at once: ctx bounds only a wait
	default:
		select {
		case <-w.ready:
		case <-ctx.Done():
			w.drop()
			return 0, ctx.Err()
		}
	}
	return w.use(fl, f)
}

// ask queues a unit of fl without waiting: the slot is the caller's once
// w.ready is closed, and then it must call w.use or w.drop exactly once;
// before that, w.drop gives up the place in the queue. A session's run
// asks so, so that it can go on stepping while its frame waits its turn.
func (p *pool) ask(fl *flow) *waiter {
	p.mu.Lock()
	defer p.mu.Unlock()
	w := &waiter{p: p, start: max(p.v, fl.finish), seq: p.seq, index: -1, ready: make(chan struct{})}
	p.seq++
	if p.free > 0 && len(p.queue) == 0 {
		p.free--
		p.v = w.start
		close(w.ready)
		return w
	}
	heap.Push(&p.queue, w)
	return w
}

// use runs f in w's slot, which must have been granted, and frees it.
// A flow may have asked for a unit and then done another before using
// it, so its finish tag only ever moves forward.
func (w *waiter) use(fl *flow, f func() error) (time.Duration, error) {
	defer w.p.release() // even if f panics: a lost slot would stall every run
	t := time.Now()
	err := f()
	d := time.Since(t)
	fl.finish = max(fl.finish, w.start) + d
	return d, err
}

// drop gives up a unit that will not be used: it leaves the queue, or
// passes on the slot it was just let into.
func (w *waiter) drop() {
	w.p.mu.Lock()
	if w.index >= 0 {
		heap.Remove(&w.p.queue, w.index)
		w.p.mu.Unlock()
		return
	}
	w.p.mu.Unlock()
	w.p.release()
}

// release gives a slot to the waiter with the smallest start tag, or
// frees it.
func (p *pool) release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.queue) == 0 {
		p.free++
		return
	}
	w := heap.Pop(&p.queue).(*waiter)
	w.index = -1
	p.v = max(p.v, w.start)
	close(w.ready)
}

// waiters is a heap of waiting units by start tag, then arrival.
type waiters []*waiter

func (q waiters) Len() int { return len(q) }
func (q waiters) Less(i, j int) bool {
	if q[i].start != q[j].start {
		return q[i].start < q[j].start
	}
	return q[i].seq < q[j].seq
}
func (q waiters) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].index, q[j].index = i, j
}
func (q *waiters) Push(x any) {
	w := x.(*waiter)
	w.index = len(*q)
	*q = append(*q, w)
}
func (q *waiters) Pop() any {
	old := *q
	w := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return w
}

// DefaultRequestBudget is the computing time a headless request may use:
// every scenario's default run, and plotted runs of a few hundred frames,
// fit in it; an svm at its maximum with 1000 plotted frames does not.
const DefaultRequestBudget = 10 * time.Second

// budgetError ends a headless request that used up its computing time.
type budgetError struct {
	budget time.Duration
	step   int
}

func (e *budgetError) Error() string {
	return fmt.Sprintf("cut at step %d: this request used up its %s of computing time; ask for less: "+
		"fewer steps (steps=N or step=N), no plots (leave out plots=1), or smaller parameters (fewer samples, a smaller model)",
		e.step, e.budget)
}

// schedule makes run's work go through the pool, timed into the
// scenario's histograms and, when budget > 0, charged to a budget of
// computing time (time in a slot, not time waiting for one): past it,
// the next unit fails with a *budgetError.
func (s *Server) schedule(ctx context.Context, run *Run, budget time.Duration) {
	var spent time.Duration
	var steps, frames flow
	flowOf := func(unit string) *flow {
		if unit == unitStep {
			return &steps
		}
		return &frames
	}
	slug := run.Scenario.Slug
	overBudget := func() error {
		if budget <= 0 || spent < budget {
			return nil
		}
		s.metrics.cut.WithLabelValues(slug).Inc()
		be := &budgetError{budget: budget, step: run.step}
		return &httpError{status: http.StatusUnprocessableEntity, msg: be.Error(), err: be}
	}
	charge := func(unit string, d time.Duration) {
		spent += d
		if d > 0 {
			s.metrics.observe(slug, unit, d)
		}
	}
	run.work = func(unit string, f func() error) error {
		if err := overBudget(); err != nil {
			return err
		}
		d, err := s.pool.do(ctx, flowOf(unit), f)
		charge(unit, d)
		return err
	}
	run.ask = func(unit string) *grant {
		fl := flowOf(unit)
		w := s.pool.ask(fl)
		return &grant{ready: w.ready, drop: w.drop, use: func(f func() error) error {
			if err := overBudget(); err != nil {
				w.drop()
				return err
			}
			d, err := w.use(fl, f)
			charge(unit, d)
			return err
		}}
	}
}
