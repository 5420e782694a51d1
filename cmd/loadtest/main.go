// Command loadtest measures what the playground's runs cost and how the
// server shares its cores between them. It is a measuring tool, not a
// test: timings depend on the machine and are printed, never asserted.
//
//	go run ./cmd/loadtest -worst       worst step and frame of every scenario at its maximum parameters
//	go run ./cmd/loadtest -defaults    what a default run costs while it plays
//	go run ./cmd/loadtest -fairness    a default kmeans client beside maxed-out svm runs
//	go run ./cmd/loadtest -bytes       bytes on the wire per default frame, with and without compression
//	go run ./cmd/loadtest -pace        many default neural-network runs at 10 steps/s: steps reached and frames/s
//
// Without -url, -fairness and -pace start their own server in this process.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stdout)
	worst := fs.Bool("worst", false, "measure every scenario's worst step and frame at its maximum parameters")
	only := fs.String("scenario", "", "with -worst: measure only this scenario")
	steps := fs.Int("steps", 10, "with -worst and -defaults: steps timed per run")
	defaults := fs.Bool("defaults", false, "measure what each scenario's default run costs while it plays, as a share of a core")
	fairness := fs.Bool("fairness", false, "play maxed-out svm runs beside a default kmeans client and report the kmeans client's frames/s and step latency")
	heavy := fs.Int("heavy", 4, "with -fairness: maxed-out svm runs")
	duration := fs.Duration("duration", 20*time.Second, "with -fairness and -pace: how long to measure")
	workers := fs.Int("workers", 0, "with -fairness or -pace and no -url: the server's -workers (0: its default, one per core)")
	wire := fs.Bool("bytes", false, "measure the bytes on the wire per frame of each scenario's default run, with and without permessage-deflate")
	frames := fs.Int("frames", 20, "with -bytes: frames counted per run")
	pace := fs.Bool("pace", false, "play many default neural-network runs at 10 steps/s and report the step each reached and its frames/s")
	clients := fs.Int("clients", 60, "with -pace: runs played at once (at most 64 without -url)")
	url := fs.String("url", "", "with -fairness and -pace: base URL of a running server (default: start one in this process)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	switch {
	case *worst:
		return measureWorst(ctx, stdout, *only, *steps)
	case *defaults:
		return measureDefaults(ctx, stdout, *steps)
	case *fairness:
		return measureFairness(ctx, stdout, *url, *heavy, *workers, *duration)
	case *wire:
		return measureBytes(ctx, stdout, *frames)
	case *pace:
		return measurePace(ctx, stdout, *url, *clients, *workers, *duration)
	}
	fs.Usage()
	return errors.New("give -worst, -defaults, -fairness, -bytes or -pace")
}
