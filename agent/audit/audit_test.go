package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// unsealed is a migrated database whose audit log the test's role still owns, as if
// scripts/setup.sh had never sealed it: the only way to tamper with it without a superuser.
// Each call empties its log and resets the chain head; the database lives as long as the
// test that first asked for it, so subtests share it.
func unsealed(t *testing.T) *pgxpool.Pool {
	t.Helper()
	ctx := context.Background()
	if unsealedPool == nil {
		unsealedPool = newUnsealed(t)
	}
	for _, s := range []string{
		`ALTER TABLE audit.audit_log DISABLE TRIGGER ALL`, `TRUNCATE audit.audit_log`,
		`ALTER TABLE audit.audit_log ENABLE TRIGGER ALL`,
		`UPDATE audit.chain_head SET last_id = 0, last_hash = repeat('0', 64)`,
	} {
		if _, err := unsealedPool.Exec(ctx, s); err != nil {
			t.Fatalf("reset unsealed log: %s: %v", s, err)
		}
	}
	return unsealedPool
}

var unsealedPool *pgxpool.Pool

func newUnsealed(t *testing.T) *pgxpool.Pool {
	ctx := context.Background()
	d := dbtest.Empty(t)
	cfg, err := pgxpool.ParseConfig(d.URL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["conoscenza.unsealed_audit"] = "on"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close(); unsealedPool = nil })
	if _, err := db.Migrate(ctx, pool); err != nil {
		t.Fatalf("migrate unsealed: %v", err)
	}
	return pool
}

func appendN(t *testing.T, l *audit.Log, n int) []audit.Record {
	t.Helper()
	var out []audit.Record
	for i := range n {
		r, err := l.Append(context.Background(), audit.Entry{Actor: "mario", Action: audit.Question,
			Object: "conversation:x", Detail: map[string]any{"i": i}, Rows: audit.N(i)})
		if err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
		out = append(out, r)
	}
	return out
}

func TestAppendChainsEachRowToThePrevious(t *testing.T) {
	l := audit.New(dbtest.Shared(t).Pool)
	recs := appendN(t, l, 4)
	for i := 1; i < len(recs); i++ {
		if recs[i].PrevHash != recs[i-1].Hash || recs[i].ID <= recs[i-1].ID {
			t.Errorf("row %d: prev %.8s id %d, previous hash %.8s id %d", i, recs[i].PrevHash, recs[i].ID, recs[i-1].Hash, recs[i-1].ID)
		}
	}
	rep, err := l.Verify(context.Background())
	if err != nil || !rep.OK() || rep.Rows < 4 || rep.LastHash != recs[3].Hash {
		t.Fatalf("verify = %+v, %v; want intact, ending at the last hash", rep, err)
	}
	if rep.Unsealed {
		t.Errorf("verify says the log is unsealed: run scripts/setup.sh before migrating")
	}
}

// The Go canonical form must match the database's byte for byte, whatever the content.
func TestVerifyAgreesWithTheDatabaseOnAwkwardContent(t *testing.T) {
	l := audit.New(dbtest.Shared(t).Pool)
	ctx := context.Background()
	for _, e := range []audit.Entry{
		{Actor: `quote " and \ backslash`, Action: "sql.run", Object: "new\nline\ttab\rcr\bbs\ffeed"},
		{Actor: "àèìòù € 日本 🙂", Action: "upload", Object: "ctrl \x01\x1f del \x7f / slash", Detail: map[string]any{
			"z": 1, "a": []any{1.5, "x", nil, true}, "nested": map[string]any{"b": 2, "a": "<&>"}, "big": 12345678901234,
		}},
		{Actor: "x", Action: "export", Detail: json.RawMessage(`{"b":1,"a":{"d":[1,2,{"c":null}]},"num":1.0e3}`), Rows: audit.N(0)},
		{Actor: "x", Action: "tool.call", Detail: json.RawMessage(`{"k":"\u00e9\"\\"}`), Rows: audit.N(-1)},
		{Actor: "x", Action: "user.enable", Detail: map[string]any(nil)},
	} {
		if _, err := l.Append(ctx, e); err != nil {
			t.Fatalf("append %+v: %v", e, err)
		}
	}
	rep, err := l.Verify(ctx)
	if err != nil || !rep.OK() || rep.Rows < 5 {
		t.Fatalf("verify = %+v, %v", rep, err)
	}
}

func TestAppendRefusesBadEntries(t *testing.T) {
	l := audit.New(dbtest.Shared(t).Pool)
	for name, e := range map[string]audit.Entry{
		"no actor":           {Action: "question"},
		"action with spaces": {Actor: "a", Action: "ask question"},
		"upper-case action":  {Actor: "a", Action: "Login"},
		"detail not object":  {Actor: "a", Action: "question", Detail: []int{1}},
	} {
		if _, err := l.Append(context.Background(), e); db.ErrorCode(err) != db.CodeInvalid {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
}

func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	l := audit.New(dbtest.Shared(t).Pool)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for range 8 {
		wg.Go(func() {
			for range 5 {
				if _, err := l.Append(context.Background(), audit.Entry{Actor: "a", Action: "question"}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	rep, err := l.Verify(context.Background())
	if err != nil || !rep.OK() || rep.Rows < 40 {
		t.Fatalf("verify after concurrent appends = %+v, %v", rep, err)
	}
}

// A client cannot choose its row's id, time or hashes: the chain trigger sets them.
func TestRawInsertCannotForgeTimeOrHash(t *testing.T) {
	d := dbtest.Shared(t)
	ctx := context.Background()
	_, err := d.Pool.Exec(ctx, `INSERT INTO audit.audit_log (id, at, actor, action, prev_hash, hash)
		VALUES (999, '2001-01-01', 'x', 'question', 'forged', 'forged')`)
	if err != nil {
		t.Fatal(err)
	}
	l := audit.New(d.Pool)
	recs, err := l.List(ctx, audit.Filter{Limit: 1})
	if err != nil || len(recs) != 1 {
		t.Fatalf("list = %v, %v", recs, err)
	}
	r := recs[0]
	if r.ID == 999 || r.Hash == "forged" || r.PrevHash == "forged" || time.Since(r.At) > time.Minute {
		t.Errorf("stored %+v: the client's id, at or hashes were kept", r)
	}
	if rep, err := l.Verify(ctx); err != nil || !rep.OK() {
		t.Errorf("verify = %+v, %v", rep, err)
	}
}

// The application's own connection (the owner of everything else) cannot change, remove or
// unprotect the audit log: the refusals come from privileges, not from a trigger it could drop.
func TestApplicationRoleCannotTamperWithTheLog(t *testing.T) {
	d := dbtest.Shared(t)
	ctx := context.Background()
	appendN(t, audit.New(d.Pool), 2)
	for _, stmt := range []string{
		`UPDATE audit.audit_log SET actor = 'y'`,
		`DELETE FROM audit.audit_log`,
		`TRUNCATE audit.audit_log`,
		`DROP TRIGGER audit_log_no_update ON audit.audit_log`,
		`DROP TRIGGER audit_log_chain ON audit.audit_log`,
		`ALTER TABLE audit.audit_log DISABLE TRIGGER ALL`,
		`DROP TABLE audit.audit_log`,
		`DROP SCHEMA audit CASCADE`,
		`ALTER TABLE audit.audit_log SET SCHEMA public`,
		`CREATE OR REPLACE FUNCTION audit.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
		`UPDATE audit.chain_head SET last_hash = 'x'`,
		`DELETE FROM audit.chain_head`,
		`SET ROLE conoscenza_audit`,
		`CREATE TABLE audit.sneaky (x int)`,
	} {
		_, err := d.Pool.Exec(ctx, stmt)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" {
			t.Errorf("%s: err = %v, want insufficient privilege (42501)", stmt, err)
		}
	}
	// A GRANT by a non-owner is only a warning: check that it gave nothing.
	if _, err := d.Pool.Exec(ctx, `GRANT UPDATE, DELETE ON audit.audit_log TO PUBLIC`); err != nil {
		t.Logf("grant: %v", err)
	}
	var canUpdate, canDelete bool
	if err := d.Pool.QueryRow(ctx, `SELECT has_table_privilege('audit.audit_log', 'UPDATE'),
		has_table_privilege('audit.audit_log', 'DELETE')`).Scan(&canUpdate, &canDelete); err != nil || canUpdate || canDelete {
		t.Errorf("after GRANT: update %v delete %v (%v), want neither", canUpdate, canDelete, err)
	}
	rep, err := audit.New(d.Pool).Verify(ctx)
	if err != nil || !rep.OK() || rep.Rows < 2 {
		t.Errorf("after the attempts verify = %+v, %v", rep, err)
	}
}

func TestReadOnlyRoleCannotReadTheLog(t *testing.T) {
	d := dbtest.Shared(t)
	ro, err := pgxpool.New(context.Background(), d.ROURL)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	_, err = audit.New(ro).List(context.Background(), audit.Filter{})
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("read-only list: %v, want permission denied", err)
	}
}

func TestVerifyFindsTheFirstTamperedRow(t *testing.T) {
	unsealed(t) // created once for the subtests
	cases := []struct {
		name       string
		tamper     string // run with the protection triggers disabled; $1 is the third row's id
		wantBroken int    // index of the row reported (-1: none, the head is wrong)
		wantReason string
	}{
		{"changed detail", `UPDATE audit.audit_log SET detail = '{"i": 99}' WHERE id = $1`, 2, "modificata"},
		{"changed rows count", `UPDATE audit.audit_log SET rows = 1000 WHERE id = $1`, 2, "modificata"},
		{"row removed from the middle", `DELETE FROM audit.audit_log WHERE id = $1`, 3, "tolta o alterata"},
		{"rehashed row without its successors", `UPDATE audit.audit_log SET actor = 'luigi',
			hash = encode(sha256(convert_to(prev_hash || 'x', 'UTF8')), 'hex') WHERE id = $1`, 2, "modificata"},
		{"last rows removed", `DELETE FROM audit.audit_log WHERE id > $1`, -1, "righe finali"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			pool := unsealed(t)
			l := audit.New(pool)
			recs := appendN(t, l, 5)
			if rep, err := l.Verify(ctx); err != nil || !rep.OK() || !rep.Unsealed || recs[0].PrevHash != audit.Genesis {
				t.Fatalf("before tampering: %+v, %v (want intact from genesis, reported unsealed)", rep, err)
			}
			tx, err := pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			for _, s := range []string{`ALTER TABLE audit.audit_log DISABLE TRIGGER ALL`, tc.tamper, `ALTER TABLE audit.audit_log ENABLE TRIGGER ALL`} {
				args := []any{}
				if strings.Contains(s, "$1") {
					args = append(args, recs[2].ID)
				}
				if _, err := tx.Exec(ctx, s, args...); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			rep, err := l.Verify(ctx)
			if err != nil || rep.OK() {
				t.Fatalf("verify = %+v, %v: want broken", rep, err)
			}
			if tc.wantBroken < 0 {
				if rep.Broken != nil || !strings.Contains(rep.Head, tc.wantReason) {
					t.Errorf("report %+v, want only the head to disagree (%q)", rep, tc.wantReason)
				}
				return
			}
			if rep.Broken == nil || rep.Broken.ID != recs[tc.wantBroken].ID || !strings.Contains(rep.Broken.Reason, tc.wantReason) {
				t.Errorf("broken = %+v, want row %d with %q", rep.Broken, recs[tc.wantBroken].ID, tc.wantReason)
			}
		})
	}
}

func TestListFilters(t *testing.T) {
	pool := dbtest.Shared(t).Pool
	l := audit.New(pool)
	ctx := context.Background()
	// The shared log has older rows, some appended by the tests just before this one: the
	// window starts at the database's clock (which dates the rows), not a second before it.
	var start time.Time
	if err := pool.QueryRow(ctx, "SELECT clock_timestamp()").Scan(&start); err != nil {
		t.Fatal(err)
	}
	for _, e := range []audit.Entry{
		{Actor: "anna", Action: audit.LoginSuccess},
		{Actor: "bruno", Action: audit.LoginFailure},
		{Actor: "anna", Action: audit.Question},
		{Actor: "anna", Action: audit.SQLRun, Rows: audit.N(12)},
	} {
		if _, err := l.Append(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		f    audit.Filter
		want []string // actions, oldest first
	}{
		{"all", audit.Filter{}, []string{"login.success", "login.failure", "question", "sql.run"}},
		{"by actor", audit.Filter{Actor: "anna"}, []string{"login.success", "question", "sql.run"}},
		{"by exact action", audit.Filter{Action: "question"}, []string{"question"}},
		{"by action prefix", audit.Filter{Action: "login."}, []string{"login.success", "login.failure"}},
		{"by action star", audit.Filter{Action: "login*"}, []string{"login.success", "login.failure"}},
		{"newest within the limit", audit.Filter{Limit: 2}, []string{"question", "sql.run"}},
		{"since the future", audit.Filter{Since: time.Now().Add(time.Hour)}, nil},
		{"until the past", audit.Filter{Until: time.Now().Add(-time.Hour)}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.f.Since.IsZero() {
				tc.f.Since = start
			}
			recs, err := l.List(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range recs {
				got = append(got, r.Action)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
