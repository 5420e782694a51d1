// Command loadtest measures what the playground's runs cost and how the
// server shares its cores between them. It is a measuring tool, not a
// test: timings depend on the machine and are printed, never asserted.
//
//	go run ./cmd/loadtest -worst       worst step and frame of every scenario at its maximum parameters
//	go run ./cmd/loadtest -defaults    what a default run costs while it plays
//	go run ./cmd/loadtest -fairness    a default kmeans client beside maxed-out svm runs
//	go run ./cmd/loadtest -bytes       bytes on the wire per default frame, with and without compression
//	go run ./cmd/loadtest -class 120   a class, each student playing their own default neural-network
//	go run ./cmd/loadtest -class 120 -seeds   the same, each with a seed of their own (no shared frames)
//	go run ./cmd/loadtest -room 200    a class following one presented neural-network
//
// Without -url, -fairness and -class start their own server in this
// process; -class then counts the clients' CPU and memory with the
// server's. Give -class a server of its own to measure the server alone:
//
//	go run ./cmd/playground -addr :8080 -max-runs-per-client 200 &
//	go run ./cmd/loadtest -class 120 -url http://localhost:8080
//
// Rooms across two replicas on NATS (-nats-serve runs a NATS server with
// JetStream for the measurement, none need be installed):
//
//	go run ./cmd/loadtest -nats-serve 127.0.0.1:4222 &
//	go run ./cmd/playground -addr :8080 -nats nats://127.0.0.1:4222 &
//	go run ./cmd/playground -addr :8081 -nats nats://127.0.0.1:4222 &
//	go run ./cmd/loadtest -room 200 -url http://localhost:8080 -follow-url http://localhost:8081
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
	duration := fs.Duration("duration", 20*time.Second, "with -fairness, -class and -room: how long to measure")
	workers := fs.Int("workers", 0, "with -fairness and no -url: the server's -workers (0: its default, one per core)")
	wire := fs.Bool("bytes", false, "measure the bytes on the wire per frame of each scenario's default run, with and without permessage-deflate")
	frames := fs.Int("frames", 20, "with -bytes: frames counted per run")
	class := fs.Int("class", 0, "open this many runs, each playing at -pace, and report frames/s per student, steps/s, the server's CPU and RSS")
	path := fs.String("path", "/ws/neural-network", "with -class and -room: the websocket path (and query) every student (the presenter) opens")
	seeds := fs.Bool("seeds", false, "with -class: give student i seed=i+1, so that no two play the same run (the server draws every frame of every student)")
	pace := fs.Float64("pace", 10, "with -class and -room: steps a second each student (the presenter) asks for")
	warm := fs.Duration("warm", 5*time.Second, "with -class and -room: time to let the runs start before measuring")
	url := fs.String("url", "", "with -fairness, -class and -room: base URL of a running server (default: start one in this process)")
	room := fs.Int("room", 0, "present one run of -path at -pace on -url and open this many followers of its room; report frames/s per follower, the servers' CPU and RSS")
	followURL := fs.String("follow-url", "", "with -room: base URL of the replica the followers open the room on (default: -url)")
	natsServe := fs.String("nats-serve", "", "run a NATS server with JetStream on this host:port until interrupted, for -room across replicas")
	natsDir := fs.String("nats-dir", os.TempDir(), "with -nats-serve: JetStream's store directory")
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
	case *natsServe != "":
		return serveNATS(ctx, stdout, *natsServe, *natsDir)
	case *room > 0:
		return measureRoom(ctx, stdout, *url, *followURL, *path, *room, *pace, *warm, *duration)
	case *class > 0:
		return measureClass(ctx, stdout, *url, *path, *seeds, *class, *pace, *warm, *duration)
	case *wire:
		return measureBytes(ctx, stdout, *frames)
	}
	fs.Usage()
	return errors.New("give -worst, -defaults, -fairness, -class, -room, -nats-serve or -bytes")
}
