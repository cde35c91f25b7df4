package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/web/apitypes"
)

// StatusClientClosedRequest is the status logged when the client went away before the answer
// (nginx's convention); the client never sees it.
const StatusClientClosedRequest = 499

// errOverloaded is returned when too many requests are already being answered.
var errOverloaded = errors.New("too many requests in flight")

// internalMessage is what a client reads for any internal error: the details are in the log,
// under the same request id.
const internalMessage = "errore interno: riprova più tardi; se persiste, segnala il request id"

// statusFor is the one place that maps an error to an HTTP status, a code and a message safe
// to show. Context errors come first because a cancelled database call can surface wrapped in
// any domain code.
func statusFor(err error) (status int, code, message string) {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, apitypes.CodeTooLarge,
			fmt.Sprintf("il corpo della richiesta supera %d KiB", tooLarge.Limit>>10)
	case errors.Is(err, context.Canceled):
		return StatusClientClosedRequest, apitypes.CodeCanceled, "richiesta annullata dal client"
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, apitypes.CodeTimeout, "la richiesta ha superato il tempo massimo"
	case errors.Is(err, errRateLimited):
		return http.StatusTooManyRequests, codeRateLimited, "troppe richieste: rallenta e riprova tra poco"
	case errors.Is(err, errOverloaded):
		return http.StatusServiceUnavailable, apitypes.CodeOverloaded, "troppe richieste in corso: riprova tra poco"
	}
	code = string(db.ErrorCode(err))
	switch db.Code(code) {
	case db.CodeInvalid:
		return http.StatusBadRequest, code, db.ErrorMessage(err)
	case db.CodeNotFound:
		return http.StatusNotFound, code, db.ErrorMessage(err)
	case db.CodeForbidden:
		return http.StatusForbidden, code, db.ErrorMessage(err)
	case db.CodeConflict:
		return http.StatusConflict, code, db.ErrorMessage(err)
	case db.CodeUnavailable:
		return http.StatusServiceUnavailable, code, db.ErrorMessage(err)
	default:
		return http.StatusInternalServerError, string(db.CodeInternal), internalMessage
	}
}

// fail writes err as the JSON error body and records it for the access log. A request whose
// own context ended is reported as such even when the error does not say so.
func (s *Server) fail(c *gin.Context, err error) {
	err = withRequestContext(c, err)
	status, code, msg := statusFor(err)
	_ = c.Error(err) // the access log prints it; the client reads msg only
	if status == http.StatusServiceUnavailable && code == apitypes.CodeOverloaded {
		c.Header("Retry-After", "1")
	}
	s.writeError(c, status, code, msg)
}

// withRequestContext adds the request context's own error to an internal error (or a
// connection error, which a cancelled query can surface as), so that a database call cut short
// by a gone client or the deadline is reported as that.
func withRequestContext(c *gin.Context, err error) error {
	if ctxErr := c.Request.Context().Err(); ctxErr != nil && (db.ErrorCode(err) == db.CodeInternal || db.Unreachable(err)) {
		return fmt.Errorf("%w (%w)", err, ctxErr)
	}
	return err
}

// writeError writes the JSON error body and stops the handler chain.
func (s *Server) writeError(c *gin.Context, status int, code, msg string) {
	c.AbortWithStatusJSON(status, apitypes.ErrorResponse{Error: apitypes.ErrorBody{
		Code: code, Message: localError(c, msg), RequestID: requestID(c)}})
}

// invalid is a 400 with a message for the client.
func invalid(format string, args ...any) error {
	return db.Errorf(db.CodeInvalid, format, args...)
}

// bindJSON decodes the body strictly into v: one JSON value, no unknown fields, within
// MaxBodyBytes (the body reader is limited by the middleware). Each mistake gets its own
// sentence. The Content-Type is not checked: `curl -d` sends a form type with a JSON body,
// and a body that is not JSON gets its 400 anyway.
func bindJSON(c *gin.Context, v any) error {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return invalid("JSON non valido: dati dopo l'oggetto")
	}
	return nil
}

// jsonError turns a decoding error into a precise 400 (or the 413 it wraps).
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return err
	case errors.Is(err, io.EOF):
		return invalid("il corpo della richiesta è vuoto: atteso un oggetto JSON")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("JSON non valido: il corpo è troncato")
	case errors.As(err, &syntax):
		return invalid("JSON non valido alla posizione %d: %v", syntax.Offset, err)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return invalid("campo %q: atteso un valore di tipo %s, non %s", typ.Field, typ.Type, typ.Value)
		}
		return invalid("atteso un oggetto JSON, non %s", typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return invalid("campo sconosciuto %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	default:
		return invalid("JSON non valido: %v", err)
	}
}
