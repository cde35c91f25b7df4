package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Genesis is the prev_hash of the first row.
var Genesis = strings.Repeat("0", 64)

// Broken describes the first row where the chain does not hold.
type Broken struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// Report is the outcome of Verify.
type Report struct {
	Rows     int     `json:"rows"`               // rows checked
	LastID   int64   `json:"last_id"`            // the last row checked
	LastHash string  `json:"last_hash"`          // its hash: write it down elsewhere to anchor the chain
	Broken   *Broken `json:"broken,omitempty"`   // nil when the chain holds
	Head     string  `json:"head,omitempty"`     // what is wrong with the chain head, if anything
	Unsealed bool    `json:"unsealed,omitempty"` // the application's role owns the log: protection is off
}

// OK says whether the chain holds end to end.
func (r Report) OK() bool { return r.Broken == nil && r.Head == "" }

const verifyBatch = 5000

// Verify recomputes every row's hash from its content and the previous row's hash, in id
// order, and compares the last one with the chain head. It reads in batches so that a long log
// does not sit in memory. An error means the check could not run, not that the chain is broken.
func (l *Log) Verify(ctx context.Context) (Report, error) {
	rep := Report{LastHash: Genesis}
	if err := l.db.QueryRow(ctx, `SELECT pg_get_userbyid(relowner) = current_user FROM pg_class
		WHERE oid = 'audit.audit_log'::regclass`).Scan(&rep.Unsealed); err != nil {
		return rep, fmt.Errorf("audit verify: %w", explain(err))
	}
	for {
		n, err := l.verifyBatch(ctx, &rep)
		if err != nil {
			return rep, err
		}
		if rep.Broken != nil || n < verifyBatch {
			break
		}
	}
	if rep.Broken != nil {
		return rep, nil
	}
	var headID int64
	var headHash string
	err := l.db.QueryRow(ctx, `SELECT last_id, last_hash FROM audit.chain_head`).Scan(&headID, &headHash)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		rep.Head = "la testa della catena manca"
	case err != nil:
		return rep, fmt.Errorf("audit verify: read chain head: %w", err)
	case headID != rep.LastID || headHash != rep.LastHash:
		rep.Head = fmt.Sprintf("la testa della catena indica la riga %d (%.12s…), l'ultima riga presente è %d (%.12s…): righe finali rimosse o aggiunte fuori catena",
			headID, headHash, rep.LastID, rep.LastHash)
	}
	return rep, nil
}

func (l *Log) verifyBatch(ctx context.Context, rep *Report) (int, error) {
	rows, err := l.db.Query(ctx, `SELECT id, at, actor, action, object, detail::text, rows, prev_hash, hash
		FROM audit.audit_log WHERE id > $1 ORDER BY id LIMIT $2`, rep.LastID, verifyBatch)
	if err != nil {
		return 0, fmt.Errorf("audit verify: %w", explain(err))
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var r Record
		var detail string
		var nrows *int32
		if err := rows.Scan(&r.ID, &r.At, &r.Actor, &r.Action, &r.Object, &detail, &nrows, &r.PrevHash, &r.Hash); err != nil {
			return n, fmt.Errorf("audit verify: %w", err)
		}
		n++
		if r.PrevHash != rep.LastHash {
			rep.Broken = &Broken{ID: r.ID, Reason: fmt.Sprintf("prev_hash %.12s… non è l'hash della riga precedente (%.12s…): una riga è stata tolta o alterata",
				r.PrevHash, rep.LastHash)}
			return n, nil
		}
		if want := RowHash(r.PrevHash, Canonical(r.ID, r.At, r.Actor, r.Action, r.Object, detail, nrows)); want != r.Hash {
			rep.Broken = &Broken{ID: r.ID, Reason: fmt.Sprintf("il contenuto non corrisponde all'hash registrato (%.12s…, ricalcolato %.12s…): la riga è stata modificata",
				r.Hash, want)}
			return n, nil
		}
		rep.Rows++
		rep.LastID, rep.LastHash = r.ID, r.Hash
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("audit verify: %w", err)
	}
	return n, nil
}

// RowHash is hex(sha256(prev || canonical)), as the chain trigger computes it.
func RowHash(prev, canonical string) string {
	sum := sha256.Sum256([]byte(prev + canonical))
	return hex.EncodeToString(sum[:])
}

// Canonical is the text the chain trigger hashes: PostgreSQL's jsonb text of
// [id, at, actor, action, object, detail, rows], with at in UTC to the microsecond and detail
// already in jsonb's own text form (detail::text). It is rebuilt here, not asked of the
// database, so that a changed database function cannot make a tampered row look right.
func Canonical(id int64, at time.Time, actor, action, object, detail string, rows *int32) string {
	var b strings.Builder
	b.WriteByte('[')
	b.WriteString(strconv.FormatInt(id, 10))
	for _, s := range []string{at.UTC().Format("2006-01-02T15:04:05.000000Z"), actor, action, object} {
		b.WriteString(", ")
		writeJSONString(&b, s)
	}
	b.WriteString(", ")
	b.WriteString(detail)
	b.WriteString(", ")
	if rows == nil {
		b.WriteString("null")
	} else {
		b.WriteString(strconv.FormatInt(int64(*rows), 10))
	}
	b.WriteByte(']')
	return b.String()
}

// writeJSONString escapes s exactly as PostgreSQL's escape_json does: the five short escapes,
// \" and \\, other control characters as \u00xx, everything else (non-ASCII, '/') as is.
func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		default:
			if c < 0x20 {
				fmt.Fprintf(b, `\u%04x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
}
