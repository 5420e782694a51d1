package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync/atomic"
	"text/tabwriter"

	"github.com/gorilla/websocket"

	"github.com/mlplayground/playground/scenarios"
)

// countingConn counts the bytes read from the server, websocket headers
// and all.
type countingConn struct {
	net.Conn
	read atomic.Int64
}

// countingDialer is a browser-like dialer (it offers compression) whose
// connection is counted and handed to got.
func countingDialer(got func(*countingConn)) *websocket.Dialer {
	return &websocket.Dialer{
		EnableCompression: true, // as browsers do
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			cc := &countingConn{Conn: c}
			got(cc)
			return cc, nil
		},
	}
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

// wireBytes is what the frames of one run cost on the wire.
type wireBytes struct {
	frames int
	wire   int64 // bytes read from the socket
}

// measureBytes reports, for every scenario's default run, the bytes on
// the wire per frame with and without permessage-deflate. A client
// steps the run and waits for each frame: these are the frames a
// playing client receives up to 30 steps a second, and nothing sent
// while one is counted blurs its count.
func measureBytes(ctx context.Context, w io.Writer, frames int) error {
	base, stop, err := startServer(0)
	if err != nil {
		return err
	}
	defer stop()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tframes\tKB/frame plain\tKB/frame deflate\tratio\t")
	var sumPlain, sumDeflate float64
	all := scenarios.All()
	for _, sc := range all {
		url := "ws" + base[len("http"):] + "/ws/" + sc.Slug
		plain, err := stepBytes(ctx, url, frames, false)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.Slug, err)
		}
		deflate, err := stepBytes(ctx, url, frames, true)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.Slug, err)
		}
		p := float64(plain.wire) / float64(plain.frames) / 1000
		d := float64(deflate.wire) / float64(deflate.frames) / 1000
		sumPlain += p
		sumDeflate += d
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.1f\t%.1f×\t\n", sc.Slug, plain.frames, p, d, p/d)
	}
	n := float64(len(all))
	fmt.Fprintf(tw, "mean\t\t%.1f\t%.1f\t%.1f×\t\n", sumPlain/n, sumDeflate/n, sumPlain/sumDeflate)
	return tw.Flush()
}

// stepBytes opens a run, then steps it up to frames times, and counts
// the bytes of the frames that answer; the run's opening messages are
// not counted.
func stepBytes(ctx context.Context, url string, frames int, compress bool) (wireBytes, error) {
	var counted *countingConn
	d := websocket.Dialer{
		EnableCompression: compress,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			counted = &countingConn{Conn: conn}
			return counted, nil
		},
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	conn, _, err := d.DialContext(ctx, url, nil)
	if err != nil {
		return wireBytes{}, fmt.Errorf("%s: %w", url, err)
	}
	go func() { <-ctx.Done(); conn.Close() }()
	for { // run, frame 0, status
		m, err := readMessage(conn)
		if err != nil {
			return wireBytes{}, err
		}
		if m.Type == "status" {
			break
		}
	}
	var b wireBytes
	start := counted.read.Load()
	for b.frames < frames {
		if err := conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"step"}`)); err != nil {
			return b, err
		}
		_, msg, err := conn.ReadMessage()
		if err != nil {
			return b, err
		}
		b.frames++
		if m, err := parseMessage(msg); err != nil {
			return b, err
		} else if m.Type != "frame" {
			return b, fmt.Errorf("got a %s message after a step, want a frame", m.Type)
		} else if m.Done {
			break
		}
	}
	b.wire = counted.read.Load() - start
	return b, nil
}
