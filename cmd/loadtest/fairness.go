package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios"
	"github.com/mlplayground/playground/web/templates"
)

// heavySVM is the svm at the maximum of every parameter, with the kernel
// and data set whose step and frame cost most (go run ./cmd/loadtest
// -worst -scenario svm); heavyQuery adds the most points a URL may carry.
const heavySVM = "/ws/svm?kernel=rbf&dataset=spiral&C=1000&gamma=100&degree=5&coef0=10&n=600&seed=999999"

// svmClasses is the classes a clicked svm point may carry (classdata.MaxClasses).
const svmClasses = 5

func heavyQuery() string {
	return heavySVM + "&points=" + url.QueryEscape(maxPoints(svmClasses))
}

// lightKmeans is a kmeans run at its defaults.
const lightKmeans = "/ws/kmeans"

// lightPace is how often the light client asks for a step: ten a second,
// twice the five frames a second it should get.
const lightPace = 100 * time.Millisecond

// measureFairness plays heavy svm runs at full speed and steps a default
// kmeans run, reporting the kmeans client's frames a second and the time
// from each step message to its frame.
func measureFairness(ctx context.Context, w io.Writer, base string, heavy, workers int, d time.Duration) error {
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
	var heavyFrames atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, heavy+1)
	for range heavy {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := playHeavy(ctx, wsBase+heavyQuery(), &heavyFrames); err != nil && ctx.Err() == nil {
				errs <- err
			}
		}()
	}
	time.Sleep(2 * time.Second) // let the heavy runs get going
	fmt.Fprintf(w, "%d × %s&points=(%d points) playing at %g steps/s\n", heavy, heavySVM, lab.MaxPoints, lab.MaxSpeed)
	startHeavy, startCPU := heavyFrames.Load(), cpuTime()
	lat, err := stepLight(ctx, wsBase+lightKmeans, d)
	heavyRate := float64(heavyFrames.Load()-startHeavy) / d.Seconds()
	cores := (cpuTime() - startCPU).Seconds() / d.Seconds()
	cancel()
	wg.Wait()
	close(errs)
	for e := range errs {
		return e
	}
	if err != nil {
		return err
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Fprintf(w, "light client %s, a step every %s for %s:\n", lightKmeans, lightPace, d)
	fmt.Fprintf(w, "  frames/s     %.1f\n", float64(len(lat))/d.Seconds())
	fmt.Fprintf(w, "  step latency median %s, p90 %s, p99 %s, max %s\n", ms(pct(0.5)), ms(pct(0.9)), ms(pct(0.99)), ms(lat[len(lat)-1]))
	fmt.Fprintf(w, "heavy clients: %.1f frames/s in all\n", heavyRate)
	fmt.Fprintf(w, "this process used %.2f cores (server and clients)\n", cores)
	return nil
}

// startServer serves every scenario on a loopback port in this process.
func startServer(workers int) (string, func(), error) {
	return startServerLimits(workers, 64, 0)
}

// startServerLimits is startServer with the live-run bounds given (zero
// per client: the server's default).
func startServerLimits(workers, maxRuns, perClient int) (string, func(), error) {
	srv, err := lab.NewServer(lab.Config{Scenarios: scenarios.All(), Pages: templates.Pages{},
		MaxRuns: maxRuns, MaxRunsPerClient: perClient, Workers: workers, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(ln)
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		hs.Shutdown(ctx)
	}
	return "http://" + ln.Addr().String(), stop, nil
}

type wsMessage struct {
	Type    string `json:"type"`
	Step    int    `json:"step"`
	Done    bool   `json:"done"`
	Running bool   `json:"running"`
	Message string `json:"message"`
}

func dial(ctx context.Context, url string) (*websocket.Conn, error) {
	conn, _, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	go func() { <-ctx.Done(); conn.Close() }()
	return conn, nil
}

func readMessage(conn *websocket.Conn) (wsMessage, error) {
	_, b, err := conn.ReadMessage()
	if err != nil {
		return wsMessage{}, err
	}
	return parseMessage(b)
}

// parseMessage reads a server message; an error message is an error.
func parseMessage(b []byte) (wsMessage, error) {
	var m wsMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return m, err
	}
	if m.Type == "error" {
		return m, fmt.Errorf("server: %s", m.Message)
	}
	return m, nil
}

// playHeavy plays a run at full speed and starts it over when it ends.
func playHeavy(ctx context.Context, url string, frames *atomic.Int64) error {
	conn, err := dial(ctx, url)
	if err != nil {
		return err
	}
	send := func(s string) error { return conn.WriteMessage(websocket.TextMessage, []byte(s)) }
	if err := send(fmt.Sprintf(`{"type":"speed","value":%g}`, lab.MaxSpeed)); err != nil {
		return err
	}
	if err := send(`{"type":"play"}`); err != nil {
		return err
	}
	for {
		_, b, err := conn.ReadMessage()
		if err != nil {
			return err
		}
		// Frames are large: count them by their first bytes (Frame's
		// fields in order) and decode only the small messages, so the
		// clients take little of the CPU they measure.
		if bytes.HasPrefix(b, []byte(`{"type":"frame"`)) {
			frames.Add(1)
			continue
		}
		var m wsMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		switch {
		case m.Type == "error":
			return fmt.Errorf("server: %s", m.Message)
		case m.Type == "status" && !m.Running:
			if err := send(`{"type":"reset"}`); err != nil {
				return err
			}
			if err := send(`{"type":"play"}`); err != nil {
				return err
			}
		}
	}
}

// stepLight asks for a step every lightPace, or as soon as the last one
// arrived when that took longer, for d, and returns each step's latency.
func stepLight(ctx context.Context, url string, d time.Duration) ([]time.Duration, error) {
	conn, err := dial(ctx, url)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	for { // run, frame 0, status
		m, err := readMessage(conn)
		if err != nil {
			return nil, err
		}
		if m.Type == "status" {
			break
		}
	}
	var lat []time.Duration
	end := time.Now().Add(d)
	done := false
	for time.Now().Before(end) {
		cmd := `{"type":"step"}`
		if done {
			cmd = `{"type":"reset"}`
		}
		start := time.Now()
		if err := conn.WriteMessage(websocket.TextMessage, []byte(cmd)); err != nil {
			return nil, err
		}
		for {
			m, err := readMessage(conn)
			if err != nil {
				return nil, err
			}
			if m.Type == "frame" {
				done = m.Done
				break
			}
		}
		lat = append(lat, time.Since(start))
		time.Sleep(time.Until(start.Add(lightPace)))
	}
	return lat, nil
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
