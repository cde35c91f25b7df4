package web

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/retrieval"
	"github.com/comune-bologna/conoscenza/retrieval/loader"
)

// DocumentLibrary loads, lists and removes the city's documents (retrieval.Store over the
// owner pool satisfies it): an upload runs what `conoscenza ingest docs FILE` runs, a removal
// what `conoscenza ingest docs --remove PATH` runs.
type DocumentLibrary interface {
	Ingest(ctx context.Context, items []retrieval.Item, opt retrieval.IngestOptions) (retrieval.Report, error)
	Documents(ctx context.Context, f retrieval.DocumentFilter) ([]retrieval.DocumentInfo, int, error)
	Document(ctx context.Context, id int64) (retrieval.DocumentInfo, error)
	DocumentByPath(ctx context.Context, path string) (retrieval.DocumentInfo, error)
}

// UploadedPrefix is the path under which documents uploaded from the browser are stored: the
// same file name uploaded again replaces the document (or changes nothing if it is the same).
const UploadedPrefix = "caricati/"

// docTimeout bounds one document load or removal (the local embedder may be fitted again on
// the whole library); it outlives the request so that a started load ends cleanly.
const docTimeout = 10 * time.Minute

// DocumentList is the answer of GET /api/v1/documents.
type DocumentList struct {
	Documents []retrieval.DocumentInfo `json:"documents"`
	Total     int                      `json:"total"`
	Limit     int                      `json:"limit"`
	Offset    int                      `json:"offset"`
}

// DocumentChange is the answer of POST /api/v1/documents and DELETE /api/v1/documents/{id}:
// the document (as loaded, or as it was before removal) and the load's report.
type DocumentChange struct {
	Status   string                  `json:"status"` // added, replaced, unchanged, removed
	Document *retrieval.DocumentInfo `json:"document,omitempty"`
	Report   retrieval.Report        `json:"report"`
}

// handleDocuments lists the library (?q= words of the title or path, ?type=, limit, offset).
// Every role may list it: every role may search it.
func (s *Server) handleDocuments(c *gin.Context) {
	if !s.need(c, s.opt.Services.Library != nil) {
		return
	}
	limit, offset, err := pageParams(c, 100, 500)
	if err != nil {
		s.fail(c, err)
		return
	}
	q := c.Query("q")
	if len([]rune(q)) > maxSearchText {
		s.fail(c, invalid("il parametro q supera i %d caratteri", maxSearchText))
		return
	}
	docs, total, err := s.opt.Services.Library.Documents(c.Request.Context(),
		retrieval.DocumentFilter{Text: q, Type: c.Query("type"), Limit: limit, Offset: offset})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, DocumentList{Documents: docs, Total: total, Limit: limit, Offset: offset})
}

// handleDocumentUpload loads one document (form fields: file, and meta: its .meta.json
// sidecar) through the retrieval loader, as `conoscenza ingest docs` does.
func (s *Server) handleDocumentUpload(c *gin.Context) {
	if !s.allowDati(c) || !s.need(c, s.opt.Services.Library != nil) {
		return
	}
	mr, err := multipartReader(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var src loader.Source
	var name string
	err = eachPart(mr, func(part *multipart.Part) (err error) {
		switch part.FormName() {
		case "file":
			if name, err = uploadName(part.FileName()); err == nil {
				if loader.FormatOf(name) == "" {
					err = invalid("%s: %v", name, loader.ErrUnsupported)
				} else {
					src.Data, err = readBounded(part, MaxDocumentUpload)
				}
			}
		case "meta":
			if src.Sidecar, err = readBounded(part, 1<<20); err == nil && len(src.Sidecar) == 0 {
				src.Sidecar = nil
			}
		}
		return err
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	if name == "" || len(src.Data) == 0 {
		s.fail(c, invalid("manca il documento (campo file del modulo) o è vuoto"))
		return
	}
	src.Path = UploadedPrefix + name
	p := principal(c)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), docTimeout)
	defer cancel()
	lib := s.opt.Services.Library
	rep, err := lib.Ingest(ctx, []retrieval.Item{{Source: src}}, retrieval.IngestOptions{StartedBy: p.Username})
	if err != nil {
		s.fail(c, err)
		return
	}
	out := DocumentChange{Status: "failed", Report: rep}
	if len(rep.Results) > 0 {
		out.Status = rep.Results[0].Status
	}
	action := map[string]string{"added": audit.DocumentAdd, "replaced": audit.DocumentChange}[out.Status]
	if action == "" {
		action = audit.Upload
	}
	detail := map[string]any{"path": src.Path, "bytes": len(src.Data), "sidecar": src.Sidecar != nil, "status": out.Status,
		"batch_id": rep.BatchID, "request_id": requestID(c), "role": string(p.Role), "via": "web"}
	if out.Status == "failed" {
		detail["error"] = rep.Results[0].Error
	}
	object := "document:" + src.Path
	if out.Status != "failed" {
		if d, err := lib.DocumentByPath(ctx, src.Path); err == nil {
			out.Document = &d
			object = "document:" + strconv.FormatInt(d.ID, 10)
		} else {
			s.Logger.Warn("read uploaded document", "path", src.Path, "err", err)
		}
	}
	s.appendAudit(audit.Entry{Actor: agent.Actor(p), Action: action, Object: object, Detail: detail}, requestID(c))
	if out.Status == "failed" {
		s.fail(c, invalid("%s non caricato: %s", name, rep.Results[0].Error))
		return
	}
	status := http.StatusOK
	if out.Status == "added" {
		status = http.StatusCreated
	}
	c.JSON(status, out)
}

// readBounded reads a form part of at most max bytes (413 beyond).
func readBounded(r io.Reader, max int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if int64(len(b)) > max {
		return nil, &http.MaxBytesError{Limit: max}
	}
	return b, nil
}

// handleDocumentDelete removes a document and its passages (recorded as a docs batch and in the
// audit log).
func (s *Server) handleDocumentDelete(c *gin.Context) {
	if !s.allowDati(c) || !s.need(c, s.opt.Services.Library != nil) {
		return
	}
	id, err := idParam(c, "documento")
	if err != nil {
		s.fail(c, err)
		return
	}
	lib := s.opt.Services.Library
	d, err := lib.Document(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := principal(c)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), docTimeout)
	defer cancel()
	rep, err := lib.Ingest(ctx, nil, retrieval.IngestOptions{Remove: []string{d.Path}, StartedBy: p.Username})
	if err != nil {
		s.fail(c, err)
		return
	}
	if rep.Removed != 1 {
		// Someone else removed it in the meantime.
		s.fail(c, db.Errorf(db.CodeNotFound, "documento %d non trovato", id))
		return
	}
	s.appendAudit(audit.Entry{Actor: agent.Actor(p), Action: audit.DocumentRemove, Object: "document:" + strconv.FormatInt(id, 10),
		Rows: audit.N(d.Chunks), Detail: map[string]any{"path": d.Path, "title": d.Title, "batch_id": rep.BatchID,
			"request_id": requestID(c), "role": string(p.Role), "via": "web"}}, requestID(c))
	c.JSON(http.StatusOK, DocumentChange{Status: "removed", Document: &d, Report: rep})
}
