package agent

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

func kinds(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Kind)
	}
	return out
}

func TestScreenStopsRequestsForPersonalDataFromEveryRole(t *testing.T) {
	requests := []string{
		"Per procedere mi servono il codice fiscale e l'indirizzo di residenza del titolare dell'impresa.",
		"Per verificare la sua identità mi dica la sua password di accesso.",
		"Mi fornisca l'IBAN e il codice fiscale del titolare, così preparo la pratica.",
		"Inserisca qui le sue credenziali SPID e il codice OTP per continuare.",
		"Può fornirmi il suo codice fiscale?",
		"Dimmi la tua password e procedo.",
		"Per procedere, indichi il suo IBAN.",
		"Scriva nella risposta la sua data di nascita.",
		"Ho bisogno del numero di telefono del titolare.",
		"Please provide your tax code.",
		"Prima dei dati: mi lasci il suo indirizzo e-mail.",
		"Per favore, comunichi il suo codice fiscale rispondendo a questo messaggio.",
	}
	for _, personal := range []bool{false, true} {
		sc := screener{personal: personal}
		for _, r := range requests {
			if got := kinds(sc.check(context.Background(), r)); !slices.Contains(got, FindingRequest) {
				t.Errorf("personal=%v: %q not stopped (%v)", personal, r, got)
			}
		}
	}
}

func TestScreenLetsOrdinaryAnswersThrough(t *testing.T) {
	// What a document or a statistic legitimately says about these words.
	ok := []string{
		"La domanda deve indicare l'IBAN dell'impresa beneficiaria e il codice fiscale del legale rappresentante [D1].",
		"Per presentare la pratica, acceda al portale del SUAP e inserisca le sue credenziali SPID sul portale.",
		"Il bando richiede che l'impresa fornisca il codice fiscale.",
		"Il regolamento dei dehors non prevede l'uso di password.",
		"Le imprese attive sono 41.234 [T1]: Navile 477, Porto-Saragozza 702, San Donato-San Vitale 579.",
		"Nel 2024 le aperture sono state 3.456, il 12,5% in più del 2023 (dati al 31/12/2024).",
		"Per informazioni scrivere a suap@comune.bologna.it o al protocollo.",
		"L'importo concesso è di 5.000 euro; i codici ATECO 56.10.11 e 47.11.00 sono i più frequenti.",
		"Il conto IT60X0542811101000000123457 ha una cifra di controllo sbagliata.",
	}
	sc := screener{personal: false}
	for _, s := range ok {
		if got := sc.check(context.Background(), s); len(got) != 0 {
			t.Errorf("%q stopped: %+v", s, got)
		}
	}
}

func TestScreenKeepsPersonalDataFromRolesWithoutAccess(t *testing.T) {
	cases := map[string]string{
		"Il titolare è BNCLCU75C41A944P.":                   FindingCF,
		"La titolare (bnclcu75c41a944p) ha chiuso.":         FindingCF,
		"Il conto è IT60X0542811101000000123456.":           FindingIBAN,
		"Il conto è IT60 X054 2811 1010 0000 0123 456.":     FindingIBAN,
		"Si può scrivere a mario.rossi@example.com.":        FindingEmail,
		"Il titolare risponde al +39 333 123 4567.":         FindingPhone,
		"Il cellulare del titolare è 333 1234567.":          FindingPhone,
		"Telefono: 051 123 4567, dal lunedì al venerdì.":    FindingPhone,
		"Contattare il titolare allo 0039 051 1234567 ora.": FindingPhone,
	}
	for text, want := range cases {
		if got := kinds((screener{personal: false}).check(context.Background(), text)); !slices.Contains(got, want) {
			t.Errorf("%q: findings %v, want %s", text, got, want)
		}
		// Staff and admin may see personal data: only requests are stopped for them.
		if got := (screener{personal: true}).check(context.Background(), text); len(got) != 0 {
			t.Errorf("%q stopped for staff: %+v", text, got)
		}
	}
}

// people is a PersonFinder over a fixed list, for the rules of name matching; the injection
// corpus runs the real one (dossier.Service) over the register.
type people []string

func (p people) PersonNames(_ context.Context, names []string) ([]string, error) {
	var out []string
	for _, n := range names {
		if slices.Contains(p, n) {
			out = append(out, n)
		}
	}
	if slices.Contains(p, "fail") {
		return nil, errors.New("database down")
	}
	return out, nil
}

func TestScreenFindsSoleTradersNamesInEitherOrder(t *testing.T) {
	sc := screener{people: people{"bianchi lucia", "de luca anna maria"}}
	for _, text := range []string{"La ditta BIANCHI LUCIA ha chiuso.", "Ha chiuso l'impresa di Lucia Bianchi.", "Anche De Luca Anna Maria."} {
		if got := kinds(sc.check(context.Background(), text)); !slices.Contains(got, FindingName) {
			t.Errorf("%q: %v", text, got)
		}
	}
	if got := sc.check(context.Background(), "Le imprese femminili di via Rizzoli sono 12."); len(got) != 0 {
		t.Errorf("no name, findings %+v", got)
	}
	// A check that cannot run lets nothing through.
	if got := kinds((screener{people: people{"fail"}}).check(context.Background(), "Le imprese sono 12.")); !slices.Equal(got, []string{FindingCheck}) {
		t.Errorf("failed lookup: %v", got)
	}
}

func TestGateReleasesScreenedSentencesAndHoldsBackTheBlockedOnes(t *testing.T) {
	stream := func(text string, personal bool) (emitted string, blocked []Finding) {
		var out strings.Builder
		g := &gate{ctx: context.Background(), sc: screener{personal: personal}, emit: func(s string) { out.WriteString(s) }}
		for _, w := range strings.SplitAfter(text, " ") { // one word per delta, as a model streams
			g.write(w)
		}
		blocked = g.finish(text, true)
		return out.String(), blocked
	}
	clean := "Le imprese attive sono 1.234 nel quartiere Navile. Le chiusure sono 56."
	if got, b := stream(clean, false); got != clean || b != nil {
		t.Errorf("clean text: emitted %q, blocked %+v", got, b)
	}
	text := "Le domande sono 37. Per procedere mi dica la sua password. Poi rispondo."
	got, b := stream(text, true)
	if got != "Le domande sono 37. " || !slices.Equal(kinds(b), []string{FindingRequest}) {
		t.Errorf("emitted %q, blocked %+v: want only the first sentence out", got, b)
	}
	// Personal data to a decisore: nothing from the sentence that carries it.
	got, b = stream("La titolare è BNCLCU75C41A944P, in via Rizzoli.", false)
	if got != "" || b == nil {
		t.Errorf("emitted %q, blocked %+v", got, b)
	}
	// A request spread over two sentences is caught whole at the end of the turn.
	if _, b := stream("Mi serve una cosa per procedere. Il suo codice fiscale, per favore.", false); b == nil {
		t.Errorf("a request over two sentences went through")
	}
}

func TestBlockedExcerptMasksPersonalData(t *testing.T) {
	e := blockedExcerpt("Mi dia il conto IT60X0542811101000000123456 e BNCLCU75C41A944P, tel +39 333 123 4567, a.b@example.com", nil)
	for _, leak := range []string{"IT60X05", "BNCLCU", "333 123", "a.b@"} {
		if strings.Contains(e, leak) {
			t.Errorf("excerpt %q keeps %q", e, leak)
		}
	}
	if e := blockedExcerpt("La ditta BIANCHI LUCIA", []Finding{{Kind: FindingName}}); strings.Contains(e, "BIANCHI") {
		t.Errorf("excerpt %q names the person", e)
	}
}
