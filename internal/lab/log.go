package lab

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
)

type loggerKey struct{}

// logFor returns the logger of r: the server's, with r's request_id.
func (s *Server) logFor(r *http.Request) *slog.Logger {
	if log, ok := r.Context().Value(loggerKey{}).(*slog.Logger); ok {
		return log
	}
	return s.log
}

// newRequestID returns 12 random hex digits: unique enough to find one
// request's lines among a day's, short enough to read out loud.
func newRequestID() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// withRequestLog gives each request an ID, named in the X-Request-Id
// header, and a logger carrying it, so that every line a request or its
// websocket session logs can be found together; it logs the request once
// it is answered (a websocket once its session ends).
func (s *Server) withRequestLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := newRequestID()
		w.Header().Set("X-Request-Id", id)
		log := s.log.With("request_id", id)
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		start := time.Now()
		next.ServeHTTP(ww, r.WithContext(context.WithValue(r.Context(), loggerKey{}, log)))
		status := ww.Status()
		if status == 0 && ww.BytesWritten() == 0 {
			status = http.StatusSwitchingProtocols // a websocket: the connection was taken over
		}
		// Assets and health checks would drown the rest.
		level := slog.LevelInfo
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" {
			level = slog.LevelDebug
		}
		log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", status,
			"bytes", ww.BytesWritten(), "duration", time.Since(start).Round(time.Microsecond), "client", r.RemoteAddr)
	})
}
