package tool

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/dossier"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/sqlguard"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/retrieval"
)

// Searcher finds document passages (retrieval.Store satisfies it).
type Searcher interface {
	Search(ctx context.Context, query string, opt retrieval.SearchOptions) (retrieval.SearchResponse, error)
}

// Executor runs tool calls for a principal, checking the role on every call.
type Executor struct {
	Engine  *semantic.Engine
	Docs    Searcher // nil: no document library
	Dossier *dossier.Service
	SQL     *sqlguard.Runner
}

// maxRowsForModel bounds the rows a model reads back; the user still gets the whole table.
const maxRowsForModel = 60

// Execute runs one call. Errors come back inside the Result (so a model can correct itself);
// the returned error is only for a cancelled context.
func (x *Executor) Execute(ctx context.Context, p Principal, c Call) Result {
	res := Result{Call: c}
	fail := func(err error) Result {
		res.Code = string(db.ErrorCode(err))
		res.Error = db.ErrorMessage(err) // internal details stay in Cause, for the log
		res.Cause = err
		res.Content = `{"errore": ` + jsonString(res.Error) + `}`
		return res
	}
	if !Allowed(p.Role, c.Name) {
		if !contains(Names(), c.Name) {
			return fail(db.Errorf(db.CodeInvalid, "lo strumento %q non esiste", c.Name))
		}
		return fail(db.Errorf(db.CodeForbidden, "lo strumento %s non è consentito al ruolo %s", c.Name, p.Role))
	}
	var err error
	switch c.Name {
	case QueryMetrics:
		err = x.queryMetrics(ctx, p, c, &res)
	case DescribeCatalog:
		err = x.describe(&res)
	case SearchDocuments:
		err = x.searchDocuments(ctx, c, &res)
	case Platea:
		err = x.platea(ctx, p, c, &res)
	case BandoOutcome:
		err = x.outcome(ctx, c, &res)
	case CompanyDossier:
		err = x.dossier(ctx, p, c, &res)
	case RunSQL:
		err = x.runSQL(ctx, c, &res)
	}
	if err != nil {
		return fail(err)
	}
	return res
}

func decode(c Call, v any) error {
	args := c.Arguments
	if len(bytes.TrimSpace(args)) == 0 || string(bytes.TrimSpace(args)) == "null" {
		args = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(args))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return db.Errorf(db.CodeInvalid, "argomenti di %s non validi: %v", c.Name, err)
	}
	return nil
}

func (x *Executor) queryMetrics(ctx context.Context, p Principal, c Call, res *Result) error {
	var q semantic.Query
	if err := decode(c, &q); err != nil {
		return err
	}
	r, err := x.Engine.Run(ctx, q, semantic.Policy{AllowDetails: SeesDetails(p.Role)})
	if err != nil {
		return err
	}
	t := TableFromResult(x.Engine.Catalog(), r)
	res.Tables = []Table{t}
	res.SQL = []string{r.SQL}
	res.Rows = r.RowCount
	res.Content = contentForModel(t)
	return nil
}

func (x *Executor) describe(res *Result) error {
	cat := x.Engine.Catalog()
	type m struct{ Nome, Descrizione, Unita, Fonte string }
	type d struct {
		Nome, Descrizione string
		Valori            []string `json:",omitempty"`
	}
	out := struct {
		Metriche   []m
		Dimensioni []d
	}{}
	for _, x := range cat.Metrics {
		out.Metriche = append(out.Metriche, m{x.Name, x.IT + ": " + x.Description, x.Unit, cat.Sources[x.Source].IT})
	}
	for _, x := range cat.Dimensions {
		out.Dimensioni = append(out.Dimensioni, d{x.Name, x.IT, x.Values})
	}
	b, _ := json.Marshal(out)
	res.Content = string(b)
	return nil
}

func (x *Executor) searchDocuments(ctx context.Context, c Call, res *Result) error {
	var a struct {
		Query string   `json:"query"`
		Types []string `json:"types"`
		Limit int      `json:"limit"`
	}
	if err := decode(c, &a); err != nil {
		return err
	}
	if x.Docs == nil {
		return db.Errorf(db.CodeUnavailable, "la biblioteca dei documenti non è disponibile")
	}
	if a.Limit <= 0 || a.Limit > 10 {
		a.Limit = 5
	}
	resp, err := x.Docs.Search(ctx, a.Query, retrieval.SearchOptions{Limit: a.Limit, Filter: retrieval.Filter{Types: a.Types}})
	if err != nil {
		return err
	}
	res.Rows = len(resp.Results)
	if resp.Support != nil && !resp.Support.Answered {
		// The nearest passages are about something else: quoting them as the answer would
		// mislead. They stay available as further reading.
		res.Related = citations(resp.Results)
		res.Content = notAnsweredNotice + "\n\n" + retrieval.RenderForModel(resp.Results)
		return nil
	}
	// Passages about another matter than the first (retrieval.Result.OffTopic) are not cited
	// beside it as part of the answer.
	var on, off []retrieval.Result
	for _, r := range resp.Results {
		if r.OffTopic {
			off = append(off, r)
		} else {
			on = append(on, r)
		}
	}
	res.Citations, res.Related = citations(on), citations(off)
	res.Content = retrieval.RenderForModel(on)
	return nil
}

// citations numbers passages D1, D2, ... in order, as RenderForModel does.
func citations(rs []retrieval.Result) []Citation {
	var cs []Citation
	for i, r := range rs {
		cs = append(cs, Citation{
			ID: fmt.Sprintf("D%d", i+1), Document: r.Path, Title: r.Title, Section: r.SectionLabel(),
			Page: r.Page, Quote: r.Quote, URL: r.URL, DocType: r.DocType, Date: r.Date,
		})
	}
	return cs
}

// notAnsweredNotice tells a model that the passages found do not answer the question (Italian,
// as the prompts are).
const notAnsweredNotice = `NESSUNO dei brani seguenti risponde alla domanda: sono solo i più vicini nella biblioteca, su
altri argomenti. Di' che nei documenti caricati non c'è la risposta; puoi segnalarli come letture
che potrebbero interessare, senza citarli come risposta.`

func (x *Executor) platea(ctx context.Context, p Principal, c Call, res *Result) error {
	var req semantic.PlateaRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	pl, err := x.Engine.Platea(ctx, req, semantic.Policy{AllowDetails: SeesDetails(p.Role)})
	if err != nil {
		return err
	}
	cat := x.Engine.Catalog()
	t := TableFromResult(cat, pl.Total)
	t.Title = "Platea: imprese che rispondono ai criteri"
	res.Tables = append(res.Tables, t)
	summary := map[string]any{"imprese": pl.Count, "dati_al": pl.Total.AsOf}
	for _, b := range pl.Breakdowns {
		bt := TableFromResult(cat, b)
		res.Tables = append(res.Tables, bt)
		summary["per_"+b.Columns[0].Name] = rowsForModel(bt)
	}
	if pl.List != nil {
		lt := TableFromResult(cat, pl.List)
		lt.Title = "Elenco delle imprese della platea"
		res.Tables = append(res.Tables, lt)
		summary["elenco_righe"] = pl.List.RowCount
	}
	for _, t := range res.Tables {
		res.SQL = append(res.SQL, t.SQL)
	}
	res.Rows = int(pl.Count)
	b, _ := json.Marshal(summary)
	res.Content = string(b)
	return nil
}

func (x *Executor) outcome(ctx context.Context, c Call, res *Result) error {
	var a struct {
		Bando   string            `json:"bando"`
		Filters []semantic.Filter `json:"filters"`
	}
	if err := decode(c, &a); err != nil {
		return err
	}
	r, err := x.Engine.Outcome(ctx, a.Bando, a.Filters)
	if err != nil {
		return err
	}
	t := TableFromResult(x.Engine.Catalog(), r)
	t.Title = "Esito del bando " + a.Bando + ": beneficiarie a confronto"
	res.Tables, res.SQL, res.Rows = []Table{t}, []string{r.SQL}, r.RowCount
	res.Content = contentForModel(t)
	return nil
}

func (x *Executor) dossier(ctx context.Context, p Principal, c Call, res *Result) error {
	var a struct {
		CF   string `json:"codice_fiscale"`
		Name string `json:"name"`
	}
	if err := decode(c, &a); err != nil {
		return err
	}
	v := dossier.Viewer{Personal: SeesDetails(p.Role)}
	key := strings.TrimSpace(a.CF)
	if key == "" {
		cands, err := x.Dossier.Search(ctx, a.Name, 10, v)
		if err != nil {
			return err
		}
		if len(cands) != 1 {
			b, _ := json.Marshal(map[string]any{"candidati": cands, "nota": "più imprese (o nessuna) corrispondono: chiedi il codice fiscale"})
			res.Content, res.Rows = string(b), len(cands)
			return nil
		}
		key = cands[0].CodiceFiscale
	}
	d, err := x.Dossier.Get(ctx, key, v)
	if err != nil {
		return err
	}
	res.Dossier, res.SQL, res.Rows = d, d.SQL, 1
	b, _ := json.Marshal(d)
	res.Content = string(b)
	return nil
}

func (x *Executor) runSQL(ctx context.Context, c Call, res *Result) error {
	var a struct {
		SQL string `json:"sql"`
	}
	if err := decode(c, &a); err != nil {
		return err
	}
	r, err := x.SQL.Run(ctx, a.SQL)
	if err != nil {
		return err
	}
	t := Table{Title: "Interrogazione SQL", Query: a.SQL, SQL: r.SQL, Rows: r.Rows,
		Sources: []semantic.SourceInfo{{Name: "api", Description: "viste in sola lettura del database"}}}
	for _, col := range r.Columns {
		t.Columns = append(t.Columns, semantic.Column{Name: col.Name, Label: col.Name, Type: col.Type})
	}
	if r.Truncated {
		t.Notes = append(t.Notes, fmt.Sprintf("risultato troncato a %d righe", r.RowCount))
	}
	res.Tables, res.SQL, res.Rows = []Table{t}, []string{r.SQL}, r.RowCount
	res.Content = contentForModel(t)
	return nil
}

// TableFromResult turns a semantic result into a table with a readable title.
func TableFromResult(cat *catalog.Catalog, r *semantic.Result) Table {
	return Table{Title: Title(cat, r.Query, r.Metric), Metric: r.Metric, Unit: r.Unit, Columns: r.Columns, Rows: r.Rows,
		Query: r.Query, SQL: r.SQL, Params: r.Params, Sources: r.Sources, AsOf: r.AsOf, Notes: r.Notes, Suppressed: r.Suppressed,
		Reconstructed: r.Reconstructed}
}

// Title describes a typed query in Italian: "Chiusure per quartiere — imprese femminili: sì,
// dal 01/01/2020". Dimensions read by their Italian names, operators and comparisons as words,
// dates as the UI writes them.
func Title(cat *catalog.Catalog, q semantic.Query, metric string) string {
	name := metric
	if m, ok := cat.Metric(metric); ok {
		name = m.IT
	}
	var parts []string
	for _, g := range q.GroupBy {
		if d, ok := cat.Dimension(g); ok {
			parts = append(parts, strings.ToLower(d.IT))
		}
	}
	title := name
	if len(parts) > 0 {
		title += " per " + strings.Join(parts, " e ")
	}
	var cond []string
	for _, f := range append(q.Filters, q.Subset...) {
		cond = append(cond, filterTitle(cat, f))
	}
	switch {
	case q.From != "" && q.To != "":
		cond = append(cond, "dal "+italianDate(q.From)+" al "+italianDate(q.To))
	case q.From != "":
		cond = append(cond, "dal "+italianDate(q.From))
	case q.To != "":
		cond = append(cond, "fino al "+italianDate(q.To))
	}
	if q.AsOf != "" {
		cond = append(cond, "situazione al "+italianDate(q.AsOf))
	}
	if c, ok := compareTitle[q.CompareTo]; ok {
		cond = append(cond, c)
	} else if q.CompareTo != "" {
		cond = append(cond, "confronto: "+strings.ReplaceAll(q.CompareTo, "_", " "))
	}
	if len(cond) > 0 {
		title += " — " + strings.Join(cond, ", ")
	}
	return title
}

var compareTitle = map[string]string{
	"previous_period": "confronto con il periodo precedente",
	"previous_year":   "confronto con lo stesso periodo dell'anno precedente",
}

// filterTitle writes one filter: "quartiere: Navile", "quartiere escluso Navile",
// "anzianità di iscrizione tra 58 e 69 mesi", "addetti ≥ 10".
func filterTitle(cat *catalog.Catalog, f semantic.Filter) string {
	label, unit := f.Dimension, ""
	if d, ok := cat.Dimension(f.Dimension); ok {
		label = strings.ToLower(d.IT)
		if d.Type == "months" {
			unit = " mesi"
		}
	}
	v := f.Value
	if v == nil {
		v = f.Values
	}
	value := titleValue(v)
	switch f.Op {
	case "", "=", "in":
		return label + ": " + value
	case "not_in", "!=":
		return label + " escluso " + value
	case "between":
		if vs, ok := v.([]any); ok && len(vs) == 2 {
			return label + " tra " + titleValue(vs[0]) + " e " + titleValue(vs[1]) + unit
		}
		return label + " tra " + value + unit
	case "<", "<=", ">", ">=":
		sym := map[string]string{"<": "<", "<=": "≤", ">": ">", ">=": "≥"}[f.Op]
		return label + " " + sym + " " + value + unit
	}
	return label + " " + f.Op + " " + value
}

// titleValue writes a filter's value: booleans as sì/no, lists joined by commas, ISO dates
// as dd/mm/yyyy.
func titleValue(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "sì"
		}
		return "no"
	case string:
		return italianDate(x)
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = titleValue(e)
		}
		return strings.Join(out, ", ")
	case []string:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = italianDate(e)
		}
		return strings.Join(out, ", ")
	}
	return fmt.Sprint(v)
}

// italianDate writes an ISO date (YYYY-MM-DD) as 31/12/2024; anything else is returned as is.
func italianDate(s string) string {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.Format("02/01/2006")
	}
	return s
}

func rowsForModel(t Table) [][]any {
	if len(t.Rows) > maxRowsForModel {
		return t.Rows[:maxRowsForModel]
	}
	return t.Rows
}

func contentForModel(t Table) string {
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = c.Name
	}
	out := map[string]any{"tabella": t.Title, "colonne": cols, "righe": rowsForModel(t), "dati_al": t.AsOf, "righe_totali": len(t.Rows)}
	if len(t.Notes) > 0 {
		out["note"] = t.Notes
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
