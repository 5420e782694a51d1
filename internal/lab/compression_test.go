package lab

import (
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"net"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// countingConn counts the bytes a client reads and writes on the wire.
type countingConn struct {
	net.Conn
	read, written atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.written.Add(int64(n))
	return n, err
}

// dialCompressed dials path with a client that offers permessage-deflate
// and returns the client and its counted connection.
func dialCompressed(t *testing.T, ts *httptest.Server, path string) (*wsClient, *countingConn) {
	t.Helper()
	var counted *countingConn
	d := websocket.Dialer{
		EnableCompression: true,
		HandshakeTimeout:  5 * time.Second,
		// A message of up to 64 KB compressed leaves in one frame and
		// one write, before the server can refuse its header.
		WriteBufferSize: 64 << 10,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			counted = &countingConn{Conn: conn}
			return counted, nil
		},
	}
	conn, resp, err := d.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if ext := resp.Header.Get("Sec-Websocket-Extensions"); !strings.Contains(ext, "permessage-deflate") {
		t.Fatalf("server answered extensions %q, want permessage-deflate", ext)
	}
	return &wsClient{t: t, conn: conn}, counted
}

func TestWebsocketCompressesFrames(t *testing.T) {
	_, ts := newTestServer(t, 2)
	// big=true pads each frame's state with 200 KB of one letter.
	c, counted := dialCompressed(t, ts, "/ws/counter?big=true&last=3")
	c.until("status")
	// The client's messages are compressed too; the server reads them.
	c.send(`{"type":"play"}`)
	if m := c.until("status"); !m.Running {
		t.Fatalf("after a compressed play: %+v, want running", m)
	}
	var inflated int64
	for {
		c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, b, err := c.conn.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		inflated += int64(len(b))
		if bytes.Contains(b, []byte(`"done":true`)) {
			break
		}
	}
	// Frames 1 to 3 alone inflate to 3 × 200 KB; deflate takes a run
	// of one letter down a hundredfold or more.
	if got := counted.read.Load(); got > inflated/10 {
		t.Errorf("read %d bytes on the wire for %d bytes of messages, want at most a tenth", got, inflated)
	}
}

func TestWebsocketCompressedMessageCannotInflatePastLimit(t *testing.T) {
	for _, tt := range []struct {
		name     string
		inflated int
		// wire is the compressed message's size on the wire, at least;
		// gorilla refuses past maxMessageSize of it, this package past
		// maxMessageSize inflated.
		minWire, maxWire int64
		// wantText is the close frame's text: gorilla gives none.
		wantText string
	}{
		{"10 KB inflating to 10 MB", 10 << 20, 9 << 10, 11 << 10, ""},
		{"under the wire limit, inflating to 400 KB", 400 << 10, 0, maxMessageSize, "message too big"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, ts := newTestServer(t, 2)
			c, counted := dialCompressed(t, ts, "/ws/counter")
			c.until("status")
			// Deflate's best level takes a run of one byte down about a
			// thousandfold, its most.
			if err := c.conn.SetCompressionLevel(flate.BestCompression); err != nil {
				t.Fatal(err)
			}
			// A first message leaves a compressor in gorilla's pool, so the
			// client does not allocate one while memory is counted.
			c.send(`{"type":"pause"}`)
			c.until("status")
			msg := []byte(`{"type":"play","pad":"` + strings.Repeat(" ", tt.inflated) + `"}`)

			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			sentBefore := counted.written.Load()
			c.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if err := c.conn.WriteMessage(websocket.TextMessage, msg); err != nil {
				t.Fatal(err)
			}
			wire := counted.written.Load() - sentBefore
			if wire < tt.minWire || wire > tt.maxWire {
				t.Fatalf("the message took %d bytes on the wire, want %d to %d", wire, tt.minWire, tt.maxWire)
			}
			var closeErr *websocket.CloseError
			for {
				c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
				_, b, err := c.conn.ReadMessage()
				if errors.As(err, &closeErr) {
					break
				}
				if err != nil {
					t.Fatalf("read: %v, want a close frame", err)
				}
				if bytes.Contains(b, []byte(`"running":true`)) {
					t.Fatal("the server played on an oversized message")
				}
			}
			runtime.ReadMemStats(&after)
			if closeErr.Code != websocket.CloseMessageTooBig || closeErr.Text != tt.wantText {
				t.Errorf("closed with %d %q, want %d %q", closeErr.Code, closeErr.Text, websocket.CloseMessageTooBig, tt.wantText)
			}
			// Client and server share this process; while the message
			// went through, both allocated a few compressors (about 1 MB
			// each at worst), never the whole inflated message.
			const allocBound = 4 << 20
			if got := after.TotalAlloc - before.TotalAlloc; tt.inflated > allocBound && got > allocBound {
				t.Errorf("allocated %d bytes handling a message that inflates to %d", got, tt.inflated)
			}
		})
	}
}
