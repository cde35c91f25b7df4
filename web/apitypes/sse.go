package apitypes

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// SSEEvent is one Server-Sent Event as read from a stream.
type SSEEvent struct {
	ID    string
	Event string // "message" when the stream names none
	Data  string // the data lines joined with "\n"
}

// ReadSSE reads events from r until EOF (nil) or until fn returns an error, which it returns.
// An event is dispatched at its closing blank line; one cut off by EOF is dropped.
// Comment lines (": ping" heartbeats) are skipped, as the EventSource specification says.
func ReadSSE(r io.Reader, fn func(SSEEvent) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20) // a done event carries the whole answer
	var ev SSEEvent
	var data []string
	dispatch := func() error {
		if len(data) == 0 {
			ev = SSEEvent{}
			return nil
		}
		ev.Data = strings.Join(data, "\n")
		if ev.Event == "" {
			ev.Event = "message"
		}
		err := fn(ev)
		ev, data = SSEEvent{}, nil
		return err
	}
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			if err := dispatch(); err != nil {
				return err
			}
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			ev.Event = value
		case "data":
			data = append(data, value)
		case "id":
			ev.ID = value
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read event stream: %w", err)
	}
	return nil // an event without its closing blank line is incomplete and not dispatched
}
