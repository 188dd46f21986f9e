"""Canned queries: the named SPARQL queries of ``queries/*.rq``, with their titles and parameters.

A query file starts with a header of comments, then the query::

    # title@it: Relatori di ogni evento …
    # title@en: Speakers of each event …
    # description@it: Chi è intervenuto … (a line starting with ``#`` and no ``key:`` continues
    #   the value above it)
    # description@en: Who spoke …
    # param: $event iri — the event (English description)
    # param@it: $event — l’evento (Italian description)

    SELECT DISTINCT ?event … WHERE { … } ORDER BY …

**Prefixes.** The project's own IRIs hang off the configured base, so a query never writes them:
it uses the prefixes of ``query_prefixes(base)`` (``namespaces.project_prefixes`` plus ``id:`` and
one per kind: ``organization:cisem``, ``graph:comuni-istat``, ``cisem:Committee``), and the loader
prepends a ``PREFIX`` line for each one the query uses without declaring it. No ``BASE`` is set.

**Parameters.** ``# param: $name TYPE — description``; TYPE is ``iri`` (optionally ``iri(kind)``),
``integer`` or ``string``. All are optional: a query without values runs as written. Values are never
spliced into the query's text: ``CannedQuery.bind`` checks and writes each one as a SPARQL term and
appends one trailing ``VALUES`` clause (SPARQL 1.1 grammar rule 1, ``Query ::= Prologue (…Query)
ValuesClause``: after the solution modifiers, joined with the WHERE pattern before grouping,
ordering and projection). An IRI value is an absolute http(s) IRI without ``<>"{}|^`\\``, spaces or
control characters, or a slug resolved to ``{base}id/{kind}/{slug}`` (``kind/slug`` also works, and
``graph/name`` gives ``{base}graph/name``); an integer is an optional sign and ASCII digits; a string
becomes an escaped literal (``describe.sparql_string``) and may not hold control characters
(line breaks included). Anything else is a ``ParameterError`` (400) naming the parameter.

Because a join keeps a solution whose variable is unbound, a query must bind each of its parameter
variables in every solution (and project it, so the reader sees what was chosen);
``tests/test_queries.py`` checks this for every file.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from pathlib import Path

from .config import Settings
from .describe import sparql_string
from .errors import EndpointFailed, LoadError, NotFound, QueryError
from .namespaces import KINDS, project_prefixes
from .store.guards import NOT_CODE, undeclared_prefixes

LANGS = ("it", "en")
TYPES = ("iri", "integer", "string")
#: what ``iri(kind)`` may name: a kind of thing, or ``graph`` (``{base}graph/{slug}``)
PARAM_KINDS = (*KINDS, "graph")
SUFFIX = ".rq"
#: at most this many values in one parameter, and rows in the VALUES clause they make together
MAX_VALUES = 20
MAX_ROWS = 100
MAX_VALUE_CHARS = 2000

_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SLUG = _NAME
_HEADER = re.compile(r"^#\s?(?P<key>[a-z]+)(?:@(?P<lang>[a-z]{2}))?:\s*(?P<value>.*)$")
_PARAM = re.compile(
    r"^\$(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"(?:\s+(?P<type>[a-z]+)(?:\((?P<kind>[a-z]+)\))?)?"
    r"\s*(?:—|--)\s*(?P<text>.*)$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
#: what may not appear in an IRI written between ``<`` and ``>`` (SPARQL's IRIREF)
_IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\s\x00-\x20\x7f-\x9f]')
_IRI = re.compile(r"^https?://[^/?#]+", re.IGNORECASE)
#: variables a query computes itself (``BIND(… AS ?year)``, ``(COUNT(…) AS ?n)``)
_ASSIGNED = re.compile(r"\bAS\s+[?$]([A-Za-z_][\w]*)", re.IGNORECASE)
#: the query's own WHERE clause (the first: a subquery's comes after it)
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


class ParameterError(QueryError):
    """A parameter value that is not of its declared type, or a parameter the query lacks (400)."""

    title = "Bad parameter"

    def __init__(self, message: str, say: str = "bad_value", **fields: object) -> None:
        """``say`` and ``fields`` name the message a page writes in its reader's language (the
        web's catalogue), from values the query declares, never the value given."""
        super().__init__(message)
        self.details.update(say=say, **fields)


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    #: the kind a bare slug of an ``iri`` parameter resolves to (``{base}id/{kind}/{slug}``)
    kind: str | None
    description: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"name": self.name, "type": self.type, "kind": self.kind,
                "description": dict(self.description)}


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: dict[str, str]
    description: dict[str, str]
    parameters: tuple[Parameter, ...]
    #: the query as written in the file, without its header
    body: str
    #: what runs: ``PREFIX`` lines for the project prefixes the body uses, then the body
    text: str
    base: str
    path: Path | None = None

    def in_language(self, lang: str) -> tuple[str, str]:
        """Title and description in ``lang``, else in the other language."""
        return _pick(self.title, lang), _pick(self.description, lang)

    def parameter(self, name: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise ParameterError(f"The query {self.name!r} has no parameter by that name "
                             f"(its parameters: {known}).", "no_parameter", known=known)

    def bind(self, values: Mapping[str, str | Sequence[str]] | None = None) -> str:
        """The text to run with ``values`` (name → one value or several): a VALUES block first in
        the query's WHERE, so the engine starts from the values given instead of joining them
        with every answer at the end (a query's own patterns are then each bound)."""
        block = self.values_clause(values or {})
        if not block:
            return self.text
        code = NOT_CODE.sub(lambda m: " " * len(m.group(0)), self.text)
        where = _WHERE.search(code)
        computed = {m.group(1) for m in _ASSIGNED.finditer(code)}  # BIND(… AS ?x), (… AS ?x)
        if where is None or computed & {name.lstrip("$?") for name in (values or {})}:
            return f"{self.text.rstrip()}\n{block}\n"  # a computed variable is joined at the end
        return f"{self.text[:where.end()]}\n  {block}{self.text[where.end():]}"

    def values_clause(self, values: Mapping[str, str | Sequence[str]]) -> str:
        columns: list[tuple[str, list[str]]] = []
        for name, given in values.items():
            parameter = self.parameter(name.lstrip("$?"))
            given = [given] if isinstance(given, str) else list(given)
            if not given:
                continue
            if len(given) > MAX_VALUES:
                raise ParameterError(f"Parameter {parameter.name!r}: at most {MAX_VALUES} values.",
                                     "too_many_values", parameter=parameter.name, limit=MAX_VALUES)
            terms = list(dict.fromkeys(self.term(parameter, value) for value in given))
            columns.append((parameter.name, terms))
        if not columns:
            return ""
        rows = 1
        for _, terms in columns:
            rows *= len(terms)
        if rows > MAX_ROWS:
            raise ParameterError(f"The values given make {rows} combinations; at most {MAX_ROWS}.",
                                 "too_many_rows", rows=rows, limit=MAX_ROWS)
        if len(columns) == 1:
            name, terms = columns[0]
            return f"VALUES ?{name} {{ {' '.join(terms)} }}"
        names = " ".join(f"?{name}" for name, _ in columns)
        data = " ".join(f"({' '.join(row)})" for row in product(*(terms for _, terms in columns)))
        return f"VALUES ({names}) {{ {data} }}"

    def term(self, parameter: Parameter, value: str) -> str:
        """``value`` as a SPARQL term of the parameter's type; ``ParameterError`` if it is not one."""
        if not isinstance(value, str):
            raise ParameterError(f"Parameter {parameter.name!r}: a value must be text.",
                                 parameter=parameter.name)
        if value == "":
            raise ParameterError(f"Parameter {parameter.name!r}: the value is empty.", "empty_value",
                                 parameter=parameter.name)
        if len(value) > MAX_VALUE_CHARS:
            raise ParameterError(f"Parameter {parameter.name!r}: the value is longer than "
                                 f"{MAX_VALUE_CHARS} characters.", "long_value",
                                 parameter=parameter.name, limit=MAX_VALUE_CHARS)
        if parameter.type == "integer":
            if not _INTEGER.match(value):
                raise ParameterError(f"Parameter {parameter.name!r} is an integer: the value is "
                                     "not one (digits 0-9, optionally signed).", "not_integer",
                                     parameter=parameter.name)
            return str(int(value))
        if parameter.type == "string":
            if any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f for c in value):
                raise ParameterError(f"Parameter {parameter.name!r}: control characters (line "
                                     "breaks, tabs) are not allowed in a value.",
                                     "control_characters", parameter=parameter.name)
            return sparql_string(value)
        return f"<{self.resolve_iri(parameter, value)}>"

    def resolve_iri(self, parameter: Parameter, value: str) -> str:
        if _IRI_FORBIDDEN.search(value):
            raise ParameterError(
                f"Parameter {parameter.name!r} is an IRI: the value holds a character an IRI "
                "cannot (spaces, control characters or any of <>\"{}|^`\\).", "not_iri",
                parameter=parameter.name)
        if "://" in value or ":" in value.split("/", 1)[0]:
            if not _IRI.match(value):
                raise ParameterError(f"Parameter {parameter.name!r}: the value is not an "
                                     "absolute http(s) IRI.", "not_iri", parameter=parameter.name)
            return value
        kind, _, slug = value.rpartition("/")
        kind = kind or parameter.kind
        if kind == "graph" and _SLUG.match(slug):
            return f"{self.base}graph/{slug}"
        if kind is None:
            raise ParameterError(f"Parameter {parameter.name!r}: give an IRI or kind/slug "
                                 "(e.g. organization/cisem).", "not_iri", parameter=parameter.name)
        if kind not in KINDS or not _SLUG.match(slug):
            raise ParameterError(
                f"Parameter {parameter.name!r}: the value is neither an http(s) IRI nor a slug "
                f"(lower-case letters, digits and hyphens) of a known kind ({', '.join(KINDS)}).",
                "not_iri", parameter=parameter.name)
        return f"{self.base}id/{kind}/{slug}"

    def to_json(self) -> dict:
        return {"name": self.name, "title": dict(self.title),
                "description": dict(self.description),
                "parameters": [p.to_json() for p in self.parameters], "query": self.text}


def query_prefixes(base: str) -> dict[str, str]:
    """The prefixes a canned query may use undeclared: the project's, ``id:`` and one per kind."""
    prefixes = project_prefixes(base)
    prefixes.setdefault("id", f"{base}id/")
    for kind in KINDS:
        prefixes.setdefault(kind, f"{base}id/{kind}/")
    return prefixes


def with_prefixes(body: str, base: str) -> str:
    """``body`` with a ``PREFIX`` line for each known prefix it uses and does not declare."""
    known = query_prefixes(base)
    lines = [f"PREFIX {name}: <{known[name]}>" for name in undeclared_prefixes(body) if name in known]
    return "\n".join(lines) + "\n\n" + body if lines else body


def prefix_advice(text: str, base: str) -> str | None:
    """What to add when a query uses a prefix it does not declare: the ``PREFIX`` lines, with the
    namespace where the prefix is one of the project's (``schema:``, ``org:``, ``cisem:`` …)."""
    missing = undeclared_prefixes(text)
    if not missing:
        return None
    known = query_prefixes(base)
    lines = [f"PREFIX {name}: <{known.get(name, '…')}>" for name in missing]
    names = ", ".join(f"{name}:" for name in missing)
    unknown = [f"{name}:" for name in missing if name not in known]
    hint = (f" ({', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not among this "
            "dataset's prefixes: write the namespace between the angle brackets)") if unknown else ""
    subject = f"The prefix {names} is" if len(missing) == 1 else f"The prefixes {names} are"
    return f"{subject} used but not declared. Add at the top of the query: " + " ".join(lines) + hint


def parse_query(text: str, name: str, base: str, *, path: Path | None = None,
                strict: bool = True) -> CannedQuery:
    """A query file's text as a ``CannedQuery``; ``strict`` requires the titles and descriptions
    in both languages (a file given on the command line may have no header at all)."""
    shown = str(path) if path is not None else name
    title: dict[str, str] = {}
    description: dict[str, str] = {}
    params: dict[str, dict] = {}
    lines = text.splitlines()
    current: tuple[dict, str] | None = None
    body_start = len(lines)
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped:
            current = None
            continue
        if not stripped.startswith("#"):
            body_start = number - 1
            break
        match = _HEADER.match(stripped)
        if match is None or match["key"] not in ("title", "description", "param"):
            if current is not None and stripped.lstrip("#").strip():
                target, key = current
                target[key] = f"{target[key]} {stripped.lstrip('#').strip()}"
            continue
        key, lang, value = match["key"], match["lang"], match["value"].strip()
        if lang is not None and lang not in LANGS:
            raise LoadError(f"{key}@{lang}: the languages are {', '.join(LANGS)}", file=shown,
                            line=number)
        if key == "param":
            entry = _param_line(value, lang or "en", params, shown, number)
            current = (entry["description"], lang or "en")
        else:
            target = title if key == "title" else description
            target[lang or "en"] = value
            current = (target, lang or "en")
    body = "\n".join(lines[body_start:]).strip() + "\n"
    if strict:
        for key, values in (("title", title), ("description", description)):
            for lang in LANGS:
                if not values.get(lang):
                    raise LoadError(f"the header lacks '# {key}@{lang}: …'", file=shown, line=1)
    if not body.strip():
        raise LoadError("no query after the header", file=shown)
    parameters = []
    for pname, entry in params.items():
        if entry["type"] is None:
            raise LoadError(f"parameter ${pname} has no type (one of {', '.join(TYPES)})",
                            file=shown)
        parameters.append(Parameter(pname, entry["type"], entry["kind"], entry["description"]))
    title = title or {"en": name}
    return CannedQuery(name, title, description, tuple(parameters), body,
                       with_prefixes(body, base), base, path)


def _param_line(value: str, lang: str, params: dict[str, dict], file: str, line: int) -> dict:
    match = _PARAM.match(value)
    if match is None:
        raise LoadError("a parameter line reads '# param: $name TYPE — description' "
                        f"(TYPE: {', '.join(TYPES)}; iri(kind) names the kind of a bare slug)",
                        file=file, line=line)
    name, kind = match["name"], match["kind"]
    entry = params.setdefault(name, {"type": None, "kind": None, "description": {}})
    if match["type"]:
        if match["type"] not in TYPES:
            raise LoadError(f"parameter ${name}: unknown type {match['type']!r} "
                            f"(one of {', '.join(TYPES)})", file=file, line=line)
        if entry["type"] not in (None, match["type"]):
            raise LoadError(f"parameter ${name} is declared with two types", file=file, line=line)
        if kind is not None and (match["type"] != "iri" or kind not in PARAM_KINDS):
            raise LoadError(f"parameter ${name}: ({kind}) must follow iri and be one of "
                            f"{', '.join(PARAM_KINDS)}", file=file, line=line)
        entry["type"] = match["type"]
        if match["type"] == "iri":
            entry["kind"] = kind or (name if name in KINDS else entry["kind"])
    entry["description"][lang] = match["text"].strip()
    return entry


def load_query_file(path: Path, settings: Settings, *, strict: bool = False) -> CannedQuery:
    """One query file (the command line's ``FILE``): named after the file, header optional."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(f"cannot read the query: {exc}", file=str(path)) from None
    return parse_query(text, path.stem, settings.base_iri, path=path, strict=strict)


def queries_dir(settings: Settings) -> Path:
    return settings.root / "queries"


def load_queries(settings: Settings) -> list[CannedQuery]:
    """Every ``queries/*.rq`` of the project, by name. Read again only when a file changes."""
    folder = queries_dir(settings)
    files = sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []
    signature = tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    return list(_load(str(folder), settings.base_iri, signature))


@lru_cache(maxsize=4)
def _load(folder: str, base: str, signature: tuple) -> tuple[CannedQuery, ...]:
    found = []
    for name, _, _ in signature:
        path = Path(folder) / name
        stem = name[: -len(SUFFIX)]
        if not _NAME.match(stem):
            raise LoadError("a query's file name is its URL: lower-case letters, digits and "
                            "hyphens, then .rq", file=str(path))
        text = path.read_text(encoding="utf-8")
        found.append(parse_query(text, stem, base, path=path, strict=True))
    return tuple(found)


def get_query(settings: Settings, name: str) -> CannedQuery:
    """The canned query ``name``; ``NotFound`` (404) naming the ones there are."""
    queries = load_queries(settings)
    for query in queries:
        if query.name == name:
            return query
    known = ", ".join(q.name for q in queries)
    raise NotFound(f"There is no canned query by this name. Canned queries: {known}",
                   say="no_query", queries=known)


def parse_assignments(pairs: Iterable[str]) -> dict[str, list[str]]:
    """``["organization=cisem", "year=2021"]`` (the command line's ``--param``) as a mapping."""
    values: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"--param takes NAME=VALUE, not {pair!r}.")
        values.setdefault(name.strip().lstrip("$?"), []).append(value)
    return values


def _pick(values: Mapping[str, str], lang: str) -> str:
    for key in (lang, *(x for x in LANGS if x != lang)):
        if values.get(key):
            return values[key]
    return next(iter(values.values()), "")


# -- running a query for the command line -------------------------------------------------------

#: what ``cisem-graph query --format`` offers; ``table`` is read from SPARQL JSON
OUTPUT_FORMATS = ("table", "csv", "tsv", "json")
TABLE_CELL_CHARS = 60



@dataclass(frozen=True)
class Answered:
    """What a query returned: the body in the asked format (Turtle for a graph), and its form."""

    body: bytes
    graph: bool = False
    truncated: bool = False


def _wire_format(output: str) -> str:
    return "json" if output == "table" else output


def run_local(settings: Settings, text: str, output: str) -> Answered:
    """``text`` on the current dataset version (``dist_dir``), through the store's guards."""
    from .formats import by_name
    from .graph.version import open_current
    from .store import open_store

    store = open_store(settings, open_current(settings.dist_dir))
    try:
        prepared = store.prepare(text)
        fmt = by_name("turtle" if prepared.returns_graph else _wire_format(output))
        answer = store.execute(prepared, fmt)
    finally:
        store.close()
    return Answered(answer.body, prepared.returns_graph, answer.truncated)


#: what ``query --endpoint`` asks an endpoint for, by output
_ACCEPT = {"json": "application/sparql-results+json", "csv": "text/csv",
           "tsv": "text/tab-separated-values"}


def run_remote(endpoint: str, text: str, output: str, timeout: float) -> Answered:
    """``text`` on any SPARQL 1.1 endpoint (POST, form-encoded, ``store.client``).

    A 400 (or 403, 413) from the endpoint is the query's fault: ``QueryError``; anything else that
    goes wrong (no answer, 5xx, 404) is ``EndpointFailed``.
    """
    from .errors import StoreTimeout, StoreUnreachable
    from .store.client import HttpClient
    from .store.guards import form_of

    if not _IRI.match(endpoint) or _IRI_FORBIDDEN.search(endpoint):
        raise QueryError(f"--endpoint must be an http(s) URL, not {endpoint!r}.")
    graph = form_of(text) in ("CONSTRUCT", "DESCRIBE")
    accept = "text/turtle" if graph else _ACCEPT[_wire_format(output)]
    client = HttpClient(timeout=max(1.0, timeout))
    try:
        reply = client.request("POST", endpoint, urllib.parse.urlencode({"query": text}).encode(),
                               {"Content-Type": "application/x-www-form-urlencoded",
                                "Accept": accept, "User-Agent": "cisem-graph"})
    except (StoreUnreachable, StoreTimeout) as exc:
        raise EndpointFailed(f"cannot query {endpoint}: {exc.message}") from None
    finally:
        client.close()
    if reply.status in (400, 403, 413):
        raise QueryError(f"{endpoint} refused the query ({reply.status}): {reply.said(500)}")
    if not reply.ok:
        raise EndpointFailed(f"{endpoint} answered {reply.status} {reply.reason}: {reply.said(500)}")
    return Answered(reply.body, graph)


def text_table(results: dict, base: str) -> str:
    """SPARQL JSON results as an aligned text table: IRIs written short with the project's
    prefixes, long values cut at ``TABLE_CELL_CHARS``, then the number of rows."""
    if "boolean" in results:
        return ("true" if results["boolean"] else "false") + "\n"
    prefixes = sorted(query_prefixes(base).items(), key=lambda item: -len(item[1]))
    columns = list(results.get("head", {}).get("vars", []))
    bindings = results.get("results", {}).get("bindings", [])
    rows = [[_shown(row.get(c), prefixes) for c in columns] for row in bindings]
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines) + "\n"


def _shown(term: dict | None, prefixes: list[tuple[str, str]]) -> str:
    if term is None:
        return ""
    value = term.get("value", "")
    if term.get("type") == "uri":
        for name, namespace in prefixes:
            if value.startswith(namespace) and len(value) > len(namespace):
                value = f"{name}:{value[len(namespace):]}"
                break
    elif term.get("type") == "bnode":
        value = f"_:{value}"
    value = " ".join(value.split())
    return value if len(value) <= TABLE_CELL_CHARS else value[: TABLE_CELL_CHARS - 1] + "…"


def explain(error: QueryError, text: str, base: str) -> QueryError:
    """A syntax error caused by an undeclared prefix, said as the ``PREFIX`` line to add (the
    engine's own message lists the characters it expected instead); other errors as they are."""
    if type(error) is not QueryError:
        return error
    advice = prefix_advice(text, base)
    return QueryError(advice, line=error.line, column=error.column) if advice else error
