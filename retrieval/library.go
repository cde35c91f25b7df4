package retrieval

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/ingest/db"
)

// DocumentInfo describes one loaded document for the library listing.
type DocumentInfo struct {
	ID       int64     `json:"id"`
	Path     string    `json:"path"`
	Title    string    `json:"title"`
	DocType  string    `json:"doc_type"`
	Date     *string   `json:"date"` // YYYY-MM-DD
	Issuer   string    `json:"issuer"`
	URL      string    `json:"url"`
	Tags     []string  `json:"tags"`
	Format   string    `json:"format"`
	Pages    *int      `json:"pages"`
	Chunks   int       `json:"chunks"`
	BatchID  *int64    `json:"batch_id"`
	LoadedAt time.Time `json:"loaded_at"`
}

// DocumentFilter selects documents: words of the title or path, a type; newest loaded first.
type DocumentFilter struct {
	Text   string
	Type   string
	Limit  int // 1..500 (default 100)
	Offset int
}

const documentInfoSQL = `SELECT d.id, d.path, d.title, d.doc_type, to_char(d.doc_date, 'YYYY-MM-DD'), d.issuer, d.url,
	d.tags, d.format, d.pages, (SELECT count(*) FROM chunks c WHERE c.document_id = d.id)::int, d.batch_id, d.loaded_at
FROM documents d`

func scanDocumentInfo(r pgx.CollectableRow) (DocumentInfo, error) {
	var d DocumentInfo
	err := r.Scan(&d.ID, &d.Path, &d.Title, &d.DocType, &d.Date, &d.Issuer, &d.URL, &d.Tags, &d.Format, &d.Pages,
		&d.Chunks, &d.BatchID, &d.LoadedAt)
	if d.Tags == nil {
		d.Tags = []string{}
	}
	return d, err
}

// Documents lists the library's documents with their number of passages, and how many match
// the filter in all.
func (s *Store) Documents(ctx context.Context, f DocumentFilter) ([]DocumentInfo, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	pattern := ""
	if t := strings.TrimSpace(f.Text); t != "" {
		pattern = "%" + strings.ToLower(strings.NewReplacer("%", "", "_", "").Replace(t)) + "%"
	}
	const where = ` WHERE ($1 = '' OR lower(d.title) LIKE $1 OR lower(d.path) LIKE $1) AND ($2 = '' OR d.doc_type = $2)`
	var total int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM documents d`+where, pattern, f.Type).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count documents: %w", err)
	}
	rows, err := s.pool.Query(ctx, documentInfoSQL+where+` ORDER BY d.loaded_at DESC, d.id DESC LIMIT $3 OFFSET $4`,
		pattern, f.Type, f.Limit, max(f.Offset, 0))
	if err != nil {
		return nil, 0, fmt.Errorf("list documents: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanDocumentInfo)
	if err != nil {
		return nil, 0, fmt.Errorf("list documents: %w", err)
	}
	if out == nil {
		out = []DocumentInfo{}
	}
	return out, total, nil
}

// Document returns one document's description; a missing one is a db.CodeNotFound error.
func (s *Store) Document(ctx context.Context, id int64) (DocumentInfo, error) {
	rows, err := s.pool.Query(ctx, documentInfoSQL+` WHERE d.id = $1`, id)
	if err != nil {
		return DocumentInfo{}, fmt.Errorf("read document %d: %w", id, err)
	}
	d, err := pgx.CollectExactlyOneRow(rows, scanDocumentInfo)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, db.Errorf(db.CodeNotFound, "documento %d non trovato", id)
	}
	if err != nil {
		return d, fmt.Errorf("read document %d: %w", id, err)
	}
	return d, nil
}

// DocumentByPath returns the description of the document stored under path.
func (s *Store) DocumentByPath(ctx context.Context, path string) (DocumentInfo, error) {
	rows, err := s.pool.Query(ctx, documentInfoSQL+` WHERE d.path = $1`, path)
	if err != nil {
		return DocumentInfo{}, fmt.Errorf("read document %s: %w", path, err)
	}
	d, err := pgx.CollectExactlyOneRow(rows, scanDocumentInfo)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, db.Errorf(db.CodeNotFound, "documento %s non trovato", path)
	}
	if err != nil {
		return d, fmt.Errorf("read document %s: %w", path, err)
	}
	return d, nil
}
