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
    "URI Too Long": "Indirizzo troppo lungo",
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
