package ingest

import (
	"cmp"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// A first register snapshot's stock aggregate (agg_stock_gruppi and its roll-ups
// agg_stock_cuboidi_gruppi, migrations 00037 and 00014) is counted here while the file streams
// on the direct path, instead of by refresh_aggregates() reading back the million rows just
// written (4.4 s of the server's time for a million companies in 300,000 groups).
//
// The groups are those of refresh_aggregates(): the latest snapshot's companies by quartiere,
// zona, sezione_ateco, classe_forma, femminile, giovanile, straniera, artigiana, stato,
// agg_addetti(addetti), comune and whether they have ceased (dt_cessazione NULL or
// 1900-01-01), with the values exactly as the loader writes them into imprese_dati. Each group
// carries agg_stock_chiave()'s key (the MD5 of its values as text, 00051), written here the same way. agg_stock_replace_end checks the
// totals, and TestFirstSnapshotStockGroupsMatchSQL compares every row with the SQL.
//
// Each accepted row becomes one 64-bit key: per column a small code (0 is NULL) in a fixed
// field of bits. The validation goroutines append the keys to a buffer (8 bytes a row); a full
// buffer is sorted and folded into a map, so memory stays bounded by the groups, and the final
// count is a sort and a pass over runs: a map increment per row into a table of 300,000 groups
// cost ~0.9 µs a row in cache misses. A roll-up clears the fields of the columns it drops.
// A value that does not fit its field (more distinct values than it holds) leaves the
// aggregate to SQL.

// stockCols are the aggregate's dimension columns, in agg_stock_gruppi's order, with the bits
// of each one's field in a key.
var stockCols = [...]struct {
	name string
	bits uint
}{
	{"quartiere", 6}, {"zona", 8}, {"sezione_ateco", 5}, {"classe_forma", 4}, {"femminile", 3}, {"giovanile", 3},
	{"straniera", 3}, {"artigiana", 2}, {"stato", 5}, {"addetti", 3}, {"comune", 12}, {"dt_cessazione", 1},
}

const (
	nStockCols  = len(stockCols)
	sArtigiana  = 7
	sAddetti    = 9
	sCessazione = 11
)

// stockShift is the position of each column's field in a key.
var stockShift = func() (s [nStockCols]uint) {
	at := uint(0)
	for i, c := range stockCols {
		s[i] = at
		at += c.bits
	}
	if at > 64 {
		panic("ingest: stock key wider than 64 bits")
	}
	return s
}()

// sizeClasses are agg_addetti()'s classes (lower bounds), coded 1..5 in a key.
var sizeClasses = [...]int32{0, 1, 10, 50, 250}

// sizeClass is agg_addetti(): the code of the size class 0, 1-9, 10-49, 50-249, 250+.
func sizeClass(n int32) uint64 {
	switch {
	case n == 0:
		return 1
	case n < 10:
		return 2
	case n < 50:
		return 3
	case n < 250:
		return 4
	}
	return 5
}

// stockBufKeys bounds a goroutine's buffer of keys (8 MiB) before it is folded into its map.
const stockBufKeys = 1 << 20

// stockGroups counts one snapshot's companies by key. The dictionaries of the text columns
// are shared by the validation goroutines (read without locks, copied on the rare new value).
type stockGroups struct {
	pos  [nStockCols]int // position of each column in the staging values
	mu   sync.Mutex
	dict [nStockCols]atomic.Pointer[map[string]uint64]
	vals [nStockCols][]string // code-1 -> value, under mu
	// overflow: a value did not fit its field: the aggregate is left to SQL.
	overflow atomic.Bool
	workers  []stockCounter
}

// stockCounter is one validation goroutine's part.
type stockCounter struct {
	keys   []uint64
	folded map[uint64]int64
}

// newStockGroups counts for the given validation goroutines a file of about rows rows (each
// goroutine's buffer starts at its share, so that it does not grow by copies).
func newStockGroups(sc *schema, workers, rows int) *stockGroups {
	g := &stockGroups{workers: make([]stockCounter, workers)}
	for w := range g.workers {
		g.workers[w].keys = make([]uint64, 0, min(stockBufKeys, rows/workers+1024))
	}
	for i, c := range stockCols {
		g.pos[i] = sc.pos(c.name)
		m := map[string]uint64{}
		g.dict[i].Store(&m)
	}
	return g
}

// add counts the accepted row vals on goroutine w.
func (g *stockGroups) add(w int, vals []any) { g.addKey(w, g.key(vals)) }

// key is the group key of the row vals.
func (g *stockGroups) key(vals []any) uint64 {
	var k uint64
	for i, p := range g.pos {
		var c uint64
		switch v := vals[p].(type) {
		case nil:
		case string:
			c = g.code(i, v)
		case bool: // artigiana
			c = 1
			if v {
				c = 2
			}
		case int32: // addetti
			c = sizeClass(v)
		case time.Time: // dt_cessazione: ceased
			c = 1
		default:
			g.overflow.Store(true) // a type this code does not expect: leave it to SQL
		}
		k |= c << stockShift[i]
	}
	return k
}

// addKey counts one row of group k on goroutine w.
func (g *stockGroups) addKey(w int, k uint64) {
	s := &g.workers[w]
	s.keys = append(s.keys, k)
	if len(s.keys) == stockBufKeys {
		if s.folded == nil {
			s.folded = map[uint64]int64{}
		}
		slices.Sort(s.keys)
		for _, r := range countRuns(s.keys, nil) {
			s.folded[r.key] += r.n
		}
		s.keys = s.keys[:0]
	}
}

// code is the code of value s in text column i (1, 2, ... in order of appearance).
func (g *stockGroups) code(i int, s string) uint64 {
	if c, ok := (*g.dict[i].Load())[s]; ok {
		return c
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	m := *g.dict[i].Load()
	if c, ok := m[s]; ok {
		return c
	}
	c := uint64(len(g.vals[i]) + 1)
	if c >= 1<<stockCols[i].bits {
		g.overflow.Store(true)
		return 0
	}
	s = strings.Clone(s) // s may point into a reused row buffer
	g.vals[i] = append(g.vals[i], s)
	next := maps.Clone(m)
	next[s] = c
	g.dict[i].Store(&next)
	return c
}

// stockGroup is one group's key and count.
type stockGroup struct {
	key uint64
	n   int64
}

// countRuns appends to dst each run of equal keys of the sorted keys, counted.
func countRuns(keys []uint64, dst []stockGroup) []stockGroup {
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j] == keys[i] {
			j++
		}
		dst = append(dst, stockGroup{keys[i], int64(j - i)})
		i = j
	}
	return dst
}

// sumGroups sorts groups by key and adds up those with the same key.
func sumGroups(groups []stockGroup) []stockGroup {
	slices.SortFunc(groups, func(a, b stockGroup) int { return cmp.Compare(a.key, b.key) })
	out := groups[:0]
	for _, g := range groups {
		if len(out) > 0 && out[len(out)-1].key == g.key {
			out[len(out)-1].n += g.n
			continue
		}
		out = append(out, g)
	}
	return out
}

// groups is every goroutine's count, summed, in key order.
func (g *stockGroups) groups() []stockGroup {
	var all []stockGroup
	for w := range g.workers {
		s := &g.workers[w]
		slices.Sort(s.keys)
		all = countRuns(s.keys, all)
		for k, n := range s.folded {
			all = append(all, stockGroup{k, n})
		}
		s.keys, s.folded = nil, nil
	}
	return sumGroups(all)
}

// stockCuboid is one roll-up of agg_cuboidi: the bits of the columns it keeps.
type stockCuboid struct {
	id   int16
	mask uint64
}

// readStockCuboids reads the stock roll-ups; ok is false when one names a column this file
// does not know or two keep the same columns (refresh_agg_stock then decides).
func readStockCuboids(ctx context.Context, tx pgx.Tx) ([]stockCuboid, bool, error) {
	rows, err := tx.Query(ctx, `SELECT cuboide, dims FROM agg_cuboidi WHERE tabella = 'agg_stock_cuboidi' ORDER BY cuboide`)
	if err != nil {
		return nil, false, fmt.Errorf("read stock cuboids: %w", err)
	}
	defer rows.Close()
	var out []stockCuboid
	seen := map[uint64]bool{}
	ok := true
	for rows.Next() {
		var c stockCuboid
		var dims []string
		if err := rows.Scan(&c.id, &dims); err != nil {
			return nil, false, fmt.Errorf("read stock cuboids: %w", err)
		}
		for _, d := range dims {
			i := stockColIndex(d)
			if i < 0 {
				ok = false
				continue
			}
			c.mask |= (1<<stockCols[i].bits - 1) << stockShift[i]
		}
		ok = ok && !seen[c.mask]
		seen[c.mask] = true
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("read stock cuboids: %w", err)
	}
	return out, ok, nil
}

func stockColIndex(name string) int {
	for i, c := range stockCols {
		if c.name == name {
			return i
		}
	}
	return -1
}

// rollUp counts the groups of a cuboid: the columns it drops become NULL (code 0).
func rollUp(groups []stockGroup, mask uint64) []stockGroup {
	m := map[uint64]int64{}
	for _, g := range groups {
		m[g.key&mask] += g.n
	}
	out := make([]stockGroup, 0, len(m))
	for k, n := range m {
		out = append(out, stockGroup{k, n})
	}
	return out
}

// pendingStock is the first snapshot's stock aggregate, counted while streaming and rolled
// up in the background while the server builds the register's indexes.
type pendingStock struct {
	g       *stockGroups
	cuboids []stockCuboid
	groups  []stockGroup
	rolled  [][]stockGroup
	// sums are the MD5 sums of each group's key (agg_stock_chiave), of groups and then of
	// each roll-up, computed in the background too: hashing 340,000 keys while the aggregate
	// is copied kept the COPY waiting (0.2-0.3 s for a million companies).
	sums [][][md5.Size]byte
	done chan struct{}
}

// startRollUp sums the goroutines' counts and rolls them up in the background; nil when they
// cannot stand for SQL's (a value did not fit, or a cuboid this code cannot build).
func startRollUp(ctx context.Context, tx pgx.Tx, g *stockGroups) (*pendingStock, error) {
	if g == nil || g.overflow.Load() {
		return nil, nil
	}
	cuboids, ok, err := readStockCuboids(ctx, tx)
	if err != nil || !ok {
		return nil, err
	}
	p := &pendingStock{g: g, cuboids: cuboids, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.groups = g.groups()
		for _, c := range cuboids {
			p.rolled = append(p.rolled, rollUp(p.groups, c.mask))
		}
		var b strings.Builder
		sums := func(cuboid int16, groups []stockGroup) [][md5.Size]byte {
			out := make([][md5.Size]byte, len(groups))
			for i, gr := range groups {
				out[i] = md5.Sum([]byte(g.chiaveText(&b, cuboid, gr.key)))
			}
			return out
		}
		p.sums = append(p.sums, sums(0, p.groups))
		for i, c := range cuboids {
			p.sums = append(p.sums, sums(c.id, p.rolled[i]))
		}
	}()
	return p, nil
}

// write replaces the stock aggregate with the counted one (see migration 00014). A failed
// check rolls back to the savepoint and recounts in SQL.
func (p *pendingStock) write(ctx context.Context, tx pgx.Tx, r *batchRun, stats map[string]int64) error {
	t0 := time.Now()
	<-p.done
	if _, err := tx.Exec(ctx, "SAVEPOINT ingest_stock"); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := p.copy(ctx, tx, r, t0); err != nil {
		r.loader.log.Warn("stock aggregate counted while loading refused; recounting in SQL", "err", err)
		if _, rerr := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT ingest_stock"); rerr != nil {
			return fmt.Errorf("rollback to savepoint: %w (after %v)", rerr, err)
		}
		stats["aggregati_ricalcolati"] = 1
		// The load sampled the register's statistics only (analyzeRegister): the recount reads
		// it, and is planned on full ones.
		if err := analyzeRegister(ctx, tx, false); err != nil {
			return err
		}
		return refreshAggregates(ctx, tx, r)
	}
	r.took("aggregati", t0)
	return nil
}

func (p *pendingStock) copy(ctx context.Context, tx pgx.Tx, r *batchRun, t0 time.Time) error {
	if _, err := tx.Exec(ctx, "SELECT agg_stock_replace_begin()"); err != nil {
		return fmt.Errorf("empty stock aggregate: %w", err)
	}
	cols := make([]string, 0, nStockCols+3)
	for _, c := range stockCols {
		cols = append(cols, c.name)
	}
	cols = append(cols, "n", "chiave")
	if err := p.copyGroups(ctx, tx, "agg_stock_gruppi", cols, []stockCuboid{{id: 0}}, [][]stockGroup{p.groups}, p.sums[:1]); err != nil {
		return err
	}
	if err := p.copyGroups(ctx, tx, "agg_stock_cuboidi_gruppi", append([]string{"cuboide"}, cols...), p.cuboids, p.rolled, p.sums[1:]); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "SELECT agg_stock_replace_end($1, $2)", int64(r.sum.Loaded), t0); err != nil {
		return fmt.Errorf("check stock aggregate: %w", err)
	}
	return nil
}

// copyGroups copies the groups of each cuboid into table (with the cuboid's number first when
// cols starts with "cuboide"), in binary COPY format, frozen (agg_stock_replace_begin truncated
// the table in this subtransaction); sums are the groups' key sums.
func (p *pendingStock) copyGroups(ctx context.Context, tx pgx.Tx, table string, cols []string, cuboids []stockCuboid, groups [][]stockGroup, sums [][][md5.Size]byte) error {
	types := []string{"text", "text", "text", "text", "text", "text", "text", "boolean", "text", "integer", "text", "date", "bigint", "text"}
	withCuboid := cols[0] == "cuboide"
	if withCuboid {
		types = append([]string{"smallint"}, types...)
	}
	enc, err := newTupleEncoder(types)
	if err != nil {
		return err
	}
	src := &groupStream{p: p, enc: enc, cuboids: cuboids, groups: groups, sums: sums, withCuboid: withCuboid, pending: copyHeader}
	if _, err := tx.Conn().PgConn().CopyFrom(ctx, src, copySQL(table, cols, true)); err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	return nil
}

// groupStream is the binary COPY stream of groups, encoded a thousand rows at a time.
type groupStream struct {
	p          *pendingStock
	enc        *tupleEncoder
	cuboids    []stockCuboid
	groups     [][]stockGroup
	sums       [][][md5.Size]byte
	withCuboid bool
	c, i       int // next cuboid and group
	pending    []byte
	buf        []byte
	row        []any
	ended      bool
}

func (s *groupStream) Read(dst []byte) (int, error) {
	for len(s.pending) == 0 {
		if s.ended {
			return 0, io.EOF
		}
		s.fill()
	}
	n := copy(dst, s.pending)
	s.pending = s.pending[n:]
	return n, nil
}

// fill encodes the next rows into pending.
func (s *groupStream) fill() {
	s.buf = s.buf[:0]
	for rows := 0; rows < 1024; rows++ {
		for s.c < len(s.groups) && s.i == len(s.groups[s.c]) {
			s.c, s.i = s.c+1, 0
		}
		if s.c == len(s.groups) {
			s.buf, s.ended = append(s.buf, copyTrailer...), true
			break
		}
		cub, g, sum := s.cuboids[s.c].id, s.groups[s.c][s.i], &s.sums[s.c][s.i]
		s.i++
		s.row = s.row[:0]
		if s.withCuboid {
			s.row = append(s.row, cub)
		}
		s.row = s.p.g.appendValues(s.row, g.key)
		s.row = append(s.row, g.n, hex.EncodeToString(sum[:]))
		// The values are of the encoder's kinds: it cannot fail.
		s.buf, _ = s.enc.appendTuple(s.buf, s.row)
	}
	s.pending = s.buf
}

// appendValues appends to dst the values of a group's columns in agg_stock_gruppi's order.
func (g *stockGroups) appendValues(dst []any, key uint64) []any {
	for i := range stockCols {
		c := key >> stockShift[i] & (1<<stockCols[i].bits - 1)
		switch {
		case c == 0:
			dst = append(dst, nil)
		case i == sArtigiana:
			dst = append(dst, c == 2)
		case i == sAddetti:
			dst = append(dst, sizeClasses[c-1])
		case i == sCessazione:
			dst = append(dst, ceasedMarker)
		default:
			dst = append(dst, g.vals[i][c-1])
		}
	}
	return dst
}

// ceasedMarker is the date refresh_aggregates() gives every ceased company's group.
var ceasedMarker = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// chiaveText is the text agg_stock_chiave(cuboid, the columns..., dt_cessazione IS NULL)
// hashes for a group: each value through quote_nullable, separated by commas (migration
// 00051); the key is its MD5 in hexadecimal.
func (g *stockGroups) chiaveText(b *strings.Builder, cuboid int16, key uint64) string {
	b.Reset()
	b.WriteString(strconv.Itoa(int(cuboid)))
	for i := range stockCols {
		b.WriteByte(',')
		c := key >> stockShift[i] & (1<<stockCols[i].bits - 1)
		switch {
		case i == sCessazione: // the key holds "dt_cessazione IS NULL"
			quoteLiteral(b, strconv.FormatBool(c == 0))
		case c == 0:
			b.WriteString("NULL")
		case i == sArtigiana:
			quoteLiteral(b, strconv.FormatBool(c == 2))
		case i == sAddetti:
			quoteLiteral(b, strconv.Itoa(int(sizeClasses[c-1])))
		default:
			quoteLiteral(b, g.vals[i][c-1])
		}
	}
	return b.String()
}

// quoteLiteral is PostgreSQL's quote_literal(): single quotes around, quotes and backslashes
// doubled, and an E before the string when it has a backslash.
func quoteLiteral(b *strings.Builder, s string) {
	if strings.IndexByte(s, '\\') >= 0 {
		b.WriteByte('E')
	}
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\'' || c == '\\' {
			b.WriteByte(c)
		}
		b.WriteByte(c)
	}
	b.WriteByte('\'')
}
