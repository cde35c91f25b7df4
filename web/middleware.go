package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// Keys of the values the middleware leaves in the Gin context.
const (
	keyRequestID = "conoscenza.request_id"
	keyPrincipal = "conoscenza.principal"
)

// requestIDRE accepts a client's request id only when it is short and plain, so that it can
// be logged and echoed safely.
var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// requestID is the id of the request being served.
func requestID(c *gin.Context) string { return c.GetString(keyRequestID) }

// withRequestID takes the client's X-Request-Id when well formed, else makes one, and echoes it.
func withRequestID(c *gin.Context) {
	id := c.GetHeader(apitypes.HeaderRequestID)
	if !requestIDRE.MatchString(id) {
		id = newRequestID()
	}
	c.Set(keyRequestID, id)
	c.Header(apitypes.HeaderRequestID, id)
	c.Next()
}

// accessLog writes one line per request with its id, principal, status and duration; probes
// log at debug level so that they do not drown the rest.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	level := slog.LevelInfo
	status := c.Writer.Status()
	switch {
	case status >= 500:
		level = slog.LevelError
	case c.FullPath() == "/healthz" || c.FullPath() == "/readyz":
		level = slog.LevelDebug
	}
	attrs := []slog.Attr{
		slog.String("request_id", requestID(c)),
		slog.String("method", c.Request.Method),
		slog.String("path", c.Request.URL.Path),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
		slog.Int("bytes", c.Writer.Size()),
	}
	if p, ok := c.Get(keyPrincipal); ok {
		attrs = append(attrs, slog.String("role", string(p.(tool.Principal).Role)))
	}
	if len(c.Errors) > 0 {
		attrs = append(attrs, slog.String("err", c.Errors.Last().Err.Error()))
	}
	s.Logger.LogAttrs(c.Request.Context(), level, "request", attrs...)
}

// recoverJSON turns a panic into a logged stack and a JSON 500 carrying the request id.
func (s *Server) recoverJSON(c *gin.Context) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if v == http.ErrAbortHandler { //nolint:errorlint // sentinel compared as net/http does
			panic(v)
		}
		s.Logger.Error("panic while serving", "request_id", requestID(c), "path", c.Request.URL.Path,
			"panic", v, "stack", string(debug.Stack()))
		if !c.Writer.Written() {
			s.writeError(c, http.StatusInternalServerError, string(db.CodeInternal), internalMessage)
		}
		c.Abort()
	}()
	c.Next()
}

// limitBody caps every request body (64 KiB, more for the few routes bodyLimit and
// uploadLimit name); decoding past the cap fails with a 413.
func limitBody(c *gin.Context) {
	if c.Request.Body != nil {
		limit := int64(apitypes.MaxBodyBytes)
		if n := max(bodyLimit(c.FullPath()), uploadLimit(c.FullPath())); n > 0 {
			limit = n
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	c.Next()
}

// withTimeout bounds the request, streams included, by the configured timeout.
func (s *Server) withTimeout(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.opt.RequestTimeout)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// limitInFlight refuses with 503 (and Retry-After) rather than queueing without bound when
// more answers are being computed than the server is sized for.
func (s *Server) limitInFlight(c *gin.Context) {
	select {
	case s.inFlight <- struct{}{}:
		defer func() { <-s.inFlight }()
		c.Next()
	default:
		s.fail(c, errOverloaded)
	}
}

// withPrincipal resolves who makes the request through the one identity seam.
func (s *Server) withPrincipal(c *gin.Context) {
	p, err := s.opt.Principal(c.Request)
	if err != nil {
		if db.ErrorCode(err) == db.CodeInternal && !errors.Is(err, context.Canceled) {
			s.Logger.Error("resolve principal", "request_id", requestID(c), "err", err)
		}
		s.fail(c, err)
		return
	}
	c.Set(keyPrincipal, p)
	c.Next()
}

// principal is the resolved principal of the request (set by withPrincipal).
func principal(c *gin.Context) tool.Principal {
	p, _ := c.Get(keyPrincipal)
	pr, _ := p.(tool.Principal)
	return pr
}
