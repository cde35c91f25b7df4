package territorio

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/db"
)

// The simplified shapes of the six quartieri written for the project (hand-drawn coarse
// polygons placed around the real geography: the viali, the railway, the Reno, the hills).
//
//go:embed quartieri_approssimati.geojson
var approxQuartieri []byte

// Sources of the shapes, as the map shows them.
const (
	// FonteApprossimata is the source of the embedded shapes.
	FonteApprossimata = "forme semplificate scritte per il progetto, non ufficiali"
	// FonteUfficiale is the default source of a loaded file.
	FonteUfficiale = "Comune di Bologna, confini ufficiali (open data)"
	approxFile     = "quartieri_approssimati.geojson"
)

// maxFileBytes bounds a territory file: the city's aree statistiche are a few MB.
const maxFileBytes = 256 << 20

// Options tune one load.
type Options struct {
	Level Level // default quartiere
	// NameProperty is the feature property holding the area's name; empty: detected.
	NameProperty string
	// Source is recorded and shown with the shapes (default FonteUfficiale).
	Source string
	// StartedBy is recorded on the batch.
	StartedBy string
	// Approximate marks the shapes as approximate (the embedded default ones).
	Approximate bool
	// keepOfficial makes the load a no-op when the level has official shapes.
	keepOfficial bool
}

// Summary is the outcome of one load: the batch summary of every ingest, plus the level, the
// name property used and which areas got a shape.
type Summary struct {
	ingest.Summary
	Level        Level    `json:"level"`
	NameProperty string   `json:"name_property"`
	Approximate  bool     `json:"approssimato"`
	Source       string   `json:"fonte"`
	Areas        []string `json:"aree"`        // areas that have a shape after the load
	Missing      []string `json:"senza_forma"` // areas of the level the file gives no shape
}

// Store loads and reads territory shapes.
type Store struct {
	Pool   *pgxpool.Pool
	Logger *slog.Logger
}

// LoadFile loads a GeoJSON FeatureCollection of one level as one batch: every feature whose
// name matches an area of the level and whose geometry is a polygon gives that area its shape,
// the others are rejected (feature number, property, value, reason), and the shapes of the
// level are replaced atomically. Loading the file whose shapes are already in place changes
// nothing and says so (UnchangedFile). A file that matches no area fails whole, with a
// db.CodeInvalid error, and writes nothing.
func (s *Store) LoadFile(ctx context.Context, path string, opts Options) (Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return Summary{}, db.Errorf(db.CodeInvalid, "file %s non leggibile: %v", filepath.Base(path), err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return Summary{}, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxFileBytes {
		return Summary{}, db.Errorf(db.CodeInvalid, "file %s oltre %d MiB", filepath.Base(path), maxFileBytes>>20)
	}
	return s.Load(ctx, filepath.Base(path), data, opts)
}

// LoadDefault loads the embedded approximate quartieri unless official ones are in place (it
// never replaces them: the check runs under the load's lock); loaded says whether it wrote or
// found the approximate shapes.
func (s *Store) LoadDefault(ctx context.Context, startedBy string) (sum Summary, loaded bool, err error) {
	sum, err = s.Load(ctx, approxFile, approxQuartieri, Options{Level: LevelQuartiere, Source: FonteApprossimata,
		StartedBy: startedBy, Approximate: true, keepOfficial: true})
	if errors.Is(err, errOfficialInPlace) {
		return sum, false, nil
	}
	return sum, err == nil, err
}

// errOfficialInPlace stops a load of approximate shapes over official ones.
var errOfficialInPlace = errors.New("official shapes in place")

// Load loads the content of a file named name; see LoadFile.
func (s *Store) Load(ctx context.Context, name string, data []byte, opts Options) (Summary, error) {
	start := time.Now()
	if opts.Level == "" {
		opts.Level = LevelQuartiere
	}
	info, ok := levels[opts.Level]
	if !ok {
		return Summary{}, db.Errorf(db.CodeInvalid, "livello territoriale sconosciuto %q", opts.Level)
	}
	if opts.Source == "" {
		opts.Source = FonteUfficiale
	}
	sum := Summary{Summary: ingest.Summary{Kind: ingest.Kind(Kind), File: name, AsOfSource: "load_date",
		Warnings: []string{}, Rejections: []ingest.Rejection{}, Stats: map[string]int64{}},
		Level: opts.Level, Approximate: opts.Approximate, Source: opts.Source}
	h := sha256.Sum256(data)
	checksum := hex.EncodeToString(h[:])

	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return sum, fmt.Errorf("territorio %s: begin: %w", name, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	// One load at a time, with the monthly files too: a street register load rewrites zone.
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('conoscenza.ingest'))"); err != nil {
		return sum, fmt.Errorf("territorio %s: lock: %w", name, err)
	}
	if opts.keepOfficial {
		var official bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+info.table+` WHERE geometry IS NOT NULL AND NOT approximate)`).Scan(&official); err != nil {
			return sum, fmt.Errorf("territorio: read %s shapes: %w", info.table, err)
		}
		if official {
			return sum, errOfficialInPlace
		}
	}
	names, err := areaNames(ctx, tx, info.table)
	if err != nil {
		return sum, err
	}
	if len(names) == 0 {
		return sum, db.Errorf(db.CodeInvalid, "nessuna voce di livello %s nel database: caricare prima lo stradario", opts.Level)
	}
	p, err := parse(data, newReference(opts.Level, names), opts.NameProperty)
	if err != nil {
		return sum, fmt.Errorf("territorio %s: %w", name, err)
	}
	sum.NameProperty, sum.Read, sum.Rejected, sum.Rejections = p.nameProp, p.read, len(p.rejects), p.rejects
	sum.Warnings = append(sum.Warnings, p.warnings...)
	sum.Missing = p.missing
	if sum.Rejections == nil {
		sum.Rejections = []ingest.Rejection{}
	}
	for _, sh := range p.shapes {
		sum.Loaded += len(sh.Features)
		sum.Areas = append(sum.Areas, sh.Name)
	}
	if len(p.shapes) == 0 {
		return sum, db.Errorf(db.CodeInvalid, "territorio %s: nessuna feature corrisponde a %s del database (proprietà %q): %s",
			name, info.plural, p.nameProp, firstReasons(p.rejects, 3))
	}
	sum.AsOf = start.UTC().Format(time.DateOnly)
	sum.Stats["forme"], sum.Stats["senza_forma"] = int64(len(p.shapes)), int64(len(p.missing))

	prev, same, err := currentBatch(ctx, tx, info.table, checksum, p.nameProp, opts)
	if err != nil {
		return sum, err
	}
	if same {
		sum.UnchangedFile, sum.SameAsBatch = true, prev
		sum.Warnings = append(sum.Warnings, fmt.Sprintf("file già caricato nel lotto %d: le forme in uso sono già queste, nessuna modifica", prev))
		err = s.recordBatch(ctx, tx, &sum, checksum, "unchanged", start, opts, map[string]any{"same_as_batch": prev})
	} else {
		err = s.replace(ctx, tx, &sum, p, checksum, start, opts)
	}
	if err != nil {
		return sum, err
	}
	if err := tx.Commit(ctx); err != nil {
		return sum, fmt.Errorf("territorio %s: commit: %w", name, err)
	}
	s.logger().Info("territorio loaded", "file", name, "level", opts.Level, "batch", sum.BatchID,
		"areas", len(p.shapes), "rejected", sum.Rejected, "unchanged", sum.UnchangedFile)
	return sum, nil
}

// replace records the batch, replaces every shape of the level with the file's and stores the
// rejected features.
func (s *Store) replace(ctx context.Context, tx pgx.Tx, sum *Summary, p *parsed, checksum string, start time.Time, opts Options) error {
	table := levels[opts.Level].table
	if err := s.recordBatch(ctx, tx, sum, checksum, "running", start, opts, nil); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `UPDATE `+table+` SET geometry = NULL, approximate = true, source = '', batch_id = NULL, loaded_at = NULL
		WHERE geometry IS NOT NULL OR batch_id IS NOT NULL`); err != nil {
		return fmt.Errorf("territorio: clear %s shapes: %w", table, err)
	}
	names, geoms := make([]string, len(p.shapes)), make([]string, len(p.shapes))
	for i, sh := range p.shapes {
		// 7 decimals are about 1 cm: the full precision of GIS exports (15 digits) only makes
		// the map's download larger.
		g, err := json.Marshal(geojson.NewGeometry(orb.Round(sh.Geometry, 1e7)))
		if err != nil {
			return fmt.Errorf("territorio: encode %s: %w", sh.Name, err)
		}
		names[i], geoms[i] = sh.Name, string(g)
	}
	tag, err := tx.Exec(ctx, `UPDATE `+table+` t SET geometry = s.g::jsonb, approximate = $3, source = $4, batch_id = $5, loaded_at = now()
		FROM unnest($1::text[], $2::text[]) AS s(nome, g) WHERE t.nome = s.nome`,
		names, geoms, opts.Approximate, opts.Source, sum.BatchID)
	if err != nil {
		return fmt.Errorf("territorio: store %s shapes: %w", table, err)
	}
	if int(tag.RowsAffected()) != len(names) {
		return fmt.Errorf("territorio: stored %d shapes of %d", tag.RowsAffected(), len(names))
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"rejected_rows"}, []string{"batch_id", "line", "column_name", "value", "reason"},
		pgx.CopyFromSlice(len(p.rejects), func(i int) ([]any, error) {
			r := p.rejects[i]
			return []any{sum.BatchID, int32(r.Line), r.Column, r.Value, r.Reason}, nil
		}))
	if err != nil {
		return fmt.Errorf("territorio: store rejections: %w", err)
	}
	sum.DurationMS = time.Since(start).Milliseconds()
	return finishBatch(ctx, tx, sum, opts)
}

// recordBatch inserts the batch row; a running one is finished by finishBatch.
func (s *Store) recordBatch(ctx context.Context, tx pgx.Tx, sum *Summary, checksum, status string, start time.Time, opts Options, extra map[string]any) error {
	sum.DurationMS = time.Since(start).Milliseconds()
	stats, warnings := batchStats(sum, opts, extra), mustJSON(sum.Warnings)
	err := tx.QueryRow(ctx, `INSERT INTO load_batches (kind, source, file_name, checksum, as_of, status, rows_read,
			rows_loaded, rows_rejected, warnings, stats, started_by, started_at, finished_at, duration_ms)
		VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9, $10, $11, $12, $13, CASE WHEN $6 = 'running' THEN NULL ELSE now() END, $14)
		RETURNING id`, Kind, opts.Source, sum.File, checksum, sum.AsOf, status, sum.Read, sum.Loaded, sum.Rejected,
		warnings, stats, opts.StartedBy, start, sum.DurationMS).Scan(&sum.BatchID)
	if err != nil {
		return fmt.Errorf("territorio: record batch: %w", err)
	}
	return nil
}

func finishBatch(ctx context.Context, tx pgx.Tx, sum *Summary, opts Options) error {
	_, err := tx.Exec(ctx, `UPDATE load_batches SET status = 'committed', warnings = $2, stats = $3, finished_at = now(),
		duration_ms = $4 WHERE id = $1`, sum.BatchID, mustJSON(sum.Warnings), batchStats(sum, opts, nil), sum.DurationMS)
	if err != nil {
		return fmt.Errorf("territorio: record batch: %w", err)
	}
	return nil
}

func batchStats(sum *Summary, opts Options, extra map[string]any) []byte {
	st := map[string]any{"livello": opts.Level, "proprieta_nome": sum.NameProperty, "approssimato": opts.Approximate,
		"as_of_source": sum.AsOfSource}
	for k, v := range sum.Stats {
		st[k] = v
	}
	for k, v := range extra {
		st[k] = v
	}
	return mustJSON(st)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps of strings, numbers and booleans always encode
	}
	return b
}

// currentBatch finds the batch the level's shapes come from and whether it loaded the same
// content, read through the same property, with the same approximate flag and source.
func currentBatch(ctx context.Context, tx pgx.Tx, table, checksum, nameProp string, opts Options) (int64, bool, error) {
	var id int64
	var sum, prop, source string
	var approx bool
	err := tx.QueryRow(ctx, `SELECT b.id, b.checksum, coalesce(b.stats->>'proprieta_nome', ''), b.source, t.approximate
		FROM `+table+` t JOIN load_batches b ON b.id = t.batch_id
		WHERE t.geometry IS NOT NULL ORDER BY b.id DESC LIMIT 1`).Scan(&id, &sum, &prop, &source, &approx)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("territorio: read current shapes of %s: %w", table, err)
	}
	return id, sum == checksum && prop == nameProp && source == opts.Source && approx == opts.Approximate, nil
}

func areaNames(ctx context.Context, tx pgx.Tx, table string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT nome FROM `+table+` ORDER BY nome`)
	if err != nil {
		return nil, fmt.Errorf("territorio: read %s: %w", table, err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("territorio: read %s: %w", table, err)
	}
	return names, nil
}

func firstReasons(rs []ingest.Rejection, n int) string {
	var out []string
	for i, r := range rs {
		if i == n {
			out = append(out, fmt.Sprintf("e altre %d", len(rs)-n))
			break
		}
		out = append(out, fmt.Sprintf("feature %d: %s", r.Line, r.Reason))
	}
	return strings.Join(out, "; ")
}

func (s *Store) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}
