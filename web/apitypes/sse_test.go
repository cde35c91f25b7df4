package apitypes

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestReadSSEFollowsTheEventStreamFormat(t *testing.T) {
	for _, tc := range []struct {
		name, stream string
		want         []SSEEvent
	}{
		{"named events with ids", "id: 1\nevent: step\ndata: {\"n\":1}\n\nid: 2\nevent: done\ndata: {}\n\n",
			[]SSEEvent{{ID: "1", Event: "step", Data: `{"n":1}`}, {ID: "2", Event: "done", Data: "{}"}}},
		{"heartbeat comments are skipped", ": ping\n\nevent: delta\ndata: \"ciao\"\n\n: ping\n\n",
			[]SSEEvent{{Event: "delta", Data: `"ciao"`}}},
		{"data lines join with newlines", "data: a\ndata: b\n\n", []SSEEvent{{Event: "message", Data: "a\nb"}}},
		{"no space after the colon", "event:x\ndata:1\n\n", []SSEEvent{{Event: "x", Data: "1"}}},
		{"an event cut off by EOF is dropped", "event: a\ndata: 1\n\nevent: b\ndata: 2\n", []SSEEvent{{Event: "a", Data: "1"}}},
		{"an event without data is not dispatched", "event: a\n\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []SSEEvent
			err := ReadSSE(strings.NewReader(tc.stream), func(e SSEEvent) error { got = append(got, e); return nil })
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestReadSSEStopsWhenTheCallbackFails(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	err := ReadSSE(strings.NewReader("data: 1\n\ndata: 2\n\n"), func(SSEEvent) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("err = %v after %d events", err, n)
	}
}
