package lab

import (
	"crypto/rand"
	"fmt"
	"net/url"
	"sync"
	"time"
)

// A websocket that drops (Wi-Fi, a laptop lid) leaves its run parked for
// a while: the page comes back with the reconnect token its run message
// carried (resume=TOKEN) and gets the same run at the step it had
// reached, with nothing replayed. A token serves once: the run it brings
// back carries a new one. After the TTL the run is freed and the token
// refused; the page then offers to replay the run to its step (at=N).

// DefaultReconnectTTL is how long a dropped run waits for its page.
const DefaultReconnectTTL = 2 * time.Minute

// takeoverWait bounds how long a reconnect waits for the session it
// replaces (one the server has not yet seen drop) to let its run go.
const takeoverWait = 5 * time.Second

// newToken is a reconnect token: 128 bits from crypto/rand, in base32.
func newToken() string { return rand.Text() }

// handover is one run a token can bring back: live while its session
// lasts, then parked until the TTL ends or its page comes back.
type handover struct {
	run         *Run
	slug, query string
	takeover    func()        // ends the live session so that it parks its run
	done        chan struct{} // closed once the session has ended (parked or not)
	parked      time.Time     // zero while live
	timer       *time.Timer   // frees it at the end of the TTL
}

// reconnects maps tokens to runs: one entry for each live session (as
// many as live runs, which admit bounds) and at most max parked runs,
// the oldest given up first, each for at most ttl.
type reconnects struct {
	ttl time.Duration
	max int

	mu     sync.Mutex
	tokens map[string]*handover
	parked int
}

func newReconnects(ttl time.Duration, max int) *reconnects {
	return &reconnects{ttl: ttl, max: max, tokens: map[string]*handover{}}
}

// open registers a live session's run under a new token.
func (rc *reconnects) open(run *Run, slug, query string, takeover func()) (string, *handover) {
	h := &handover{run: run, slug: slug, query: query, takeover: takeover, done: make(chan struct{})}
	token := newToken()
	rc.mu.Lock()
	rc.tokens[token] = h
	rc.mu.Unlock()
	return token, h
}

// close ends a session's entry: its run is parked for the TTL when park
// is set (the connection dropped), forgotten otherwise.
func (rc *reconnects) close(token string, h *handover, park bool) {
	defer close(h.done)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if !park || rc.ttl <= 0 {
		delete(rc.tokens, token)
		return
	}
	if rc.parked >= rc.max {
		rc.evictOldest()
	}
	h.parked = time.Now()
	h.takeover = nil
	rc.parked++
	h.timer = time.AfterFunc(rc.ttl, func() {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if rc.tokens[token] == h {
			rc.forget(token, h)
		}
	})
}

// evictOldest frees the run parked longest; the caller holds mu.
func (rc *reconnects) evictOldest() {
	var oldest string
	var oh *handover
	for t, h := range rc.tokens {
		if !h.parked.IsZero() && (oh == nil || h.parked.Before(oh.parked)) {
			oldest, oh = t, h
		}
	}
	if oh != nil {
		oh.timer.Stop()
		rc.forget(oldest, oh)
	}
}

// forget removes a parked entry; the caller holds mu.
func (rc *reconnects) forget(token string, h *handover) {
	delete(rc.tokens, token)
	rc.parked--
	h.run = nil
}

// claim hands the run of token back for a new session of the same
// scenario and query. A session still live under it (the server has not
// yet seen its connection drop) is ended first, and its run parked.
func (rc *reconnects) claim(token, slug, query string) (*Run, error) {
	rc.mu.Lock()
	h := rc.tokens[token]
	if h != nil && h.parked.IsZero() {
		takeover := h.takeover
		rc.mu.Unlock()
		takeover()
		select {
		case <-h.done:
		case <-time.After(takeoverWait):
		}
		rc.mu.Lock()
		if rc.tokens[token] != h || h.parked.IsZero() {
			h = nil
		}
	}
	defer rc.mu.Unlock()
	switch {
	case h == nil:
		return nil, &ParamError{Name: "resume", Value: shortToken(token), Allowed: fmt.Sprintf(
			"no run waits under this token: a dropped run is kept %s, and this one was freed, already resumed, or never existed on this server; open the run again, at=N replays it to step N", rc.ttl)}
	case h.slug != slug || h.query != query:
		return nil, &ParamError{Name: "resume", Value: shortToken(token),
			Allowed: "the token of a run of another scenario or other parameters; resume with the run's own address"}
	}
	h.timer.Stop()
	run := h.run
	rc.forget(token, h)
	return run, nil
}

// counts are the entries held, live and parked, for tests and metrics.
func (rc *reconnects) counts() (live, parked int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.tokens) - rc.parked, rc.parked
}

// shortToken is the start of a token, enough to tell one in a message
// without repeating a secret in full.
func shortToken(t string) string {
	if len(t) > 6 {
		return t[:6] + "…"
	}
	return t
}

// resumeToken reads resume=TOKEN of a websocket; it replaces at=N, which
// a resumed run does not need.
func resumeToken(extra url.Values) (string, error) {
	v, ok := extra["resume"]
	if !ok {
		return "", nil
	}
	if extra.Has("at") {
		return "", &ParamError{Name: "resume", Value: shortToken(v[0]),
			Allowed: "given with at=N: a resumed run comes back at its own step; give one or the other"}
	}
	if v[0] == "" {
		return "", &ParamError{Name: "resume", Value: "", Allowed: "the token a run message gave"}
	}
	return v[0], nil
}
