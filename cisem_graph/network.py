"""The network of the graph: who and what is linked to whom, built from ONE SPARQL query.

Nodes are the things of the kinds in ``NODE_KINDS`` (IRIs ``{base}id/{kind}/{slug}`` that the
dataset describes): organizations, people, events and event series, periodicals and places, each
with its labels (Italian and English) and its kind. Edges are their relations (``RELATIONS``),
written in one canonical direction per relation, whatever way the data states them:
``schema:subOrganization``, ``org:hasUnit`` and ``org:unitOf`` all become ``schema:parentOrganization``
from the unit to its parent; ``schema:subEvent`` becomes ``schema:superEvent``. A relation stated
through a schema.org Role (``org schema:member role``, ``role schema:member person``; a periodical's
``schema:editor`` role) or a W3C ORG ``org:Membership`` collapses into one edge between the two
things, labelled with the role's ``schema:roleName`` and keeping the role's IRI.

The query (``network_query``) runs through ``Store.select``, so it passes the same
guards as any public query, works on every store kind and grows with the data. It is **bounded**:
it keeps the ``limit`` things with the most links (ties by IRI) and the edges between them, and
counts all the things, so a sample says so (``Network.truncated``).

The exporters (GraphML, GEXF 1.3, node and edge CSV, SVG) write the same ``Network``
deterministically; XML is written with ``xml.etree`` (escaped), and the SVG's layout
(``layout``) is a force-directed layout with no randomness: the same network gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from rdflib.term import Node as Term

from .describe import LABELS, sparql_string
from .namespaces import ORG, RDF, SDO
from .store.base import Store

#: most nodes in one network (a sample of the most described things beyond it)
LIMIT = 2000
#: the kinds of thing that are nodes, in the order pictures and lists show them
NODE_KINDS = ("organization", "person", "event", "series", "periodical", "place")
#: one colour per kind (Tableau 10; distinct for the common kinds of colour blindness too)
KIND_COLORS = {
    "organization": "#1f77b4",
    "person": "#d62728",
    "event": "#2ca02c",
    "series": "#17becf",
    "periodical": "#9467bd",
    "place": "#ff7f0e",
}
#: types of the node that stands for a relation (schema.org's Role pattern)
ROLE_TYPES = (SDO.Role, SDO.OrganizationRole, SDO.PerformanceRole, SDO.EmployeeRole, SDO.LinkRole)
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Relation:
    """A kind of edge: its canonical predicate, the predicates stated in its direction and those
    stated the other way round (inverses), and its name in Italian and English."""

    predicate: str
    forward: tuple[str, ...]
    inverse: tuple[str, ...]
    it: str
    en: str


def _rel(predicate, it: str, en: str, forward: Iterable = (), inverse: Iterable = ()) -> Relation:
    return Relation(str(predicate), (str(predicate), *map(str, forward)), tuple(map(str, inverse)),
                    it, en)


RELATIONS: tuple[Relation, ...] = (
    _rel(SDO.organizer, "organizzatore", "organizer"),
    _rel(SDO.performer, "relatore", "performer", inverse=(SDO.performerIn,)),
    _rel(SDO.attendee, "partecipante", "attendee"),
    _rel(SDO.contributor, "collaboratore", "contributor"),
    _rel(SDO.sponsor, "sponsor", "sponsor"),
    _rel(SDO.funder, "finanziatore", "funder"),
    _rel(SDO.superEvent, "parte di", "part of", inverse=(SDO.subEvent,)),
    _rel(SDO.parentOrganization, "organizzazione madre", "parent organization",
         forward=(ORG.unitOf, ORG.subOrganizationOf),
         inverse=(SDO.subOrganization, ORG.hasUnit, ORG.hasSubOrganization)),
    _rel(SDO.memberOf, "membro di", "member of", forward=(ORG.memberOf,),
         inverse=(SDO.member, ORG.hasMember)),
    _rel(SDO.worksFor, "lavora per", "works for", inverse=(SDO.employee,)),
    _rel(ORG.headOf, "a capo di", "head of"),
    _rel(SDO.affiliation, "affiliazione", "affiliation"),
    _rel(SDO.alumniOf, "ha studiato presso", "alumni of"),
    _rel(SDO.founder, "fondatore", "founder"),
    _rel(SDO.publisher, "editore", "publisher"),
    _rel(SDO.editor, "curatore", "editor"),
    _rel(SDO.location, "luogo", "location"),
    _rel(SDO.areaServed, "area servita", "area served"),
    _rel(SDO.containedInPlace, "si trova in", "contained in place", inverse=(SDO.containsPlace,)),
    _rel(SDO.addressLocality, "località dell'indirizzo", "address locality"),
)
RELATION_BY_PREDICATE = {r.predicate: r for r in RELATIONS}


@dataclass(frozen=True)
class Node:
    iri: str
    kind: str
    slug: str
    #: labels by language (``""`` for an untagged one)
    labels: Mapping[str, str] = field(default_factory=dict)
    #: other IRIs the thing is linked to, either way (what the sample ranks by)
    weight: int = 0

    def label(self, lang: str) -> str:
        return _in_language(self.labels, lang) or self.slug or self.iri

    @property
    def path(self) -> str | None:
        """Where the thing's page is on this server (``doc/{kind}/{slug}``), when its slug is one."""
        return f"doc/{self.kind}/{self.slug}" if SLUG.fullmatch(self.slug) else None


@dataclass(frozen=True)
class Edge:
    source: str
    relation: str
    target: str
    #: the Role (or org:Membership) the edge was collapsed from, if any
    role: str | None = None
    #: the role's ``schema:roleName`` by language
    role_names: Mapping[str, str] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        name = _in_language(self.role_names, lang)
        if name:
            return name
        relation = RELATION_BY_PREDICATE.get(self.relation)
        return getattr(relation, lang) if relation else self.relation.rsplit("/", 1)[-1]

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.source, self.relation, self.target, self.role or "")


@dataclass(frozen=True)
class Network:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    #: things of the node kinds in the whole graph (more than ``len(nodes)`` when sampled)
    total: int
    limit: int
    #: a sample: the graph has more things than ``limit``, or the store's result cap cut the answer
    truncated: bool

    def kind_counts(self) -> dict[str, int]:
        counts = {kind: 0 for kind in NODE_KINDS}
        for node in self.nodes:
            counts[node.kind] += 1
        return {kind: n for kind, n in counts.items() if n}

    def degrees(self) -> dict[str, int]:
        degree = {node.iri: 0 for node in self.nodes}
        for edge in self.edges:
            degree[edge.source] += 1
            degree[edge.target] += 1
        return degree


def _in_language(values: Mapping[str, str], lang: str) -> str | None:
    for key in (lang, *(x for x in ("it", "en") if x != lang), ""):
        if values.get(key):
            return values[key]
    return next((v for _, v in sorted(values.items()) if v), None)


# -- the query -------------------------------------------------------------------------------------

def _iri(value: str) -> str:
    return f"<{value}>"


def _is_node(var: str, base: str) -> str:
    """A filter: ``?var`` is an IRI ``{base}id/{kind}/…`` of a node kind (one regular expression:
    in pyoxigraph a third of the cost of a chain of STRSTARTS)."""
    pattern = "^" + re.sub(r"([.^$|?*+()\[\]{}\\-])", r"\\\1", f"{base}id/") + f"({'|'.join(NODE_KINDS)})/"
    return f"isIRI(?{var}) && REGEX(STR(?{var}), {sparql_string(pattern)})"


def _sample(base: str, limit: int) -> str:
    """``?node ?weight``: the ``limit`` typed things of the node kinds with the most links in the
    network (other IRIs they are tied to by a relation's predicate, either way).

    Ties are left in the engine's order, which is stable for one dataset version: ordering
    110,000 IRIs by their text takes pyoxigraph ten seconds on its on-disk store, ordering
    their numbers a tenth of it.
    """
    predicates = " ".join(_iri(p) for r in RELATIONS for p in (*r.forward, *r.inverse))
    return f"""{{ SELECT ?node (COALESCE(?degree, 0) AS ?weight) WHERE {{
        {{ SELECT DISTINCT ?node WHERE {{ ?node rdf:type ?nodeType }} }}
        FILTER({_is_node("node", base)})
        OPTIONAL {{ SELECT ?node (COUNT(DISTINCT ?link) AS ?degree) WHERE {{
            {{ VALUES ?linkP {{ {predicates} }} ?node ?linkP ?link }}
            UNION {{ VALUES ?linkP {{ {predicates} }} ?link ?linkP ?node }}
          }} GROUP BY ?node }}
      }} ORDER BY DESC(?weight) LIMIT {int(limit)} }}"""


def _edges() -> str:
    """``?node ?relation ?target ?role ?roleName``: every relation from a thing to an IRI, in its
    canonical direction, once per role name; stated directly, through a Role (``?node p ?role .
    ?role p ?target``, either way round) or through an ``org:Membership``."""
    forward = " ".join(f"({_iri(p)} {_iri(r.predicate)})" for r in RELATIONS for p in r.forward)
    inverse = " ".join(f"({_iri(p)} {_iri(r.predicate)})" for r in RELATIONS for p in r.inverse)
    roles = " ".join(_iri(str(t)) for t in ROLE_TYPES)
    member, address = _iri(str(SDO.memberOf)), _iri(str(SDO.addressLocality))
    role = f"{{ SELECT DISTINCT ?role WHERE {{ ?role rdf:type ?roleType VALUES ?roleType {{ {roles} }} }} }}"
    return f"""{{
        {{ VALUES (?p ?relation) {{ {forward} }} ?node ?p ?target }}
        UNION {{ VALUES (?p ?relation) {{ {inverse} }} ?target ?p ?node }}
        UNION {{ {role} VALUES (?p ?relation) {{ {forward} }}
                ?node ?p ?role . ?role ?p ?target OPTIONAL {{ ?role schema:roleName ?roleName }} }}
        UNION {{ {role} VALUES (?p ?relation) {{ {inverse} }}
                ?target ?p ?role . ?role ?p ?node OPTIONAL {{ ?role schema:roleName ?roleName }} }}
        UNION {{ ?role rdf:type org:Membership ; org:member ?node ; org:organization ?target
                BIND({member} AS ?relation) OPTIONAL {{ ?role schema:roleName ?roleName }} }}
        UNION {{ ?node schema:address ?address . ?address schema:addressLocality ?target
                BIND({address} AS ?relation) }}
        FILTER(!sameTerm(?node, ?target))
      }}"""


def network_query(base: str, limit: int = LIMIT) -> str:
    """The one SELECT the network is built from.

    The **sample** is the ``limit`` typed things of the node kinds with the most links in the
    network, ties broken by IRI. Rows: one with ``?total`` (the typed things of the node kinds in
    the whole graph), then each sampled ``?node`` with its ``?weight``, each of its labels
    (``?labelProperty ?label``) and each relation from it (``?relation ?target``, the ``?role`` it
    was collapsed from and each ``?roleName``), OPTIONAL each. An edge whose target is outside the
    sample is not part of the network (``network_from_rows`` drops it).
    """
    labels = " ".join(_iri(str(p)) for p in LABELS)
    return f"""# The network of {base}: the things of the kinds {", ".join(NODE_KINDS)} and their relations
PREFIX rdf: <{RDF}>
PREFIX schema: <{SDO}>
PREFIX org: <{ORG}>
SELECT DISTINCT ?total ?node ?weight ?labelProperty ?label ?relation ?target ?role ?roleName WHERE {{
  {{ SELECT (COUNT(*) AS ?total) WHERE {{
      {{ SELECT DISTINCT ?thing WHERE {{ ?thing rdf:type ?thingType }} }}
      FILTER({_is_node("thing", base)}) }} }}
  UNION {{
    {_sample(base, limit)}
    OPTIONAL {{ ?node ?labelProperty ?label VALUES ?labelProperty {{ {labels} }} FILTER(isLiteral(?label)) }}
    OPTIONAL {_edges()}
  }}
}}"""


def build_network(store: Store, base: str, limit: int = LIMIT) -> Network:
    """The network of the dataset the store serves, at most ``limit`` nodes (one query)."""
    rows = store.select(network_query(base, limit))
    return network_from_rows(rows, base, limit, cut=rows.truncated)


def network_from_rows(rows: Iterable[Mapping[str, Term]], base: str, limit: int, *,
                      cut: bool = False) -> Network:
    """The network from the rows of ``network_query`` (variable -> rdflib term)."""
    prefix = f"{base}id/"
    label_rank = {str(p): i for i, p in enumerate(LABELS)}
    total = 0
    weights: dict[str, int] = {}
    labels: dict[str, dict[str, tuple[int, str]]] = {}
    edges: dict[tuple, dict[str, str]] = {}
    for row in rows:
        if "total" in row:
            total = int(row["total"])
        if "node" not in row:
            continue
        iri = str(row["node"])
        weights[iri] = int(row["weight"])
        found = labels.setdefault(iri, {})
        if "label" in row:
            lang = (row["label"].language or "").lower()
            candidate = (label_rank.get(str(row["labelProperty"]), len(label_rank)),
                         str(row["label"]))
            if lang not in found or candidate < found[lang]:
                found[lang] = candidate
        if "relation" in row:
            role = str(row["role"]) if "role" in row else None
            names = edges.setdefault((iri, str(row["relation"]), str(row["target"]), role), {})
            if "roleName" in row:
                lang = (row["roleName"].language or "").lower()
                value = str(row["roleName"])
                names[lang] = min(names.get(lang, value), value)
    nodes = []
    for iri, weight in weights.items():
        kind, _, slug = iri[len(prefix):].partition("/")
        if iri.startswith(prefix) and kind in NODE_KINDS:
            nodes.append(Node(iri, kind, slug, {lang: text for lang, (_, text) in
                                                sorted(labels.get(iri, {}).items())}, weight))
    nodes.sort(key=lambda n: (NODE_KINDS.index(n.kind), n.iri))
    present = {node.iri for node in nodes}
    kept = sorted((Edge(s, r, t, role, dict(sorted(names.items())))
                   for (s, r, t, role), names in edges.items() if s in present and t in present),
                  key=lambda e: e.key)
    return Network(tuple(nodes), tuple(kept), max(total, len(nodes)), limit,
                   truncated=cut or total > len(nodes))


# -- a deterministic layout ------------------------------------------------------------------------

def layout(network: Network, width: float = 1000, height: float = 700,
           iterations: int | None = None) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold positions in ``[0, width] x [0, height]``, with no randomness.

    The things start on a sunflower spiral in the network's order (kind, IRI); repulsion is
    counted only between things in neighbouring cells of a grid (so a step costs about n, not
    n²); a weak pull to the centre keeps components together; the temperature falls linearly.
    Coordinates are rounded to 0.1, so the pictures are the same bytes on every machine.
    """
    nodes = network.nodes
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0].iri: (round(width / 2, 1), round(height / 2, 1))}
    index = {node.iri: i for i, node in enumerate(nodes)}
    pairs = sorted({(min(index[e.source], index[e.target]), max(index[e.source], index[e.target]))
                    for e in network.edges})
    side = 1000.0
    k = side / math.sqrt(n) * 0.75
    golden = math.pi * (3 - math.sqrt(5))
    xs = [math.sqrt((i + 0.5) / n) * side / 2 * math.cos(i * golden) for i in range(n)]
    ys = [math.sqrt((i + 0.5) / n) * side / 2 * math.sin(i * golden) for i in range(n)]
    steps = iterations if iterations is not None else max(40, min(300, 60_000 // n))
    cell = 2 * k
    for step in range(steps):
        temperature = side / 10 * (1 - step / steps) + 1
        dx, dy = [0.0] * n, [0.0] * n
        grid: dict[tuple[int, int], list[int]] = {}
        for i in range(n):
            grid.setdefault((math.floor(xs[i] / cell), math.floor(ys[i] / cell)), []).append(i)
        for (cx, cy), members in grid.items():
            near = [j for ox in (-1, 0, 1) for oy in (-1, 0, 1) for j in grid.get((cx + ox, cy + oy), ())]
            for i in members:
                xi, yi = xs[i], ys[i]
                for j in near:
                    if j == i:
                        continue
                    ddx, ddy = xi - xs[j], yi - ys[j]
                    dist2 = ddx * ddx + ddy * ddy
                    if dist2 == 0:  # same spot: part them along a fixed, index-given direction
                        ddx, ddy, dist2 = (1.0 if i > j else -1.0), 0.5, 1.25
                    if dist2 < cell * cell:
                        force = k * k / dist2
                        dx[i] += ddx * force
                        dy[i] += ddy * force
        for i, j in pairs:
            ddx, ddy = xs[i] - xs[j], ys[i] - ys[j]
            dist = math.hypot(ddx, ddy) or 0.01
            force = dist / k
            dx[i] -= ddx * force
            dy[i] -= ddy * force
            dx[j] += ddx * force
            dy[j] += ddy * force
        for i in range(n):
            dx[i] -= xs[i] * 0.02 * k / 10
            dy[i] -= ys[i] * 0.02 * k / 10
            length = math.hypot(dx[i], dy[i])
            if length > 0:
                move = min(length, temperature) / length
                xs[i] += dx[i] * move
                ys[i] += dy[i] * move
    return _fit(nodes, xs, ys, width, height)


def _fit(nodes, xs, ys, width: float, height: float, margin: float = 50) -> dict:
    """Stretch the layout to fill the picture (each axis on its own: a wide picture for a round
    layout), leaving room for the legend on the left and the names on the right."""
    lo_x, hi_x, lo_y, hi_y = min(xs), max(xs), min(ys), max(ys)
    left, right = margin + 120, margin + 110
    scale_x = (width - left - right) / ((hi_x - lo_x) or 1)
    scale_y = (height - 2 * margin) / ((hi_y - lo_y) or 1)
    return {node.iri: (round(left + (x - lo_x) * scale_x, 1), round(margin + (y - lo_y) * scale_y, 1))
            for node, x, y in zip(nodes, xs, ys, strict=True)}


# -- exports ---------------------------------------------------------------------------------------

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    """Text XML 1.0 can hold (control characters other than tab and line breaks removed)."""
    return _NOT_XML.sub("", value)


def _sub(parent: ET.Element, tag: str, text: str | None = None, attrs: Mapping[str, str] | None = None,
         **attributes: str) -> ET.Element:
    """A child element; ``class_``/``for_`` stand for ``class``/``for``, ``attrs`` holds names
    that are no Python names (``attr.name``, ``data-iri``)."""
    named = {**{k.rstrip("_"): v for k, v in attributes.items()}, **(attrs or {})}
    element = ET.SubElement(parent, tag, {k: _text(str(v)) for k, v in named.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://gexf.net/1.3"


def to_graphml(network: Network, lang: str = "it") -> bytes:
    """GraphML: node data kind, label (in ``lang``), label_it, label_en, iri; edge data label,
    relation (predicate IRI), role (IRI); graph data total and truncated."""
    root = ET.Element("graphml", {"xmlns": GRAPHML_NS})
    keys = (("total", "graph", "int"), ("truncated", "graph", "boolean"),
            ("kind", "node", "string"), ("label", "node", "string"), ("label_it", "node", "string"),
            ("label_en", "node", "string"), ("iri", "node", "string"),
            ("edge_label", "edge", "string"), ("relation", "edge", "string"),
            ("role", "edge", "string"))
    for key, domain, kind in keys:
        name = "label" if key == "edge_label" else key
        _sub(root, "key", attrs={"attr.name": name, "attr.type": kind}, id=key, for_=domain)
    graph = _sub(root, "graph", id="cisem-network", edgedefault="directed")
    _sub(graph, "data", str(network.total), key="total")
    _sub(graph, "data", "true" if network.truncated else "false", key="truncated")
    for node in network.nodes:
        element = _sub(graph, "node", id=node.iri)
        for key, value in (("kind", node.kind), ("label", node.label(lang)),
                           ("label_it", node.label("it")), ("label_en", node.label("en")),
                           ("iri", node.iri)):
            _sub(element, "data", value, key=key)
    for number, edge in enumerate(network.edges):
        element = _sub(graph, "edge", id=f"e{number}", source=edge.source, target=edge.target)
        _sub(element, "data", edge.label(lang), key="edge_label")
        _sub(element, "data", edge.relation, key="relation")
        if edge.role:
            _sub(element, "data", edge.role, key="role")
    return _xml(root)


def to_gexf(network: Network, lang: str = "it", positions: Mapping | None = None,
            modified: str | None = None) -> bytes:
    """GEXF 1.3 for Gephi: labels in ``lang``, attributes kind and iri (nodes), relation and role
    (edges), each node's colour by kind and, when given, its position."""
    root = ET.Element("gexf", {"xmlns": GEXF_NS, "xmlns:viz": f"{GEXF_NS}/viz", "version": "1.3"})
    meta = _sub(root, "meta", **({"lastmodifieddate": modified[:10]} if modified else {}))
    _sub(meta, "creator", "cisem-graph")
    note = f"{len(network.nodes)} of {network.total} things" if network.truncated else "all things"
    _sub(meta, "description", f"The network of the CISeM graph ({note}) and their relations")
    graph = _sub(root, "graph", mode="static", defaultedgetype="directed")
    node_attributes = _sub(graph, "attributes", class_="node", mode="static")
    _sub(node_attributes, "attribute", id="kind", title="kind", type="string")
    _sub(node_attributes, "attribute", id="iri", title="iri", type="string")
    edge_attributes = _sub(graph, "attributes", class_="edge", mode="static")
    _sub(edge_attributes, "attribute", id="relation", title="relation", type="string")
    _sub(edge_attributes, "attribute", id="role", title="role", type="string")
    nodes = _sub(graph, "nodes", count=str(len(network.nodes)))
    for node in network.nodes:
        element = _sub(nodes, "node", id=node.iri, label=node.label(lang))
        values = _sub(element, "attvalues")
        _sub(values, "attvalue", for_="kind", value=node.kind)
        _sub(values, "attvalue", for_="iri", value=node.iri)
        red, green, blue = _rgb(KIND_COLORS[node.kind])
        _sub(element, "viz:color", r=str(red), g=str(green), b=str(blue))
        if positions and node.iri in positions:
            x, y = positions[node.iri]
            _sub(element, "viz:position", x=str(x), y=str(-y), z="0.0")
    edges = _sub(graph, "edges", count=str(len(network.edges)))
    for number, edge in enumerate(network.edges):
        element = _sub(edges, "edge", id=f"e{number}", source=edge.source, target=edge.target,
                       label=edge.label(lang))
        values = _sub(element, "attvalues")
        _sub(values, "attvalue", for_="relation", value=edge.relation)
        if edge.role:
            _sub(values, "attvalue", for_="role", value=edge.role)
    return _xml(root)


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _csv(header: tuple[str, ...], rows: Iterable[tuple]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def nodes_csv(network: Network, lang: str = "it") -> bytes:
    """One row per node; the headers Gephi's spreadsheet import recognises (Id, Label)."""
    return _csv(("Id", "Label", "Kind", "Label_it", "Label_en"),
                ((n.iri, n.label(lang), n.kind, n.label("it"), n.label("en")) for n in network.nodes))


def edges_csv(network: Network, lang: str = "it") -> bytes:
    """One row per edge (Source, Target, Type, Id, Label as Gephi reads them), with the relation's
    predicate and the role it was collapsed from."""
    return _csv(("Id", "Source", "Target", "Type", "Label", "Relation", "Role"),
                ((f"e{i}", e.source, e.target, "Directed", e.label(lang), e.relation, e.role or "")
                 for i, e in enumerate(network.edges)))


# -- the picture -------------------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
SVG_STYLE = """
.edge { stroke: #8a8a8a; stroke-width: 1.2; fill: none; }
.node circle { stroke: #fff; stroke-width: 1.5; }
.node text, .legend text, .notice { font: 11px system-ui, sans-serif; fill: #222; }
.node text { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
.notice { font-size: 13px; fill: #8a4b00; }
"""


def short(label: str, most: int = 36) -> str:
    """A name short enough to sit beside its node (the whole name is in the node's title)."""
    return label if len(label) <= most else label[:most - 1].rstrip(" :,;.") + "…"


def radius(degree: int) -> float:
    return round(5 + 2 * math.sqrt(degree), 1)


def to_svg(network: Network, positions: Mapping[str, tuple[float, float]], lang: str, *,
           width: float = 1000, height: float = 700, href: Callable[[Node], str | None],
           kind_names: Mapping[str, str], title: str, notice: str | None = None,
           kinds: Iterable[str] | None = None) -> bytes:
    """A static picture: edges as arrows, nodes as circles coloured by kind with their names,
    each linked to its page (``href``), a legend and, for a sample, the ``notice``. Only the
    ``kinds`` given are drawn (all by default); positions come from ``layout``."""
    shown = set(kinds) if kinds is not None else set(NODE_KINDS)
    nodes = [n for n in network.nodes if n.kind in shown and n.iri in positions]
    visible = {n.iri for n in nodes}
    degree = network.degrees()
    root = ET.Element("svg", {"xmlns": SVG_NS, "viewBox": f"0 0 {width:g} {height:g}",
                              "width": f"{width:g}", "height": f"{height:g}", "role": "img",
                              "aria-labelledby": "network-title"})
    _sub(root, "title", title, id="network-title")
    _sub(root, "style", SVG_STYLE)
    defs = _sub(root, "defs")
    marker = _sub(defs, "marker", id="arrow", viewBox="0 0 10 10", refX="10", refY="5",
                  markerWidth="7", markerHeight="7", orient="auto-start-reverse")
    _sub(marker, "path", d="M0,0 L10,5 L0,10 z", fill="#8a8a8a")
    _sub(root, "rect", width="100%", height="100%", fill="#fff")
    names = {n.iri: n for n in nodes}
    edges = _sub(root, "g", class_="edges")
    for edge in network.edges:
        if edge.source not in visible or edge.target not in visible:
            continue
        (x1, y1), (x2, y2) = positions[edge.source], positions[edge.target]
        length = math.hypot(x2 - x1, y2 - y1) or 1
        cut = (radius(degree[edge.target]) + 2) / length
        line = _sub(edges, "line", class_="edge", x1=f"{x1:g}", y1=f"{y1:g}",
                    x2=f"{round(x2 - (x2 - x1) * cut, 1):g}", y2=f"{round(y2 - (y2 - y1) * cut, 1):g}",
                    attrs={"marker-end": "url(#arrow)"})
        _sub(line, "title", f"{names[edge.source].label(lang)} → {edge.label(lang)} → "
                            f"{names[edge.target].label(lang)}")
    group = _sub(root, "g", class_="nodes")
    for node in nodes:
        x, y = positions[node.iri]
        link = href(node)
        holder = _sub(group, "a", href=link) if link else group
        element = _sub(holder, "g", attrs={"data-iri": node.iri, "data-kind": node.kind},
                       class_=f"node kind-{node.kind}", transform=f"translate({x:g} {y:g})")
        label = node.label(lang)
        _sub(element, "title", f"{label} ({kind_names.get(node.kind, node.kind)})")
        r = radius(degree[node.iri])
        _sub(element, "circle", r=f"{r:g}", fill=KIND_COLORS[node.kind])
        _sub(element, "text", short(label), x=f"{r + 3:g}", y="4")
    legend = _sub(root, "g", class_="legend", transform="translate(12 18)")
    counts = network.kind_counts()
    for row, kind in enumerate(k for k in NODE_KINDS if counts.get(k) and k in shown):
        _sub(legend, "circle", cx="6", cy=f"{row * 18}", r="6", fill=KIND_COLORS[kind])
        _sub(legend, "text", f"{kind_names.get(kind, kind)} ({counts[kind]})", x="18", y=f"{row * 18 + 4}")
    if notice:
        _sub(root, "text", notice, class_="notice", x="12", y=f"{height - 12:g}")
    return _xml(root)
