package planner

// The register's state of the firms behind other sources' rows: a CIG request, a grant (each
// source joins the firm's register row, so the catalog's stato applies to them). "Imprese che
// hanno chiesto la cig e poi hanno chiuso" counts the CIG firms whose state is CESSATA today.

// closedStateWords name firms closed since: a past or present verb of closing, or the state.
var closedStateWords = []string{"poi hanno chiuso", "hanno poi chiuso", "che hanno chiuso", "hanno chiuso", "poi chiuse", "poi cessate",
	"ora cessate", "ora chiuse", "sono cessate", "sono chiuse", "oggi cessate", "oggi chiuse", "che sono cessate", "che hanno cessato",
	"hanno cessato", "imprese cessate", "aziende cessate", "ditte cessate", "imprese chiuse", "aziende chiuse", "cessate", "cessata",
	"non piu attive", "non sono piu attive", "non piu attiva", "no longer active", "since closed", "have closed", "that closed",
	"later closed", "then closed", "closed companies", "closed firms", "ceased"}

// activeStateWords name firms still active.
var activeStateWords = []string{"ancora attive", "ancora attiva", "tuttora attive", "ancora aperte", "imprese attive", "aziende attive",
	"ditte attive", "still active", "still open", "active companies", "active firms", "active businesses"}

// readCompanyState sets the firm's state on a question over the CIG or the grants.
func (t *text) readCompanyState(s *filterSet) {
	if i, n := t.first(closedStateWords...); i >= 0 {
		s.set(eq("stato", "CESSATA"))
		t.consume(i, n)
	} else if i, n := t.first(activeStateWords...); i >= 0 {
		s.set(eq("stato", "ATTIVA"))
		t.consume(i, n)
	}
	t.readValues(s, stateWords)
}
