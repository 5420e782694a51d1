package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// paceRun is the run every client of -pace plays: the default network,
// at its default speed of ten steps a second.
const (
	paceRun   = "/ws/neural-network"
	paceSpeed = 10.0
)

// paceClient is what one client of -pace saw.
type paceClient struct {
	step, frames int // the step of its last frame, its frames after the first
}

// measurePace opens clients independent runs of the default network, plays
// them all at paceSpeed for d and reports, per client, the step its run
// reached against the steps asked for, and the frames a second it got. On
// an overloaded server the frames thin out; the steps should not.
func measurePace(ctx context.Context, w io.Writer, base string, clients, workers int, d time.Duration) error {
	if base == "" {
		srv, stop, err := startServer(workers)
		if err != nil {
			return err
		}
		defer stop()
		base = srv
	}
	wsBase := "ws" + strings.TrimPrefix(base, "http")
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	conns := make([]*websocket.Conn, clients)
	for i := range conns {
		conn, err := dial(ctx, wsBase+paceRun)
		if err != nil {
			return err
		}
		for { // run, frame 0, status
			m, err := readMessage(conn)
			if err != nil {
				return err
			}
			if m.Type == "status" {
				break
			}
		}
		conns[i] = conn
	}
	startCPU := cpuTime()
	end := time.Now().Add(d)
	seen := make([]paceClient, clients)
	errs := make([]error, clients)
	var wg sync.WaitGroup
	for i, conn := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen[i], errs[i] = playPaced(conn, end)
		}()
	}
	wg.Wait()
	cores := (cpuTime() - startCPU).Seconds() / d.Seconds()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	steps := make([]float64, clients)
	fps := make([]float64, clients)
	for i, c := range seen {
		steps[i], fps[i] = float64(c.step), float64(c.frames)/d.Seconds()
	}
	fmt.Fprintf(w, "%d clients each playing %s at %g steps/s for %s (about %g steps asked):\n", clients, paceRun, paceSpeed, d, paceSpeed*d.Seconds())
	fmt.Fprintf(w, "  step reached  min %s, median %s, max %s\n", spread(steps, 0), spread(steps, 0.5), spread(steps, 1))
	fmt.Fprintf(w, "  frames/s      min %s, median %s, max %s\n", spread(fps, 0), spread(fps, 0.5), spread(fps, 1))
	fmt.Fprintf(w, "this process used %.2f cores (server and clients)\n", cores)
	return nil
}

// spread returns the p-quantile of xs (0: min, 1: max), sorting xs.
func spread(xs []float64, p float64) string {
	slices.Sort(xs)
	return strconv.FormatFloat(xs[min(len(xs)-1, int(p*float64(len(xs))))], 'f', 1, 64)
}

// playPaced plays a run until end and reports the step it reached and how
// many frames came. The last frame may be old when frames are few, so the
// step is asked for: at end the client pauses, steps once and resets; the
// frame before the reset's is at the step reached plus one.
func playPaced(conn *websocket.Conn, end time.Time) (paceClient, error) {
	var c paceClient
	defer conn.Close()
	send := func(s string) error { return conn.WriteMessage(websocket.TextMessage, []byte(s)) }
	if err := send(`{"type":"play"}`); err != nil {
		return c, err
	}
	// The only writer from now on: pause, step, reset at end.
	stop := time.AfterFunc(time.Until(end), func() {
		for _, m := range []string{`{"type":"pause"}`, `{"type":"step"}`, `{"type":"reset"}`} {
			if send(m) != nil {
				return
			}
		}
	})
	defer stop.Stop()
	conn.SetReadDeadline(end.Add(time.Minute))
	last := 0
	for {
		_, b, err := conn.ReadMessage()
		if err != nil {
			return c, err
		}
		step, ok, err := frameStep(b)
		switch {
		case err != nil:
			return c, err
		case !ok:
			if _, err := parseMessage(b); err != nil {
				return c, err
			}
			continue
		case step == 0 && time.Now().After(end):
			c.step = last - 1
			return c, nil
		case time.Now().Before(end):
			c.frames++
		}
		last = step
	}
}

// frameStep reads the step of a frame from its first bytes (Frame's fields
// in order), so the clients take little of the CPU; ok is false for any
// other message.
func frameStep(b []byte) (step int, ok bool, err error) {
	rest, ok := bytes.CutPrefix(b, []byte(`{"type":"frame","step":`))
	if !ok {
		return 0, false, nil
	}
	n := bytes.IndexByte(rest, ',')
	if n < 0 {
		return 0, false, fmt.Errorf("frame without a step: %.60q", b)
	}
	step, err = strconv.Atoi(string(rest[:n]))
	return step, true, err
}
