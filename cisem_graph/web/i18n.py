"""Italian and English: which language a page is in, which label to show, and the page's words.

``?lang=it|en`` wins; else the ``Accept-Language`` header (werkzeug's ``best_match``, which also
matches ``en-GB`` to ``en``); else Italian, the dataset's primary language. A label missing in the
page's language falls back to the other one, then to an untagged label.
"""

from __future__ import annotations

from collections.abc import Iterable

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


KIND_NAMES = {
    "organization": ("Organizzazioni", "Organizations"),
    "person": ("Persone", "People"),
    "place": ("Luoghi", "Places"),
    "event": ("Eventi", "Events"),
    "series": ("Serie di eventi", "Event series"),
    "role": ("Ruoli", "Roles"),
    "concept": ("Concetti", "Concepts"),
    "article": ("Articoli", "Articles"),
    "quotation": ("Citazioni", "Quotations"),
    "legislation": ("Norme", "Legislation"),
    "periodical": ("Periodici", "Periodicals"),
}

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


def kind_name(kind: str, lang: str) -> str:
    return KIND_NAMES.get(kind, (kind, kind))[LANGS.index(lang)]
