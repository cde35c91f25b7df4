package web

import "html/template"

// privacyPage is the privacy notice. Plain HTML with no script and no inline style (the
// Content-Security-Policy forbids both); the controller's contacts are placeholders that the
// Comune fills in before going live (docs/security.md, "Privacy").
var privacyPage = template.Must(template.New("privacy").Parse(`<!DOCTYPE html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Informativa sul trattamento dei dati personali — Conoscenza</title>
</head>
<body>
<main>
<h1>Informativa sul trattamento dei dati personali</h1>
<p>Conoscenza è l'assistente di supporto alle decisioni del Comune di Bologna sul tessuto
economico della città. Questa informativa è resa ai sensi degli articoli 13 e 14 del
Regolamento (UE) 2016/679 (GDPR).</p>

<h2>Titolare del trattamento</h2>
<p>Comune di Bologna, Piazza Maggiore 6, 40124 Bologna.<br>
Contatti: [indirizzo PEC del Titolare da completare] — [telefono da completare].<br>
Responsabile della protezione dei dati (RPD/DPO): [indirizzo e-mail del DPO da completare].</p>

<h2>Quali dati trattiamo</h2>
<ul>
<li><strong>Dati dell'account</strong>: nome utente, nome visualizzato, ruolo, sessioni e token di accesso.</li>
<li><strong>Le domande</strong> che poni all'assistente e <strong>le risposte</strong> che ricevi, con tabelle e citazioni.</li>
<li><strong>I passaggi di ogni risposta</strong>: gli strumenti chiamati, i loro argomenti e le query
SQL eseguite, con il numero di righe restituite.</li>
<li><strong>Il tuo riscontro</strong> sulle risposte (utile / non utile) e gli eventuali commenti.</li>
<li><strong>Il registro di audit</strong>: chi ha fatto cosa e quando (accessi, domande, query eseguite,
esportazioni, cancellazioni), anche con dati personali nel dettaglio, per esempio un codice fiscale consultato.</li>
<li><strong>Dati di imprese tratti da registri pubblici</strong> (Registro delle imprese, cassa integrazione,
SUAP, contributi). Attenzione: un'impresa individuale è una persona fisica, e i suoi dati
(nome, codice fiscale, sede) sono dati personali.</li>
</ul>
<p>Non scrivere nelle domande dati personali che non servono: restano nella conversazione fino alla sua cancellazione.</p>

<h2>Finalità</h2>
<ul>
<li>Fornire al personale e agli amministratori del Comune analisi sul tessuto economico cittadino a supporto delle decisioni.</li>
<li>Rendere verificabile ogni risposta (quali dati, quale query) e migliorare la qualità del servizio.</li>
<li>Garantire la sicurezza del sistema e la responsabilità di chi accede ai dati (registro di audit).</li>
</ul>

<h2>Base giuridica</h2>
<p>Esecuzione di un compito di interesse pubblico o connesso all'esercizio di pubblici poteri di cui
è investito il Titolare (art. 6, paragrafo 1, lettera e, GDPR), nell'ambito delle funzioni del
Comune in materia di sviluppo economico e programmazione.</p>

<h2>Per quanto tempo conserviamo i dati</h2>
{{if gt .RetentionDays 0}}<p>Le conversazioni (domande, risposte, passaggi con le query SQL, riscontri) sono cancellate
automaticamente <strong>{{.RetentionDays}} giorni</strong> dopo la loro ultima modifica.</p>
{{else if gt .Retention 0}}<p>Le conversazioni (domande, risposte, passaggi con le query SQL, riscontri) sono cancellate
automaticamente <strong>{{.Retention}}</strong> dopo la loro ultima modifica.</p>
{{else}}<p>Le conversazioni (domande, risposte, passaggi con le query SQL, riscontri) non hanno una cancellazione
automatica su questo server: sono conservate finché non le cancelli.</p>
{{end}}<p>Puoi cancellarle tu in ogni momento (vedi sotto). Il registro di audit non si può modificare né
cancellare dall'applicazione, per garantirne l'integrità; è conservato per il periodo stabilito dal
Titolare per finalità di sicurezza [periodo da completare]. I dati delle imprese seguono gli
aggiornamenti dei registri da cui provengono.</p>

<h2>Chi può vedere che cosa</h2>
<ul>
<li><strong>Tu</strong> vedi le tue conversazioni; nessun altro utente le vede nella propria lista.</li>
<li><strong>Decisore</strong>: solo dati aggregati (indicatori, platee, esiti, documenti), nessun dato di singole imprese.</li>
<li><strong>Staff</strong>: anche le schede delle singole imprese e le interrogazioni SQL sulle viste consentite.</li>
<li><strong>Formatore</strong>: può rivedere le conversazioni per la formazione e il miglioramento del servizio.</li>
<li><strong>Amministratore</strong>: gestisce utenti, impostazioni e documenti ed è l'unico a poter leggere il registro di audit.</li>
</ul>
<p>I dati restano sui sistemi del Comune: le risposte sono prodotte senza servizi esterni
(l'eventuale modello linguistico gira su server del Comune).</p>

<h2>I tuoi diritti e come esercitarli</h2>
<p>Hai diritto di accesso, rettifica, cancellazione, limitazione, portabilità e opposizione
(articoli 15-22 GDPR). Direttamente dall'applicazione puoi:</p>
<ul>
<li><strong>scaricare tutte le tue conversazioni</strong>, con risposte, passaggi, query SQL e riscontri, in formato JSON:
<code>GET /api/v1/conversations/export</code>;</li>
<li><strong>cancellare una conversazione</strong>: <code>DELETE /api/v1/conversations/{id}</code>;</li>
<li><strong>cancellare tutte le tue conversazioni</strong>: <code>DELETE /api/v1/conversations</code>.</li>
</ul>
<p>Esportazioni e cancellazioni sono registrate nel registro di audit. Per gli altri diritti, o
se sei titolare di un'impresa individuale presente nei dati, scrivi al Titolare o al DPO ai
contatti indicati sopra. Puoi inoltre proporre reclamo al Garante per la protezione dei dati
personali (www.garanteprivacy.it).</p>
</main>
</body>
</html>
`))
