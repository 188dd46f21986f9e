#!/usr/bin/env python3
"""Derive the compact schema.org term table that the tests and ``cisem_graph.schemaorg`` use.

A fresh clone has no ``../shared/vocab/``, so the project keeps what its checks need: term names,
direct superclasses, property domains/ranges/superproperties/inverses, enumeration members and the
DataType classes, derived from the official vocabulary file. Descriptions (``rdfs:comment``) and
labels are not copied. The vocabulary is CC BY-SA 3.0; the attribution is recorded in the table.

Usage::

    python scripts/derive_schemaorg_table.py [--vocab PATH] [--out PATH] [--release X.Y]

Defaults: ``--vocab ../shared/vocab/schemaorg-current-https.ttl`` and
``--out cisem_graph/vocab/schemaorg-terms.json``, both relative to the repository root. The output is
deterministic (sorted keys and lists, one term per line), so re-running on the same file gives the
same bytes and ``tests/test_schemaorg.py`` can compare it with the committed table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from rdflib import RDF, RDFS, Graph, URIRef

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VOCAB = REPO_ROOT.parent / "shared" / "vocab" / "schemaorg-current-https.ttl"
DEFAULT_OUT = REPO_ROOT / "cisem_graph" / "vocab" / "schemaorg-terms.json"

SCHEMA = "https://schema.org/"
#: sha256 of official release files we know, so the release need not be given by hand.
KNOWN_RELEASES = {
    "320938f0945d717fc317f822c707f10944e7a7a0097018665a3b95dcf475b39d": "30.0",
}
SOURCE_NAME = "schemaorg-current-https.ttl"

_DOMAIN = URIRef(SCHEMA + "domainIncludes")
_RANGE = URIRef(SCHEMA + "rangeIncludes")
_INVERSE = URIRef(SCHEMA + "inverseOf")
_DATATYPE = URIRef(SCHEMA + "DataType")


def _local(node) -> str | None:
    """The local name of a schema.org IRI, or None for anything else."""
    text = str(node)
    if isinstance(node, URIRef) and text.startswith(SCHEMA) and len(text) > len(SCHEMA):
        return text[len(SCHEMA):]
    return None


def _names(nodes) -> list[str]:
    return sorted({name for name in map(_local, nodes) if name is not None})


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def derive(vocab: Path, release: str | None = None) -> dict:
    """Read the vocabulary file and return the table as plain, JSON-ready data."""
    digest = sha256_of(vocab)
    release = release or KNOWN_RELEASES.get(digest)
    if release is None:
        raise ValueError(f"unknown vocabulary file (sha256 {digest}); pass --release")
    graph = Graph()
    graph.parse(vocab, format="turtle")

    classes: dict[str, list[str]] = {}
    properties: dict[str, dict[str, list[str]]] = {}
    members: dict[str, list[str]] = {}
    for subject in set(graph.subjects(RDF.type, None)):
        name = _local(subject)
        if name is None:
            continue  # equivalences to other vocabularies are not kept
        types = set(graph.objects(subject, RDF.type))
        if RDFS.Class in types:
            classes[name] = _names(graph.objects(subject, RDFS.subClassOf))
        elif RDF.Property in types:
            entry = {
                "domain": _names(graph.objects(subject, _DOMAIN)),
                "range": _names(graph.objects(subject, _RANGE)),
                "super": _names(graph.objects(subject, RDFS.subPropertyOf)),
                "inverse": _names(graph.objects(subject, _INVERSE)),
            }
            properties[name] = {key: value for key, value in entry.items() if value}
        else:
            members[name] = _names(types)

    # DataTypes: the classes typed schema:DataType and every subclass of them (URL, Integer, ...).
    datatypes = set(_names(graph.subjects(RDF.type, _DATATYPE))) & set(classes)
    changed = True
    while changed:
        found = {name for name, supers in classes.items() if datatypes.intersection(supers)}
        changed = not found <= datatypes
        datatypes |= found

    return {
        "about": {
            "attribution": f"Schema.org vocabulary, release {release}, https://schema.org/, "
                           "CC BY-SA 3.0",
            "content": "term names and structure only (no labels or descriptions); derived, "
                       "so shared under CC BY-SA 3.0",
            "generator": "scripts/derive_schemaorg_table.py",
            "licence": "CC BY-SA 3.0",
            "licence_url": "https://creativecommons.org/licenses/by-sa/3.0/",
            "namespace": SCHEMA,
            "release": release,
            "sha256": digest,
            "source": SOURCE_NAME,
        },
        "classes": classes,
        "datatypes": sorted(datatypes),
        "members": members,
        "properties": properties,
    }


def render(table: dict) -> str:
    """Serialise the table deterministically: sorted keys, one term per line, compact inside."""

    def dump(value) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    lines = ["{"]
    sections = sorted(table)
    for index, section in enumerate(sections):
        value = table[section]
        comma = "," if index < len(sections) - 1 else ""
        if isinstance(value, dict) and section != "about":
            lines.append(f"{dump(section)}:{{")
            keys = sorted(value)
            for key_index, key in enumerate(keys):
                key_comma = "," if key_index < len(keys) - 1 else ""
                lines.append(f"{dump(key)}:{dump(value[key])}{key_comma}")
            lines.append("}" + comma)
        else:
            lines.append(f"{dump(section)}:{dump(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vocab", type=Path, default=DEFAULT_VOCAB,
                        help=f"official vocabulary, Turtle (default: {DEFAULT_VOCAB})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"where to write the table (default: {DEFAULT_OUT})")
    parser.add_argument("--release", default=None,
                        help="schema.org release, needed only for a file whose sha256 is not known")
    args = parser.parse_args(argv)
    if not args.vocab.is_file():
        parser.error(f"no vocabulary file at {args.vocab}")
    try:
        table = derive(args.vocab, args.release)
    except ValueError as exc:
        parser.error(str(exc))
    text = render(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {len(table['classes'])} classes, {len(table['properties'])} properties, "
          f"{len(table['members'])} members, {len(text.encode())} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
