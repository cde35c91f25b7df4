package web

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/comune-bologna/conoscenza/web/ui"
)

// An error the English page meets reads in English; the same request from an Italian page, or
// from an API client without the language cookie, reads Italian (session 12: the English page
// showed "la domanda è vuota").
func TestErrorMessagesFollowThePagesLanguage(t *testing.T) {
	cases := []struct{ it, en string }{
		{"la domanda è vuota", "the question is empty"},
		{"la domanda supera i 2000 caratteri", "the question is longer than 2000 characters"},
		{internalMessage, "internal error: please try again later; if it persists, report the request id"},
		{`questa funzione (fascicolo) non è consentita al ruolo decisore`, "this function (fascicolo) is not allowed for the role decisore"},
		{`conversazione "0b6f" non trovata`, `conversation "0b6f" not found`},
		{"token CSRF mancante o non valido: ricarica la pagina (header X-CSRF-Token)", "missing or invalid CSRF token: reload the page (header X-CSRF-Token)"},
		{"un messaggio che la tabella non conosce", "un messaggio che la tabella non conosce"},
	}
	for _, c := range cases {
		if got := englishError(c.it); got != c.en {
			t.Errorf("%q in English: %q, want %q", c.it, got, c.en)
		}
	}
	for _, e := range englishErrors {
		if !utf8.ValidString(e.en) || strings.ContainsAny(e.en, "àèéìòù") {
			t.Errorf("%q is not English", e.en)
		}
	}
}

func TestAPIErrorsOfTheEnglishPageAreEnglish(t *testing.T) {
	ts := newTestServer(t, Options{Services: services(t)})
	for _, c := range []struct{ cookie, want string }{
		{"", "il campo question è vuoto: scrivi una domanda"}, {ui.English, "the question field is empty: write a question"},
		{ui.Italian, "il campo question è vuoto: scrivi una domanda"},
	} {
		var header []string
		if c.cookie != "" {
			header = []string{"Cookie", ui.LangCookie + "=" + c.cookie}
		}
		resp, data := ts.call(t, http.MethodPost, "/api/v1/ask", `{"question": "   "}`, header...)
		if e := wantError(t, resp, data, http.StatusBadRequest, "invalid"); e.Message != c.want {
			t.Errorf("language cookie %q: %q, want %q", c.cookie, e.Message, c.want)
		}
	}
}
