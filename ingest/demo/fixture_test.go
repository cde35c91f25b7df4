package demo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testUntil is fixed so that the tests do not depend on today's date.
var testUntil = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

var (
	smallOnce sync.Once
	smallDir  string
	smallMan  Manifest
	smallErr  error
	tmpRoot   string
)

func TestMain(m *testing.M) {
	var err error
	tmpRoot, err = os.MkdirTemp("", "demo-test-")
	if err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(tmpRoot)
	os.Exit(code)
}

// smallDemo is the package's shared fixture: 12 snapshots at scale 0.1 (about 9,000 rows
// each), generated once.
func smallDemo(t *testing.T) (string, Manifest) {
	t.Helper()
	smallOnce.Do(func() {
		smallDir = filepath.Join(tmpRoot, "small")
		smallMan, smallErr = Generate(context.Background(), Options{OutDir: smallDir, Seed: 7, Until: testUntil, Scale: 0.1})
	})
	if smallErr != nil {
		t.Fatal(smallErr)
	}
	return smallDir, smallMan
}

// line is one physical line of a CSV file, split on ';' (the generator never quotes).
type line struct {
	n int
	f []string
}

// readLines reads a generated file and checks the format every file shares: UTF-8 without
// BOM, CRLF line ends, a header row.
func readLines(t *testing.T, path string) (header []string, rows []line) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	sc.Split(scanCRLF)
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		if strings.ContainsAny(text, "\r\n") {
			t.Fatalf("%s line %d: stray CR or LF: every line must end in CRLF", path, n)
		}
		if n == 1 {
			if strings.HasPrefix(text, "\uFEFF") {
				t.Fatalf("%s: unexpected BOM", path)
			}
			header = strings.Split(text, ";")
			continue
		}
		rows = append(rows, line{n, strings.Split(text, ";")})
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return header, rows
}

func scanCRLF(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.Index(data, []byte("\r\n")); i >= 0 {
		return i + 2, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return 0, nil, errors.New("last line does not end in CRLF")
	}
	return 0, nil, nil
}
