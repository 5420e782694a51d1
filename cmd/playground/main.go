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
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/mlplayground/playground/internal/lab"
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
	verbose := fs.Bool("v", false, "log debug messages")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h asked for the usage, which Parse has printed
		}
		return err
	}
	// Drawing a frame makes a few megabytes of short-lived garbage while the
	// live heap stays small: collecting less often saves about a third of
	// the CPU per frame, at the cost of a larger heap.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// In lab.Config zero means the default, and a negative value none.
	if *budget <= 0 {
		*budget = -1
	}
	if *idle <= 0 {
		*idle = -1
	}
	srv, err := lab.NewServer(lab.Config{
		Scenarios:        scenarios.All(),
		Pages:            templates.Pages{},
		Static:           static.FS,
		MaxRuns:          *maxRuns,
		MaxRunsPerClient: *maxPerClient,
		Workers:          *workers,
		RequestBudget:    *budget,
		IdleRelease:      *idle,
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
		// Long enough for the largest headless run; websockets clear it on upgrade.
		WriteTimeout:   2 * time.Minute,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "ML playground serving on %s\n", displayURL(ln.Addr()))

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
	// first, then let in-flight HTTP requests finish.
	err = errors.Join(srv.Shutdown(shutdownCtx), hs.Shutdown(shutdownCtx))
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
