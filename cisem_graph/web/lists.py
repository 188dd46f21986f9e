"""Lists of things, as Datasette lists a table: ``/doc/`` (the kinds), ``/doc/{kind}/`` (one kind:
counted, sorted, paged, filtered by the facets that fit it) and ``/search`` (things by name).

Each has a JSON twin (``/doc.json``, ``/doc/{kind}.json``, ``/search.json``) and a kind's list a
CSV one (``/doc/{kind}.csv``: every match, not a page, cells that a spreadsheet would run as a
formula neutralised). A kind's things, names and facet values are read from the store once per
version (``facts.listing``); a request filters, sorts and pages that in memory, and the pipeline
keeps the answer.
"""

from __future__ import annotations

import csv
import io
import json
import math

from flask import Blueprint, render_template, request, url_for

from .. import describe
from ..errors import BadParameter, NotFound
from ..formats import HTML
from ..namespaces import KINDS
from . import facts, get_settings, get_store, http, jsonld
from .catalogue import term_label, words
from .facts import Item, Listing
from .i18n import LANGS, asked_language, format_date, page_language, pick, pick_text, this_page
from .kinds import TABLE, Facet, kind_name
from .links import Linker, request_linker
from .page import linked_values
from .params import page_number, search_text

bp = Blueprint("lists", __name__)

LIST_SIZE = 100  #: things per page of a list
SEARCH_LIMIT = 100
SNIPPET = 160  #: characters of a search result's description
MAX_FACET_VALUES = 30  #: facet values shown (the most frequent)
NO_THING = "There is no such thing in this dataset."
CSV_TYPE = "text/csv; charset=utf-8; header=present"
JSON_TYPE = "application/json; charset=utf-8"
#: cells a spreadsheet would read as a formula (OWASP's list): prefixed with an apostrophe
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# -- the request: filters, sort, page -------------------------------------------------------------

SORTS = ("name", "-name", "date", "-date")


def chosen_filters(spec) -> dict[str, str]:
    """The facet values asked for (``?year=2021&mode=…``); an unknown value simply matches none."""
    chosen = {}
    for facet in spec.facets:
        value = request.args.get(facet.name)
        if value:
            if len(value) > 500:
                raise BadParameter(f"{facet.name} is too long.", say="bad_parameter")
            chosen[facet.name] = value
    return chosen


def chosen_sort(spec) -> str:
    sort = request.args.get("sort") or ("-date" if spec.dated else "name")
    if sort not in SORTS or (sort.lstrip("-") == "date" and not spec.dated):
        offered = ", ".join(s for s in SORTS if spec.dated or "date" not in s)
        raise BadParameter(f"sort must be one of {offered}.", say="bad_parameter")
    return sort


def name_of(item: Item, lang: str) -> str:
    return pick_text(item.names, lang) or item.iri.rsplit("/", 1)[-1]


def select(found: Listing, filters: dict[str, str], sort: str, lang: str) -> list[Item]:
    items = [i for i in found.items
             if all(value in i.facets.get(name, ()) for name, value in filters.items())]
    if sort.lstrip("-") == "date":  # things without a date last, whichever the direction
        dated = sorted((i for i in items if i.date), key=lambda i: (i.date, i.iri),
                       reverse=sort.startswith("-"))
        return dated + sorted((i for i in items if not i.date), key=lambda i: name_of(i, lang))
    return sorted(items, key=lambda i: (name_of(i, lang).casefold(), i.iri),
                  reverse=sort.startswith("-"))


def facet_counts(found: Listing, items: list[Item], facet: Facet, lang: str, base: str,
                 chosen: str | None, linker: Linker) -> dict:
    counts: dict[str, int] = {}
    for item in items:
        for value in set(item.facets.get(facet.name, ())):
            counts[value] = counts.get(value, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_FACET_VALUES]
    if facet.year:
        ranked.sort(key=lambda kv: kv[0], reverse=True)
    values = []
    for value, count in ranked:
        if facet.year:
            label = value
        else:
            label = (pick_text(found.value_names.get(value, {}), lang)
                     or term_label(value, lang, base) or linker.curie(value))
        values.append({"value": value, "label": label, "count": count, "chosen": value == chosen,
                       "href": this_page(**{facet.name: "" if value == chosen else value},
                                         page="")})
    return {"name": facet.name, "values": values}


# -- views ------------------------------------------------------------------------------------------

@bp.route("/doc.json")
@bp.route("/doc/")  # registered first: url_for gives the page
def kinds():
    lang, twin = page_language(), request.path.endswith(".json")

    def produce() -> http.Body:
        counts = facts.kind_counts()
        found = [{"kind": kind, "name": kind_name(kind, lang), "count": counts[kind],
                  "href": url_for(".kind_list", kind=kind, lang=asked_language(), _external=twin)}
                 for kind in KINDS if counts.get(kind)]
        if twin:
            return json_body({"lang": lang, "kinds": found})
        return html_page("list.html", lang, title=words(lang, "lists")["browse_title"],
                         kinds=found, items=[], facets=[], total=None,
                         twins={"json": this_url("/doc.json")},
                         search_data=jsonld.item_list([(None, k["name"]) for k in found]))

    return respond(lang, produce, twin, alternate=None if twin else this_url("/doc.json"))


@bp.route("/doc/<kind>.<ext>")
@bp.route("/doc/<kind>/")  # registered first: url_for gives the page
def kind_list(kind: str, ext: str | None = None):
    if kind not in KINDS or ext not in (None, "json", "csv"):
        raise NotFound(NO_THING, say="no_thing")
    spec = TABLE[kind]
    lang, number = page_language(), page_number()
    filters, sort = chosen_filters(spec), chosen_sort(spec)

    def produce() -> http.Body:
        found = facts.listing(kind)
        items = select(found, filters, sort, lang)
        if ext == "csv":
            return csv_body(kind, found, items)
        pages = max(1, math.ceil(len(items) / LIST_SIZE))
        if number > pages:
            raise NotFound(f"This list has {pages} page(s).", say="no_page")
        shown = items[(number - 1) * LIST_SIZE:number * LIST_SIZE]
        linker = request_linker(absolute=True)
        base = get_settings().base_iri
        facets = [facet_counts(found, items, f, lang, base, filters.get(f.name), linker)
                  for f in spec.facets]
        rows = [row(item, lang, linker) for item in shown]
        more = number < pages
        if ext == "json":
            return json_body({"kind": kind, "name": kind_name(kind, lang), "lang": lang,
                              "total": len(items), "page": number, "pages": pages, "sort": sort,
                              "filters": filters,
                              "next": this_page(page=number + 1) if more else None,
                              "previous": this_page(page=number - 1) if number > 1 else None,
                              "facets": facets, "items": rows})
        return html_page("list.html", lang, title=kind_name(kind, lang), kinds=[], kind=kind,
                         items=rows, total=len(items), number=number, pages=pages, more=more,
                         sort=sort, sorts=[s for s in SORTS if spec.dated or "date" not in s],
                         facets=facets, filters=filters,
                         twins={"json": this_url(f"/doc/{kind}.json"),
                                "csv": this_url(f"/doc/{kind}.csv")},
                         search_data=jsonld.item_list([(r["iri"], r["name"]) for r in rows]))

    return respond(lang, produce, ext == "json", csv_twin=ext == "csv", kind=kind)


def row(item: Item, lang: str, linker: Linker) -> dict:
    shown = next((x for x in (lang, *LANGS, "") if item.names.get(x)), None)
    return {"iri": item.iri, "href": linker.href(item.iri), "name": name_of(item, lang),
            "lang": shown or None, "date": item.date, "when": format_date(item.date, lang)}


@bp.route("/search.json")
@bp.route("/search")  # registered first: url_for gives the page
def search():
    lang, text, twin = page_language(), search_text(), request.path.endswith(".json")

    def produce() -> http.Body:
        store, base = get_store(), get_settings().base_iri
        found = describe.search(store, text, base, limit=SEARCH_LIMIT) if text else []
        linker = request_linker(absolute=True)
        items = linked_values(found[:SEARCH_LIMIT], lang, linker)
        notes = describe.snippets(store, [f.iri for f in found[:SEARCH_LIMIT]])
        results = []
        for thing, value in zip(found, items, strict=False):
            snippet = pick(notes.get(str(thing.iri), []), lang)
            results.append({"iri": str(thing.iri), "href": value.href, "name": value.text,
                            "lang": value.lang, "kind": value.kind,
                            "kind_name": kind_name(value.kind, lang, one=True) if value.kind else None,
                            "snippet": shorten(str(snippet)) if snippet is not None else None})
        more = len(found) > SEARCH_LIMIT
        if twin:
            return json_body({"q": text, "lang": lang, "more": more, "results": results})
        return html_page("search.html", lang, query=text, results=results, more=more,
                         json_href=this_url("/search.json"), noindex=True,
                         search_data=jsonld.item_list([(r["iri"], r["name"]) for r in results]))

    return respond(lang, produce, twin, indexable=False,
                   alternate=None if twin else this_url("/search.json"))


def shorten(text: str) -> str:
    return text if len(text) <= SNIPPET else text[:SNIPPET].rsplit(" ", 1)[0] + " …"


# -- bodies -----------------------------------------------------------------------------------------

def this_url(path: str) -> str:
    """``path`` on the host asked, with this request's arguments (filters, sort, language)."""
    query = request.query_string.decode("latin-1")
    return f"{request.script_root}{path}{'?' + query if query else ''}"


def html_page(template: str, lang: str, **context) -> http.Body:
    return http.Body(render_template(template, lang=lang, t=words(lang, "resource", "lists"),
                                     **context), HTML.content_type)


def json_body(data: dict) -> http.Body:
    return http.Body(json.dumps(data, ensure_ascii=False, indent=1), JSON_TYPE)


def csv_body(kind: str, found: Listing, items: list[Item]) -> http.Body:
    """Every match: IRI, the name in each language, the date and each facet's values."""
    spec = TABLE[kind]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["iri", *(f"name_{x}" for x in LANGS), "date", *(f.name for f in spec.facets)])
    for item in items:
        writer.writerow([neutral(cell) for cell in (
            item.iri, *(item.names.get(x, "") for x in LANGS), item.date or "",
            *(" ".join(item.facets.get(f.name, ())) for f in spec.facets))])
    return http.Body(out.getvalue(), CSV_TYPE,
                     (("Content-Disposition", f'attachment; filename="cisem-{kind}.csv"'),))


def neutral(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs: ``=HYPERLINK(…)`` becomes ``'=HYPERLINK(…)``."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def respond(lang: str, produce: http.Produce, twin: bool, *, csv_twin: bool = False,
            indexable: bool = True, kind: str | None = None, alternate: str | None = None):
    """A list through the pipeline: the page varies by language; the twins say so too. A page
    names its JSON twin (``alternate``; a kind's list its JSON and CSV twins) in ``Link``."""
    headers = [("Content-Language", lang)]
    if kind is not None and not twin and not csv_twin:
        headers.append(("Link", http.link_alternates(
            [(this_url(f"/doc/{kind}.json"), "application/json"),
             (this_url(f"/doc/{kind}.csv"), "text/csv")])))
    elif alternate is not None:
        headers.append(("Link", http.link_alternates([(alternate, "application/json")])))
    if not indexable:
        headers.append(("X-Robots-Tag", "noindex"))
    fmt = "csv" if csv_twin else ("json" if twin else "html")
    return http.respond((fmt, lang, LIST_SIZE), produce, vary_on="Accept-Language",
                        headers=tuple(headers))

