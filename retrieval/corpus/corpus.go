// Package corpus is the demo library: fictional municipal documents written in Italian for this
// project (grant calls, COVID measures, plans, regulations, reports), and the retrieval
// evaluation set that asks questions about them. Every document says it is fictional.
package corpus

import "embed"

// Docs holds the demo documents under docs/: Markdown with front matter, text with .meta.json
// sidecars, HTML, and .pdf.txt sources rendered to PDF at load time.
//
//go:embed docs
var Docs embed.FS

// EvalJSON is the retrieval evaluation set: questions written the way an assessore asks them,
// each with the document and section that answers it.
//
//go:embed eval.json
var EvalJSON []byte
