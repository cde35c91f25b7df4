package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/agent/tool"
	"github.com/comune-bologna/conoscenza/ingest"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/territorio"
)

// DataLoader loads the monthly files and reads their batches (ingest.Loader over the owner
// pool satisfies it): the upload route runs exactly what `conoscenza ingest KIND FILE` runs.
type DataLoader interface {
	LoadFile(ctx context.Context, kind ingest.Kind, path string, opts ingest.Options) (ingest.Summary, error)
	BatchReports(ctx context.Context, f ingest.BatchFilter) ([]ingest.BatchReport, error)
	BatchReport(ctx context.Context, id int64) (ingest.BatchReport, error)
	RejectionsPage(ctx context.Context, batchID int64, offset, limit int) (ingest.RejectionPage, error)
	SourcesStatus(ctx context.Context) ([]ingest.SourceStatus, error)
}

// BoundaryLoader loads the city's boundaries (territorio.Store over the owner pool satisfies
// it): the upload of kind territorio runs exactly what `conoscenza ingest territorio` runs.
type BoundaryLoader interface {
	LoadFile(ctx context.Context, path string, opts territorio.Options) (territorio.Summary, error)
}

// kindTerritorio is the upload kind of the boundaries: not an ingest.Kind (another loader),
// but a batch kind like the others.
const kindTerritorio ingest.Kind = "territorio"

// Upload bounds: a monthly register file of the whole city is tens of MB; documents are
// smaller. Beyond them the answer is 413 before anything is written to disk past the bound.
const (
	MaxDataUpload     = 512 << 20
	MaxDocumentUpload = 64 << 20
	// loadTimeout bounds one load started from the browser: it outlives the request.
	loadTimeout = 2 * time.Hour
)

// uploadLimit is the body cap of the upload routes (by their Gin pattern), 0 for the others:
// they take files, every other route JSON of at most apitypes.MaxBodyBytes (limitBody
// applies both).
func uploadLimit(route string) int64 {
	switch route {
	case "/api/v1/ingest/:kind":
		return MaxDataUpload + 64<<10 // the file plus the form's other fields and boundaries
	case "/api/v1/documents":
		return MaxDocumentUpload + 64<<10
	}
	return 0
}

// datiRoles are the roles of the "Dati e documenti" page and of its routes that read batches
// or write data (the page table is the one place that says so).
func datiRoles() []tool.Role {
	for _, p := range pages {
		if p.path == "/dati" {
			return p.roles
		}
	}
	return []tool.Role{tool.Staff, tool.Admin}
}

// allowDati refuses (403) the roles that may not load or inspect data.
func (s *Server) allowDati(c *gin.Context) bool {
	if r := principal(c).Role; !slices.Contains(datiRoles(), r) {
		s.fail(c, db.Errorf(db.CodeForbidden, "caricare dati e documenti e vederne i lotti è riservato a staff e admin (ruolo %s)", r))
		return false
	}
	return true
}

// datiRoutes registers the routes of the "Dati e documenti" page: sources, batches, uploads
// with their jobs, and the document library.
func (s *Server) datiRoutes(api gin.IRouter) {
	jobs := newJobs()
	jobs.uploads.root = s.opt.UploadDir
	if jobs.uploads.root == "" {
		jobs.uploads.root = defaultUploadDir()
	}
	jobs.uploads.sweep(s.Logger) // the dead processes' leftovers, at startup
	api.GET("/sources", s.handleSources)
	api.GET("/batches", s.handleBatches)
	api.GET("/batches/:id", s.handleBatch)
	api.GET("/batches/:id/rejections", s.handleRejections)
	api.POST("/ingest/:kind", func(c *gin.Context) { s.handleIngestUpload(c, jobs) })
	api.GET("/ingest/jobs/:id", func(c *gin.Context) { s.handleIngestJob(c, jobs) })
	api.GET("/documents", s.handleDocuments)
	api.POST("/documents", s.handleDocumentUpload)
	api.DELETE("/documents/:id", s.handleDocumentDelete)
}

// handleSources says how current each source is (every role: the as-of dates are what every
// answer already shows).
func (s *Server) handleSources(c *gin.Context) {
	if !s.need(c, s.opt.Services.Data != nil) {
		return
	}
	src, err := s.opt.Services.Data.SourcesStatus(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"sources": src})
}

// intParam reads an optional integer query parameter within [lo, hi].
func intParam(c *gin.Context, name string, def, lo, hi int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, invalid("%s deve essere un intero tra %d e %d", name, lo, hi)
	}
	return n, nil
}

// pageParams reads ?limit= (default def, at most max) and ?offset= of a paged listing.
func pageParams(c *gin.Context, def, max int) (limit, offset int, err error) {
	if limit, err = intParam(c, "limit", def, 1, max); err != nil {
		return 0, 0, err
	}
	if offset, err = intParam(c, "offset", 0, 0, 1<<30); err != nil {
		return 0, 0, err
	}
	return limit, offset, nil
}

func idParam(c *gin.Context, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, invalid("%s %q non valido: atteso un numero", what, c.Param("id"))
	}
	return id, nil
}

// handleBatches lists the load batches, newest first (?kind=&limit=&offset=).
func (s *Server) handleBatches(c *gin.Context) {
	if !s.allowDati(c) || !s.need(c, s.opt.Services.Data != nil) {
		return
	}
	kind := c.Query("kind")
	if kind != "" && !slices.Contains(ingest.SourceKinds, kind) {
		s.fail(c, invalid("kind %q sconosciuto: %s", kind, strings.Join(ingest.SourceKinds, ", ")))
		return
	}
	limit, offset, err := pageParams(c, 50, 500)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, err := s.opt.Services.Data.BatchReports(c.Request.Context(), ingest.BatchFilter{Kind: kind, Limit: limit, Offset: offset})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"batches": list, "limit": limit, "offset": offset})
}

// handleBatch returns one batch's report.
func (s *Server) handleBatch(c *gin.Context) {
	if !s.allowDati(c) || !s.need(c, s.opt.Services.Data != nil) {
		return
	}
	id, err := idParam(c, "lotto")
	if err != nil {
		s.fail(c, err)
		return
	}
	b, err := s.opt.Services.Data.BatchReport(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, b)
}

// handleRejections pages through a batch's rejected rows (?offset=&limit=, at most 1000).
func (s *Server) handleRejections(c *gin.Context) {
	if !s.allowDati(c) || !s.need(c, s.opt.Services.Data != nil) {
		return
	}
	id, err := idParam(c, "lotto")
	if err != nil {
		s.fail(c, err)
		return
	}
	limit, offset, err := pageParams(c, 100, 1000)
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := s.opt.Services.Data.RejectionsPage(c.Request.Context(), id, offset, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// uploadName checks the name of an uploaded file and keeps only its last element: the loader
// reads the as-of date from it (imprese_2026-10.csv), and documents are keyed by it.
func uploadName(name string) (string, error) {
	name = filepath.Base(strings.ReplaceAll(strings.TrimSpace(name), `\`, "/"))
	if name == "" || name == "." || name == "/" || name == ".." || strings.HasPrefix(name, ".") || len(name) > 200 {
		return "", invalid("nome del file %q non valido", name)
	}
	if strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) || r == '/' }) >= 0 {
		return "", invalid("nome del file %q non valido: caratteri non ammessi", name)
	}
	return name, nil
}

// formValue reads a small form field.
func formValue(p *multipart.Part) (string, error) {
	b, err := io.ReadAll(io.LimitReader(p, 1<<10))
	return strings.TrimSpace(string(b)), err
}

// saveUpload copies a file part into dir under its own name, within max bytes.
func saveUpload(p *multipart.Part, dir, name string, max int64) (string, int64, error) {
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", 0, fmt.Errorf("store upload: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(p, max+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", n, fmt.Errorf("store upload: %w", err)
	}
	if n > max {
		return "", n, &http.MaxBytesError{Limit: max}
	}
	if n == 0 {
		return "", 0, invalid("il file %s è vuoto", name)
	}
	return path, n, nil
}

// multipartReader opens the form of an upload, or says what is wrong with the request.
func multipartReader(c *gin.Context) (*multipart.Reader, error) {
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, invalid("atteso un modulo multipart/form-data con il campo file")
	}
	return mr, nil
}

// eachPart calls fn for every part of a multipart form, in order, closing each part after
// it; the first error (of the form or of fn) stops the loop and is returned as uploadErr
// gives it.
func eachPart(mr *multipart.Reader, fn func(*multipart.Part) error) error {
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return uploadErr(err)
		}
		err = fn(part)
		part.Close()
		if err != nil {
			return uploadErr(err)
		}
	}
}

// uploadErr keeps the 413 of the body cap, and turns a broken form into a 400.
func uploadErr(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) || db.ErrorCode(err) != db.CodeInternal {
		return err
	}
	return invalid("modulo multipart non valido: %v", err)
}

// handleIngestUpload stores the uploaded monthly file in a temporary directory under its own
// name and starts its load as a job (202 with the job); the client follows the job.
// Form fields: file (required), as_of (YYYY-MM-DD, optional), allow_partial (imprese, stradario);
// level and name_property (territorio, as `conoscenza ingest territorio` --level and
// --name-property).
func (s *Server) handleIngestUpload(c *gin.Context, jobs *jobs) {
	if !s.allowDati(c) || !s.need(c, s.opt.Services.Data != nil) {
		return
	}
	var kind ingest.Kind
	var err error
	if strings.EqualFold(strings.TrimSpace(c.Param("kind")), string(kindTerritorio)) {
		if !s.need(c, s.opt.Services.Boundaries != nil) {
			return
		}
		kind = kindTerritorio
	} else if kind, err = ingest.ParseKind(c.Param("kind")); err != nil {
		s.fail(c, invalid("%v (oppure territorio)", err))
		return
	}
	mr, err := multipartReader(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	dir, err := jobs.uploads.dir()
	if err != nil {
		s.fail(c, err)
		return
	}
	keep := false
	defer func() {
		if !keep {
			os.RemoveAll(dir)
		}
	}()
	var opts ingest.Options
	var topts territorio.Options
	var path, name, asOf string
	var size int64
	err = eachPart(mr, func(part *multipart.Part) (err error) {
		switch part.FormName() {
		case "file":
			if path != "" {
				return invalid("un solo file per caricamento")
			}
			if name, err = uploadName(part.FileName()); err == nil {
				path, size, err = saveUpload(part, dir, name, MaxDataUpload)
			}
		case "as_of":
			if asOf, err = formValue(part); err == nil && asOf != "" {
				if opts.AsOf, err = time.Parse(time.DateOnly, asOf); err != nil {
					err = invalid("as_of %q: usare AAAA-MM-GG", asOf)
				}
			}
		case "allow_partial":
			var v string
			if v, err = formValue(part); err == nil {
				opts.AllowPartial = v == "1" || v == "true" || v == "on"
			}
		case "level":
			var v string
			if v, err = formValue(part); err == nil && v != "" {
				if topts.Level, err = territorio.ParseLevel(v); err != nil {
					err = invalid("level: %v", err)
				}
			}
		case "name_property":
			topts.NameProperty, err = formValue(part)
		}
		return err
	})
	if err != nil {
		s.fail(c, err)
		return
	}
	if path == "" {
		s.fail(c, invalid("manca il file: campo file del modulo"))
		return
	}
	p := principal(c)
	opts.StartedBy, topts.StartedBy = p.Username, p.Username
	job := jobs.add(kind, name, size, asOf, p.Username)
	keep = true
	go s.runLoad(job, jobs, dir, path, opts, topts, p, requestID(c))
	c.JSON(http.StatusAccepted, job.snapshot())
}

// runLoad runs one load job to its end with the ingest package's loader, then records it in
// the audit log. It outlives the request: a load, once its file is stored, finishes (and is
// atomic either way).
func (s *Server) runLoad(job *job, jobs *jobs, dir, path string, opts ingest.Options, topts territorio.Options, p tool.Principal, reqID string) {
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()
	var sum ingest.Summary
	var terr *TerritoryJob
	err := jobs.acquire(ctx, job)
	if err == nil {
		if job.kind == kindTerritorio {
			var ts territorio.Summary
			ts, err = s.opt.Services.Boundaries.LoadFile(ctx, path, topts)
			sum = ts.Summary
			if err == nil {
				terr = &TerritoryJob{Level: string(ts.Level), NameProperty: ts.NameProperty, Approximate: ts.Approximate,
					Source: ts.Source, Areas: ts.Areas, Missing: ts.Missing}
			}
		} else {
			opts.Progress = job
			sum, err = s.opt.Services.Data.LoadFile(ctx, job.kind, path, opts)
		}
		jobs.release()
	}
	job.finish(sum, terr, err)
	detail := map[string]any{"kind": string(job.kind), "file": job.file, "bytes": job.size, "job": job.id,
		"request_id": reqID, "role": string(p.Role), "via": "web"}
	object := "batch:"
	if err != nil {
		_, code, msg := statusFor(err)
		detail["error"], detail["code"] = msg, code
		s.Logger.Warn("upload load failed", "job", job.id, "kind", job.kind, "file", job.file, "err", err)
	} else {
		object += strconv.FormatInt(sum.BatchID, 10)
		detail["as_of"], detail["read"], detail["loaded"], detail["rejected"] = sum.AsOf, sum.Read, sum.Loaded, sum.Rejected
		detail["unchanged_file"] = sum.UnchangedFile
		if terr != nil {
			detail["level"], detail["name_property"] = terr.Level, terr.NameProperty
		}
	}
	s.appendAudit(audit.Entry{Actor: agent.Actor(p), Action: audit.Upload, Object: object, Rows: audit.N(sum.Loaded), Detail: detail}, reqID)
}

// appendAudit records one entry; a failure to record is logged (the action already happened).
func (s *Server) appendAudit(e audit.Entry, reqID string) {
	if s.opt.Audit == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := s.opt.Audit.Append(ctx, e); err != nil {
		s.Logger.Error("audit append failed", "request_id", reqID, "action", e.Action, "object", e.Object, "err", err)
	}
}

// handleIngestJob reports a load job: its phase and progress, then the batch report.
func (s *Server) handleIngestJob(c *gin.Context, jobs *jobs) {
	if !s.allowDati(c) {
		return
	}
	j := jobs.get(c.Param("id"))
	if j == nil {
		s.fail(c, db.Errorf(db.CodeNotFound, "caricamento %q non trovato (i caricamenti conclusi restano visibili tra i lotti)", c.Param("id")))
		return
	}
	c.JSON(http.StatusOK, j.snapshot())
}
