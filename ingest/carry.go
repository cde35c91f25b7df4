package ingest

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// A register snapshot without an optional column (ADDETTI, IMP-GIOVANILE, DESC-N-G, ...) says
// nothing about it: each company it repeats keeps that column's value from the latest
// snapshot, instead of a NULL that would make a new version and a `rettifica` of every
// company that had a value. carryOver holds those values, read once per batch and only when
// the file lacks such a column (never for the usual, complete extracts).
type carryOver struct {
	fields []int            // indexes in schema.fields of the optional columns the file lacks
	prev   map[string][]any // the latest snapshot's values of those columns, by codice fiscale
}

// loadCarryOver reads the latest snapshot's values of the optional columns the file lacks;
// nil when it has them all or there is no snapshot yet.
func loadCarryOver(ctx context.Context, tx pgx.Tx, r *batchRun) (*carryOver, error) {
	c := &carryOver{}
	var cols []string
	for i, f := range r.schema.fields {
		if !f.Required && !r.reader.Has(i) {
			c.fields = append(c.fields, i)
			cols = append(cols, pgx.Identifier{f.Dst}.Sanitize())
		}
	}
	if len(cols) == 0 {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `SELECT codice_fiscale, `+strings.Join(cols, ", ")+` FROM imprese_dati WHERE `+inLatest)
	if err != nil {
		return nil, fmt.Errorf("read the latest snapshot's values: %w", err)
	}
	defer rows.Close()
	c.prev = map[string][]any{}
	for rows.Next() {
		v, err := rows.Values()
		if err != nil {
			return nil, fmt.Errorf("read the latest snapshot's values: %w", err)
		}
		c.prev[v[0].(string)] = v[1:]
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the latest snapshot's values: %w", err)
	}
	if len(c.prev) == 0 {
		return nil, nil
	}
	return c, nil
}

// apply gives the row in rc.vals, when its company is in the latest snapshot, that
// snapshot's values of the columns the file lacks (before the row's fingerprint is taken).
func (c *carryOver) apply(rc *rowCtx, cfPos int) {
	cf, _ := rc.vals[cfPos].(string)
	if prev, ok := c.prev[cf]; ok {
		for j, i := range c.fields {
			rc.vals[1+i] = prev[j]
		}
	}
}
