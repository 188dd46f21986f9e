"""The one it/en catalogue: every word the site shows people, and the names of the data's terms.

``WORDS`` holds the interface words by section (``common`` is in every page's ``t``); a view asks
for its sections (``words(lang, "resource")``). ``term_label`` names a class, property or
enumeration value of a standard vocabulary (``terms.tsv``: schema.org's, ORG's, SKOS's names, put
into Italian); the project's own terms are named by the ontology's labels, from the data.
Nothing here is a fact about the network: these are the words around the facts.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from ..namespaces import project_prefixes

LANGS = ("it", "en")
TERMS_FILE = Path(__file__).with_name("terms.tsv")

WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "common": {
        "site_name": ("cisem-graph", "cisem-graph"),
        "nav_label": ("Menu principale", "Main menu"),
        "nav_home": ("Inizio", "Home"),
        "nav_sparql": ("SPARQL", "SPARQL"),
        "nav_queries": ("Interrogazioni", "Queries"),
        "nav_network": ("Rete", "Network"),
        "nav_browse": ("Sfoglia", "Browse"),
        "nav_search": ("Cerca", "Search"),
        "nav_dataset": ("Dataset", "Dataset"),
        "nav_ontology": ("Ontologia", "Ontology"),
        "skip": ("Vai al contenuto", "Skip to content"),
        "language": ("Lingua", "Language"),
        "other_lang": ("English", "Italiano"),
        "footer_data": ("Dati", "Data"),
        "footer_licence": ("licenza CC BY 4.0", "licence CC BY 4.0"),
        "footer_about": (
            "Grafo della rete dell’economia sociale della provincia di Cuneo",
            "Graph of the social-economy network of the province of Cuneo",
        ),
        "search_label": ("Cerca per nome", "Search by name"),
        "scroll_table": ("Tabella scorrevole", "Scrollable table"),
    },
    "story": {
        "when": ("Quando", "When"),
        "attendance": ("Come si partecipa", "Attendance"),
        "where": ("Dove", "Where"),
        "organizer": ("Organizzato da", "Organized by"),
        "speakers": ("Relatori", "Speakers"),
        "series": ("Serie", "Series"),
        "topics": ("Temi", "Topics"),
        "events": ("Eventi", "Events"),
        "located": ("Sede", "Based in"),
        "parent": ("Fa parte di", "Part of"),
        "units": ("Articolazioni", "Units"),
        "people": ("Persone e ruoli", "People and roles"),
        "founders": ("Fondatori", "Founders"),
        "organized": ("Eventi organizzati", "Events organized"),
        "took_part": ("Eventi a cui ha partecipato", "Events taken part in"),
        "roles": ("Ruoli", "Roles"),
        "affiliation": ("Affiliazione", "Affiliation"),
        "in": ("Si trova in", "Lies in"),
        "contains": ("Comprende", "Contains"),
        "here": ("Qui si trovano", "Found here"),
        "holder": ("Chi lo ricopre", "Held by"),
        "role_in": ("In", "In"),
        "period": ("Periodo", "Period"),
    },
    "lists": {
        "browse_title": ("Sfoglia per tipo", "Browse by kind"),
        "count": ("In tutto", "In all"),
        "sort": ("Ordina", "Sort"),
        "sort_name": ("per nome (A–Z)", "by name (A–Z)"),
        "sort_-name": ("per nome (Z–A)", "by name (Z–A)"),
        "sort_date": ("dal più vecchio", "oldest first"),
        "sort_-date": ("dal più recente", "newest first"),
        "apply": ("Applica", "Apply"),
        "filters": ("Filtra", "Filter"),
        "facet_year": ("Anno", "Year"),
        "facet_series": ("Serie", "Series"),
        "facet_mode": ("Modalità di partecipazione", "Attendance mode"),
        "facet_type": ("Tipo", "Type"),
        "facet_place": ("Luogo", "Place"),
        "facet_in": ("Si trova in", "Lies in"),
        "facet_organizer": ("Organizzatore", "Organizer"),
        "remove_filter": ("togli il filtro", "remove the filter"),
        "all_filters_off": ("Togli tutti i filtri", "Remove every filter"),
        "as_json": ("Questo elenco in JSON", "This list as JSON"),
        "as_csv": ("tutto l’elenco in CSV", "the whole list as CSV"),
        "page_of": ("pagina {number} di {pages}", "page {number} of {pages}"),
        "name": ("Nome", "Name"),
        "date": ("Data", "Date"),
        "kind": ("Tipo", "Kind"),
        "description": ("Descrizione", "Description"),
    },
    "errors": {
        "error": ("Errore", "Error"),
        "line": ("Riga", "Line"),
        "column": ("colonna", "column"),
        "go_home": ("Torna all’inizio", "Back to the home page"),
        "try_search": ("Cerca per nome", "Search by name"),
        "message_404": (
            "Qui non c’è nulla: l’indirizzo non corrisponde a nessuna pagina di questo sito.",
            "There is nothing here: the address matches no page of this site.",
        ),
        "message_405": (
            "Questo indirizzo non accetta il metodo usato.",
            "This address does not accept the method used.",
        ),
        "no_thing": ("In questo dataset non c’è nulla con questo nome.",
                     "There is no such thing in this dataset."),
        "no_document": ("Non esiste un documento con questo suffisso: quelli offerti sono .ttl, "
                        ".nt, .jsonld, .rdf, .trig, .nq e .html.",
                        "There is no such document: the suffixes offered are .ttl, .nt, .jsonld, "
                        ".rdf, .trig, .nq and .html."),
        "bad_page": ("Il numero di pagina deve essere un numero intero da 1 a 10000.",
                     "The page number must be a whole number from 1 to 10000."),
        "bad_search": ("Il testo da cercare è troppo lungo o contiene caratteri di controllo.",
                       "The search text is too long or contains control characters."),
        "bad_host": ("Questo server non risponde per l’indirizzo indicato nella richiesta.",
                     "This server does not answer for the host named in the request."),
        "no_page": ("Questo elenco non ha tante pagine.", "This list has fewer pages."),
        "bad_lang": ("La lingua si sceglie con lang=it (italiano) o lang=en (inglese), una volta sola.",
                     "The language is chosen with lang=it (Italian) or lang=en (English), once."),
        "no_format": ("Questo documento non esiste in questo formato; quelli offerti sono {offered}.",
                      "This document does not come in that format; the ones offered are {offered}."),
        "no_dump": ("Questo file non è fra quelli scaricabili: {offered}.",
                    "This file is not one of the downloads: {offered}."),
        "no_sitemap": ("La mappa del sito non ha una parte con questo numero: si parte da "
                       "/sitemap.xml.", "The sitemap has no part by that number: start from "
                       "/sitemap.xml."),
        "no_query": ("Non c’è un’interrogazione pronta con questo nome; quelle che ci sono: {queries}.",
                     "There is no ready-made query by this name; the ones there are: {queries}."),
        "no_parameter": ("Questa interrogazione non ha un parametro con questo nome; i suoi: {known}.",
                         "This query has no parameter by that name; its parameters: {known}."),
        "too_many_values": ("Il parametro {parameter} accetta al massimo {limit} valori.",
                            "The parameter {parameter} takes at most {limit} values."),
        "too_many_rows": ("I valori dati formano {rows} combinazioni; al massimo {limit}.",
                          "The values given make {rows} combinations; at most {limit}."),
        "bad_value": ("Il valore del parametro {parameter} non è valido.",
                      "The value of the parameter {parameter} is not valid."),
        "empty_value": ("Il parametro {parameter} ha un valore vuoto.",
                        "The parameter {parameter} has an empty value."),
        "long_value": ("Il valore del parametro {parameter} supera i {limit} caratteri.",
                       "The value of the parameter {parameter} is longer than {limit} characters."),
        "not_integer": ("Il parametro {parameter} vuole un numero intero (cifre 0-9, col segno se "
                        "serve).",
                        "The parameter {parameter} takes a whole number (digits 0-9, signed if need "
                        "be)."),
        "control_characters": ("Il valore del parametro {parameter} non può contenere caratteri di "
                               "controllo (a capo, tabulazioni).",
                               "The value of the parameter {parameter} cannot hold control "
                               "characters (line breaks, tabs)."),
        "not_iri": ("Il parametro {parameter} vuole un IRI http(s) o il tipo e il nome di una cosa "
                    "(per esempio organization/cisem).",
                    "The parameter {parameter} takes an http(s) IRI or a thing's kind and name (for "
                    "example organization/cisem)."),
        "bad_parameter": ("Un parametro della richiesta non è valido.",
                          "A parameter of the request is not valid."),
        "message_500": (
            "Il server non ha potuto rispondere a questa richiesta.",
            "The server could not answer this request.",
        ),
    },
    "resource": {
        "in_brief": ("In breve", "In brief"),
        "all_data": ("Tutti i dati", "All the data"),
        "pages": ("Pagine", "Pages"),
        "types": ("Tipi", "Types"),
        "properties": ("Proprietà", "Properties"),
        "property": ("Proprietà", "Property"),
        "value": ("Valore", "Value"),
        "sources": ("Fonti", "Sources"),
        "source": ("fonte", "source"),
        "original": ("documento originale", "original document"),
        "referenced_by": ("Citato da", "Referenced by"),
        "nothing_links": ("Nessuna risorsa rimanda a questa.", "Nothing links here."),
        "contents": ("Risorse descritte in questo grafo", "Things described in this graph"),
        "formats": ("Scarica la descrizione", "Download this description"),
        "sparql": ("La stessa descrizione in SPARQL", "The same description in SPARQL"),
        "sparql_construct": ("come CONSTRUCT", "as a CONSTRUCT"),
        "sparql_quads": ("con la fonte di ogni fatto", "with the source of each fact"),
        "identifier": ("Identificatore", "Identifier"),
        "in_other_language": ("In inglese", "In Italian"),
        "next": ("Pagina successiva", "Next page"),
        "previous": ("Pagina precedente", "Previous page"),
        "page": ("pagina", "page"),
        "browse": ("Sfoglia", "Browse"),
        "browse_title": ("Sfoglia per tipo", "Browse by kind"),
        "search": ("Cerca", "Search"),
        "search_title": ("Cerca per nome", "Search by name"),
        "search_help": (
            "Cerca nei nomi in italiano e in inglese.",
            "Searches the Italian and English names.",
        ),
        "no_results": ("Nessun risultato.", "No results."),
        "results_for": ("Risultati per", "Results for"),
        "more_results": (
            "Ci sono altri risultati: precisa la ricerca.",
            "There are more results: narrow the search.",
        ),
        "empty": ("Nessuna risorsa.", "Nothing here."),
        "things": ("risorse", "things"),
    },
    "site": {
        "all_events": ("Tutti gli eventi ({count})", "All the events ({count})"),
        "queries_title": ("Interrogazioni pronte", "Ready-made queries"),
        "network_title": ("La rete", "The network"),
        "network_alt": ("La rete delle organizzazioni, delle persone, degli eventi e dei luoghi del "
                        "grafo", "The network of the organizations, people, events and places of "
                        "the graph"),
        "nodes_csv": ("nodi CSV", "nodes CSV"),
        "edges_csv": ("relazioni CSV", "relations CSV"),
        "home": ("Inizio", "Home"),
        "dataset": ("Dataset", "Dataset"),
        "ontology": ("Ontologia", "Ontology"),
        "shapes": ("Forme SHACL", "SHACL shapes"),
        "sparql": ("Punto di accesso SPARQL", "SPARQL endpoint"),
        "other_lang": ("English", "Italiano"),
        "version": ("Versione", "Version"),
        "triples": ("triple", "triples"),
        "modified": ("Ultima modifica", "Last modified"),
        "counts": ("Che cosa contiene", "What it holds"),
        "kind": ("Tipo", "Kind"),
        "things": ("Elementi", "Things"),
        "browse": ("Sfoglia", "Browse"),
        "events": ("Eventi", "Events"),
        "date_unknown": ("data non indicata dalla fonte", "date not given by the source"),
        "download": ("Scarica i dati", "Download the data"),
        "metadata": ("Metadati del dataset (VoID, DCAT-AP_IT)", "Dataset metadata (VoID, DCAT-AP_IT)"),
        "sitemap": ("Mappa del sito", "Sitemap"),
        "base": ("IRI di base", "Base IRI"),
        "licence": ("Licenza", "Licence"),
        "publisher": ("Editore", "Publisher"),
        "contact": ("Contatto", "Contact"),
        "languages": ("Lingue", "Languages"),
        "keywords": ("Parole chiave", "Keywords"),
        "endpoint": ("Interrogazione", "Query"),
        "distributions": ("Distribuzioni", "Distributions"),
        "file": ("File", "File"),
        "format": ("Formato", "Format"),
        "size": ("Dimensione", "Size"),
        "bytes": ("byte", "bytes"),
        "checksum": ("SHA-256", "SHA-256"),
        "graphs": ("Grafi (uno per fonte)", "Graphs (one per source)"),
        "graph": ("Grafo", "Graph"),
        "source": ("Fonte", "Source"),
        "classes": ("Classi", "Classes"),
        "class": ("Classe", "Class"),
        "entities": ("Entità", "Entities"),
        "properties": ("Proprietà", "Properties"),
        "property": ("Proprietà", "Property"),
        "other_formats": ("Altri formati", "Other formats"),
        "linksets": ("Collegamenti esterni", "Links to other datasets"),
        "links": ("collegamenti", "links"),
        "label": ("Etichetta", "Label"),
        "comment": ("Commento", "Comment"),
        "definition": ("Definizione", "Definition"),
        "alt_label": ("Altre etichette", "Other labels"),
        "concepts": ("Concetti (temi)", "Concepts (themes)"),
        "scheme": ("Schema", "Scheme"),
        "page": ("Pagina", "Page"),
        "alignments": ("Allineamenti", "Alignments"),
        "none": ("nessuna", "none"),
        "targets": ("Si applica a", "Applies to"),
        "severity": ("Gravità", "Severity"),
        "message": ("Messaggio", "Message"),
        "path": ("Percorso", "Path"),
        "constraints": ("Vincoli", "Constraints"),
        "shape_note": (
            "Le forme SHACL che i dati devono rispettare prima di essere pubblicati. Non fanno parte del "
            "dataset.",
            "The SHACL shapes the data must satisfy before it is published. They are not part of the "
            "dataset.",
        ),
        "all_checksums": ("Tutti i codici di controllo", "All checksums"),
        "dumps_note": (
            "Ogni file contiene l'intero dataset; i codici di controllo sono in",
            "Each file holds the whole dataset; the checksums are in",
        ),
        "not_stated": ("non indicato", "not stated"),
        "onto_note": (
            "Classi, proprietà e concetti del vocabolario del progetto, in italiano e in inglese, con gli"
            " allineamenti a schema.org, W3C ORG e OntoPiA.",
            "The classes, properties and concepts of the project's vocabulary, in Italian and English, "
            "with their alignments to schema.org, W3C ORG and OntoPiA.",
        ),
        "intro": (
            "Un grafo di conoscenza (linked data) del CISeM, il Comitato Imprenditorialità Sociale e "
            "Microcredito della Camera di Commercio di Cuneo, delle organizzazioni, delle persone e degli"
            " eventi della sua rete, con la fonte di ogni fatto. Si consulta pagina per pagina, si "
            "interroga in SPARQL e si scarica per intero.",
            "A linked-data knowledge graph of CISeM, the Social Entrepreneurship and Microcredit "
            "Committee of the Chamber of Commerce of Cuneo, and of the organizations, people and events "
            "of its network, with the source of every fact. Read it page by page, query it with SPARQL, "
            "or download it whole.",
        ),
    },
    "editor": {
        "title": ("Interroga il grafo con SPARQL", "Query the graph with SPARQL"),
        "query": ("Interrogazione SPARQL", "SPARQL query"),
        "run": ("Esegui", "Run"),
        "run_hint": ("Ctrl+Invio per eseguire", "Ctrl+Enter to run"),
        "examples": ("Esempi", "Examples"),
        "choose": ("Scegli un esempio…", "Choose an example…"),
        "prefixes": ("Prefissi", "Prefixes"),
        "add_prefixes": ("Aggiungi i prefissi usati", "Add the prefixes used"),
        "prefixes_help": (
            "Prima di eseguire, l'editor dichiara i prefissi del progetto usati nell'interrogazione e non"
            " ancora dichiarati.",
            "Before running, the editor declares the project's prefixes that the query uses and does not "
            "declare yet.",
        ),
        "prefixes_added": ("Prefissi aggiunti:", "Prefixes added:"),
        "no_prefixes": ("Nessun prefisso da aggiungere.", "No prefix to add."),
        "results": ("risultati", "results"),
        "triples": ("triple", "triples"),
        "result": ("risultato", "result"),
        "triple": ("tripla", "triple"),
        "cut_off": ("troncati al limite di", "cut off at the limit of"),
        "download": ("Scarica", "Download"),
        "permalink": ("Link permanente", "Permalink"),
        "running": ("Esecuzione…", "Running…"),
        "error": ("Errore", "Error"),
        "line": ("riga", "line"),
        "column": ("colonna", "column"),
        "go_to": ("vai all'errore", "go to the error"),
        "network_error": ("Il server non ha risposto.", "The server did not answer."),
        "sort": ("Ordina per", "Sort by"),
        "true": ("vero", "true"),
        "false": ("falso", "false"),
        "ms": ("ms", "ms"),
        "no_js": (
            "Esempi (aprono l'interrogazione con i suoi risultati)",
            "Examples (each opens the query with its results)",
        ),
        "tab_hint": (
            "Tab rientra; Esc e poi Tab esce dall'editor.",
            "Tab indents; Esc then Tab leaves the editor.",
        ),
    },
    "queries": {
        "shown_first": ("qui le prime {shown}; i file scaricabili le contengono tutte",
                        "the first {shown} shown here; the downloads hold them all"),
        "queries": ("Interrogazioni pronte", "Ready-made queries"),
        "intro": (
            "Domande frequenti sulla rete, già scritte in SPARQL: ciascuna ha la sua pagina con i "
            "risultati, scaricabili in CSV, TSV e JSON, e si può aprire nell’editor per modificarla.",
            "Common questions about the network, already written in SPARQL: each has its own page with "
            "its results, to download as CSV, TSV or JSON, and opens in the editor to be changed.",
        ),
        "parameters": ("Parametri", "Parameters"),
        "run": ("Esegui", "Run"),
        "optional": ("facoltativo", "optional"),
        "query": ("L’interrogazione SPARQL", "The SPARQL query"),
        "results": ("Risultati", "Results"),
        "rows": ("righe", "rows"),
        "cut_off": ("troncati al limite di", "cut off at the limit of"),
        "open": ("Apri nell’editor SPARQL", "Open in the SPARQL editor"),
        "download": ("Scarica", "Download"),
        "none": ("Nessun risultato.", "No results."),
        "all": ("Tutte le interrogazioni", "All queries"),
        "text": ("testo SPARQL", "SPARQL text"),
        "json_list": ("Elenco in JSON", "List as JSON"),
    },
    "network": {
        "title": ("La rete", "The network"),
        "other_lang": ("English", "Italiano"),
        "intro": (
            "Le organizzazioni, le persone, gli eventi, le serie di eventi, i periodici e i luoghi del "
            "grafo, con le loro relazioni: chi organizza, chi interviene, chi è membro di che cosa e con "
            "quale ruolo, dove si trovano. La rete è costruita da una sola query SPARQL sui dati "
            "pubblicati e cresce con loro. Un clic su un nodo apre la sua pagina.",
            "The organizations, people, events, event series, periodicals and places of the graph and "
            "their relations: who organizes, who speaks, who is a member of what and in which role, where"
            " they are. The network is built by one SPARQL query over the published data and grows with "
            "it. Click a node to open its page.",
        ),
        "counts": ("{nodes} nodi e {edges} relazioni", "{nodes} nodes and {edges} relations"),
        "notice": (
            "La rete è grande: qui c'è un campione di {shown} dei {total} nodi (quelli con più "
            "collegamenti) e le relazioni fra loro. Le esportazioni contengono lo stesso campione.",
            "The network is large: this is a sample of {shown} of its {total} nodes (those with the most "
            "links) and the relations between them. The exports hold the same sample.",
        ),
        "filter": ("Mostra", "Show"),
        "apply": ("Applica", "Apply"),
        "picture": ("La rete (immagine statica)", "The network (static picture)"),
        "exports": ("Scarica la rete", "Download the network"),
        "graphml": ("GraphML (yEd, Cytoscape, networkx)", "GraphML (yEd, Cytoscape, networkx)"),
        "gexf": ("GEXF 1.3 (Gephi)", "GEXF 1.3 (Gephi)"),
        "nodes_csv": ("Nodi (CSV)", "Nodes (CSV)"),
        "edges_csv": ("Relazioni (CSV)", "Relations (CSV)"),
        "json": ("JSON", "JSON"),
        "svg": ("Immagine (SVG)", "Picture (SVG)"),
        "query": ("La query SPARQL che costruisce la rete", "The SPARQL query that builds the network"),
        "run": ("Eseguila nell'editor SPARQL", "Run it in the SPARQL editor"),
        "list": ("I nodi per tipo", "The nodes by kind"),
        "help": (
            "Trascina un nodo per spostarlo, lo sfondo per muovere la vista; la rotella ingrandisce.",
            "Drag a node to move it, the background to pan; the wheel zooms.",
        ),
        "reset": ("Ripristina la vista", "Reset the view"),
        "home_link": ("Esplora la rete", "Explore the network"),
    },
    "staff": {
        "area": ("Area riservata", "Staff area"),
        "signin_title": ("Accesso all'area riservata", "Sign in to the staff area"),
        "signin_intro": ("Qui il personale della Camera aggiunge dati al grafo: carica un foglio, lo "
                         "controlla, vede in anteprima che cosa cambierebbe e lo pubblica.",
                         "Here the Chamber's staff add data to the graph: upload a sheet, check it, "
                         "preview what would change, and publish it."),
        "user": ("Nome utente", "User name"),
        "password": ("Password", "Password"),
        "signin": ("Accedi", "Sign in"),
        "signout": ("Esci", "Sign out"),
        "signed_in_as": ("Accesso come", "Signed in as"),
        "bad_credentials": ("Nome utente o password non corretti.", "Wrong user name or password."),
        "too_many": ("Troppi accessi non riusciti: riprovare fra {minutes} minuti.",
                     "Too many failed sign-ins: try again in {minutes} minutes."),
        "please_signin": ("Accedere per continuare.", "Sign in to continue."),
        "upload_title": ("Carica un foglio", "Upload a sheet"),
        "upload_intro": ("Un foglio .xlsx o .csv per tipo, come con cisem-graph import: ogni riga e "
                         "ogni regola dei dati vengono controllate, e nulla è pubblicato finché non si "
                         "sceglie di pubblicarlo.",
                         "One .xlsx or .csv sheet of one kind, as with cisem-graph import: every row and "
                         "every rule of the data are checked, and nothing is published until you choose "
                         "to publish it."),
        "kind": ("Tipo di righe", "Kind of rows"),
        "file": ("File", "File"),
        "check": ("Controlla", "Check"),
        "limit": ("Al massimo {mb} MB. I file .xlsm (con macro) non sono accettati.",
                  "At most {mb} MB. .xlsm files (with macros) are not accepted."),
        "templates": ("Modelli", "Templates"),
        "templates_intro": ("Un modello per tipo, con una riga d'esempio inventata da sostituire.",
                            "One template per kind, with a made-up example row to replace."),
        "history": ("Cronologia", "History"),
        "last_job": ("Ultima pubblicazione", "Last publish"),
        "problems_title": ("Il file non si può importare", "The file cannot be imported"),
        "problems_intro": ("Nulla è stato scritto. Correggere il foglio e caricarlo di nuovo.",
                           "Nothing was written. Correct the sheet and upload it again."),
        "row": ("Riga", "Row"),
        "column": ("Colonna", "Column"),
        "value": ("Valore", "Value"),
        "rule": ("Regola", "Rule"),
        "message": ("Che cosa fare", "What to do"),
        "severity": ("Gravità", "Severity"),
        "error": ("errore", "error"),
        "warning": ("avviso", "warning"),
        "warnings": ("Avvisi (non bloccano)", "Warnings (they do not block)"),
        "checked_title": ("Foglio controllato: {name}", "Sheet checked: {name}"),
        "checked_ok": ("Il foglio rispetta tutte le regole. Non è ancora pubblicato.",
                       "The sheet follows every rule. It is not published yet."),
        "rows": ("Righe", "Rows"),
        "read_as": ("Letto come", "Read as"),
        "writes": ("Scriverà", "Will write"),
        "uploaded_by": ("Caricato da", "Uploaded by"),
        "created": ("Nuove risorse", "New things"),
        "extended": ("Risorse arricchite", "Things added to"),
        "formulas": ("Le formule sono lette con il valore salvato da Excel, mai ricalcolate: {n} "
                     "celle con formule.",
                     "Formulas are read as the values Excel saved, never computed: {n} cells with "
                     "formulas."),
        "formulas_none": ("Le formule sarebbero lette con il valore salvato da Excel, mai ricalcolate; "
                          "questo foglio non ne ha.",
                          "Formulas would be read as the values Excel saved, never computed; this sheet "
                          "has none."),
        "formulas_unsaved": ("{n} formule non hanno un valore salvato (il file non è stato aperto e "
                             "salvato in Excel) e sono lette come celle vuote.",
                             "{n} formulas have no saved value (the file was never opened and saved in "
                             "Excel) and read as empty cells."),
        "no_changes": ("Questo file è già stato importato: non c'è nulla da pubblicare.",
                       "This file was imported already: there is nothing to publish."),
        "preview": ("Anteprima", "Preview"),
        "make_preview": ("Mostra l'anteprima", "Show the preview"),
        "publish": ("Pubblica", "Publish"),
        "discard": ("Scarta", "Discard"),
        "preview_title": ("Anteprima: {name}", "Preview: {name}"),
        "preview_intro": ("Che cosa cambierebbe pubblicando questo foglio, rispetto alla versione in "
                          "linea ({version}). Nulla è ancora pubblicato.",
                          "What publishing this sheet would change, against the version being served "
                          "({version}). Nothing is published yet."),
        "preview_refused": ("L'anteprima non si può costruire: i dati con questo file non sono "
                            "conformi.", "The preview cannot be built: the data with this file does "
                            "not conform."),
        "pages": ("Le pagine nuove o cambiate", "The new or changed pages"),
        "statements": ("Affermazioni per grafo", "Statements by graph"),
        "added": ("aggiunte", "added"),
        "removed": ("tolte", "removed"),
        "more": ("e altre {n}", "and {n} more"),
        "preview_banner": ("Anteprima: questa pagina non è pubblicata.",
                           "Preview: this page is not published."),
        "back_to_preview": ("Torna all'anteprima", "Back to the preview"),
        "job_title": ("Pubblicazione: {label}", "Publish: {label}"),
        "undo_title": ("Annullamento: {label}", "Undo: {label}"),
        "running": ("In corso…", "Running…"),
        "done": ("Fatto", "Done"),
        "failed": ("Non riuscito", "Failed"),
        "step_check": ("controllo", "check"),
        "step_write": ("scrittura in data/", "write to data/"),
        "step_build": ("costruzione e validazione", "build and validate"),
        "step_push": ("invio al triplestore", "push to the store"),
        "step_switch": ("passaggio alla nuova versione", "switch to the new version"),
        "step_record": ("registrazione nella cronologia", "record in the history"),
        "version": ("Versione", "Version"),
        "served": ("in linea", "served"),
        "commit": ("Commit", "Commit"),
        "not_committed": ("Non registrato in git: {why}", "Not committed to git: {why}"),
        "see_page": ("Vedi la pagina pubblicata", "See the published page"),
        "findings": ("Regole violate", "Rules broken"),
        "subject": ("Risorsa", "Thing"),
        "property": ("Proprietà", "Property"),
        "history_intro": ("Le importazioni pubblicate da qui e le versioni che hanno prodotto. "
                          "Annullare rimette il file di dati com'era e pubblica di nuovo, con gli "
                          "stessi controlli.", "The imports published from here and the versions they "
                          "made. Undo puts the data file back as it was and publishes again, through "
                          "the same checks."),
        "when": ("Quando", "When"),
        "who": ("Chi", "Who"),
        "what": ("Che cosa", "What"),
        "action_publish": ("pubblicazione", "publish"),
        "action_undo": ("annullamento", "undo"),
        "undo": ("Annulla", "Undo"),
        "undone": ("annullata", "undone"),
        "versions": ("Versioni", "Versions"),
        "nothing_yet": ("Nessuna pubblicazione ancora.", "Nothing published yet."),
        "checking": ("Controllo del foglio in corso…", "Checking the sheet…"),
        "building": ("Costruzione dell'anteprima in corso…", "Building the preview…"),
        "working_note": ("Questa pagina si aggiorna da sola finché il lavoro non è finito.",
                         "This page refreshes itself until the work is done."),
        "back": ("Torna all'area riservata", "Back to the staff area"),
    },
}


#: the titles of errors (``errors.py``'s and werkzeug's), in Italian; English pages use them as
#: they are
ERROR_TITLES = {
    "Bad query": "Interrogazione non valida", "Bad request": "Richiesta non valida",
    "Query refused": "Interrogazione rifiutata", "Request too large": "Richiesta troppo grande",
    "Not acceptable": "Formato non disponibile", "Query time-out": "Tempo scaduto",
    "Too busy": "Servizio occupato", "Store unavailable": "Archivio non raggiungibile",
    "Store time-out": "Archivio troppo lento", "Reload running": "Aggiornamento in corso",
    "Unauthorized": "Autorizzazione richiesta", "Not Found": "Pagina non trovata",
    "Not found": "Pagina non trovata", "Method Not Allowed": "Metodo non consentito",
    "Query aborted": "Interrogazione interrotta", "Description too large": "Descrizione troppo grande",
    "Endpoint failed": "Servizio esterno non raggiungibile", "Internal error": "Errore interno",
    "Request Entity Too Large": "Richiesta troppo grande", "Bad Request": "Richiesta non valida",
    "URI Too Long": "Indirizzo troppo lungo", "Too many requests": "Troppe richieste",
    "Forbidden": "Accesso negato", "Conflict": "Conflitto", "Work stopped": "Lavoro interrotto",
    "Publish running": "Pubblicazione in corso", "Upload refused": "Caricamento rifiutato",
    "Bad parameter": "Parametro non valido", "Request body too slow": "Richiesta troppo lenta",
    "Incomplete request body": "Richiesta incompleta",
}


def error_title(title: str, lang: str) -> str:
    return ERROR_TITLES.get(title, title) if lang == "it" else title


@cache
def words(lang: str, *sections: str) -> dict[str, str]:
    """The words of ``common`` and of ``sections`` in ``lang`` (a later section wins a key)."""
    index = LANGS.index(lang)
    found: dict[str, str] = {}
    for section in ("common", *sections):
        found.update({key: pair[index] for key, pair in WORDS[section].items()})
    return found


def word(key: str, lang: str, section: str = "common") -> str:
    return WORDS[section][key][LANGS.index(lang)]


@cache
def _terms(base: str) -> dict[str, tuple[str, str]]:
    """``terms.tsv`` by full IRI (its CURIEs expanded with the project's prefixes)."""
    prefixes = project_prefixes(base)
    found: dict[str, tuple[str, str]] = {}
    with TERMS_FILE.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f, delimiter="\t"):
            if not row or row[0].startswith("#"):
                continue
            term, italian, english = row
            prefix, colon, local = term.partition(":")
            iri = prefixes[prefix] + local if colon and prefix in prefixes else term
            found[iri] = (italian, english)
    return found


def term_label(iri: str, lang: str, base: str) -> str | None:
    """The name people read for a vocabulary term in ``lang``, if the catalogue has it."""
    pair = _terms(base).get(str(iri))
    return pair[LANGS.index(lang)] if pair else None


def known_terms(base: str) -> frozenset[str]:
    return frozenset(_terms(base))
