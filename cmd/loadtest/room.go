package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nats-io/nats-server/v2/server"
)

// follower is one student following a room: it only reads.
type follower struct {
	frames atomic.Int64
	conn   *countingConn
}

// measureRoom presents one run of path at pace steps a second on base
// and opens n followers of the room on followBase (base if empty), and
// reports the frames per second each follower receives and what the
// servers spend. With base empty it serves in this process (the CPU and
// memory figures then include the clients).
func measureRoom(ctx context.Context, w io.Writer, base, followBase, path string, n int, pace float64, warm, d time.Duration) error {
	local := base == ""
	if local {
		srv, stop, err := startServerLimits(0, 8, 8)
		if err != nil {
			return err
		}
		defer stop()
		base = srv
	}
	if followBase == "" {
		followBase = base
	}
	servers := []string{base}
	if followBase != base {
		servers = append(servers, followBase)
	}
	before := make([]process, len(servers))
	for i, s := range servers {
		p, err := serverProcess(ctx, s)
		if err != nil {
			return err
		}
		before[i] = p
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, n+1)

	// The presenter: present, then play at pace, starting over at the end.
	wsBase := "ws" + strings.TrimPrefix(base, "http")
	conn, err := dial(ctx, wsBase+path)
	if err != nil {
		return err
	}
	if err := conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"present"}`)); err != nil {
		return err
	}
	var code string
	for code == "" {
		_, b, err := conn.ReadMessage()
		if err != nil {
			return err
		}
		var m struct{ Type, Code, Message string }
		json.Unmarshal(b, &m)
		switch m.Type {
		case "room":
			code = m.Code
		case "room-error", "error":
			return fmt.Errorf("presenting: %s", m.Message)
		}
	}
	presenter := &student{}
	go func() {
		if err := presenter.play(conn, pace); err != nil && ctx.Err() == nil {
			errs <- fmt.Errorf("presenter: %w", err)
			cancel()
		}
	}()

	roomURL := "ws" + strings.TrimPrefix(followBase, "http") + "/r/" + code + "/ws"
	class := make([]*follower, n)
	var wg sync.WaitGroup
	for i := range class {
		f := &follower{}
		class[i] = f
		dialer := countingDialer(func(c *countingConn) { f.conn = c })
		conn, _, err := dialer.DialContext(ctx, roomURL, nil)
		if err != nil {
			select {
			case e := <-errs: // what cancelled the dial
				return e
			default:
			}
			return fmt.Errorf("follower %d: %s: %w", i+1, roomURL, err)
		}
		go func() { <-ctx.Done(); conn.Close() }()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f.follow(conn); err != nil && ctx.Err() == nil {
				errs <- fmt.Errorf("follower %d: %w", i+1, err)
				cancel()
			}
		}()
	}
	select {
	case <-time.After(warm):
	case <-ctx.Done():
	}
	start := make([]process, len(servers))
	for i, s := range servers {
		if start[i], err = serverProcess(ctx, s); err != nil {
			return firstErr(errs, err)
		}
	}
	selfStart := selfCPU()
	presenter.frames.Store(0)
	for _, f := range class {
		f.frames.Store(0)
		f.conn.read.Store(0)
	}
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
	end := make([]process, len(servers))
	for i, s := range servers {
		if end[i], err = serverProcess(ctx, s); err != nil {
			return firstErr(errs, err)
		}
	}
	self := (selfCPU() - selfStart).Seconds() / d.Seconds()
	cancel()
	wg.Wait()
	select {
	case e := <-errs:
		return e
	default:
	}
	var fps []float64
	var wire, frames int64
	for _, f := range class {
		fps = append(fps, float64(f.frames.Load())/d.Seconds())
		wire += f.conn.read.Load()
		frames += f.frames.Load()
	}
	slices.Sort(fps)
	pct := func(p float64) float64 { return fps[min(len(fps)-1, int(math.Floor(p*float64(len(fps)))))] }
	atLeast := 0
	for _, f := range fps {
		if f >= 0.9*pace {
			atLeast++
		}
	}
	fmt.Fprintf(w, "%d followers of one room presenting %s at %g steps/s, measured for %s\n", n, path, pace, d)
	fmt.Fprintf(w, "  presenter's frames/s   %.1f\n", float64(presenter.frames.Load())/d.Seconds())
	fmt.Fprintf(w, "  frames/s per follower  min %.1f  p10 %.1f  median %.1f  max %.1f\n", fps[0], pct(0.1), pct(0.5), fps[len(fps)-1])
	fmt.Fprintf(w, "  followers at ≥ %g frames/s   %d of %d\n", 0.9*pace, atLeast, n)
	if frames > 0 {
		fmt.Fprintf(w, "  bytes on the wire      %.1f KB/frame, %.1f Mbit/s in all\n",
			float64(wire)/float64(frames)/1000, float64(wire)*8/d.Seconds()/1e6)
	}
	if !local {
		fmt.Fprintf(w, "  this process (presenter and followers)   CPU %.2f cores\n", self)
	}
	for i, s := range servers {
		who := "server " + s
		if local {
			who = "this process (server and clients)"
		}
		fmt.Fprintf(w, "  %s   CPU %.2f cores, RSS %.0f MB before, %.0f MB following\n",
			who, (end[i].cpu-start[i].cpu)/d.Seconds(), before[i].rss/1e6, end[i].rss/1e6)
	}
	return nil
}

// selfCPU is the CPU time this process has used, user and system.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// firstErr is the error that cancelled the measurement, if any, else err.
func firstErr(errs chan error, err error) error {
	select {
	case e := <-errs:
		return e
	default:
		return err
	}
}

// follow counts the frames of a room as they come.
func (f *follower) follow(conn *websocket.Conn) error {
	prefix := []byte(`{"type":"frame","step":`)
	for {
		_, b, err := conn.ReadMessage()
		if err != nil {
			return err
		}
		if rest, ok := bytes.CutPrefix(b, prefix); ok {
			end := bytes.IndexByte(rest, ',')
			if _, err := strconv.Atoi(string(rest[:max(end, 0)])); err != nil {
				return fmt.Errorf("frame without a step: %.60s", b)
			}
			f.frames.Add(1)
			continue
		}
		var m struct{ Type, Message string }
		json.Unmarshal(b, &m)
		if m.Type == "ended" || m.Type == "error" {
			return fmt.Errorf("%s: %s", m.Type, m.Message)
		}
	}
}

// serveNATS runs a NATS server with JetStream at addr (host:port) until
// ctx ends, for measuring replicas on one machine without installing one.
func serveNATS(ctx context.Context, w io.Writer, addr, dir string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return fmt.Errorf("-nats-serve: port %q: %w", port, err)
	}
	ns, err := server.NewServer(&server.Options{Host: host, Port: p, JetStream: true, StoreDir: dir, NoSigs: true})
	if err != nil {
		return err
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		return fmt.Errorf("the NATS server at %s did not start", addr)
	}
	fmt.Fprintf(w, "NATS with JetStream serving on %s (store %s); Ctrl-C stops it\n", ns.ClientURL(), dir)
	<-ctx.Done()
	ns.Shutdown()
	ns.WaitForShutdown()
	return nil
}
