package tool

import "slices"

// allowed is the one table of which role may call which tool. A tool missing here is denied to
// everyone, so a new tool without a rule fails closed (and the authorization test fails).
var allowed = map[string][]Role{
	QueryMetrics:    {Decisore, Staff, Formatore, Admin},
	DescribeCatalog: {Decisore, Staff, Formatore, Admin},
	SearchDocuments: {Decisore, Staff, Formatore, Admin},
	Platea:          {Decisore, Staff, Formatore, Admin},
	BandoOutcome:    {Decisore, Staff, Formatore, Admin},
	CompanyDossier:  {Staff, Admin},
	RunSQL:          {Staff, Admin},
}

// Allowed says whether role may call the tool.
func Allowed(role Role, name string) bool { return slices.Contains(allowed[name], role) }

// SeesDetails says whether role may see company-level rows and small cells.
func SeesDetails(role Role) bool { return role == Staff || role == Admin }

// ValidRole says whether r is one of the four roles.
func ValidRole(r Role) bool {
	return r == Decisore || r == Staff || r == Formatore || r == Admin
}

// Names lists every tool with a rule, in a stable order.
func Names() []string {
	return []string{QueryMetrics, DescribeCatalog, SearchDocuments, Platea, BandoOutcome, CompanyDossier, RunSQL}
}
