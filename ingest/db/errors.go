package db

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Code classifies an error for the caller: every room returns errors that wrap one of these,
// and web/ maps them to HTTP statuses in one place.
type Code string

// The error codes shared by every package.
const (
	CodeInvalid     Code = "invalid"
	CodeNotFound    Code = "not_found"
	CodeForbidden   Code = "forbidden"
	CodeConflict    Code = "conflict"
	CodeUnavailable Code = "unavailable"
	CodeInternal    Code = "internal"
)

// Error is a domain error: a code and a message safe to show to a user.
type Error struct {
	Code    Code
	Message string
	Err     error // the cause, logged but never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes a domain error with a formatted user-facing message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first domain error in err's chain; else CodeUnavailable
// when the database could not be reached (a restart, a failover), else CodeInternal.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if Unreachable(err) {
		return CodeUnavailable
	}
	return CodeInternal
}

// ErrorMessage returns the user-facing message of err, hiding internal details.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	if Unreachable(err) {
		return unreachableMessage
	}
	return "internal error"
}

const unreachableMessage = "il database non è raggiungibile in questo momento: riprova tra poco"

// Unreachable says whether err is the database going away or refusing connections: a failed
// connect (refused, reset, or the server starting up or shutting down), a session terminated by
// a shutdown or restart (SQLSTATE 57P01-57P03), a connection exception (class 08). Such a
// request may succeed if retried: it is a 503, not an internal error.
func Unreachable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false // the caller gave up: not the database's failure
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	// Only errors that say they come from the database: a network error or an unexpected EOF
	// may as well be a client's upload cut short.
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) &&
		(strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03")
}

// Translate maps pgx's not-found and constraint violations to domain errors at the store's edge.
func Translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return &Error{Code: CodeNotFound, Message: what + " not found", Err: err}
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return &Error{Code: CodeConflict, Message: what + " already exists", Err: err}
		case "23503", "23514", "22P02":
			return &Error{Code: CodeInvalid, Message: what + " is not valid", Err: err}
		case "57014":
			return &Error{Code: CodeUnavailable, Message: "the query took too long and was cancelled", Err: err}
		case "42P01", "42883":
			// The statements behind Translate are the binary's own: a relation or function
			// they name and the database lacks means a migration has not been applied.
			return &Error{Code: CodeUnavailable, Message: fmt.Sprintf("%s: %s: %v", what, pgErr.Message, ErrSchemaBehind), Err: err}
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}
