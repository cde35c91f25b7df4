// Command genimprese writes the benchmark's files: a street register and a register
// snapshot of -n companies (month -month: 0 is the base, later months change about 4%).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/comune-bologna/conoscenza/ingest/fields"
	"github.com/comune-bologna/conoscenza/ingest/internal/benchgen"
)

func main() {
	n := flag.Int("n", 1_000_000, "companies")
	month := flag.Int("month", 0, "months after the base snapshot (2026-10)")
	dir := flag.String("dir", ".", "output folder")
	flag.Parse()
	if err := run(*dir, *n, *month); err != nil {
		fmt.Fprintln(os.Stderr, "genimprese:", err)
		os.Exit(1)
	}
}

func run(dir string, n, month int) error {
	st, err := os.Create(filepath.Join(dir, "stradario.csv"))
	if err != nil {
		return err
	}
	if err := benchgen.WriteStradario(st); err != nil {
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	m := time.October + time.Month(month)
	asOf := fields.EndOfMonth(2026, m)
	name := filepath.Join(dir, fmt.Sprintf("imprese_%s.csv", asOf.Format("2006-01")))
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	rows, err := benchgen.WriteImprese(f, benchgen.Snapshot{Rows: n, Month: month, AsOf: asOf})
	if err != nil {
		return err
	}
	fmt.Printf("%s %d\n", name, rows)
	return f.Close()
}
