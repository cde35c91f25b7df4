package ui

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
)

// Languages the app speaks: Italian first, English second.
const (
	Italian = "it"
	English = "en"
)

var catalogs = map[string]map[string]string{Italian: {}, English: {}}

// register adds one page's strings, in both languages (each msg_*.go file calls it once from
// init). A key in one language only is caught by TestEveryStringHasBothLanguages.
func register(it, en map[string]string) {
	for k, v := range it {
		if _, dup := catalogs[Italian][k]; dup {
			panic(fmt.Sprintf("ui: string %q registered twice", k))
		}
		catalogs[Italian][k] = v
	}
	maps.Copy(catalogs[English], en)
}

// Messages is the strings of lang (Italian for anything else).
func Messages(lang string) map[string]string {
	if m, ok := catalogs[lang]; ok {
		return m
	}
	return catalogs[Italian]
}

// LangCookie remembers the language the user chose with ?lang=.
const LangCookie = "conoscenza_lang"

// Lang picks the page language: ?lang= (remembered in a cookie by the caller), then the
// cookie, then Italian. The browser's Accept-Language is not used: the city's default is Italian.
func Lang(r *http.Request) (lang string, chosen bool) {
	if q := strings.ToLower(r.URL.Query().Get("lang")); q == Italian || q == English {
		return q, true
	}
	if c, err := r.Cookie(LangCookie); err == nil && (c.Value == Italian || c.Value == English) {
		return c.Value, false
	}
	return Italian, false
}

// Format replaces {0}, {1}... in s with args, as the browser's t() does.
func Format(s string, args ...any) string {
	for i, a := range args {
		s = strings.ReplaceAll(s, fmt.Sprintf("{%d}", i), fmt.Sprint(a))
	}
	return s
}
