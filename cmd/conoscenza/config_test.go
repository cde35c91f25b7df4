package main

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.OllamaHost != "" || c.LogFormat != "text" || c.RequestTimeout != 60*time.Second {
		t.Errorf("defaults = %+v", c)
	}
	if !strings.Contains(c.ReadOnlyDatabaseURL, "conoscenza_ro") {
		t.Errorf("read-only URL %q should use the read-only role", c.ReadOnlyDatabaseURL)
	}
}

func TestLoadConfigOptions(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		check   func(Config) bool
		wantErr string
	}{
		{"database url", map[string]string{"DATABASE_URL": "postgres://a:b@db:5432/x"}, func(c Config) bool {
			return c.DatabaseURL == "postgres://a:b@db:5432/x" && strings.Contains(c.ReadOnlyDatabaseURL, "@db:5432/x")
		}, ""},
		{"bad database url", map[string]string{"DATABASE_URL": "mysql://x"}, nil, "DATABASE_URL must be a postgres:// URL"},
		{"read-only url", map[string]string{"CONOSCENZA_RO_DATABASE_URL": "postgres://r:r@h/x"}, func(c Config) bool { return c.ReadOnlyDatabaseURL == "postgres://r:r@h/x" }, ""},
		{"ollama host", map[string]string{"OLLAMA_HOST": "http://127.0.0.1:11434"}, func(c Config) bool { return c.OllamaHost == "http://127.0.0.1:11434" }, ""},
		{"bad ollama host", map[string]string{"OLLAMA_HOST": "http://"}, nil, "OLLAMA_HOST"},
		{"chat model", map[string]string{"CONOSCENZA_CHAT_MODEL": "llama3.1"}, func(c Config) bool { return c.ChatModel == "llama3.1" }, ""},
		{"embed model", map[string]string{"CONOSCENZA_EMBED_MODEL": "mxbai-embed-large"}, func(c Config) bool { return c.EmbedModel == "mxbai-embed-large" }, ""},
		{"addr", map[string]string{"CONOSCENZA_ADDR": "0.0.0.0:9000"}, func(c Config) bool { return c.Addr == "0.0.0.0:9000" }, ""},
		{"bad addr", map[string]string{"CONOSCENZA_ADDR": "9000"}, nil, "CONOSCENZA_ADDR"},
		{"log format", map[string]string{"CONOSCENZA_LOG_FORMAT": "json"}, func(c Config) bool { return c.LogFormat == "json" }, ""},
		{"bad log format", map[string]string{"CONOSCENZA_LOG_FORMAT": "xml"}, nil, "log format"},
		{"bad log level", map[string]string{"CONOSCENZA_LOG_LEVEL": "loud"}, nil, "CONOSCENZA_LOG_LEVEL"},
		{"timeout", map[string]string{"CONOSCENZA_REQUEST_TIMEOUT": "5s"}, func(c Config) bool { return c.RequestTimeout == 5*time.Second }, ""},
		{"bad timeout", map[string]string{"CONOSCENZA_REQUEST_TIMEOUT": "-1s"}, nil, "CONOSCENZA_REQUEST_TIMEOUT"},
		{"no query workers", map[string]string{}, func(c Config) bool { return c.QueryWorkers == 0 }, ""},
		{"query workers", map[string]string{"CONOSCENZA_QUERY_WORKERS": "2"}, func(c Config) bool { return c.QueryWorkers == 2 }, ""},
		{"bad query workers", map[string]string{"CONOSCENZA_QUERY_WORKERS": "-1"}, nil, "CONOSCENZA_QUERY_WORKERS"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := LoadConfig(env(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Errorf("config = %+v", c)
			}
		})
	}
}

func TestConfigLogValueHidesPasswords(t *testing.T) {
	c, _ := LoadConfig(env(map[string]string{"DATABASE_URL": "postgres://u:secret@h/x"}))
	if s := c.LogValue().String(); strings.Contains(s, "secret") {
		t.Errorf("log value leaks the password: %s", s)
	}
}

func TestRateLimitFromEnv(t *testing.T) {
	cases := []struct {
		v       string
		rate    float64
		burst   int
		wantErr bool
	}{
		{"", 0, 0, false}, {"off", -1, 0, false}, {"5/30", 5, 30, false}, {"0.5/2", 0.5, 2, false},
		{"5", 0, 0, true}, {"x/3", 0, 0, true}, {"5/0", 0, 0, true}, {"-1/3", 0, 0, true},
	}
	for _, tc := range cases {
		got, err := rateLimitFromEnv(env(map[string]string{"K": tc.v}), "K")
		if (err != nil) != tc.wantErr || !tc.wantErr && (got.Rate != tc.rate || got.Burst != tc.burst) {
			t.Errorf("%q: %+v, %v", tc.v, got, err)
		}
	}
}
