"""``cisem-graph import``: rows of a spreadsheet become a named graph in ``data/``.

The maintainers of the graph (Chamber staff) keep lists in Excel. An import turns one sheet of one
kind (organizations, people, roles, events, places) into ``data/import-<name>.ttl``: one named
graph per imported file, described like every other data file (the file it came from, its
SHA-256, when it was imported, the licence) and with the source each row cites. Every problem is
collected in one run (cells, references, duplicates and the SHACL shapes), and a file with any
error writes nothing. Importing the same file again gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from ..config import Settings
from ..errors import ImportFailed
from ..graph.sources import load_sources
from ..namespaces import graph_iri
from .check import add_graph, drop_graph, shacl_problems
from .convert import Converter
from .kinds import KINDS, Kind
from .problems import UNREADABLE_RULES, Problem
from .read import read_table
from .resolve import Index
from .values import slugify
from .write import SPDX, to_turtle, write_atomically

__all__ = ["KINDS", "ImportResult", "Problem", "import_file", "target_name"]

LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
_MARK = re.compile(r"^# cisem-graph import: kind=(\S+) sha256=([0-9a-f]{64}) created=(\S+)$", re.M)


@dataclass
class ImportResult:
    """What an import did: where it wrote, what it read, and the warnings (never blocking)."""

    path: Path  # the data file written (or left as it was)
    graph: URIRef
    kind: str
    format: str  # xlsx or csv
    encoding: str | None
    delimiter: str | None
    rows: int
    created: list[URIRef]
    extended: list[URIRef]
    triples: int
    written: bool  # False: the same file was imported before and data/ is unchanged
    sha256: str
    warnings: list[Problem] = field(default_factory=list)


def target_name(path: Path) -> str:
    """The graph (and data file) name of an imported file: ``import-<its name as a slug>``."""
    return f"import-{slugify(path.stem)}"


def import_file(path: Path | str, kind: str, settings: Settings,
                now: dt.datetime | None = None) -> ImportResult:
    """Read, check and write one spreadsheet; raise ``ImportFailed`` with every problem found.

    Nothing is written unless the whole file is good. ``LoadError`` means data/ itself is broken.
    ``now`` is the import time recorded (``dct:created``); a re-import of the same file keeps the
    first one, so its output is byte-identical.
    """
    path = Path(path)
    spec: Kind = KINDS[kind]
    shown = path.name
    table = read_table(path, settings.import_max_bytes, shown)
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    name = target_name(path)
    if name == "import-":
        raise ImportFailed([Problem(shown, "unreadable", {
            "it": "dal nome del file non si ricava il nome del grafo: rinominarlo con lettere o cifre",
            "en": "no graph name can be derived from the file name: rename it with letters or digits"})],
            unreadable=True)
    base = settings.base_iri
    graph_id = graph_iri(base, name)
    target = Path(settings.data_dir) / f"{name}.ttl"

    sources = load_sources(settings)
    drop_graph(sources, graph_id)  # a previous import of a file of this name is replaced
    index = Index.of(sources, base)
    converter = Converter(table, spec, index, base, graph_id)
    converted = converter.run()
    problems = list(converter.problems)
    if any(p.rule in UNREADABLE_RULES for p in problems):
        raise ImportFailed(problems, unreadable=True)

    previous = target.read_text(encoding="utf-8") if target.is_file() else ""
    mark = _MARK.search(previous)
    same_file = bool(mark and mark[1] == kind and mark[2] == sha256)
    created = mark[3] if same_file else _timestamp(now)
    graph = converted.graph
    _describe(graph, graph_id, shown, spec, sha256, created, converted.sources, len(table.rows))

    add_graph(sources, graph, target)
    findings = shacl_problems(sources, settings, converted, shown)
    problems += [p for p in findings if p.is_error]
    warnings = [p for p in findings if not p.is_error]
    if problems:
        raise ImportFailed(sorted(problems, key=_order) + warnings)

    text = to_turtle(graph, base, _header(shown, kind, sha256, created), first=graph_id)
    written = text != previous
    if written:
        write_atomically(target, text)
    return ImportResult(target, graph_id, kind, table.format, table.encoding, table.delimiter,
                        len(table.rows), converted.created, converted.extended, len(graph), written,
                        sha256, warnings)


def _timestamp(now: dt.datetime | None) -> str:
    moment = now or dt.datetime.now(dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def _describe(graph: Graph, graph_id: URIRef, shown: str, spec: Kind, sha256: str, created: str,
              sources: list[URIRef], rows: int) -> None:
    """The graph describes itself as the curated files do: title, source, date, licence."""
    add = graph.add
    add((graph_id, RDF.type, PROV.Entity))
    add((graph_id, DCTERMS.title, Literal(f"Importazione del foglio {shown} ({spec.label_it})", lang="it")))
    add((graph_id, DCTERMS.title, Literal(f"Import of the spreadsheet {shown} ({spec.label_en})", lang="en")))
    add((graph_id, DCTERMS.description, Literal(
        f"Fatti importati con cisem-graph import dal file {shown} ({spec.label_it}, righe: {rows}). "
        "Ogni risorsa indica con dct:source la fonte citata nella sua riga.", lang="it")))
    add((graph_id, DCTERMS.description, Literal(
        f"Facts imported with cisem-graph import from the file {shown} ({spec.label_en}, rows: "
        f"{rows}). Each thing names with dct:source the source its row cites.", lang="en")))
    add((graph_id, DCTERMS.source, Literal(shown)))
    for source in sources:
        add((graph_id, PROV.wasDerivedFrom, source))
    add((graph_id, DCTERMS.created, Literal(created, datatype=XSD.dateTime)))
    add((graph_id, DCTERMS.license, LICENSE))
    checksum = BNode()
    add((graph_id, URIRef(f"{SPDX}checksum"), checksum))
    add((checksum, RDF.type, URIRef(f"{SPDX}Checksum")))
    add((checksum, URIRef(f"{SPDX}algorithm"), URIRef(f"{SPDX}checksumAlgorithm_sha256")))
    add((checksum, URIRef(f"{SPDX}checksumValue"), Literal(sha256, datatype=XSD.hexBinary)))


def _header(shown: str, kind: str, sha256: str, created: str) -> list[str]:
    return [
        f"Imported by `cisem-graph import {shown} --kind {kind}`. Do not edit by hand: correct the",
        "spreadsheet and import it again (this file is then replaced). Importing the same file again",
        "leaves it as it is.",
        f"cisem-graph import: kind={kind} sha256={sha256} created={created}",
    ]


def _order(problem: Problem) -> tuple:
    return (problem.row if problem.row is not None else -1, problem.letter or "", problem.column or "",
            problem.rule)
