package eval

import (
	"os"
	"testing"

	"github.com/comune-bologna/conoscenza/agent/catalog"
	"github.com/comune-bologna/conoscenza/agent/planner"
)

// The plan part of the whole set runs without a database, so CI catches a planner regression.
func TestPlannerMakesTheExpectedCallsOnTheEvaluationSet(t *testing.T) {
	entries, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	r := PlanOnly(planner.New(catalog.Default()), entries)
	if testing.Verbose() {
		_ = r.Print(os.Stdout)
	}
	min := map[string]float64{GroupDev: 0.95, GroupHeldOut: 0.80}
	for _, g := range r.Groups {
		if g.Accuracy < min[g.Name] {
			t.Errorf("%s: plan accuracy %.1f%% below %.0f%%", g.Name, 100*g.Accuracy, 100*min[g.Name])
		}
	}
}

func TestTheSetIsLargeAndCoversEveryMetricAndDimension(t *testing.T) {
	entries, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	items := Items(entries)
	held := 0
	metrics, dims := map[string]bool{}, map[string]bool{}
	for _, it := range items {
		if it.Entry.Group == GroupHeldOut {
			held++
		}
		for _, c := range it.Turn.Calls {
			if c.Query != nil {
				metrics[c.Query.Metric] = true
				for _, g := range c.Query.GroupBy {
					dims[g] = true
				}
				for _, f := range append(c.Query.Filters, c.Query.Subset...) {
					dims[f.Dimension] = true
				}
			}
		}
	}
	if len(items) < 100 || 5*held < len(items) {
		t.Errorf("%d questions, %d held out: want at least 100 and 20%% held out", len(items), held)
	}
	cat := catalog.Default()
	for _, m := range cat.MetricNames() {
		if !metrics[m] {
			t.Errorf("no question about metric %s", m)
		}
	}
	for _, d := range cat.DimensionNames() {
		if !dims[d] {
			t.Errorf("no question uses dimension %s", d)
		}
	}
}

func TestMatchPlanNamesEveryDifference(t *testing.T) {
	p := planner.New(catalog.Default())
	want := Turn{Intent: planner.IntentMetric, Calls: []Call{{Tool: "query_metrics"}}}
	got := p.Plan("Quante imprese hanno chiuso nel 2020?", nil, Now)
	if diff := MatchPlan(want, got); len(diff) == 0 {
		t.Error("an expectation without metric and period matched a query with both")
	}
}
