"""``/ontology`` (the project's classes, properties and SKOS themes) and ``/shapes`` (the SHACL
shapes the data must satisfy; not part of the dataset), each as a page and in every RDF format.

The ontology graph is asked of the store once per version; the shapes are read from
``shapes_dir`` and, as they are not in the version, their bytes go into the ETag.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from flask import Blueprint, render_template
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

from .. import describe
from ..canonical import canonical
from ..errors import LoadError, NotFound
from ..graph.sources import ONTOLOGY_GRAPH, load_shapes, turtle_files
from ..namespaces import bind_prefixes, graph_iri, ontology_ns
from . import get_publisher, get_settings, get_store, remember
from .catalog import by_lang
from .catalogue import words
from .documents import alternates, rdf_or_html
from .i18n import LANGS
from .links import Linker, request_linker

bp = Blueprint("vocabulary", __name__)


@dataclass
class Term:
    iri: str
    anchor: str
    name: str
    labels: dict[str, str]
    comments: dict[str, str]
    kind: str
    relations: list[dict] = field(default_factory=list)
    alt_labels: dict[str, list[str]] = field(default_factory=dict)
    page: str | None = None


CLASS_TYPES = (OWL.Class, RDFS.Class)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
TERM_RELATIONS = (RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty,
                  RDFS.domain, RDFS.range, OWL.inverseOf, SKOS.exactMatch, SKOS.closeMatch,
                  SKOS.broadMatch, SKOS.narrowMatch, RDFS.seeAlso, RDFS.isDefinedBy)
CONCEPT_RELATIONS = (SKOS.broader, SKOS.narrower, SKOS.related, SKOS.inScheme, SKOS.topConceptOf,
                     SKOS.exactMatch, SKOS.closeMatch, RDFS.seeAlso)


def ontology_graph() -> Graph:
    store, base = get_store(), get_settings().base_iri
    return remember("ontology-graph",
                    lambda: describe.named_graph(store, str(graph_iri(base, ONTOLOGY_GRAPH))))


def _copy(graph: Graph) -> Graph:
    copy = Graph(identifier=graph.identifier)
    copy += graph
    return copy


@bp.route("/ontology")
@bp.route("/ontology.<ext>")
def ontology(ext: str | None = None):
    return rdf_or_html("ontology", ext, lambda: _copy(ontology_graph()), ontology_page)


def ontology_terms(graph: Graph, linker: Linker) -> dict[str, list[Term]]:
    """Classes, properties, concept schemes and concepts of the ontology graph, with anchors."""
    base = linker.base
    vocab = str(ontology_ns(base))
    concept_prefix = f"{base}id/concept/"

    def anchor(iri: str) -> str:
        if iri.startswith(vocab):
            return iri[len(vocab):]
        if iri.startswith(concept_prefix):
            return "concept-" + iri[len(concept_prefix):]
        return "term-" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:12]

    def relations(subject, predicates) -> list[dict]:
        rows = []
        for predicate in predicates:
            for value in sorted(graph.objects(subject, predicate)):
                if isinstance(value, URIRef):
                    target = str(value)
                    inside = target.startswith(vocab) or (
                        target.startswith(concept_prefix) and (value, None, None) in graph)
                    href = f"#{anchor(target)}" if inside else linker.href(target)
                    rows.append({"relation": linker.curie(predicate), "text": linker.curie(value),
                                 "href": href, "labels": by_lang(graph, value, RDFS.label)
                                 or by_lang(graph, value, SKOS.prefLabel)})
                elif isinstance(value, BNode):
                    rows.append({"relation": linker.curie(predicate),
                                 "text": show_term(graph, value, linker), "href": None, "labels": {}})
        return rows

    def term(subject, kind, label_p, comment_p, predicates) -> Term:
        iri = str(subject)
        alt: dict[str, list[str]] = {}
        for value in sorted(graph.objects(subject, SKOS.altLabel)):
            alt.setdefault(getattr(value, "language", None) or "", []).append(str(value))
        return Term(iri, anchor(iri), linker.curie(subject), by_lang(graph, subject, label_p),
                    by_lang(graph, subject, comment_p), kind, relations(subject, predicates), alt,
                    linker.href(iri) if iri.startswith(concept_prefix) else None)

    def subjects(types) -> list:
        return sorted({s for t in types for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)})

    return {
        "classes": [term(s, "class", RDFS.label, RDFS.comment, TERM_RELATIONS)
                    for s in subjects(CLASS_TYPES)],
        "properties": [term(s, "property", RDFS.label, RDFS.comment, TERM_RELATIONS)
                       for s in subjects(PROPERTY_TYPES)],
        "schemes": [term(s, "scheme", SKOS.prefLabel, SKOS.definition, (SKOS.hasTopConcept,))
                    for s in subjects((SKOS.ConceptScheme,))],
        "concepts": [term(s, "concept", SKOS.prefLabel, SKOS.definition, CONCEPT_RELATIONS)
                     for s in subjects((SKOS.Concept,))],
    }


def ontology_page(lang: str) -> str:
    base = get_settings().base_iri
    graph = ontology_graph()
    header = next((s for s in graph.subjects(RDF.type, OWL.Ontology)), None)
    return render_template(
        "ontology.html", lang=lang, t=words(lang, "site"), langs=LANGS,
        iri=str(header or f"{base}ontology"), namespace=str(ontology_ns(base)),
        titles=by_lang(graph, header, DCTERMS.title) if header else {},
        descriptions=by_lang(graph, header, DCTERMS.description) if header else {},
        version_info=str(graph.value(header, OWL.versionInfo) or "") if header else "",
        licence=str(graph.value(header, DCTERMS.license) or "") if header else "",
        terms=ontology_terms(graph, request_linker(absolute=False)),
        alternates=alternates("ontology"))


def show_term(graph: Graph, term, linker: Linker, depth: int = 0) -> str:
    """A value as Turtle-like text: IRIs compacted, lists in brackets, blank nodes inline."""
    if isinstance(term, URIRef):
        return linker.curie(term)
    if isinstance(term, Literal):
        text = json.dumps(str(term), ensure_ascii=False)
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype:
            return f"{text}^^{linker.curie(term.datatype)}"
        return text
    if depth > 6:
        return "[…]"
    if (term, RDF.first, None) in graph or term == RDF.nil:
        items = list(Collection(graph, term))
        return "( " + " ".join(show_term(graph, i, linker, depth + 1) for i in items) + " )"
    parts = [f"{linker.curie(p)} {show_term(graph, o, linker, depth + 1)}"
             for p, o in sorted(graph.predicate_objects(term))]
    return "[ " + " ; ".join(parts) + " ]"


# -- /shapes ----------------------------------------------------------------------------------------

def shapes_digest() -> str:
    """Shapes are not part of the dataset version: their bytes go into the ETag."""
    digest = hashlib.sha256()
    for path in turtle_files(get_settings().shapes_dir):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def shapes_graph(digest: str) -> Graph:
    """The shapes as served (once per set of shape files, kept on the app)."""
    settings = get_settings()

    def load() -> Graph:
        copy = Graph(identifier=URIRef(f"{settings.base_iri}shapes"))
        bind_prefixes(copy, settings.base_iri)
        copy += load_shapes(settings)
        return canonical(copy)  # its blank nodes (property shapes) named alike in every process

    try:
        return get_publisher().memo.get(("shapes", digest), load)
    except LoadError as exc:
        raise NotFound(f"The SHACL shapes cannot be read on this server ({exc.message}).") from None


@bp.route("/shapes")
@bp.route("/shapes.<ext>")
def shapes(ext: str | None = None):
    if not turtle_files(get_settings().shapes_dir):
        raise NotFound("The SHACL shapes are not available on this server: it runs without the "
                       "project's shapes/ folder (set CISEM_SHAPES_DIR to serve them).")
    digest = shapes_digest()
    graph = shapes_graph(digest)  # 404 before negotiating when they cannot be read
    return rdf_or_html("shapes", ext, lambda: _copy(graph), lambda lang: shapes_page(lang, graph),
                       extra_etag=digest)


SHAPE_META = {RDF.type, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
              SH.property, SH.message, SH.severity, SH.name, SH.description, SH.path,
              RDFS.label, RDFS.comment}


def _shape_anchor(iri: str, prefix: str) -> str:
    local = iri[len(prefix):] if iri.startswith(prefix) else ""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", local):
        return local
    return "shape-" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:12]


def describe_shape(graph: Graph, node, linker: Linker) -> dict:
    anchor_prefix = f"{linker.base}shapes#"
    iri = str(node) if isinstance(node, URIRef) else None
    severity = graph.value(node, SH.severity)
    path = graph.value(node, SH.path)
    return {
        "iri": iri,
        "anchor": _shape_anchor(iri, anchor_prefix) if iri else None,
        "name": linker.curie(node) if iri else None,
        "labels": by_lang(graph, node, RDFS.label) or by_lang(graph, node, SH.name),
        "comments": by_lang(graph, node, RDFS.comment) or by_lang(graph, node, SH.description),
        "path": show_term(graph, path, linker) if path is not None else None,
        "targets": [{"relation": linker.curie(p), **linker.link(o)}
                    for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
                    for o in sorted(graph.objects(node, p)) if isinstance(o, URIRef)],
        "severity": linker.curie(severity).removeprefix("sh:") if severity is not None else "Violation",
        "messages": by_lang(graph, node, SH.message),
        "constraints": [{"name": linker.curie(p), "value": show_term(graph, o, linker)}
                        for p, o in sorted(graph.predicate_objects(node)) if p not in SHAPE_META],
        "properties": [describe_shape(graph, p, linker) if isinstance(p, BNode)
                       else {"ref": True, "name": linker.curie(p),
                             "anchor": _shape_anchor(str(p), anchor_prefix)}
                       for p in sorted(graph.objects(node, SH.property), key=str)],
    }


def shapes_page(lang: str, graph: Graph) -> str:
    base = get_settings().base_iri
    linker = request_linker(absolute=False, extra=(("shapes", f"{base}shapes#"),))
    node_shapes = sorted({s for s in graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)})
    property_shapes = sorted({s for s in graph.subjects(RDF.type, SH.PropertyShape)
                              if isinstance(s, URIRef)}
                             | {p for p in graph.objects(None, SH.property) if isinstance(p, URIRef)})
    return render_template(
        "shapes.html", lang=lang, t=words(lang, "site"), langs=LANGS,
        node_shapes=[describe_shape(graph, s, linker) for s in node_shapes],
        property_shapes=[describe_shape(graph, s, linker) for s in property_shapes],
        alternates=alternates("shapes"))
