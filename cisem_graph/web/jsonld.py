"""JSON-LD two ways: linked data with the project's own context, and schema.org for search engines.

* ``linked_data`` writes a description with the project's context **embedded by value** (the same
  object ``/context.jsonld`` serves): the prefixes of ``namespaces.project_prefixes`` with
  ``schema:`` mapped to ``https://schema.org/`` and no ``@vocab``, so a consumer expands it without
  fetching anything and gets exactly the description's triples back.
* ``search_engine`` builds the compact, nested form that search engines read in a page's
  ``<script type="application/ld+json">``: only schema.org terms, ``"@context":
  "https://schema.org"`` (a string search engines know; nothing of ours fetches it), names in the
  page's language, linked things embedded with their type and name (a linked event, such as the
  series an event belongs to, by ``@id`` and name only). It adds nothing the data does not say (no
  ``url`` unless the data has one).
* ``script_json`` makes that JSON safe inside ``<script>``: ``<``, ``>`` and ``&`` become
  ``\\u003c`` … so ``</script>`` or ``<!--`` in a label cannot end or confuse the element.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .. import canonical
from ..describe import LABELS
from ..formats import by_name
from ..namespaces import RDF, SDO, project_prefixes
from ..schemaorg import SchemaOrg
from .i18n import in_language, pick

SEARCH_CONTEXT = "https://schema.org"
_NUMBERS = {XSD.integer: int, XSD.int: int, XSD.long: int, XSD.decimal: float, XSD.double: float,
            XSD.float: float}


def project_context(base: str) -> dict[str, str]:
    """The project's JSON-LD context: every prefix, ``schema:`` as ``https://schema.org/``."""
    return dict(sorted(project_prefixes(base).items()))


def linked_data(graph: Graph, base: str) -> bytes:
    """``graph`` as compacted JSON-LD with the project's context embedded by value, the same
    bytes in every process (``canonical``)."""
    return canonical.write_graph(graph, by_name("jsonld"), project_prefixes(base),
                                 context=project_context(base))


def search_engine(graph: Graph, iri: URIRef, lang: str) -> dict[str, Any]:
    """The schema.org search-engine form of ``iri``, as described in ``graph``, in ``lang``."""
    return {"@context": SEARCH_CONTEXT, **_node(graph, iri, lang, full=True)}


def item_list(entries: list[tuple[str | None, str]]) -> Markup:
    """A list page's ``ItemList`` (for ``script_json``): each entry's IRI (if any) and name."""
    elements = [{"@type": "ListItem", "position": n,
                 "item": {**({"@id": iri} if iri else {}), "name": name}}
                for n, (iri, name) in enumerate(entries, start=1)]
    return script_json({"@context": SEARCH_CONTEXT, "@type": "ItemList",
                        "numberOfItems": len(elements), "itemListElement": elements})


def script_json(data: Any) -> Markup:
    """JSON for a ``<script type="application/ld+json">`` element, unable to break out of it."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)  # safe: every character that could end the element is escaped above


def schema_types(graph: Graph, node: Node) -> list[str]:
    """The node's schema.org classes, most specific only (``Cooperative``, not ``Organization``)."""
    schema = SchemaOrg.load()
    names = {str(t)[len(SDO):] for t in graph.objects(node, RDF.type)
             if str(t).startswith(str(SDO)) and schema.is_class(t)}
    return sorted(n for n in names
                  if not any(other != n and schema.is_subclass(other, n) for other in names))


def _node(graph: Graph, node: Node, lang: str, full: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    types = schema_types(graph, node)
    if types and (full or not _is_event(types)):
        out["@type"] = types[0] if len(types) == 1 else types
    if isinstance(node, URIRef):
        out["@id"] = str(node)
    if not full:  # a linked thing: what identifies it and how it is called
        name = pick([o for p in LABELS for o in graph.objects(node, p)], lang)
        if name is not None:
            out["name"] = str(name)
        return out
    schema = SchemaOrg.load()
    for prop in sorted({p for p in graph.predicates(node) if str(p).startswith(str(SDO))}):
        if not schema.is_property(prop):
            continue
        values = _values(graph, list(graph.objects(node, prop)), lang)
        if values:
            out[str(prop)[len(SDO):]] = values[0] if len(values) == 1 else values
    return out


def _is_event(types: list[str]) -> bool:
    """Whether a linked thing is an Event: referred to by ``@id`` and name only, since a typed
    Event without its own date and place reads as an incomplete event to search engines."""
    schema = SchemaOrg.load()
    return any(t == "Event" or schema.is_subclass(t, "Event") for t in types)


def _values(graph: Graph, objects: list[Node], lang: str) -> list[Any]:
    literals = [o for o in objects if isinstance(o, Literal)]
    values: list[Any] = [str(o) for o in in_language([o for o in literals if o.language], lang)]
    values += [_literal(o) for o in sorted((o for o in literals if not o.language), key=str)]
    for obj in sorted((o for o in objects if not isinstance(o, Literal)), key=str):
        if isinstance(obj, BNode):
            values.append(_node(graph, obj, lang, full=True))
        elif str(obj).startswith(str(SDO)) or not (set(graph.predicate_objects(obj))):
            values.append(str(obj))  # an enumeration member or a plain web address
        else:
            values.append(_node(graph, obj, lang, full=False))
    return values


def _literal(literal: Literal) -> Any:
    if literal.datatype == XSD.boolean:
        return literal.toPython() is True
    convert = _NUMBERS.get(literal.datatype)
    if convert is not None:
        try:
            return convert(str(literal))
        except ValueError:
            return str(literal)
    return str(literal)
