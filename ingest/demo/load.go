package demo

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"github.com/comune-bologna/conoscenza/ingest"
)

// LoadOrder is the order the files of a manifest must be loaded in: the street register
// first (addresses are attributed against it), the register snapshots by date, then the rest.
var LoadOrder = []string{"stradario", "imprese", "cig", "suap", "contributi"}

// Load loads every file of a generated data set through the real ingest, in LoadOrder, and
// returns one summary per file. Loading the same files again changes nothing.
func Load(ctx context.Context, l *ingest.Loader, dir string, man Manifest) ([]ingest.Summary, error) {
	files := append([]FileInfo(nil), man.Files...)
	rank := map[string]int{}
	for i, k := range LoadOrder {
		rank[k] = i
	}
	sort.SliceStable(files, func(i, j int) bool {
		if rank[files[i].Kind] != rank[files[j].Kind] {
			return rank[files[i].Kind] < rank[files[j].Kind]
		}
		return files[i].AsOf < files[j].AsOf
	})
	var out []ingest.Summary
	for _, f := range files {
		kind, err := ingest.ParseKind(f.Kind)
		if err != nil {
			return out, err
		}
		asOf, err := time.Parse(time.DateOnly, f.AsOf)
		if err != nil {
			return out, fmt.Errorf("manifest: %s as_of %q: %w", f.Name, f.AsOf, err)
		}
		sum, err := l.LoadFile(ctx, kind, filepath.Join(dir, f.Name), ingest.Options{AsOf: asOf, StartedBy: "demo"})
		if err != nil {
			return out, fmt.Errorf("load %s: %w", f.Name, err)
		}
		out = append(out, sum)
	}
	return out, nil
}
