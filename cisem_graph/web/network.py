"""The network: an interactive picture (``/network``), its data and its exports.

``/network``            HTML: the picture (``static/network.js`` draws it from ``/network.json``; without
                        JavaScript the static SVG shows), a filter by kind, the things listed by kind,
                        links to the exports and the SPARQL that builds it
``/network.json``       nodes (with positions from the server's layout), edges, kinds, ``truncated``
``/network.svg``        the static picture (also on the home page)
``/network.graphml``    GraphML; ``/network.gexf``: GEXF 1.3 (Gephi); ``/network-nodes.csv`` and
``/network-edges.csv``: the same network as tables (downloads)

Every route takes ``?limit=`` (1 to ``network.LIMIT``, the default) and ``?lang=it|en``; the page and
its JSON also follow ``Accept-Language``, the exports are in Italian unless ``?lang=`` says otherwise.
The network, its layout and its SVG are computed once per dataset version and limit (one query
through the store) and served through the pipeline (``http.respond``: ETag, Last-Modified, 304, gzip).
Links point at the host that was asked.
"""

from __future__ import annotations

import json
import re

from flask import Blueprint, Response, render_template, request, url_for

from .. import network as net
from ..errors import BadParameter
from ..formats import HTML
from . import facts, get_release, get_settings, get_store, http, remember
from .catalogue import words
from .i18n import DEFAULT_LANG, LANGS, asked_language, page_language
from .kinds import kind_name
from .links import page_url

bp = Blueprint("network", __name__)

WIDTH, HEIGHT = facts.WIDTH, facts.HEIGHT

#: the static picture may run scripts of nobody: no script, styles inline only
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'"


# -- the network of the served version, once per version and limit -------------------------------

def current(limit: int | None = None) -> tuple[net.Network, dict]:
    """The network of the served version and its layout (once per version and limit)."""
    return facts.network(limit or asked_limit())


def asked_limit() -> int:
    raw = request.args.get("limit")
    if raw is None or raw == "":
        return net.LIMIT
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not 1 <= int(raw) <= net.LIMIT:
        raise BadParameter(f"limit must be a whole number from 1 to {net.LIMIT}.", say="bad_parameter")
    return int(raw)


def asked_kinds() -> list[str]:
    """The kinds ``?kind=`` asks for (all when none is given); unknown names are ignored."""
    asked = [k for k in request.args.getlist("kind") if k in net.NODE_KINDS]
    return asked or list(net.NODE_KINDS)


def export_language() -> str:
    return asked_language() or DEFAULT_LANG


def node_href(node: net.Node) -> str | None:
    """The thing's page on the host that was asked."""
    asked = asked_language()
    query = f"?lang={asked}" if asked else ""
    return f"{request.script_root}/{node.path}{query}" if node.path else None


def _args(**extra) -> dict:
    """The query arguments that shape the network (limit, lang), kept on links between its views."""
    args = {}
    if request.args.get("limit"):
        args["limit"] = asked_limit()
    if asked_language():
        args["lang"] = asked_language()
    return {**args, **extra}


def notice(network: net.Network, lang: str) -> str | None:
    if not network.truncated:
        return None
    return words(lang, "network")["notice"].format(shown=len(network.nodes), total=network.total)


def kind_names(lang: str) -> dict[str, str]:
    return {kind: kind_name(kind, lang) for kind in net.NODE_KINDS}


# -- the page ---------------------------------------------------------------------------------------

@bp.route("/network")
def page() -> Response:
    lang = page_language()

    def produce() -> http.Body:
        network, _ = current()
        t = words(lang, "network")
        shown = asked_kinds()
        counts = network.kind_counts()
        groups = [{"kind": kind, "name": kind_name(kind, lang), "count": counts.get(kind, 0),
                   "color": net.KIND_COLORS[kind], "shown": kind in shown,
                   "nodes": sorted(({"label": n.label(lang), "href": node_href(n), "iri": n.iri}
                                    for n in network.nodes if n.kind == kind),
                                   key=lambda item: (item["label"].casefold(), item["iri"]))}
                  for kind in net.NODE_KINDS if counts.get(kind)]
        query = net.network_query(get_settings().base_iri, network.limit)
        args = _args()
        html = render_template(
            "network.html", lang=lang, t=t, groups=groups, network=network,
            counts=t["counts"].format(nodes=len(network.nodes), edges=len(network.edges)),
            notice=notice(network, lang), query=query,
            query_href=page_url("sparql.endpoint", query=query),
            json_href=url_for(".data", **_args(lang=lang)),
            svg_href=url_for(".svg", **_args(lang=lang, kind=shown if len(shown) < len(groups) else None)),
            exports=[(t["graphml"], url_for(".graphml", **args), "application/graphml+xml"),
                     (t["gexf"], url_for(".gexf", **args), "application/gexf+xml"),
                     (t["nodes_csv"], url_for(".nodes_csv", **args), "text/csv"),
                     (t["edges_csv"], url_for(".edges_csv", **args), "text/csv"),
                     (t["json"], url_for(".data", **args), "application/json"),
                     (t["svg"], url_for(".svg", **args), "image/svg+xml")],
            limit=request.args.get("limit") and asked_limit(),
            width=WIDTH, height=HEIGHT)
        return http.Body(html, HTML.content_type)

    return http.respond(("html", lang), produce, vary_on="Accept-Language",
                        headers=(("Content-Language", lang),))


@bp.route("/network.json")
def data() -> Response:
    lang = page_language()

    def produce() -> http.Body:
        network, positions = current()
        degree = network.degrees()
        counts = network.kind_counts()
        body = {
            "lang": lang, "version": get_store().version, "limit": network.limit,
            "truncated": network.truncated, "total": network.total,
            "notice": notice(network, lang), "width": WIDTH, "height": HEIGHT,
            "kinds": [{"kind": k, "name": kind_name(k, lang), "color": net.KIND_COLORS[k],
                       "count": counts[k]} for k in net.NODE_KINDS if counts.get(k)],
            "nodes": [{"id": n.iri, "kind": n.kind, "label": n.label(lang),
                       "labels": {x: n.label(x) for x in LANGS}, "href": node_href(n),
                       "degree": degree[n.iri], "x": positions[n.iri][0], "y": positions[n.iri][1]}
                      for n in network.nodes],
            "edges": [{"id": f"e{i}", "source": e.source, "target": e.target,
                       "relation": e.relation, "label": e.label(lang), "role": e.role}
                      for i, e in enumerate(network.edges)],
        }
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        return http.Body(text, "application/json; charset=utf-8", truncation(network))

    return http.respond(("json", lang), produce, vary_on="Accept-Language",
                        headers=(("Content-Language", lang),))


@bp.route("/network.svg")
def svg() -> Response:
    lang = export_language()

    def produce() -> http.Body:
        body = _svg(lang, asked_limit(), tuple(asked_kinds()), request.script_root)
        return http.Body(body, "image/svg+xml; charset=utf-8",
                         (("Content-Security-Policy", SVG_POLICY), *truncation(current()[0])))

    return http.respond(("svg", lang), produce, headers=(("Content-Language", lang),))


def _svg(lang: str, limit: int, kinds: tuple[str, ...], root: str) -> bytes:
    """The static picture, once per dataset version, language, limit, kinds and script root."""
    return remember("network-svg", lambda: _draw_svg(lang, limit, kinds, root),
                    lang, limit, kinds, root)


def _draw_svg(lang: str, limit: int, kinds: tuple[str, ...], root: str) -> bytes:
    network, positions = current(limit)
    t = words(lang, "network")
    title = f"{t['title']}: {t['counts'].format(nodes=len(network.nodes), edges=len(network.edges))}"
    return net.to_svg(network, positions, lang, width=WIDTH, height=HEIGHT,
                      href=lambda n: f"{root}/{n.path}" if n.path else None,
                      kind_names=kind_names(lang), title=title, notice=notice(network, lang),
                      kinds=kinds)


# -- exports ------------------------------------------------------------------------------------------

def _export(name: str, filename: str, content_type: str, write) -> Response:
    lang = export_language()

    def produce() -> http.Body:
        network, positions = current()
        return http.Body(write(network, lang, positions), content_type,
                         (("Content-Disposition", f'attachment; filename="{filename}"'),
                          *truncation(network)))

    return http.respond((name, lang), produce, headers=(("Content-Language", lang),))


def truncation(network: net.Network) -> tuple[tuple[str, str], ...]:
    """Headers saying whether the network was cut to a sample, and of how many nodes."""
    return (("X-Network-Truncated", "true" if network.truncated else "false"),
            ("X-Network-Total", str(network.total)))


@bp.route("/network.graphml")
def graphml() -> Response:
    return _export("graphml", "cisem-network.graphml", "application/graphml+xml; charset=utf-8",
                   lambda network, lang, _: net.to_graphml(network, lang))


@bp.route("/network.gexf")
def gexf() -> Response:
    modified = get_release().created

    def write(network, lang, positions):
        return net.to_gexf(network, lang, positions, modified=modified)

    return _export("gexf", "cisem-network.gexf", "application/gexf+xml; charset=utf-8", write)


@bp.route("/network-nodes.csv")
def nodes_csv() -> Response:
    return _export("nodes-csv", "cisem-network-nodes.csv", "text/csv; charset=utf-8; header=present",
                   lambda network, lang, _: net.nodes_csv(network, lang))


@bp.route("/network-edges.csv")
def edges_csv() -> Response:
    return _export("edges-csv", "cisem-network-edges.csv", "text/csv; charset=utf-8; header=present",
                   lambda network, lang, _: net.edges_csv(network, lang))
