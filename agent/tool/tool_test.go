package tool

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/dossier"
	"github.com/comune-bologna/conoscenza/agent/semantic"
	"github.com/comune-bologna/conoscenza/agent/sqlguard"
	"github.com/comune-bologna/conoscenza/ingest/db"
	"github.com/comune-bologna/conoscenza/ingest/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// expected is the authorization table the tests hold the code to: tool × role.
var expected = map[string]map[Role]bool{
	QueryMetrics:    {Decisore: true, Staff: true, Formatore: true, Admin: true},
	DescribeCatalog: {Decisore: true, Staff: true, Formatore: true, Admin: true},
	SearchDocuments: {Decisore: true, Staff: true, Formatore: true, Admin: true},
	Platea:          {Decisore: true, Staff: true, Formatore: true, Admin: true},
	BandoOutcome:    {Decisore: true, Staff: true, Formatore: true, Admin: true},
	CompanyDossier:  {Staff: true, Admin: true},
	RunSQL:          {Staff: true, Admin: true},
}

var roles = []Role{Decisore, Staff, Formatore, Admin}

func TestEveryToolHasARuleAndADefinition(t *testing.T) {
	var ruled []string
	for name := range allowed {
		ruled = append(ruled, name)
	}
	names := Names()
	sort.Strings(ruled)
	sorted := slices.Clone(names)
	sort.Strings(sorted)
	if !slices.Equal(ruled, sorted) {
		t.Errorf("tools with rules %v, Names() %v", ruled, sorted)
	}
	for name := range expected {
		if !slices.Contains(names, name) {
			t.Errorf("%s in the test table but not in Names()", name)
		}
	}
	for _, name := range names {
		if _, ok := expected[name]; !ok {
			t.Errorf("tool %s has no row in the authorization test table", name)
		}
	}
	defs := Definitions(Admin, catalog.Default())
	if len(defs) != len(names) {
		t.Errorf("admin sees %d definitions for %d tools", len(defs), len(names))
	}
	for _, d := range defs {
		var schema map[string]any
		if err := json.Unmarshal(d.Parameters, &schema); err != nil || schema["type"] != "object" {
			t.Errorf("%s: schema %s", d.Name, d.Parameters)
		}
	}
}

func TestEveryToolTimesEveryRole(t *testing.T) {
	d := dbtest.Shared(t)
	ctx := context.Background()
	ro, err := db.Open(ctx, d.ROURL)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	x := &Executor{Engine: semantic.NewEngine(ro, catalog.Default()), Dossier: &dossier.Service{Pool: ro}, SQL: &sqlguard.Runner{Pool: ro}}
	args := map[string]any{
		QueryMetrics:    map[string]any{"metric": "cig_domande"},
		DescribeCatalog: map[string]any{},
		SearchDocuments: map[string]any{"query": "bando"},
		Platea:          map[string]any{"filters": []any{}},
		BandoOutcome:    map[string]any{"bando": "B-1"},
		CompanyDossier:  map[string]any{"codice_fiscale": "00000000000"},
		RunSQL:          map[string]any{"sql": "SELECT count(*) FROM api.cig_domande"},
	}
	for _, name := range Names() {
		for _, role := range roles {
			res := x.Execute(ctx, Principal{Username: "u", Role: role}, NewCall(name, args[name]))
			allowedHere := expected[name][role]
			if Allowed(role, name) != allowedHere {
				t.Errorf("Allowed(%s, %s) = %v, want %v", role, name, !allowedHere, allowedHere)
			}
			forbidden := res.Code == string(db.CodeForbidden)
			if forbidden == allowedHere {
				t.Errorf("%s as %s: code %q error %q, want allowed=%v", name, role, res.Code, res.Error, allowedHere)
			}
			if !allowedHere && len(Definitions(role, catalog.Default())) == len(Names()) {
				t.Errorf("role %s is offered every tool", role)
			}
		}
	}
	if res := x.Execute(ctx, Principal{Role: Admin}, Call{Name: "drop_everything"}); res.Code != string(db.CodeInvalid) {
		t.Errorf("unknown tool: %+v", res)
	}
	res := x.Execute(ctx, Principal{Role: Staff}, NewCall(QueryMetrics, map[string]any{"metric": "cig_domande", "bogus": 1}))
	if res.Code != string(db.CodeInvalid) || res.Content == "" {
		t.Errorf("unknown argument: %+v", res)
	}
	res = x.Execute(ctx, Principal{Role: Staff}, NewCall(QueryMetrics, map[string]any{"metric": "cig_domande", "group_by": []string{"tipo_cig"}}))
	if res.Error != "" || len(res.Tables) != 1 || res.Tables[0].SQL == "" || res.Tables[0].Title != "Domande di cassa integrazione per tipo di cassa integrazione" {
		t.Errorf("query_metrics result: %+v", res)
	}
}
