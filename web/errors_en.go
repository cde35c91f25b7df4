package web

import (
	"regexp"

	"github.com/gin-gonic/gin"

	"github.com/comune-bologna/conoscenza/web/ui"
)

// englishErrors are the API's error messages a person using the English page meets, in
// English: the message is written in Italian where the error is made (services, handlers),
// and translated here, at the one place errors leave the server, when the page's language
// (its ?lang= or cookie, as ui.Lang reads it) is English. A message not listed stays Italian;
// API clients without the cookie read Italian, as before. Each pattern is anchored, and its
// groups are the message's own values.
var englishErrors = []struct {
	re *regexp.Regexp
	en string
}{
	{regexp.MustCompile(`^errore interno: riprova più tardi; se persiste, segnala il request id$`), "internal error: please try again later; if it persists, report the request id"},
	{regexp.MustCompile(`^richiesta annullata dal client$`), "request cancelled by the client"},
	{regexp.MustCompile(`^la richiesta ha superato il tempo massimo$`), "the request took longer than the time allowed"},
	{regexp.MustCompile(`^troppe richieste: rallenta e riprova tra poco$`), "too many requests: slow down and try again shortly"},
	{regexp.MustCompile(`^troppe richieste in corso: riprova tra poco$`), "too many requests in progress: try again shortly"},
	{regexp.MustCompile(`^il corpo della richiesta supera (\d+) KiB$`), "the request body exceeds $1 KiB"},
	{regexp.MustCompile(`^la domanda è vuota$`), "the question is empty"},
	{regexp.MustCompile(`^il campo question è vuoto: scrivi una domanda$`), "the question field is empty: write a question"},
	{regexp.MustCompile(`^conversation_id "(.*)" non è un identificativo di conversazione$`), `conversation_id "$1" is not a conversation identifier`},
	{regexp.MustCompile(`^la domanda supera i (\d+) caratteri$`), "the question is longer than $1 characters"},
	{regexp.MustCompile(`^nome utente o password non validi$`), "invalid username or password"},
	{regexp.MustCompile(`^utente disabilitato: rivolgiti a un amministratore$`), "account disabled: please contact an administrator"},
	{regexp.MustCompile(`^accesso richiesto: effettua il login o usa un token \(Authorization: Bearer\)$`), "sign-in required: log in or use a token (Authorization: Bearer)"},
	{regexp.MustCompile(`^token CSRF mancante o non valido: ricarica la pagina \(header (\S+)\)$`), "missing or invalid CSRF token: reload the page (header $1)"},
	{regexp.MustCompile(`^questa funzione \((.+)\) non è consentita al ruolo (\S+)$`), "this function ($1) is not allowed for the role $2"},
	{regexp.MustCompile(`^caricare dati e documenti e vederne i lotti è riservato a staff e admin \(ruolo (\S+)\)$`), "uploading data and documents and viewing batches is reserved to staff and admin (role $1)"},
	{regexp.MustCompile(`^conversazione "(.*)" non trovata$`), `conversation "$1" not found`},
	{regexp.MustCompile(`^risposta "(.*)" non trovata$`), `answer "$1" not found`},
	{regexp.MustCompile(`^impresa (\S+) non trovata$`), "company $1 not found"},
	{regexp.MustCompile(`^documento (\d+) non trovato$`), "document $1 not found"},
	{regexp.MustCompile(`^codice fiscale "(.*)" non valido: 11 cifre \(imprese\) o 16 caratteri \(persone\)$`), `invalid tax code "$1": 11 digits (companies) or 16 characters (people)`},
	{regexp.MustCompile(`^il commento supera i (\d+) caratteri$`), "the comment is longer than $1 characters"},
	{regexp.MustCompile(`^rating deve essere 1 \(utile\) o -1 \(non utile\), non (-?\d+)$`), "rating must be 1 (useful) or -1 (not useful), not $1"},
	{regexp.MustCompile(`^il parametro (\S+) è obbligatorio$`), "the parameter $1 is required"},
	{regexp.MustCompile(`^il parametro (\S+) supera i (\d+) caratteri$`), "the parameter $1 is longer than $2 characters"},
	{regexp.MustCompile(`^limit deve essere un intero tra 1 e (\d+)$`), "limit must be a whole number between 1 and $1"},
	{regexp.MustCompile(`^la password deve avere almeno (\d+) caratteri$`), "the password must be at least $1 characters long"},
	{regexp.MustCompile(`^manca il file: campo file del modulo$`), "the file is missing: the form's file field"},
	{regexp.MustCompile(`^manca il documento \(campo file del modulo\) o è vuoto$`), "the document is missing (the form's file field) or empty"},
	{regexp.MustCompile(`^il file (.+) è vuoto$`), "the file $1 is empty"},
	{regexp.MustCompile(`^un solo file per caricamento$`), "one file per upload"},
	{regexp.MustCompile(`^la tabella ha (\d+) righe: al massimo (\d+)$`), "the table has $1 rows: at most $2"},
	{regexp.MustCompile(`^la tabella ha (\d+) colonne: al massimo (\d+)$`), "the table has $1 columns: at most $2"},
}

// englishError is msg in English, or msg when it is not a message the table knows.
func englishError(msg string) string {
	for _, e := range englishErrors {
		if e.re.MatchString(msg) {
			return e.re.ReplaceAllString(msg, e.en)
		}
	}
	return msg
}

// localError is msg in the language of the page that made the request.
func localError(c *gin.Context, msg string) string {
	if lang, _ := ui.Lang(c.Request); lang == ui.English {
		return englishError(msg)
	}
	return msg
}
