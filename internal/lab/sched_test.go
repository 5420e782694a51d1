package lab

import (
	"context"
	"errors"
	"testing"
	"time"
)

// queued reports how many units wait for a slot.
func (p *pool) queued() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.queue)
}

// TestPoolLetsTheLightestRunGoFirst holds the only slot while two units
// of a run that has used an hour and then one of a fresh run queue up:
// the fresh run goes first, the heavy run's units in order of arrival.
func TestPoolLetsTheLightestRunGoFirst(t *testing.T) {
	p := newPool(1)
	hold := make(chan struct{})
	held := make(chan struct{})
	go p.do(context.Background(), &flow{}, func() error { close(held); <-hold; return nil })
	<-held

	order := make(chan string, 3)
	heavy := &flow{finish: time.Hour}
	enqueue := func(name string, fl *flow, want int) {
		go p.do(context.Background(), fl, func() error { order <- name; return nil })
		waitFor(t, func() bool { return p.queued() == want })
	}
	enqueue("heavy 1", heavy, 1)
	enqueue("heavy 2", heavy, 2)
	enqueue("light", &flow{}, 3)
	close(hold)
	for _, want := range []string{"light", "heavy 1", "heavy 2"} {
		if got := <-order; got != want {
			t.Fatalf("ran %q, want %q", got, want)
		}
	}
}

// TestPoolWaiterLeavesWhenItsContextEnds: a unit whose client has gone
// stops waiting, and the slot still serves the next one.
func TestPoolWaiterLeavesWhenItsContextEnds(t *testing.T) {
	p := newPool(1)
	hold := make(chan struct{})
	held := make(chan struct{})
	go p.do(context.Background(), &flow{}, func() error { close(held); <-hold; return nil })
	<-held
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := p.do(ctx, &flow{}, func() error { t.Error("a cancelled unit ran"); return nil })
		errc <- err
	}()
	waitFor(t, func() bool { return p.queued() == 1 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait returned %v", err)
	}
	close(hold)
	ran := false
	if _, err := p.do(context.Background(), &flow{}, func() error { ran = true; return nil }); err != nil || !ran {
		t.Fatalf("after the cancelled wait: ran %v, err %v", ran, err)
	}
}

// A unit that panics still gives its slot back; otherwise one broken
// frame would stall every run after it.
func TestPoolSlotSurvivesPanic(t *testing.T) {
	p := newPool(1)
	func() {
		defer func() { recover() }()
		p.do(context.Background(), &flow{}, func() error { panic("boom") })
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := p.do(ctx, &flow{}, func() error { return nil }); err != nil {
		t.Fatalf("the slot was lost with the panic: %v", err)
	}
}

// TestPoolAskWithoutWaiting: a unit asked for without waiting holds its
// place in the queue; dropping it leaves the queue, and dropping a slot
// granted but not used passes it on, so no slot is lost.
func TestPoolAskWithoutWaiting(t *testing.T) {
	p := newPool(1)
	isReady := func(w *waiter) bool {
		select {
		case <-w.ready:
			return true
		default:
			return false
		}
	}
	first := p.ask(&flow{})
	if !isReady(first) {
		t.Fatal("the free slot was not granted at once")
	}
	second := p.ask(&flow{})
	if isReady(second) || p.queued() != 1 {
		t.Fatalf("with the only slot taken: ready %v, queued %d; want a wait", isReady(second), p.queued())
	}
	second.drop()
	if p.queued() != 0 {
		t.Fatalf("a dropped unit is still queued (%d)", p.queued())
	}
	third := p.ask(&flow{})
	first.drop() // granted, never used
	if !isReady(third) {
		t.Fatal("the slot dropped unused did not pass to the next unit")
	}
	fl := &flow{}
	if _, err := third.use(fl, func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := p.do(ctx, &flow{}, func() error { return nil }); err != nil {
		t.Fatalf("the slot was lost: %v", err)
	}
}
