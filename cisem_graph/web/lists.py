"""Lists of things: ``/doc/`` (the kinds), ``/doc/{kind}/`` (one kind, a page at a time) and
``/search`` (things by name, in either language)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from .. import describe
from ..errors import NotFound
from ..formats import HTML
from ..namespaces import KINDS, thing_iri
from . import get_settings, get_store, http, jsonld, remember
from .catalogue import words
from .i18n import asked_language, page_language
from .kinds import kind_name
from .links import request_linker
from .page import Value, linked_values
from .params import page_number, search_text

bp = Blueprint("lists", __name__)

LIST_SIZE = 200  #: things per page of a list
SEARCH_LIMIT = 100
NO_THING = "There is no such thing in this dataset."


@bp.route("/doc/")
def kinds():
    lang = page_language()

    def produce() -> http.Body:
        store, base = get_store(), get_settings().base_iri
        counts = remember("kind-counts", lambda: describe.kind_counts(store, base))
        found = [(kind_name(kind, lang), url_for(".kind_list", kind=kind, lang=asked_language()),
                  counts[kind]) for kind in KINDS if counts.get(kind)]
        return html_page("list.html", lang, title=words(lang, "resource")["browse_title"], kinds=found,
                         items=[], more=False, number=1,
                         search_data=jsonld.item_list([(None, name) for name, _, _ in found]))

    return respond_html(lang, produce)


@bp.route("/doc/<kind>/")
def kind_list(kind: str):
    if kind not in KINDS:
        raise NotFound(NO_THING, say="no_thing")
    lang, number = page_language(), page_number()

    def produce() -> http.Body:
        prefix = str(thing_iri(get_settings().base_iri, kind, ""))
        found = describe.members(get_store(), prefix, limit=LIST_SIZE,
                                 offset=(number - 1) * LIST_SIZE)
        items = linked_values(found[:LIST_SIZE], lang, request_linker())
        return html_page("list.html", lang, title=kind_name(kind, lang), kinds=[], items=items,
                         number=number, more=len(found) > LIST_SIZE,
                         search_data=jsonld.item_list(entries(found, items)))

    return respond_html(lang, produce)


@bp.route("/search")
def search():
    lang, text = page_language(), search_text()

    def produce() -> http.Body:
        found = describe.search(get_store(), text, get_settings().base_iri,
                                limit=SEARCH_LIMIT) if text else []
        items = linked_values(found[:SEARCH_LIMIT], lang, request_linker())
        return html_page("search.html", lang, query=text, items=items,
                         more=len(found) > SEARCH_LIMIT,
                         search_data=jsonld.item_list(entries(found, items)))

    return respond_html(lang, produce)


def entries(found: list[describe.Linked], items: list[Value]) -> list[tuple[str | None, str]]:
    return [(str(item.iri), value.text) for item, value in zip(found, items, strict=False)]


def html_page(template: str, lang: str, **context) -> http.Body:
    return http.Body(render_template(template, lang=lang, t=words(lang, "resource"), **context),
                     HTML.content_type)


def respond_html(lang: str, produce: http.Produce):
    return http.respond(("html", lang), produce, vary_on="Accept-Language",
                        headers=(("Content-Language", lang),))
