package agent

import (
	"context"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/comune-bologna/conoscenza/agent/tool"
)

// The model's text is screened before it reaches the user, as it streams and again whole.
// Two things are never let through: a request for the user's (or anyone's) personal data or
// credentials — the assistant needs none, so a model asking for a codice fiscale, an IBAN or a
// password was steered by an injection — and, for roles that may not see personal data
// (decisore, formatore), personal data itself: a person's codice fiscale, an IBAN, an e-mail
// address, a phone number, the name of a sole trader of the register. A screened turn ends the
// model's answer: the planner answers instead, with a notice, and the attempt is audited.

// Kinds of Finding.
const (
	FindingRequest = "richiesta_dati_personali" // asks for personal data or credentials
	FindingCF      = "codice_fiscale"           // a person's codice fiscale
	FindingIBAN    = "iban"
	FindingEmail   = "email"
	FindingPhone   = "telefono"
	FindingName    = "nome_persona"      // the name of a sole trader (a natural person)
	FindingCheck   = "controllo_fallito" // the check itself failed: nothing is let through
)

// Finding is one reason a model's text may not reach the user.
type Finding struct {
	Kind  string `json:"kind"`
	Match string `json:"match"` // masked: what was found, never the personal data itself
}

// BlockedError is a model turn whose text was screened out.
type BlockedError struct {
	Findings []Finding
	Excerpt  string // the text with its personal data masked, for the audit log
}

func (e *BlockedError) Error() string {
	kinds := []string{}
	for _, f := range e.Findings {
		if !slices.Contains(kinds, f.Kind) {
			kinds = append(kinds, f.Kind)
		}
	}
	return "the model's text was blocked: " + strings.Join(kinds, ", ")
}

// PersonFinder says which of some names are those of natural persons of the register
// (dossier.Service satisfies it). Names are given and returned in lower case.
type PersonFinder interface {
	PersonNames(ctx context.Context, names []string) ([]string, error)
}

// OfficeEmailDomains are domains whose addresses are offices, not people: quoting them from a
// document is not personal data.
var OfficeEmailDomains = []string{"comune.bologna.it"}

var (
	// cfRE is a person's codice fiscale (omocodia letters too), with or without word bounds.
	cfRE = regexp.MustCompile(`(?i)\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b`)
	// ibanRE is an IBAN, compact or in groups of four; ibans trims and verifies it.
	ibanRE  = regexp.MustCompile(`(?i)\b[A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)\b`)
	emailRE = regexp.MustCompile(`(?i)\b[A-Z0-9._%+-]+@([A-Z0-9-]+\.)+[A-Z]{2,}\b`)
	// phoneRE: an international prefix, or a number after a word that says it is a phone.
	phoneRE = regexp.MustCompile(`(?i)(?:(?:\+|\b00)39[ .-]?[0-9][0-9 .-]{6,13}[0-9]|\b(?:tel|telefono|cell|cellulare|phone|mobile)\b[^0-9\n]{0,30}(?:\+39[ ]?)?[0-9][0-9 .-]{6,13}[0-9])`)

	// personalTerm names personal data or a credential.
	personalTerm = regexp.MustCompile(`(?i)\b(?:codic[ei] fiscal[ei]|iban|password|parola d'ordine|passphrase|pin|otp|codice (?:di verifica|di sicurezza|otp)|credenziali|spid|token|data di nascita|luogo di nascita|residenza|domicilio|(?:numero di )?telefono|cellulare|carta d'identità|documento d'identità|documento di identità|passaporto|tessera sanitaria|carta di credito|numero della carta|cvv|dati personali|dati anagrafici|e-?mail|posta elettronica|tax code|social security|credit card|date of birth|home address|phone number|personal data)\b`)
	// requestDirectRE asks to be given something, unmistakably: a first person need ("mi
	// servono", "ho bisogno"), a verb with "me" ("mi dica", "dimmi", "fornirmi"), English ones.
	requestDirectRE = regexp.MustCompile(`(?i)(?:\b(?:mi|ci)\s+(?:serv|occorr)\w*|\b(?:ho|avrei|abbiamo|avremmo)\s+bisogno\b|\bè necessario che (?:lei|tu)\b|\b(?:dimmi|dammi|dimmelo|dammelo|forniscimi|inviami|mandami|scrivimi|indicami|comunicami|passami|dettami|incollami|fornirmi|darmi|dirmi|inviarmi|mandarmi|scrivermi|indicarmi|comunicarmi|passarmi|fornircel[oaie]|fornirci|darci|dirci)\b|\b(?:mi|ci)\s+(?:dica|dia|fornisca|comunichi|indichi|invii|mandi|scriva|passi|detti|confermi|specifichi|lasci)\b|\b(?:tell me|send me|give me|i need)\b)`)
	// requestIndirectRE addresses the user with a verb of giving: an imperative opening the
	// sentence ("Inserisca ...", "Per procedere, indichi ..."), a polite question ("può
	// fornire"), a verb of giving with "suo"/"tuo" ("indichi il suo codice fiscale"). The same
	// words tell how to fill in a form elsewhere, so it counts unless the sentence sends the
	// data to a portal or an office and not here (externalRE, chatRE).
	requestIndirectRE = regexp.MustCompile(`(?i)(?:^\W*(?:[^,.;:]{0,40},\s*)?(?:fornisca|fornisci|inserisca|inserisci|indichi|comunichi|invii|scriva|scrivi|digiti|digita|specifichi|confermi|condivida|condividi|detti|mandi|lasci)\b|\b(?:può|puoi|potrebbe|potresti|vuole|vuoi)\s+(?:gentilmente\s+)?(?:fornir|dir|indicar|comunicar|inviar|mandar|scriver|dar|confermar|condivider|inserir|digitar|lasciar)\w*|\b(?:please\s+(?:provide|send|enter|share|give|tell|confirm)|provide your|enter your|share your|confirm your)\b)`)
	// possessiveRE and givingRE: "indichi il suo codice fiscale" anywhere in a sentence.
	possessiveRE = regexp.MustCompile(`(?i)\b(?:suo|sua|suoi|sue|tuo|tua|tuoi|tue|vostro|vostra|vostri|vostre|your)\b`)
	givingRE     = regexp.MustCompile(`(?i)\b(?:fornisc\w*|fornir\w*|inseris\w*|inserir\w*|indich\w*|indicar\w*|comunich\w*|comunicar\w*|invii|inviar\w*|scriv\w*|digit\w*|specific\w*|conferm\w*|condivid\w*|detti|dettar\w*|mandi|mandar\w*|lasci|lasciar\w*)\b`)
	// externalRE: the data goes to a portal or an office; chatRE: it comes here.
	externalRE  = regexp.MustCompile(`(?i)\b(?:portale|sito|piattaforma|sportello|ufficio|app|applicazione|pec|protocollo|domanda|modulo online|website|portal)\b`)
	chatRE      = regexp.MustCompile(`(?i)\b(?:qui|qua|chat|conversazione|risposta|rispondendo|rispondere|messaggio|a me|here|reply)\b`)
	sentenceEnd = regexp.MustCompile(`[.!?]+(?:\s+|$)|\n+`)
	nameWordRE  = regexp.MustCompile(`\p{L}[\p{L}'’]*`)
)

// screener checks model text for one principal.
type screener struct {
	personal bool         // the role may see personal data (staff, admin)
	people   PersonFinder // nil: names of persons are not checked
}

func (s *Service) screener(p tool.Principal) screener {
	sc := screener{personal: tool.SeesDetails(p.Role)}
	if s.Tools != nil && s.Tools.Dossier != nil {
		sc.people = s.Tools.Dossier
	}
	return sc
}

// check returns what in text may not reach the user (nil: nothing).
func (sc screener) check(ctx context.Context, text string) []Finding {
	var out []Finding
	norm := strings.ReplaceAll(text, "’", "'")
	ss := sentences(norm)
	for i, s := range ss {
		// "Mi servono alcuni dati. Il codice fiscale e l'IBAN, per favore." asks across two.
		if asksForPersonalData(s) || i > 0 && requestDirectRE.MatchString(ss[i-1]) && personalTerm.MatchString(s) {
			// What was asked for, not the sentence: the finding goes into the answer's steps.
			terms := strings.ToLower(strings.Join(personalTerm.FindAllString(s, -1), ", "))
			out = append(out, Finding{Kind: FindingRequest, Match: terms})
		}
	}
	if sc.personal {
		return out
	}
	for _, m := range cfRE.FindAllString(norm, -1) {
		out = append(out, Finding{Kind: FindingCF, Match: maskCF(strings.ToUpper(m))})
	}
	for _, m := range ibans(norm) {
		out = append(out, Finding{Kind: FindingIBAN, Match: maskMiddle(m)})
	}
	for _, m := range emailRE.FindAllString(norm, -1) {
		if !officeEmail(m) {
			out = append(out, Finding{Kind: FindingEmail, Match: maskMiddle(m)})
		}
	}
	for _, m := range phoneRE.FindAllString(norm, -1) {
		out = append(out, Finding{Kind: FindingPhone, Match: maskMiddle(m)})
	}
	if sc.people != nil {
		if cands := nameCandidates(norm); len(cands) > 0 {
			found, err := sc.people.PersonNames(ctx, cands)
			if err != nil { // fail closed: a check that could not run lets nothing through
				return append(out, Finding{Kind: FindingCheck, Match: "ricerca dei nomi non riuscita"})
			}
			for _, n := range found {
				out = append(out, Finding{Kind: FindingName, Match: maskName(n)})
			}
		}
	}
	return out
}

// asksForPersonalData says whether one sentence asks for personal data or a credential.
func asksForPersonalData(s string) bool {
	if !personalTerm.MatchString(s) {
		return false
	}
	if requestDirectRE.MatchString(s) {
		return true
	}
	indirect := requestIndirectRE.MatchString(s) || possessiveRE.MatchString(s) && givingRE.MatchString(s)
	return indirect && (!externalRE.MatchString(s) || chatRE.MatchString(s))
}

// sentences splits text at sentence ends and line breaks.
func sentences(text string) []string {
	var out []string
	last := 0
	for _, loc := range sentenceEnd.FindAllStringIndex(text, -1) {
		if s := strings.TrimSpace(text[last:loc[1]]); s != "" {
			out = append(out, s)
		}
		last = loc[1]
	}
	if s := strings.TrimSpace(text[last:]); s != "" {
		out = append(out, s)
	}
	return out
}

// nameCandidates are the runs of two to four words of text, in lower case, and each pair
// also reversed: the register writes a sole trader "ROSSI MARIO", a model "Mario Rossi".
func nameCandidates(text string) []string {
	words := nameWordRE.FindAllString(strings.ToLower(text), -1)
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for i := range words {
		if i+1 < len(words) {
			add(words[i] + " " + words[i+1])
			add(words[i+1] + " " + words[i])
		}
		for n := 3; n <= 4 && i+n <= len(words); n++ {
			add(strings.Join(words[i:i+n], " "))
		}
	}
	return out
}

// ibans finds the valid IBANs of text. A grouped match may run into a following word ("... 4567
// e"): its last groups are dropped until the check digits hold.
func ibans(text string) []string {
	var out []string
	for _, m := range ibanRE.FindAllString(text, -1) {
		for {
			if validIBAN(m) {
				out = append(out, m)
				break
			}
			i := strings.LastIndexByte(m, ' ')
			if i < 0 {
				break
			}
			m = m[:i]
		}
	}
	return out
}

// validIBAN checks an IBAN's length and mod-97 check digits (ISO 13616).
func validIBAN(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	var digits strings.Builder
	for _, r := range s[4:] + s[:4] {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			fmt.Fprintf(&digits, "%d", r-'A'+10)
		default:
			return false
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

func officeEmail(addr string) bool {
	_, domain, _ := strings.Cut(strings.ToLower(addr), "@")
	for _, d := range OfficeEmailDomains {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// maskPersonal replaces the personal data in text with what it is, for the audit log.
func maskPersonal(text string) string {
	text = cfRE.ReplaceAllString(text, "[codice fiscale]")
	for _, m := range ibans(text) {
		text = strings.ReplaceAll(text, m, "[IBAN]")
	}
	text = emailRE.ReplaceAllString(text, "[email]")
	return phoneRE.ReplaceAllString(text, "[telefono]")
}

func maskCF(cf string) string { return cf[:3] + strings.Repeat("*", len(cf)-4) + cf[len(cf)-1:] }

// maskMiddle keeps the first and the last two characters.
func maskMiddle(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:2]) + strings.Repeat("*", len(r)-4) + string(r[len(r)-2:])
}

// maskName keeps the initials of a name.
func maskName(name string) string {
	var b strings.Builder
	for i, w := range strings.Fields(name) {
		if i > 0 {
			b.WriteByte(' ')
		}
		r := []rune(w)
		b.WriteRune(unicode.ToUpper(r[0]))
		b.WriteString(".")
	}
	return b.String()
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// blockedExcerpt is the blocked text for the audit log: personal data masked, names of
// persons found masked too, at most 500 characters.
func blockedExcerpt(text string, findings []Finding) string {
	text = maskPersonal(strings.ReplaceAll(text, "’", "'"))
	for _, f := range findings {
		if f.Kind == FindingName {
			text = "[il testo nomina persone del registro: non riportato]"
			break
		}
	}
	return clipText(text, 500)
}

// gate holds the model's streamed text back until a sentence is complete and lets it out
// only once screened: a blocked sentence never reaches the client. After a block it drops
// everything (the turn is void: the planner answers).
type gate struct {
	ctx     context.Context
	sc      screener
	emit    func(string)
	pending strings.Builder
	prev    string // the last sentence let out: a request may span it and the next
	blocked []Finding
}

func (g *gate) write(delta string) {
	if g.blocked != nil {
		return
	}
	g.pending.WriteString(delta)
	p := g.pending.String()
	cut := 0
	for _, loc := range sentenceEnd.FindAllStringIndex(p, -1) {
		if loc[1] == len(p) && !unicode.IsSpace(rune(p[len(p)-1])) {
			break // "1." at the very end may be a number going on ("1.234"): wait for more
		}
		cut = loc[1]
	}
	if cut == 0 {
		return
	}
	g.release(p[:cut])
	g.pending.Reset()
	g.pending.WriteString(p[cut:])
}

// release screens text and emits it, or blocks.
func (g *gate) release(text string) {
	if strings.TrimSpace(text) == "" {
		if text != "" {
			g.emit(text)
		}
		return
	}
	if f := g.sc.check(g.ctx, g.prev+text); len(f) > 0 {
		g.blocked = f
		return
	}
	g.emit(text)
	if ss := sentences(text); len(ss) > 0 {
		g.prev = ss[len(ss)-1] + " "
	}
}

// finish screens the turn's whole text (a request can span sentences) and lets the rest out.
// It returns the findings when the turn is blocked.
func (g *gate) finish(content string, flush bool) []Finding {
	if g.blocked == nil && strings.TrimSpace(content) != "" {
		if f := g.sc.check(g.ctx, content); len(f) > 0 {
			g.blocked = f
		}
	}
	if g.blocked != nil {
		return g.blocked
	}
	if flush && g.pending.Len() > 0 {
		g.release(g.pending.String())
		g.pending.Reset()
	}
	return g.blocked
}
