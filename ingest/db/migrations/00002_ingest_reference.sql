-- +goose Up
-- Ingest: the ATECO 2007 and territory reference from ingest/codes, the read-only grants the
-- semantic layer needs, and the "as of" helpers over the register's history.

INSERT INTO ateco_sezioni (sezione, descrizione) VALUES
    ('A', 'Agricoltura, silvicoltura e pesca'),
    ('B', 'Estrazione di minerali da cave e miniere'),
    ('C', 'Attività manifatturiere'),
    ('D', 'Fornitura di energia elettrica, gas, vapore e aria condizionata'),
    ('E', 'Fornitura di acqua; reti fognarie, attività di gestione dei rifiuti e risanamento'),
    ('F', 'Costruzioni'),
    ('G', 'Commercio all''ingrosso e al dettaglio; riparazione di autoveicoli e motocicli'),
    ('H', 'Trasporto e magazzinaggio'),
    ('I', 'Attività dei servizi di alloggio e di ristorazione'),
    ('J', 'Servizi di informazione e comunicazione'),
    ('K', 'Attività finanziarie e assicurative'),
    ('L', 'Attività immobiliari'),
    ('M', 'Attività professionali, scientifiche e tecniche'),
    ('N', 'Noleggio, agenzie di viaggio, servizi di supporto alle imprese'),
    ('O', 'Amministrazione pubblica e difesa; assicurazione sociale obbligatoria'),
    ('P', 'Istruzione'),
    ('Q', 'Sanità e assistenza sociale'),
    ('R', 'Attività artistiche, sportive, di intrattenimento e divertimento'),
    ('S', 'Altre attività di servizi'),
    ('T', 'Attività di famiglie e convivenze come datori di lavoro per personale domestico; produzione di beni e servizi indifferenziati per uso proprio da parte di famiglie e convivenze'),
    ('U', 'Organizzazioni ed organismi extraterritoriali')
ON CONFLICT (sezione) DO UPDATE SET descrizione = EXCLUDED.descrizione;

INSERT INTO ateco_divisioni (divisione, sezione, descrizione) VALUES
    ('01', 'A', 'Coltivazioni agricole e produzione di prodotti animali, caccia e servizi connessi'),
    ('02', 'A', 'Silvicoltura ed utilizzo di aree forestali'),
    ('03', 'A', 'Pesca e acquacoltura'),
    ('05', 'B', 'Estrazione di carbone (esclusa torba)'),
    ('06', 'B', 'Estrazione di petrolio greggio e di gas naturale'),
    ('07', 'B', 'Estrazione di minerali metalliferi'),
    ('08', 'B', 'Altre attività di estrazione di minerali da cave e miniere'),
    ('09', 'B', 'Attività dei servizi di supporto all''estrazione'),
    ('10', 'C', 'Industrie alimentari'),
    ('11', 'C', 'Industria delle bevande'),
    ('12', 'C', 'Industria del tabacco'),
    ('13', 'C', 'Industrie tessili'),
    ('14', 'C', 'Confezione di articoli di abbigliamento; confezione di articoli in pelle e pelliccia'),
    ('15', 'C', 'Fabbricazione di articoli in pelle e simili'),
    ('16', 'C', 'Industria del legno e dei prodotti in legno e sughero (esclusi i mobili); fabbricazione di articoli in paglia e materiali da intreccio'),
    ('17', 'C', 'Fabbricazione di carta e di prodotti di carta'),
    ('18', 'C', 'Stampa e riproduzione di supporti registrati'),
    ('19', 'C', 'Fabbricazione di coke e prodotti derivanti dalla raffinazione del petrolio'),
    ('20', 'C', 'Fabbricazione di prodotti chimici'),
    ('21', 'C', 'Fabbricazione di prodotti farmaceutici di base e di preparati farmaceutici'),
    ('22', 'C', 'Fabbricazione di articoli in gomma e materie plastiche'),
    ('23', 'C', 'Fabbricazione di altri prodotti della lavorazione di minerali non metalliferi'),
    ('24', 'C', 'Metallurgia'),
    ('25', 'C', 'Fabbricazione di prodotti in metallo (esclusi macchinari e attrezzature)'),
    ('26', 'C', 'Fabbricazione di computer e prodotti di elettronica e ottica; apparecchi elettromedicali, apparecchi di misurazione e di orologi'),
    ('27', 'C', 'Fabbricazione di apparecchiature elettriche ed apparecchiature per uso domestico non elettriche'),
    ('28', 'C', 'Fabbricazione di macchinari ed apparecchiature nca'),
    ('29', 'C', 'Fabbricazione di autoveicoli, rimorchi e semirimorchi'),
    ('30', 'C', 'Fabbricazione di altri mezzi di trasporto'),
    ('31', 'C', 'Fabbricazione di mobili'),
    ('32', 'C', 'Altre industrie manifatturiere'),
    ('33', 'C', 'Riparazione, manutenzione ed installazione di macchine ed apparecchiature'),
    ('35', 'D', 'Fornitura di energia elettrica, gas, vapore e aria condizionata'),
    ('36', 'E', 'Raccolta, trattamento e fornitura di acqua'),
    ('37', 'E', 'Gestione delle reti fognarie'),
    ('38', 'E', 'Attività di raccolta, trattamento e smaltimento dei rifiuti; recupero dei materiali'),
    ('39', 'E', 'Attività di risanamento e altri servizi di gestione dei rifiuti'),
    ('41', 'F', 'Costruzione di edifici'),
    ('42', 'F', 'Ingegneria civile'),
    ('43', 'F', 'Lavori di costruzione specializzati'),
    ('45', 'G', 'Commercio all''ingrosso e al dettaglio e riparazione di autoveicoli e motocicli'),
    ('46', 'G', 'Commercio all''ingrosso (escluso quello di autoveicoli e di motocicli)'),
    ('47', 'G', 'Commercio al dettaglio (escluso quello di autoveicoli e di motocicli)'),
    ('49', 'H', 'Trasporto terrestre e trasporto mediante condotte'),
    ('50', 'H', 'Trasporto marittimo e per vie d''acqua'),
    ('51', 'H', 'Trasporto aereo'),
    ('52', 'H', 'Magazzinaggio e attività di supporto ai trasporti'),
    ('53', 'H', 'Servizi postali e attività di corriere'),
    ('55', 'I', 'Alloggio'),
    ('56', 'I', 'Attività dei servizi di ristorazione'),
    ('58', 'J', 'Attività editoriali'),
    ('59', 'J', 'Attività di produzione cinematografica, di video e di programmi televisivi, di registrazioni musicali e sonore'),
    ('60', 'J', 'Attività di programmazione e trasmissione'),
    ('61', 'J', 'Telecomunicazioni'),
    ('62', 'J', 'Produzione di software, consulenza informatica e attività connesse'),
    ('63', 'J', 'Attività dei servizi d''informazione e altri servizi informatici'),
    ('64', 'K', 'Attività di servizi finanziari (escluse le assicurazioni e i fondi pensione)'),
    ('65', 'K', 'Assicurazioni, riassicurazioni e fondi pensione (escluse le assicurazioni sociali obbligatorie)'),
    ('66', 'K', 'Attività ausiliarie dei servizi finanziari e delle attività assicurative'),
    ('68', 'L', 'Attività immobiliari'),
    ('69', 'M', 'Attività legali e contabilità'),
    ('70', 'M', 'Attività di direzione aziendale e di consulenza gestionale'),
    ('71', 'M', 'Attività degli studi di architettura e d''ingegneria; collaudi ed analisi tecniche'),
    ('72', 'M', 'Ricerca scientifica e sviluppo'),
    ('73', 'M', 'Pubblicità e ricerche di mercato'),
    ('74', 'M', 'Altre attività professionali, scientifiche e tecniche'),
    ('75', 'M', 'Servizi veterinari'),
    ('77', 'N', 'Attività di noleggio e leasing operativo'),
    ('78', 'N', 'Attività di ricerca, selezione, fornitura di personale'),
    ('79', 'N', 'Attività dei servizi delle agenzie di viaggio, dei tour operator e servizi di prenotazione e attività connesse'),
    ('80', 'N', 'Servizi di vigilanza e investigazione'),
    ('81', 'N', 'Attività di servizi per edifici e paesaggio'),
    ('82', 'N', 'Attività di supporto per le funzioni d''ufficio e altri servizi di supporto alle imprese'),
    ('84', 'O', 'Amministrazione pubblica e difesa; assicurazione sociale obbligatoria'),
    ('85', 'P', 'Istruzione'),
    ('86', 'Q', 'Assistenza sanitaria'),
    ('87', 'Q', 'Servizi di assistenza sociale residenziale'),
    ('88', 'Q', 'Assistenza sociale non residenziale'),
    ('90', 'R', 'Attività creative, artistiche e di intrattenimento'),
    ('91', 'R', 'Attività di biblioteche, archivi, musei ed altre attività culturali'),
    ('92', 'R', 'Attività riguardanti le lotterie, le scommesse, le case da gioco'),
    ('93', 'R', 'Attività sportive, di intrattenimento e di divertimento'),
    ('94', 'S', 'Attività di organizzazioni associative'),
    ('95', 'S', 'Riparazione di computer e di beni per uso personale e per la casa'),
    ('96', 'S', 'Altre attività di servizi per la persona'),
    ('97', 'T', 'Attività di famiglie e convivenze come datori di lavoro per personale domestico'),
    ('98', 'T', 'Produzione di beni e servizi indifferenziati per uso proprio da parte di famiglie e convivenze'),
    ('99', 'U', 'Organizzazioni ed organismi extraterritoriali')
ON CONFLICT (divisione) DO UPDATE SET sezione = EXCLUDED.sezione, descrizione = EXCLUDED.descrizione;

INSERT INTO quartieri (nome) VALUES
    ('Borgo Panigale-Reno'),
    ('Navile'),
    ('Porto-Saragozza'),
    ('San Donato-San Vitale'),
    ('Santo Stefano'),
    ('Savena')
ON CONFLICT (nome) DO NOTHING;

INSERT INTO zone (nome, quartiere) VALUES
    ('Borgo Panigale', 'Borgo Panigale-Reno'),
    ('Barca', 'Borgo Panigale-Reno'),
    ('Santa Viola', 'Borgo Panigale-Reno'),
    ('Bolognina', 'Navile'),
    ('Corticella', 'Navile'),
    ('Lame', 'Navile'),
    ('Costa Saragozza', 'Porto-Saragozza'),
    ('Malpighi', 'Porto-Saragozza'),
    ('Marconi', 'Porto-Saragozza'),
    ('Saragozza', 'Porto-Saragozza'),
    ('Irnerio', 'San Donato-San Vitale'),
    ('San Donato', 'San Donato-San Vitale'),
    ('San Vitale', 'San Donato-San Vitale'),
    ('Colli', 'Santo Stefano'),
    ('Galvani', 'Santo Stefano'),
    ('Murri', 'Santo Stefano'),
    ('Mazzini', 'Savena'),
    ('San Ruffillo', 'Savena')
ON CONFLICT (nome) DO NOTHING;

-- "As of" a date: the latest snapshot loaded on or before it, and the companies as they were
-- in that snapshot (from the SCD2 versions in imprese_storia).
CREATE FUNCTION snapshot_al(d date) RETURNS date LANGUAGE sql STABLE AS $$
    SELECT max(as_of) FROM register_snapshots WHERE as_of <= d
$$;

CREATE FUNCTION imprese_al(d date) RETURNS SETOF imprese_storia LANGUAGE sql STABLE AS $$
    SELECT h.* FROM imprese_storia h, (SELECT snapshot_al(d) AS s) snap
    WHERE h.valid_from <= snap.s AND (h.valid_to IS NULL OR h.valid_to > snap.s)
$$;

-- The companies present in the latest snapshot (imprese also keeps those that left the
-- register extract: their last_as_of is older).
CREATE VIEW imprese_ultima_istantanea AS
    SELECT i.* FROM imprese i
    WHERE i.last_as_of = (SELECT max(as_of) FROM register_snapshots);

CREATE INDEX cig_domande_dt_autorizzazione ON cig_domande (dt_autorizzazione) WHERE dt_autorizzazione IS NOT NULL;
CREATE INDEX suap_pratiche_dt ON suap_pratiche (dt_presentazione);
CREATE INDEX imprese_storia_current ON imprese_storia (codice_fiscale) WHERE valid_to IS NULL;

-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        GRANT SELECT ON load_batches, rejected_rows, stradario, quartieri, zone, aree_statistiche,
            ateco_sezioni, ateco_divisioni, register_snapshots, imprese, imprese_storia,
            imprese_eventi, cig_domande, suap_pratiche, contributi, imprese_ultima_istantanea
            TO conoscenza_ro;
        GRANT EXECUTE ON FUNCTION snapshot_al(date), imprese_al(date) TO conoscenza_ro;
    END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'conoscenza_ro') THEN
        REVOKE SELECT ON load_batches, rejected_rows, stradario, quartieri, zone, aree_statistiche,
            ateco_sezioni, ateco_divisioni, register_snapshots, imprese, imprese_storia,
            imprese_eventi, cig_domande, suap_pratiche, contributi, imprese_ultima_istantanea
            FROM conoscenza_ro;
    END IF;
END
$$;
-- +goose StatementEnd
DROP INDEX IF EXISTS imprese_storia_current, suap_pratiche_dt, cig_domande_dt_autorizzazione;
DROP VIEW IF EXISTS imprese_ultima_istantanea;
DROP FUNCTION IF EXISTS imprese_al(date);
DROP FUNCTION IF EXISTS snapshot_al(date);
DELETE FROM ateco_divisioni;
DELETE FROM ateco_sezioni;
