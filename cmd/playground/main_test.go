package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestRunServesAndShutsDown starts the real command on a free port, checks
// that it prints its URL and serves, then cancels it like SIGINT does.
func TestRunServesAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"-addr", "127.0.0.1:0"}, pw)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatal("no output")
	}
	first := lines.Text()
	const prefix = "ML playground serving on "
	if !strings.HasPrefix(first, prefix) {
		t.Fatalf("first line %q", first)
	}
	url := strings.TrimPrefix(first, prefix)
	for _, path := range []string{"healthz", "", "s/kmeans", "s/overfitting", "static/app.js", "static/vendor/katex/katex.min.js"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET /%s = %d", path, resp.StatusCode)
		}
	}
	go io.Copy(io.Discard, pr)
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("run returned %v after cancel", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"-max-runs", "0", "-addr", "127.0.0.1:0"}, &out); err == nil {
		t.Error("-max-runs 0 was accepted")
	}
	if err := run(context.Background(), []string{"-nope"}, &out); err == nil {
		t.Error("an unknown flag was accepted")
	}
}

// TestRunHelp: -h prints the usage and is not an error, so the command
// exits 0.
func TestRunHelp(t *testing.T) {
	for _, arg := range []string{"-h", "-help", "--help"} {
		var out strings.Builder
		if err := run(context.Background(), []string{arg}, &out); err != nil {
			t.Errorf("run %s = %v, want nil", arg, err)
		}
		for _, want := range []string{"Usage of playground", "-addr", "-max-runs", "-allow-host"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("run %s printed %q, want it to contain %q", arg, out.String(), want)
			}
		}
	}
}

// TestMainHelpExitsZero runs main itself in a child process, the way a
// shell does, and checks its exit status for -h and for a bad flag.
func TestMainHelpExitsZero(t *testing.T) {
	if os.Getenv("PLAYGROUND_RUN_MAIN") == "1" {
		os.Args = append([]string{"playground"}, strings.Fields(os.Getenv("PLAYGROUND_ARGS"))...)
		main()
		return
	}
	for _, tt := range []struct {
		args string
		code int
	}{
		{"-h", 0},
		{"-nope", 1},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMainHelpExitsZero$")
		cmd.Env = append(os.Environ(), "PLAYGROUND_RUN_MAIN=1", "PLAYGROUND_ARGS="+tt.args)
		out, err := cmd.CombinedOutput()
		code := 0
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			code = exitErr.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tt.code {
			t.Errorf("playground %s exited %d, want %d; output:\n%s", tt.args, code, tt.code, out)
		}
	}
}

// startRun starts the command on a free port and returns its URL and the
// channel run's error arrives on.
func startRun(t *testing.T, ctx context.Context, args ...string) (string, <-chan error) {
	t.Helper()
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), pw)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatal("no output")
	}
	url, ok := strings.CutPrefix(lines.Text(), "ML playground serving on ")
	if !ok {
		t.Fatalf("first line %q", lines.Text())
	}
	go io.Copy(io.Discard, pr)
	return url, errc
}

// TestShutdownWithRequestInFlight: SIGTERM while a long headless run
// streams ends that stream at once with an error line saying why, and run
// returns nil, so the process exits 0.
func TestShutdownWithRequestInFlight(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, errc := startRun(t, ctx)
	// The costliest run there is: tens of seconds of drawing.
	resp, err := http.Get(url + "api/scenarios/svm/run?kernel=rbf&C=1000&gamma=100&n=600&dataset=spiral&plots=1&steps=1000")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	lines.Buffer(nil, 4<<20)
	if !lines.Scan() {
		t.Fatalf("no first frame: %v", lines.Err())
	}
	cancel() // what SIGTERM does
	start := time.Now()
	last := lines.Text()
	for lines.Scan() {
		last = lines.Text()
	}
	if lines.Err() != nil || !strings.HasPrefix(last, `{"type":"error"`) || !strings.Contains(last, "shutting down") {
		t.Errorf("the stream ended with %q (read error %v), want an error line saying the server is shutting down", trunc(last), lines.Err())
	}
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("run returned %v after shutdown, want nil", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("shutdown took %v with a request in flight", d)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

func trunc(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// TestAllowHost: -allow-host names what a websocket may be addressed to,
// for a classroom that reaches the server by a name of its own.
func TestAllowHost(t *testing.T) {
	for _, tt := range []struct {
		args []string
		host string
		ok   bool
	}{
		{nil, "class.example", false},
		{nil, "localhost", true},
		{[]string{"-allow-host", "class.example, 10.1.2.3"}, "class.example", true},
		{[]string{"-allow-host", "class.example,10.1.2.3"}, "10.1.2.3", true},
		{[]string{"-allow-host", "class.example"}, "localhost", false},
		{[]string{"-allow-host", "*"}, "anything.example", true},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		url, errc := startRun(t, ctx, tt.args...)
		ws := "ws" + strings.TrimPrefix(url, "http") + "ws/kmeans"
		conn, resp, err := websocket.DefaultDialer.Dial(ws, http.Header{"Host": {tt.host}})
		if err == nil {
			conn.Close()
		}
		if (err == nil) != tt.ok {
			t.Errorf("%v, Host %s: err %v, resp %v; want allowed=%v", tt.args, tt.host, err, resp, tt.ok)
		}
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("run: %v", err)
		}
	}
}

// TestLogFormat: -log-format picks JSON lines or text; anything else is
// refused.
func TestLogFormat(t *testing.T) {
	for _, tt := range []struct {
		format string
		want   string
	}{
		{"json", `{"time":`},
		{"text", `time=`},
	} {
		var buf strings.Builder
		log, err := newLogger(&buf, tt.format, false)
		if err != nil {
			t.Fatal(err)
		}
		log.Info("hello", "request_id", "abc")
		if !strings.HasPrefix(buf.String(), tt.want) || !strings.Contains(buf.String(), "abc") {
			t.Errorf("-log-format %s wrote %q, want it to start with %q", tt.format, buf.String(), tt.want)
		}
	}
	var out strings.Builder
	if err := run(context.Background(), []string{"-log-format", "xml", "-addr", "127.0.0.1:0"}, &out); err == nil || !strings.Contains(err.Error(), "log-format") {
		t.Errorf("-log-format xml: %v, want an error naming the flag", err)
	}
}

// TestPprof: -pprof serves Go's profiler on its own address, never on the
// public one.
func TestPprof(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, []string{"-addr", "127.0.0.1:0", "-pprof", "127.0.0.1:0"}, pw)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	var public, pprof string
	for (public == "" || pprof == "") && lines.Scan() {
		if u, ok := strings.CutPrefix(lines.Text(), "ML playground serving on "); ok {
			public = u
		}
		if u, ok := strings.CutPrefix(lines.Text(), "profiler on "); ok {
			pprof = u
		}
	}
	go io.Copy(io.Discard, pr)
	if public == "" || pprof == "" {
		t.Fatalf("output names public %q and profiler %q, want both", public, pprof)
	}
	for _, tt := range []struct {
		url    string
		status int
	}{
		{pprof, 200},
		{pprof + "goroutine?debug=1", 200},
		{public + "debug/pprof/", 404},
	} {
		resp, err := http.Get(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("GET %s = %d, want %d", tt.url, resp.StatusCode, tt.status)
		}
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("run: %v", err)
	}
}
