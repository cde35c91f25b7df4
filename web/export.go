package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/comune-bologna/conoscenza/agent"
	"github.com/comune-bologna/conoscenza/agent/audit"
	"github.com/comune-bologna/conoscenza/agent/tool"
)

// Bounds of an XLSX export. A chat table holds at most 5000 rows (the semantic layer's cap),
// so the body cap leaves room for that with long labels, and no more.
const (
	maxExportBody    = 4 << 20
	maxExportRows    = 5000
	maxExportColumns = 100
	// maxCellText is Excel's limit on the characters of one cell; longer text is cut.
	maxCellText = 32767
)

// xlsxContentType is the media type of an Office Open XML workbook.
const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// bodyLimit is the body cap of a route (by its Gin pattern): the export carries a whole table.
func bodyLimit(route string) int64 {
	if route == "/api/v1/export/xlsx" {
		return maxExportBody
	}
	return 0
}

// handleExportXLSX answers one result table, exactly as the chat shows it (agent/tool.Table
// JSON), as a workbook: a "Dati" sheet with the rows (numbers stay numbers) and a
// "Provenienza" sheet with the title, SQL, parameters, sources with their as-of date, and who
// exported it when. Any signed-in role may export: the table is already theirs to see, and
// the export is audited.
func (s *Server) handleExportXLSX(c *gin.Context) {
	tb, err := decodeExportTable(c.Request.Body)
	if err != nil {
		s.fail(c, err)
		return
	}
	p := principal(c)
	now := time.Now().UTC()
	f, err := tableWorkbook(tb, exportMeta{At: now, User: p.Username, Role: string(p.Role), Version: s.Version})
	if err != nil {
		s.fail(c, fmt.Errorf("export xlsx %q: %w", tb.Title, err))
		return
	}
	defer f.Close()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		s.fail(c, fmt.Errorf("export xlsx %q: write workbook: %w", tb.Title, err))
		return
	}
	s.auditExport(c, tb)
	name := exportName(tb.Title, now)
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, name, url.PathEscape(name)))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, xlsxContentType, buf.Bytes())
}

// decodeExportTable reads the table strictly (unknown fields are mistakes), keeping numbers
// as json.Number so that 12 stays an integer and 0.1 is not rounded, and bounds its size.
func decodeExportTable(r io.Reader) (*tool.Table, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	dec.UseNumber()
	var tb tool.Table
	if err := dec.Decode(&tb); err != nil {
		return nil, jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, err
		}
		return nil, invalid("JSON non valido: dati dopo la tabella")
	}
	switch {
	case len(tb.Columns) == 0:
		return nil, invalid("la tabella non ha colonne: atteso il JSON di una tabella della risposta (columns, rows)")
	case len(tb.Columns) > maxExportColumns:
		return nil, invalid("la tabella ha %d colonne: al massimo %d", len(tb.Columns), maxExportColumns)
	case len(tb.Rows) > maxExportRows:
		return nil, invalid("la tabella ha %d righe: al massimo %d", len(tb.Rows), maxExportRows)
	}
	for i, row := range tb.Rows {
		if len(row) > len(tb.Columns) {
			return nil, invalid("la riga %d ha %d valori ma le colonne sono %d", i+1, len(row), len(tb.Columns))
		}
	}
	return &tb, nil
}

// exportMeta is who exported a table, when, and with which version.
type exportMeta struct {
	At         time.Time
	User, Role string
	Version    string
}

// tableWorkbook builds the two sheets.
func tableWorkbook(tb *tool.Table, m exportMeta) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", "Dati"); err != nil {
		f.Close()
		return nil, fmt.Errorf("rename sheet: %w", err)
	}
	if err := writeData(f, tb); err != nil {
		f.Close()
		return nil, fmt.Errorf("sheet Dati: %w", err)
	}
	if err := writeProvenance(f, tb, m); err != nil {
		f.Close()
		return nil, fmt.Errorf("sheet Provenienza: %w", err)
	}
	title := tb.Title
	if title == "" {
		title = "Tabella"
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: cellText(title), Creator: "Conoscenza — " + m.User,
		Created: m.At.Format(time.RFC3339), Description: "Dati aggiornati al " + tb.AsOf}); err != nil {
		f.Close()
		return nil, fmt.Errorf("document properties: %w", err)
	}
	return f, nil
}

// writeData writes the header (column labels, bold, frozen) and the rows.
func writeData(f *excelize.File, tb *tool.Table) error {
	const sheet = "Dati"
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DCE8F5"}}})
	if err != nil {
		return err
	}
	intStyle, err := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	if err != nil {
		return err
	}
	decStyle, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return err
	}
	header := make([]any, len(tb.Columns))
	widths := make([]int, len(tb.Columns))
	for i, col := range tb.Columns {
		label := col.Label
		if label == "" {
			label = col.Name
		}
		header[i] = cellText(label)
		widths[i] = utf8.RuneCountInString(label)
	}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return err
	}
	decimals := make([]bool, len(tb.Columns))
	for r, row := range tb.Rows {
		vals := make([]any, len(row))
		for i, v := range row {
			vals[i] = cellValue(v)
			if x, ok := vals[i].(float64); ok && x != math.Trunc(x) {
				decimals[i] = true
			}
			if n := utf8.RuneCountInString(fmt.Sprint(vals[i])); n > widths[i] {
				widths[i] = n
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			return fmt.Errorf("row %d: %w", r+1, err)
		}
	}
	last := len(tb.Rows) + 1
	for i, col := range tb.Columns {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, name, name, float64(min(max(widths[i], 8), 60)+2)); err != nil {
			return err
		}
		if col.Type == "number" && len(tb.Rows) > 0 && !plainNumber[col.Name] {
			style := intStyle
			if decimals[i] {
				style = decStyle
			}
			if err := f.SetCellStyle(sheet, name+"2", fmt.Sprintf("%s%d", name, last), style); err != nil {
				return err
			}
		}
	}
	lastCol, _ := excelize.ColumnNumberToName(len(tb.Columns))
	if err := f.SetCellStyle(sheet, "A1", lastCol+"1", bold); err != nil {
		return err
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// plainNumber names number columns that are labels rather than quantities: a year reads
// 2025, not 2.025.
var plainNumber = map[string]bool{"anno": true, "mese": true, "trimestre": true, "semestre": true}

// cellValue turns a decoded JSON value into what a cell holds: numbers as numbers (integers
// as integers), booleans as booleans, text as text (never a formula: excelize writes strings
// as strings), objects as their JSON.
func cellValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		if fl, err := x.Float64(); err == nil {
			return fl
		}
		return cellText(x.String())
	case string:
		return cellText(x)
	case bool:
		return x
	default:
		b, _ := json.Marshal(x)
		return cellText(string(b))
	}
}

// cellText keeps text within a cell's limit.
func cellText(s string) string {
	if utf8.RuneCountInString(s) <= maxCellText {
		return s
	}
	r := []rune(s)
	return string(r[:maxCellText-1]) + "…"
}

// writeProvenance writes where the numbers come from, as label/value rows.
func writeProvenance(f *excelize.File, tb *tool.Table, m exportMeta) error {
	const sheet = "Provenienza"
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	var rows [][]any
	add := func(vals ...any) { rows = append(rows, vals) }
	add("Titolo", tb.Title)
	if tb.Metric != "" {
		add("Misura", tb.Metric)
	}
	if tb.Unit != "" {
		add("Unità", tb.Unit)
	}
	add("Dati aggiornati al", orUnknown(tb.AsOf))
	add("Righe", len(tb.Rows))
	add("Query SQL", tb.SQL)
	if len(tb.Params) == 0 {
		add("Parametri", "nessuno")
	}
	for i, p := range tb.Params {
		add(fmt.Sprintf("Parametro $%d", i+1), cellValue(p))
	}
	if tb.Query != nil {
		if b, err := json.Marshal(tb.Query); err == nil {
			add("Query del catalogo (JSON)", string(b))
		}
	}
	if tb.Suppressed > 0 {
		add("Celle nascoste (numeri troppo piccoli)", tb.Suppressed)
	}
	for _, n := range tb.Notes {
		add("Nota", n)
	}
	add()
	add("Fonte", "Descrizione", "Dati aggiornati al")
	sourcesAt := len(rows)
	for _, src := range tb.Sources {
		add(src.Name, src.Description, orUnknown(src.AsOf))
	}
	add()
	add("Esportato il", m.At.Format("2006-01-02 15:04:05")+" UTC")
	who := m.User
	if m.Role != "" {
		who += " (" + m.Role + ")"
	}
	add("Esportato da", who)
	add("Generato da", "Conoscenza "+m.Version)
	for i, row := range rows {
		for j, v := range row {
			if s, ok := v.(string); ok {
				row[j] = cellText(s)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return fmt.Errorf("row %d: %w", i+1, err)
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", fmt.Sprintf("A%d", len(rows)), bold); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, fmt.Sprintf("B%d", sourcesAt), fmt.Sprintf("C%d", sourcesAt), bold); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "B1", fmt.Sprintf("B%d", len(rows)), wrap); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "A", "A", 34); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "B", 100); err != nil {
		return err
	}
	return f.SetColWidth(sheet, "C", "C", 20)
}

// orUnknown says so when a date is missing rather than leaving a blank that reads as an omission.
func orUnknown(date string) string {
	if date == "" {
		return "non indicata"
	}
	return date
}

// exportName is an ASCII file name for the workbook, from the title and the date.
func exportName(title string, at time.Time) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(title)) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case unicode.Is(unicode.Mn, r):
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	slug := strings.Trim(b.String(), "-")
	if slug == "" {
		slug = "tabella"
	}
	return slug + "-" + at.Format("20060102") + ".xlsx"
}

// auditExport records the export (what was exported, with its SQL and rows) when an auditor
// is configured; a failure to record is logged, not served, as for the tool routes.
func (s *Server) auditExport(c *gin.Context, tb *tool.Table) {
	if s.opt.Audit == nil {
		return
	}
	p := principal(c)
	sources := make([]string, 0, len(tb.Sources))
	for _, src := range tb.Sources {
		sources = append(sources, src.Name)
	}
	object := "table"
	if tb.Metric != "" {
		object = "table:" + tb.Metric
	}
	e := audit.Entry{Actor: agent.Actor(p), Action: audit.Export, Object: object, Rows: audit.N(len(tb.Rows)),
		Detail: map[string]any{"what": "table", "format": "xlsx", "title": tb.Title, "sql": tb.SQL,
			"params": tb.Params, "sources": sources, "as_of": tb.AsOf, "columns": len(tb.Columns),
			"request_id": requestID(c), "role": string(p.Role), "via": "api"}}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 5*time.Second)
	defer cancel()
	if _, err := s.opt.Audit.Append(ctx, e); err != nil {
		s.Logger.Error("audit append failed", "request_id", requestID(c), "action", e.Action, "err", err)
	}
}
