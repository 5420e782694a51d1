// Command playground serves the ML playground: a catalogue of scenarios that
// train live on this server and stream every step to the browser.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/natshub"
	"github.com/mlplayground/playground/lessons"
	"github.com/mlplayground/playground/scenarios"
	"github.com/mlplayground/playground/web/static"
	"github.com/mlplayground/playground/web/templates"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "playground:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("playground", flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", ":8080", "address to listen on")
	maxRuns := fs.Int("max-runs", lab.DefaultMaxRuns(runtime.NumCPU()), "most live runs (websockets and API runs) at once; the default grows with the cores")
	maxPerClient := fs.Int("max-runs-per-client", lab.DefaultMaxRunsPerClient,
		"most live runs of one client address; a class behind one NAT address shares it")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "runs stepping or drawing at the same time, taking turns a step or a frame at a time")
	budget := fs.Duration("request-budget", lab.DefaultRequestBudget,
		"computing time of one headless request (run, metrics.csv, plot.svg/png); past it the answer is cut with an error saying so; 0: no limit")
	idle := fs.Duration("idle-release", lab.DefaultIdleRelease, "release a websocket run paused with no message from its page for this long; 0: never")
	panelCache := fs.Int("panel-cache-mb", lab.DefaultPanelCache>>20, "MiB of drawn panels shared by runs of the same URL; 0: none")
	reconnect := fs.Duration("reconnect-ttl", lab.DefaultReconnectTTL, "keep the run of a dropped websocket this long for its page to reconnect; 0: never")
	allowHosts := fs.String("allow-host", strings.Join(lab.LocalHosts(), ","),
		"comma-separated names and addresses students' browsers reach this server by; websockets addressed to any other name are refused (DNS rebinding); * allows any")
	logFormat := fs.String("log-format", "text", "log lines as text (key=value) or json")
	pprofAddr := fs.String("pprof", "", "serve Go's profiler (/debug/pprof/) on this address, such as localhost:6060; off when empty. Never a public address")
	verbose := fs.Bool("v", false, "log debug messages")
	natsURL := fs.String("nats", "", "NATS server (with JetStream) that carries rooms between replicas, such as nats://localhost:4222; empty: rooms stay in this process")
	replica := fs.String("replica", "", "this replica's name among those on -nats (logged, and told to a presenter who reaches the wrong one); empty: a random name")
	roomGrace := fs.Duration("room-grace", lab.DefaultRoomGrace, "how long a room waits for its presenter's page to come back before it ends")
	roomLife := fs.Duration("room-lifetime", lab.DefaultRoomLifetime, "the longest a room lasts")
	maxRooms := fs.Int("max-rooms", lab.DefaultMaxRooms, "most rooms presented from this server at once")
	maxFollowers := fs.Int("max-followers", lab.DefaultMaxFollowers, "most followers of one room on this server")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h asked for the usage, which Parse has printed
		}
		return err
	}
	// The garbage collector keeps Go's default pace (GOGC=100). A frame
	// now makes about 1 MB of garbage, so collecting less often (400)
	// bought 4 % more frames for a class of 120 and cost 2.5 times the
	// memory: 6.0 against 2.4 MB a student (go run ./cmd/loadtest -class).
	log, err := newLogger(os.Stderr, *logFormat, *verbose)
	if err != nil {
		return err
	}

	// In lab.Config zero means the default, and a negative value none.
	if *budget <= 0 {
		*budget = -1
	}
	if *reconnect <= 0 {
		*reconnect = -1
	}
	if *idle <= 0 {
		*idle = -1
	}
	if *panelCache < 0 || *panelCache > 1<<14 {
		return fmt.Errorf("-panel-cache-mb must be 0 (none) to 16384, got %d", *panelCache)
	}
	panels := *panelCache << 20
	if panels == 0 {
		panels = -1
	}
	if *roomGrace <= 0 || *roomLife <= 0 || *maxRooms < 1 || *maxFollowers < 1 {
		return fmt.Errorf("-room-grace and -room-lifetime must be positive, -max-rooms and -max-followers at least 1; got %v, %v, %d, %d",
			*roomGrace, *roomLife, *maxRooms, *maxFollowers)
	}
	rooms := lab.RoomConfig{Replica: *replica, Grace: *roomGrace, Lifetime: *roomLife, MaxRooms: *maxRooms, MaxFollowers: *maxFollowers}
	if *natsURL != "" {
		hub, err := natshub.Dial(*natsURL, *roomLife, log)
		if err != nil {
			return err
		}
		defer hub.Close()
		rooms.Hub = hub
		fmt.Fprintf(stdout, "rooms are shared through NATS at %s\n", *natsURL)
	}
	srv, err := lab.NewServer(lab.Config{
		Scenarios:        scenarios.All(),
		Pages:            templates.Pages{},
		Static:           static.FS,
		Lessons:          lessons.FS,
		MaxRuns:          *maxRuns,
		MaxRunsPerClient: *maxPerClient,
		Workers:          *workers,
		RequestBudget:    *budget,
		IdleRelease:      *idle,
		ReconnectTTL:     *reconnect,
		PanelCache:       panels,
		AllowedHosts:     splitList(*allowHosts),
		Rooms:            rooms,
		Log:              log,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		// The longest a headless run streams: one that would take longer
		// stops just before with an error line. Websockets clear it on upgrade.
		WriteTimeout:   2 * time.Minute,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "ML playground serving on %s\n", displayURL(ln.Addr()))
	if *pprofAddr != "" {
		stopProfiler, err := serveProfiler(*pprofAddr, stdout, log)
		if err != nil {
			ln.Close()
			return err
		}
		defer stopProfiler()
	}

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Websockets are hijacked connections: close them with a close frame
	// first; that also stops every request in flight, which ends with an
	// error line or a 503 saying why. Then wait for those last words.
	err = errors.Join(srv.Shutdown(shutdownCtx), hs.Shutdown(shutdownCtx))
	if err != nil {
		hs.Close()
	}
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) {
		err = errors.Join(err, e)
	}
	return err
}

// displayURL turns a listening address into a URL a person can open.
func displayURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// splitList reads a comma-separated flag value.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// newLogger writes log lines in format ("text" or "json") to w.
func newLogger(w io.Writer, format string, verbose bool) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if verbose {
		opts.Level = slog.LevelDebug
	}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("-log-format %q: want text or json", format)
}

// serveProfiler serves net/http/pprof on its own listener, so the
// profiler is never reachable at the public address; it returns a
// function that stops it.
func serveProfiler(addr string, stdout io.Writer, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("-pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go hs.Serve(ln)
	fmt.Fprintf(stdout, "profiler on %sdebug/pprof/\n", displayURL(ln.Addr()))
	return func() { hs.Close() }, nil
}
