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
	fmt.Fprintf(w, "%d clients each playing %s at %g steps/s for %s (%g steps asked):\n", clients, paceRun, paceSpeed, d, paceSpeed*d.Seconds())
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

// playPaced plays a run until end and reports the step of its last frame
// and how many frames came.
func playPaced(conn *websocket.Conn, end time.Time) (paceClient, error) {
	var c paceClient
	defer conn.Close()
	if err := conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"play"}`)); err != nil {
		return c, err
	}
	conn.SetReadDeadline(end)
	prefix := []byte(`{"type":"frame","step":`)
	for {
		_, b, err := conn.ReadMessage()
		if err != nil {
			if time.Now().After(end) {
				return c, nil
			}
			return c, err
		}
		// Frames are large: read the step from their first bytes (Frame's
		// fields in order), so the clients take little of the CPU.
		if rest, ok := bytes.CutPrefix(b, prefix); ok {
			n := bytes.IndexByte(rest, ',')
			if n < 0 {
				return c, fmt.Errorf("frame without a step: %.60q", b)
			}
			step, err := strconv.Atoi(string(rest[:n]))
			if err != nil {
				return c, err
			}
			c.step = step
			c.frames++
			continue
		}
		if _, err := parseMessage(b); err != nil {
			return c, err
		}
	}
}
