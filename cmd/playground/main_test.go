package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
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
