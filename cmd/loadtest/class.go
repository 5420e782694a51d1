package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// student is one client of a class: its own run, played at a pace.
type student struct {
	frames atomic.Int64 // frames received while measuring
	steps  atomic.Int64 // steps the run advanced while measuring
	last   atomic.Int64 // step of the newest frame
	conn   *countingConn
}

// classResult is what measureClass reports.
type classResult struct {
	fps, stepsPerSec []float64 // per student, sorted
	cores            float64   // server CPU while measuring
	rssBefore        float64   // server RSS before the class joined, bytes
	rssAfter         float64   // server RSS with the class playing, bytes
	wire             int64     // bytes read by all students while measuring
	frames           int64     // frames received by all students while measuring
	cpuFromServer    bool      // cores and RSS are the server's own figures
}

// measureClass opens n websocket runs of path, each playing at pace steps
// a second, and reports what every student receives and what the
// server spends. With base empty it serves in this process, and the CPU
// and memory figures include the clients. With seeds, student i's path
// gets seed=i+1: no two runs have the same frames, so none is drawn once
// for several students by the server's panel cache.
func measureClass(ctx context.Context, w io.Writer, base, path string, seeds bool, n int, pace float64, warm, d time.Duration) error {
	local := base == ""
	if local {
		srv, stop, err := startServerLimits(0, n+8, n+8)
		if err != nil {
			return err
		}
		defer stop()
		base = srv
	}
	res, err := playClass(ctx, base, path, seeds, n, pace, warm, d)
	if err != nil {
		return err
	}
	res.cpuFromServer = !local
	shown := path
	if seeds {
		shown = withSeed(path, "1…"+strconv.Itoa(n))
	}
	printClass(w, shown, n, pace, d, res)
	return nil
}

// withSeed is path with seed=seed added to its query.
func withSeed(path, seed string) string {
	if strings.Contains(path, "?") {
		return path + "&seed=" + seed
	}
	return path + "?seed=" + seed
}

func playClass(ctx context.Context, base, path string, seeds bool, n int, pace float64, warm, d time.Duration) (classResult, error) {
	var res classResult
	before, err := serverProcess(ctx, base)
	if err != nil {
		return res, err
	}
	res.rssBefore = before.rss
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wsURL := "ws" + strings.TrimPrefix(base, "http") + path
	class := make([]*student, n)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range class {
		s := &student{}
		class[i] = s
		dialer := countingDialer(func(c *countingConn) { s.conn = c })
		u := wsURL
		if seeds {
			u = withSeed(wsURL, strconv.Itoa(i+1))
		}
		conn, _, err := dialer.DialContext(ctx, u, nil)
		if err != nil {
			return res, fmt.Errorf("student %d: %s: %w", i+1, u, err)
		}
		go func() { <-ctx.Done(); conn.Close() }()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.play(conn, pace); err != nil && ctx.Err() == nil {
				errs <- fmt.Errorf("student %d: %w", i+1, err)
				cancel()
			}
		}()
	}
	select { // let every run start and the server settle
	case <-time.After(warm):
	case <-ctx.Done():
	}
	start, err := serverProcess(ctx, base)
	if err != nil {
		return res, err
	}
	for _, s := range class {
		s.frames.Store(0)
		s.steps.Store(0)
		s.conn.read.Store(0)
	}
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
	end, err := serverProcess(ctx, base)
	cancel()
	wg.Wait()
	close(errs)
	for e := range errs {
		return res, e
	}
	if err != nil {
		return res, err
	}
	res.cores = (end.cpu - start.cpu) / d.Seconds()
	res.rssAfter = end.rss
	for _, s := range class {
		res.fps = append(res.fps, float64(s.frames.Load())/d.Seconds())
		res.stepsPerSec = append(res.stepsPerSec, float64(s.steps.Load())/d.Seconds())
		res.wire += s.conn.read.Load()
		res.frames += s.frames.Load()
	}
	slices.Sort(res.fps)
	slices.Sort(res.stepsPerSec)
	return res, nil
}

// play asks for pace steps a second and plays, starting over when the
// run ends, and counts frames and the steps they show.
func (s *student) play(conn *websocket.Conn, pace float64) error {
	send := func(m string) error { return conn.WriteMessage(websocket.TextMessage, []byte(m)) }
	if err := send(fmt.Sprintf(`{"type":"speed","value":%g}`, pace)); err != nil {
		return err
	}
	if err := send(`{"type":"play"}`); err != nil {
		return err
	}
	prefix := []byte(`{"type":"frame","step":`)
	done := false // the newest frame ends the run
	for {
		_, b, err := conn.ReadMessage()
		if err != nil {
			return err
		}
		if rest, ok := bytes.CutPrefix(b, prefix); ok {
			// Frames are large: read the step from their first bytes.
			end := bytes.IndexByte(rest, ',')
			step, err := strconv.ParseInt(string(rest[:max(end, 0)]), 10, 64)
			if err != nil {
				return fmt.Errorf("frame without a step: %.60s", b)
			}
			if prev := s.last.Swap(step); step > prev {
				s.steps.Add(step - prev)
			}
			s.frames.Add(1)
			done = bytes.HasPrefix(rest[end:], []byte(`,"done":true`))
			continue
		}
		m, err := parseMessage(b)
		if err != nil {
			return err
		}
		if m.Type == "status" && !m.Running && done {
			done = false
			s.last.Store(0)
			if err := send(`{"type":"reset"}`); err != nil {
				return err
			}
			if err := send(`{"type":"play"}`); err != nil {
				return err
			}
		}
	}
}

// process is a server's CPU seconds and resident bytes, from /metrics.
type process struct{ cpu, rss float64 }

func serverProcess(ctx context.Context, base string) (process, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return process{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return process{}, err
	}
	defer resp.Body.Close()
	var p process
	found := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		var dst *float64
		switch name {
		case "process_cpu_seconds_total":
			dst = &p.cpu
		case "process_resident_memory_bytes":
			dst = &p.rss
		default:
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return p, fmt.Errorf("/metrics: %s: %w", name, err)
		}
		*dst = v
		found++
	}
	if err := sc.Err(); err != nil {
		return p, err
	}
	if found < 2 {
		return p, fmt.Errorf("%s/metrics has no process_cpu_seconds_total and process_resident_memory_bytes", base)
	}
	return p, nil
}

func printClass(w io.Writer, path string, n int, pace float64, d time.Duration, r classResult) {
	pct := func(xs []float64, p float64) float64 { return xs[min(len(xs)-1, int(math.Floor(p*float64(len(xs)))))] }
	atLeast := 0
	for _, f := range r.fps {
		if f >= 0.9*pace {
			atLeast++
		}
	}
	fmt.Fprintf(w, "%d students, each playing %s at %g steps/s, measured for %s\n", n, path, pace, d)
	fmt.Fprintf(w, "  frames/s per student   min %.1f  p10 %.1f  median %.1f  max %.1f\n",
		r.fps[0], pct(r.fps, 0.1), pct(r.fps, 0.5), r.fps[len(r.fps)-1])
	fmt.Fprintf(w, "  students at ≥ %g frames/s   %d of %d\n", 0.9*pace, atLeast, n)
	fmt.Fprintf(w, "  steps/s per student    min %.1f  median %.1f  (asked: %g)\n",
		r.stepsPerSec[0], pct(r.stepsPerSec, 0.5), pace)
	if r.frames > 0 {
		fmt.Fprintf(w, "  bytes on the wire      %.1f KB/frame, %.1f Mbit/s in all\n",
			float64(r.wire)/float64(r.frames)/1000, float64(r.wire)*8/d.Seconds()/1e6)
	}
	who := "server"
	if !r.cpuFromServer {
		who = "this process (server and clients)"
	}
	fmt.Fprintf(w, "  CPU of %s   %.2f cores\n", who, r.cores)
	fmt.Fprintf(w, "  RSS of %s   %.0f MB before, %.0f MB playing: %.2f MB per student\n",
		who, r.rssBefore/1e6, r.rssAfter/1e6, (r.rssAfter-r.rssBefore)/float64(n)/1e6)
}
