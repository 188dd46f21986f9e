"""The home page, and what the whole site offers crawlers and monitors: sitemap, robots, health.

The home page counts the things of each kind, lists the events by date and links every entry
point; its counts and events are asked of the store once per version. The sitemap lists every
page on the host that was asked (an index of parts past ``sitemap_limit`` URLs).
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, jsonify, render_template, request

from ..errors import NotFound
from ..formats import HTML
from ..graph.metadata import DESCRIPTION, TITLE
from ..graph.sources import turtle_files
from ..queries import load_queries
from ..reload import last_report
from . import catalog, facts, get_release, get_settings, get_store, http
from .catalogue import words
from .i18n import LANGS, format_date, page_language, pick_text, with_lang
from .jsonld import script_json
from .kinds import kind_name
from .links import request_linker

bp = Blueprint("home", __name__)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML = "application/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
HOME_EVENTS = 12  #: events the home page shows, the latest first


@bp.route("/index.json")
@bp.route("/")  # registered first: url_for gives the page
def index():
    """The home page, and its JSON twin ``/index.json``: the same counts, events, queries and
    dumps, with absolute links."""
    lang, twin = page_language(), request.path.endswith(".json")
    twin_href = with_lang(f"{request.script_root}/index.json")

    def page() -> http.Body:
        store, settings, release = get_store(), get_settings(), get_release()
        counts = facts.kind_counts()
        linker = request_linker(absolute=twin)
        every = facts.events()
        dated = sorted((e for e in every if e.start), key=lambda e: e.start, reverse=True)
        undated = sorted((e for e in every if not e.start), key=lambda e: pick_text(e.names, "it"))
        shown = (dated + undated)[:HOME_EVENTS]  # the latest first; the list has them all
        root = request.url_root.rstrip("/") if twin else request.script_root
        facts_shown = {
            "version": store.version, "triples": store.triple_count(), "base": settings.base_iri,
            "modified": release.created,
            "counts": [{"kind": k, "name": kind_name(k, lang), "count": n,
                        "href": with_lang(f"{root}/doc/{k}/")} for k, n in counts.items()],
            "events": [{"iri": e.iri, "name": pick_text(e.names, lang), "href": linker.href(e.iri),
                        "start": e.start, "when": format_date(e.start, lang)} for e in shown],
            "events_total": len(every), "events_href": with_lang(f"{root}/doc/event/"),
            "queries": canned_list(lang, root),
            "dumps": catalog.dump_rows(release, root)}
        if twin:
            return http.Body(json.dumps({"lang": lang, "title": TITLE[lang], **facts_shown},
                                        ensure_ascii=False, indent=1), JSON_TYPE)
        html = render_template(
            "home.html", lang=lang, t=words(lang, "site"), title=TITLE[lang], description=DESCRIPTION[lang],
            **facts_shown, modified_when=format_date((release.created or "")[:10], lang),
            json_href=twin_href, jsonld=script_json(catalog.search_form(lang)))
        return http.Body(html, HTML.content_type)

    headers = [("Content-Language", lang)]
    if not twin:
        headers.append(("Link", http.link_alternates([(twin_href, "application/json")])))
    return http.respond(("json" if twin else "html", lang), page, vary_on="Accept-Language",
                        headers=tuple(headers))


def canned_list(lang: str, root: str) -> list[dict[str, str]]:
    """Name, title and page link of every canned query, in ``lang``."""
    return [{"name": q.name, "title": q.in_language(lang)[0], "href": with_lang(f"{root}/queries/{q.name}")}
            for q in load_queries(get_settings())]


@bp.route("/health")
def health():
    store = get_store()
    body = {"status": "ok", "version": store.version, "triples": store.triple_count(),
            **store.health()}
    report = last_report(get_settings().dist_dir)
    if report is not None:
        body["last_reload"] = report
    return jsonify(body), 503 if body["status"] == "unavailable" else 200


# -- sitemap and robots -------------------------------------------------------------------------------

def site_pages() -> list[str]:
    """Paths of every HTML page, home first. ``/sparql`` is left out: robots.txt keeps crawlers
    off it, and a sitemap that lists a disallowed URL contradicts itself."""
    settings = get_settings()
    pages = ["", "dataset", "ontology"]
    if turtle_files(settings.shapes_dir):
        pages.append("shapes")
    pages += [f"doc/{kind}/" for kind in facts.kind_counts()]
    pages += [f"doc/{kind}/{slug}" for kind, slug in facts.things()]
    return pages


def sitemap_chunks() -> list[list[str]]:
    pages = site_pages()
    limit = get_settings().sitemap_limit
    return [pages[i:i + limit] for i in range(0, len(pages), limit)] or [[]]


@bp.route("/sitemap.xml")
def sitemap():
    def produce() -> http.Body:
        chunks = sitemap_chunks()
        body = urlset(chunks[0]) if len(chunks) == 1 else sitemap_index(len(chunks))
        return http.Body(body, XML)

    return http.respond((str(get_settings().sitemap_limit),), produce)


@bp.route("/sitemap-<int:number>.xml")
def sitemap_part(number: int):
    chunks = sitemap_chunks()
    if not 1 <= number <= len(chunks) or len(chunks) == 1:
        raise NotFound(f"No such sitemap: the sitemap has {len(chunks)} part(s); see /sitemap.xml.",
                       say="no_sitemap")
    return http.respond((str(get_settings().sitemap_limit),),
                        lambda: http.Body(urlset(chunks[number - 1]), XML))


def urlset(paths: list[str]) -> str:
    root = request.url_root
    lastmod = get_release().created or ""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">\n']
    for path in paths:
        loc = root + path
        out.append(f"<url><loc>{escape(loc)}</loc>")
        if lastmod:
            out.append(f"<lastmod>{escape(lastmod)}</lastmod>")
        for lang in LANGS:
            href = quoteattr(f"{loc}?lang={lang}")
            out.append(f'<xhtml:link rel="alternate" hreflang="{lang}" href={href}/>')
        out.append(f'<xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(loc)}/>')
        out.append("</url>\n")
    out.append("</urlset>\n")
    return "".join(out)


def sitemap_index(parts: int) -> str:
    root = request.url_root
    lastmod = get_release().created or ""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for number in range(1, parts + 1):
        out.append(f"<sitemap><loc>{escape(f'{root}sitemap-{number}.xml')}</loc>")
        if lastmod:
            out.append(f"<lastmod>{escape(lastmod)}</lastmod>")
        out.append("</sitemap>\n")
    out.append("</sitemapindex>\n")
    return "".join(out)


@bp.route("/robots.txt")
def robots():
    def produce() -> http.Body:
        body = (f"User-agent: *\nDisallow: {request.script_root}/sparql\n\n"
                f"Sitemap: {request.url_root}sitemap.xml\n")
        return http.Body(body, "text/plain; charset=utf-8")

    return http.respond((), produce)
