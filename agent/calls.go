package agent

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/comune-bologna/conoscenza/agent/planner"
)

// callsTTL bounds how stale the planner's list of grant calls may be: a new grants file is
// read into it within this time.
const callsTTL = 30 * time.Second

// lastCalls remembers which database last gave the planner its grant calls, and when: the
// planner's list is one per process, as is the database in production (tests may run two).
var lastCalls struct {
	mu   sync.Mutex
	pool *pgxpool.Pool
	at   time.Time
}

// refreshCalls gives the planner the grant calls of the loaded data (id, title, year) and the
// values of the dimensions each source writes its own way (the SUAP's sectors, the CIG's
// causes), read again at most every callsTTL: questions name them in words only the data
// know. A failure is logged and the previous lists kept: the question is still answered.
func (s *Service) refreshCalls(ctx context.Context) {
	if s.Store == nil || s.Store.Pool == nil {
		return
	}
	lastCalls.mu.Lock()
	defer lastCalls.mu.Unlock()
	if lastCalls.pool == s.Store.Pool && time.Since(lastCalls.at) < callsTTL {
		return
	}
	rows, err := s.Store.Pool.Query(ctx, `SELECT id_bando, max(titolo_bando), max(anno) FROM contributi GROUP BY id_bando`)
	if err != nil {
		s.log().Warn("read the grant calls for the planner", "err", err)
		return
	}
	cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (planner.Call, error) {
		var c planner.Call
		err := r.Scan(&c.ID, &c.Title, &c.Year)
		return c, err
	})
	if err != nil {
		s.log().Warn("read the grant calls for the planner", "err", err)
		return
	}
	values := map[string][]string{}
	for dim, sql := range map[string]string{
		"settore_suap": `SELECT DISTINCT settore FROM suap_pratiche WHERE settore <> ''`,
		"causale_cig":  `SELECT DISTINCT causale FROM cig_domande WHERE causale <> ''`,
	} {
		rows, err := s.Store.Pool.Query(ctx, sql)
		if err != nil {
			s.log().Warn("read the data's values for the planner", "dimension", dim, "err", err)
			return
		}
		vs, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			s.log().Warn("read the data's values for the planner", "dimension", dim, "err", err)
			return
		}
		values[dim] = vs
	}
	planner.SetCalls(cs)
	planner.SetValues(values)
	lastCalls.pool, lastCalls.at = s.Store.Pool, time.Now()
}
