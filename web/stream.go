package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// sseMessage is one event ready to write: its data is marshalled by the agent's goroutine, at
// the moment it happens, so that the writer never reads values the agent may still change.
type sseMessage struct {
	event string
	data  []byte
}

// sseWriter writes Server-Sent Events and flushes each one.
type sseWriter struct {
	w  gin.ResponseWriter
	id int
}

func (w *sseWriter) send(m sseMessage) error {
	w.id++
	if _, err := fmt.Fprintf(w.w, "id: %d\nevent: %s\ndata: %s\n\n", w.id, m.event, m.data); err != nil {
		return err
	}
	w.w.Flush()
	return nil
}

// heartbeat is a comment line: clients ignore it, proxies see traffic and keep the stream.
func (w *sseWriter) heartbeat() error {
	if _, err := fmt.Fprint(w.w, ": ping\n\n"); err != nil {
		return err
	}
	w.w.Flush()
	return nil
}

// handleAskStream answers one question as Server-Sent Events: start, step, delta, table,
// citation, notice, then done with the whole answer, or error. Input mistakes are answered
// as plain JSON errors before the stream starts. When the client goes away the request's
// context ends and with it the agent's work.
func (s *Server) handleAskStream(c *gin.Context) {
	if !s.need(c, s.opt.Services.Asker != nil) {
		return
	}
	in, err := askInput(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	req, err := in.Request(principal(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx, cancel := context.WithCancel(c.Request.Context())
	defer cancel()

	events := make(chan sseMessage, 64)
	sink := func(e agent.Event) {
		b, err := json.Marshal(e.Data)
		if err != nil {
			s.Logger.Error("encode stream event", "request_id", requestID(c), "event", e.Type, "err", err)
			return
		}
		select {
		case events <- sseMessage{event: e.Type, data: b}:
		case <-ctx.Done():
		}
	}
	var askErr error
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		defer close(events)
		_, askErr = s.opt.Services.Asker.Ask(ctx, req, sink)
	}()

	h := c.Writer.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	c.Status(http.StatusOK)
	w := &sseWriter{w: c.Writer}
	if err := w.heartbeat(); err != nil { // headers out now: the client knows the stream began
		cancel()
	}
	tick := time.NewTicker(s.opt.Heartbeat)
	defer tick.Stop()
	for open := true; open; {
		select {
		case m, ok := <-events:
			if !ok {
				open = false
				break
			}
			if err := w.send(m); err != nil {
				cancel() // the client is gone: stop the work
			}
		case <-tick.C:
			if err := w.heartbeat(); err != nil {
				cancel()
			}
		case <-ctx.Done():
			open = false
		}
	}
	cancel()
	<-finished
	if askErr == nil {
		return
	}
	_ = c.Error(askErr)
	status, code, msg := statusFor(withRequestContext(c, askErr))
	if status >= 500 && code == string(db.CodeInternal) {
		s.Logger.Error("stream failed", "request_id", requestID(c), "err", askErr)
	}
	if c.Request.Context().Err() == nil || code == apitypes.CodeTimeout {
		b, _ := json.Marshal(apitypes.ErrorResponse{Error: apitypes.ErrorBody{Code: code, Message: localError(c, msg), RequestID: requestID(c)}})
		_ = w.send(sseMessage{event: apitypes.EventError, data: b})
	}
}
