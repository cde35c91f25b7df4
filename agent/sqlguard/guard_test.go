package sqlguard

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type attack struct {
	SQL    string `json:"sql"`
	Reason string `json:"reason"`
}

func loadAttacks(t *testing.T) []attack {
	t.Helper()
	f, err := os.Open("testdata/attacks.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []attack
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		var a attack
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("attacks.jsonl line %d: %v", n, err)
		}
		out = append(out, a)
	}
	return out
}

func runner(t *testing.T) *Runner {
	t.Helper()
	d := dbtest.Shared(t)
	ro, err := db.Open(context.Background(), d.ROURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ro.Close)
	return &Runner{Pool: ro}
}

// TestAttackCorpusIsRefusedWithAReason runs every statement of the corpus through the tool.
func TestAttackCorpusIsRefusedWithAReason(t *testing.T) {
	attacks := loadAttacks(t)
	if len(attacks) < 50 {
		t.Fatalf("the corpus has %d statements, want at least 50", len(attacks))
	}
	r := runner(t)
	for _, a := range attacks {
		res, err := r.Run(context.Background(), a.SQL)
		if err == nil {
			t.Errorf("%q was accepted: %+v", a.SQL, res)
			continue
		}
		if db.ErrorCode(err) != db.CodeInvalid || !strings.Contains(err.Error(), a.Reason) {
			t.Errorf("%q: err = %v, want an invalid-query refusal mentioning %q", a.SQL, err, a.Reason)
		}
	}
}

func TestAllowedQueriesRun(t *testing.T) {
	r := runner(t)
	for _, sql := range []string{
		"SELECT count(*) FROM api.imprese",
		"SELECT quartiere, count(*) AS n FROM imprese WHERE stato = 'ATTIVA' GROUP BY quartiere ORDER BY n DESC",
		"WITH a AS (SELECT sezione_ateco, count(*) n FROM imprese GROUP BY 1) SELECT s.descrizione, a.n FROM a JOIN ateco_sezioni s ON s.sezione = a.sezione_ateco",
		"SELECT date_trunc('month', dt_domanda) AS mese, sum(ore_autorizzate) FROM cig_domande GROUP BY 1",
		"SELECT extract(year FROM dt_iscrizione) anno, count(*) FROM api.imprese GROUP BY 1",
		"select /* a comment */ count(*) from suap_pratiche -- trailing",
	} {
		if _, err := r.Run(context.Background(), sql); err != nil {
			t.Errorf("%q: %v", sql, err)
		}
	}
}

func TestRowCapTruncates(t *testing.T) {
	r := runner(t)
	r.Limits.MaxRows = 10
	res, err := r.Run(context.Background(), "SELECT g FROM generate_series(1, 50) g")
	if err != nil {
		t.Fatal(err)
	}
	if res.RowCount != 10 || !res.Truncated || res.Rows[0][0] != int64(1) {
		t.Errorf("rows %d truncated %v first %v", res.RowCount, res.Truncated, res.Rows[0])
	}
}

// TestTheRoleCannotWriteEvenIfTheParserLetThrough bypasses the guard and sends writes straight
// to the read-only role: the database itself refuses every one.
func TestTheRoleCannotWriteEvenIfTheParserLetThrough(t *testing.T) {
	r := runner(t)
	ctx := context.Background()
	for _, sql := range []string{
		"INSERT INTO imprese (codice_fiscale, denominazione, dt_iscrizione, stato, first_as_of, last_as_of) VALUES ('x', 'x', now(), 'ATTIVA', now(), now())",
		"UPDATE imprese SET stato = 'CESSATA'",
		"DELETE FROM cig_domande",
		"CREATE TABLE x (a int)",
		"SELECT nextval('load_batches_id_seq')",
		"SELECT * FROM users",
		"SELECT * FROM audit_log",
		"SELECT pg_read_file('/etc/passwd')",
	} {
		if _, err := r.Pool.Exec(ctx, sql); err == nil {
			t.Errorf("the read-only role ran %q", sql)
		}
	}
	// Even after switching the session out of read-only mode, the role has no write grants.
	conn, err := r.Pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SET default_transaction_read_only = off"); err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, "DELETE FROM imprese")
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("DELETE as the read-only role with read-only off: %v, want permission denied", err)
	}
	_, _ = conn.Exec(ctx, "RESET default_transaction_read_only")
	if _, err := conn.Exec(ctx, "SET ROLE conoscenza"); err == nil {
		t.Error("the read-only role can SET ROLE to the owner")
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"SELECT 1", "SELECT * FROM api.imprese", "DELETE FROM x", "WITH a AS (SELECT 1) SELECT * FROM a", "SELECT pg_sleep(1)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		err := Check(sql)
		if err == nil {
			// Whatever the parser accepted must be a single SELECT.
			up := strings.ToUpper(sql)
			if strings.Contains(up, "INSERT INTO") && !strings.Contains(up, "'") && !strings.Contains(up, "\"") && !strings.Contains(up, "--") && !strings.Contains(up, "/*") {
				t.Errorf("accepted %q", sql)
			}
		}
	})
}
