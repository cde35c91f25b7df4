package ingest

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// upsertMerge merges the staged rows into table by key: new keys are inserted, known keys
// updated only when something differs, so a newer file of requests, permits or grants
// refreshes what changed and counts the rest as unchanged. A column the file does not have
// (an optional one, and what is derived from it) leaves the stored values of known keys as
// they are: the file says nothing about them.
func upsertMerge(table string, keys []string) mergeFunc {
	return func(ctx context.Context, tx pgx.Tx, r *batchRun) (map[string]int64, error) {
		var cols []string
		for _, c := range r.schema.stagingCols()[1:] {
			cols = append(cols, c.Name)
		}
		isKey := map[string]bool{}
		for _, k := range keys {
			isKey[k] = true
		}
		absent := map[string]bool{}
		for i, f := range r.schema.fields {
			if !r.reader.Has(i) {
				absent[f.Dst] = true
			}
		}
		for c, from := range derivedFrom {
			if absent[from] {
				absent[c] = true
			}
		}
		var set, old, neu []string
		for _, c := range cols {
			if isKey[c] || absent[c] {
				continue
			}
			set = append(set, c+" = EXCLUDED."+c)
			old = append(old, table+"."+c)
			neu = append(neu, "EXCLUDED."+c)
		}
		sql := fmt.Sprintf(`WITH up AS (
				INSERT INTO %[1]s (%[2]s, batch_id) SELECT %[2]s, $1 FROM ingest_stg
				ON CONFLICT (%[3]s) DO UPDATE SET %[4]s, batch_id = EXCLUDED.batch_id
				WHERE (%[5]s) IS DISTINCT FROM (%[6]s)
				RETURNING (xmax = 0) AS inserted)
			SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up`,
			table, joinCols(cols), strings.Join(keys, ", "), strings.Join(set, ", "),
			strings.Join(old, ", "), strings.Join(neu, ", "))
		var ins, upd int64
		if err := tx.QueryRow(ctx, sql, r.batchID).Scan(&ins, &upd); err != nil {
			return nil, fmt.Errorf("merge %s: %w", table, err)
		}
		return map[string]int64{"inserite": ins, "aggiornate": upd, "invariate": int64(r.sum.Loaded) - ins - upd}, nil
	}
}

// derivedFrom names, for each derived staging column, the field it is computed from.
var derivedFrom = map[string]string{
	"sezione_ateco": "ateco", "divisione_ateco": "ateco",
	"quartiere": "indirizzo", "zona": "indirizzo", "area_statistica": "indirizzo",
}

func splitCols(s string) []string {
	parts := strings.Split(s, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}

func joinCols(cols []string) string { return strings.Join(cols, ", ") }
