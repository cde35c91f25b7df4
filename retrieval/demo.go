package retrieval

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/comune-bologna/conoscenza/retrieval/corpus"
	"github.com/comune-bologna/conoscenza/retrieval/loader"
)

// DemoPrefix marks the paths of demo documents, which come from the binary, not from disk.
const DemoPrefix = "demo:"

// DemoSources returns the demo corpus as ingest items. Files named NAME.pdf.txt are typeset to
// a real PDF here, so that the demo exercises the PDF path and its page numbers.
func DemoSources() ([]Item, error) {
	var items []Item
	err := fs.WalkDir(corpus.Docs, "docs", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || loader.IsSidecar(p) {
			return err
		}
		data, err := fs.ReadFile(corpus.Docs, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "docs/")
		if strings.HasSuffix(name, ".pdf.txt") {
			name = strings.TrimSuffix(name, ".txt")
			if data, err = corpus.PDF(path.Base(name), corpus.SplitPages(string(data))); err != nil {
				return err
			}
		}
		if loader.FormatOf(name) == "" {
			return nil
		}
		src := loader.Source{Path: DemoPrefix + name, Data: data}
		lookup := p
		if strings.HasSuffix(p, ".pdf.txt") {
			lookup = strings.TrimSuffix(p, ".txt")
		}
		if side := loader.SidecarFor(corpus.Docs, lookup); side != "" {
			if src.Sidecar, err = fs.ReadFile(corpus.Docs, side); err != nil {
				return err
			}
		}
		items = append(items, Item{Source: src})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read demo corpus: %w", err)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Source.Path < items[j].Source.Path })
	return items, nil
}

// LoadDemoCorpus loads the demo documents (idempotent: unchanged documents are skipped) and
// removes demo documents that the binary no longer carries.
func (s *Store) LoadDemoCorpus(ctx context.Context) (Report, error) {
	items, err := DemoSources()
	if err != nil {
		return Report{}, err
	}
	keep := map[string]bool{}
	for _, it := range items {
		keep[it.Source.Path] = true
	}
	rows, err := s.pool.Query(ctx, `SELECT path FROM documents WHERE starts_with(path, $1)`, DemoPrefix)
	if err != nil {
		return Report{}, fmt.Errorf("list demo documents: %w", err)
	}
	loaded, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return Report{}, fmt.Errorf("list demo documents: %w", err)
	}
	var gone []string
	for _, p := range loaded {
		if !keep[p] {
			gone = append(gone, p)
		}
	}
	return s.Ingest(ctx, items, IngestOptions{Remove: gone, StartedBy: "demo"})
}
