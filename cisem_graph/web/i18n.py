"""Italian and English: which language a page is in, which label to show, and the page's words.

``?lang=it|en`` wins; else the ``Accept-Language`` header (werkzeug's ``best_match``, which also
matches ``en-GB`` to ``en``); else Italian, the dataset's primary language. A label missing in the
page's language falls back to the other one, then to an untagged label.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import request
from rdflib import Literal

LANGS = ("it", "en")
DEFAULT_LANG = "it"


def page_language() -> str:
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    return request.accept_languages.best_match(LANGS, default=DEFAULT_LANG)


def asked_language() -> str | None:
    """The ``?lang=`` of the request when it is one we serve (kept across redirects and links)."""
    asked = request.args.get("lang")
    return asked if asked in LANGS else None


def preference(lang: str) -> list[str | None]:
    """Languages to try, best first: the page's, the other one we serve, untagged."""
    return [lang, *(other for other in LANGS if other != lang), None]


def in_language(literals: Iterable[Literal], lang: str) -> list[Literal]:
    """The literals in the best language available (all of them, if several share it)."""
    literals = list(literals)
    for wanted in preference(lang):
        chosen = [lit for lit in literals if (lit.language or None) == wanted]
        if chosen:
            return sorted(chosen, key=str)
    return sorted(literals, key=lambda lit: (lit.language or "", str(lit)))


def pick(literals: Iterable[Literal], lang: str) -> Literal | None:
    """One label in the best language available, or None."""
    chosen = in_language([lit for lit in literals if isinstance(lit, Literal)], lang)
    return chosen[0] if chosen else None


_WORDS = {
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
    "search_help": ("Cerca nei nomi in italiano e in inglese.",
                    "Searches the Italian and English names."),
    "no_results": ("Nessun risultato.", "No results."),
    "results_for": ("Risultati per", "Results for"),
    "more_results": ("Ci sono altri risultati: precisa la ricerca.",
                     "There are more results: narrow the search."),
    "empty": ("Nessuna risorsa.", "Nothing here."),
    "things": ("risorse", "things"),
}


def words(lang: str) -> dict[str, str]:
    """The page's fixed words in ``lang``."""
    index = LANGS.index(lang)
    return {key: pair[index] for key, pair in _WORDS.items()}


def pick_text(values: dict[str, str], lang: str) -> str:
    """The text in ``lang``, else in the other language, else untagged, else any."""
    for key in (lang, *(x for x in LANGS if x != lang), ""):
        if values.get(key):
            return values[key]
    return next(iter(values.values()), "")


MONTHS = {
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}


def format_date(value: str | None, lang: str) -> str | None:
    """``14 giugno 2021, 18:00`` / ``14 June 2021, 18:00``, in the time zone the data gives."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    day = f"{when.day} {MONTHS[lang][when.month - 1]} {when.year}"
    return day if len(value) <= 10 else f"{day}, {when:%H:%M}"


def with_lang(href: str) -> str:
    """Keep an explicit ``?lang=`` on links, so a reader who chose a language stays in it."""
    asked = asked_language()
    return f"{href}?lang={asked}" if asked else href


def lang_links(lang: str) -> list[dict[str, str]]:
    """The page in each language (``<link hreflang>`` and the switch)."""
    return [{"lang": x, "href": f"{request.path}?lang={x}", "current": x == lang} for x in LANGS]


# -- the words of the home, dataset, ontology and shapes pages ------------------------------------

SITE: dict[str, dict[str, str]] = {
    "it": {
        "home": "Inizio", "dataset": "Dataset", "ontology": "Ontologia", "shapes": "Forme SHACL",
        "sparql": "Punto di accesso SPARQL", "other_lang": "English", "version": "Versione",
        "triples": "triple", "modified": "Ultima modifica", "counts": "Che cosa contiene",
        "kind": "Tipo", "things": "Elementi", "browse": "Sfoglia", "events": "Eventi",
        "date_unknown": "data non indicata dalla fonte", "download": "Scarica i dati",
        "metadata": "Metadati del dataset (VoID, DCAT-AP_IT)", "sitemap": "Mappa del sito",
        "base": "IRI di base", "licence": "Licenza", "publisher": "Editore", "contact": "Contatto",
        "languages": "Lingue", "keywords": "Parole chiave", "endpoint": "Interrogazione",
        "distributions": "Distribuzioni", "file": "File", "format": "Formato", "size": "Dimensione",
        "bytes": "byte", "checksum": "SHA-256", "graphs": "Grafi (uno per fonte)",
        "graph": "Grafo", "source": "Fonte", "classes": "Classi", "class": "Classe",
        "entities": "Entità", "properties": "Proprietà", "property": "Proprietà",
        "other_formats": "Altri formati", "linksets": "Collegamenti esterni", "links": "collegamenti",
        "label": "Etichetta", "comment": "Commento", "definition": "Definizione",
        "alt_label": "Altre etichette", "concepts": "Concetti (temi)", "scheme": "Schema",
        "page": "Pagina", "alignments": "Allineamenti", "none": "nessuna",
        "targets": "Si applica a", "severity": "Gravità", "message": "Messaggio", "path": "Percorso",
        "constraints": "Vincoli", "shape_note": "Le forme SHACL che i dati devono rispettare prima "
        "di essere pubblicati. Non fanno parte del dataset.",
        "all_checksums": "Tutti i codici di controllo", "dumps_note": "Ogni file contiene l'intero "
        "dataset; i codici di controllo sono in", "not_stated": "non indicato",
        "onto_note": "Classi, proprietà e concetti del vocabolario del progetto, in italiano e "
        "in inglese, con gli allineamenti a schema.org, W3C ORG e OntoPiA.",
        "intro": "Un grafo di conoscenza (linked data) del CISeM, il Comitato Imprenditorialità "
        "Sociale e Microcredito della Camera di Commercio di Cuneo, delle organizzazioni, delle "
        "persone e degli eventi della sua rete, con la fonte di ogni fatto. Si consulta pagina "
        "per pagina, si interroga in SPARQL e si scarica per intero.",
    },
    "en": {
        "home": "Home", "dataset": "Dataset", "ontology": "Ontology", "shapes": "SHACL shapes",
        "sparql": "SPARQL endpoint", "other_lang": "Italiano", "version": "Version",
        "triples": "triples", "modified": "Last modified", "counts": "What it holds",
        "kind": "Kind", "things": "Things", "browse": "Browse", "events": "Events",
        "date_unknown": "date not given by the source", "download": "Download the data",
        "metadata": "Dataset metadata (VoID, DCAT-AP_IT)", "sitemap": "Sitemap",
        "base": "Base IRI", "licence": "Licence", "publisher": "Publisher", "contact": "Contact",
        "languages": "Languages", "keywords": "Keywords", "endpoint": "Query",
        "distributions": "Distributions", "file": "File", "format": "Format", "size": "Size",
        "bytes": "bytes", "checksum": "SHA-256", "graphs": "Graphs (one per source)",
        "graph": "Graph", "source": "Source", "classes": "Classes", "class": "Class",
        "entities": "Entities", "properties": "Properties", "property": "Property",
        "other_formats": "Other formats", "linksets": "Links to other datasets", "links": "links",
        "label": "Label", "comment": "Comment", "definition": "Definition",
        "alt_label": "Other labels", "concepts": "Concepts (themes)", "scheme": "Scheme",
        "page": "Page", "alignments": "Alignments", "none": "none",
        "targets": "Applies to", "severity": "Severity", "message": "Message", "path": "Path",
        "constraints": "Constraints", "shape_note": "The SHACL shapes the data must satisfy "
        "before it is published. They are not part of the dataset.",
        "all_checksums": "All checksums", "dumps_note": "Each file holds the whole dataset; the "
        "checksums are in", "not_stated": "not stated",
        "onto_note": "The classes, properties and concepts of the project's vocabulary, in Italian "
        "and English, with their alignments to schema.org, W3C ORG and OntoPiA.",
        "intro": "A linked-data knowledge graph of CISeM, the Social Entrepreneurship and "
        "Microcredit Committee of the Chamber of Commerce of Cuneo, and of the organizations, "
        "people and events of its network, with the source of every fact. Read it page by page, "
        "query it with SPARQL, or download it whole.",
    },
}
LANGUAGE_NAMES = {"ITA": {"it": "italiano", "en": "Italian"}, "ENG": {"it": "inglese", "en": "English"}}
