"""Reading a SPARQL 1.1 Protocol request, strictly.

Parameters are parsed from the raw bytes with strict UTF-8, so invalid encodings are a clear 400
rather than silently replaced characters; sizes are checked before anything is decoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote_to_bytes

from flask import Request

from ..errors import PayloadTooLarge, QueryError, QueryRefused

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


@dataclass(frozen=True)
class ProtocolRequest:
    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    #: ``format=`` / ``output=`` tokens in order (SPARQLWrapper sends names and media-type lists)
    formats: tuple[str, ...] = ()

    @property
    def dataset(self) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        """The Protocol dataset, or ``(None, None)`` when the request names none."""
        if not self.default_graphs and not self.named_graphs:
            return None, None
        return self.default_graphs, self.named_graphs


def read(request: Request, max_bytes: int) -> ProtocolRequest:
    """Turn a GET or POST into one query and its dataset; reject everything ambiguous."""
    if request.method == "POST" and not _too_long(request.content_length, max_bytes):
        body = request.get_data(cache=True)
    else:
        body = b""
    return read_raw(request.method, request.query_string, request.mimetype, request.content_length,
                    body, max_bytes)


def read_raw(method: str, query_string: bytes, mimetype: str, content_length: int | None,
             body: bytes, max_bytes: int) -> ProtocolRequest:
    """``read`` on plain values: the front's hot path reads requests that never become Flask's."""
    limit = max_bytes * 3 + 1024  # percent-encoding may triple a query's size
    if len(query_string) > limit:
        raise PayloadTooLarge(url_too_long(query_string, max_bytes))
    params = parse_params(query_string, "the URL")
    body_query = None
    if method == "POST":
        if _too_long(content_length, max_bytes):
            raise PayloadTooLarge(f"the request body is over the limit of {max_bytes} bytes "
                                  "(setting max_request_bytes)")
        if mimetype == FORM:
            params += parse_params(body, "the form")
        elif mimetype == QUERY:
            body_query = decode(body, "the request body")
        elif mimetype == UPDATE:
            raise QueryRefused("this endpoint is read-only: SPARQL Update is not accepted")
        else:
            raise QueryError(
                f"unsupported content type {mimetype or '(none)'!r}: POST a query as "
                f"{QUERY} or as an {FORM} form with a 'query' parameter")
    return _assemble(params, body_query)


def _too_long(content_length: int | None, max_bytes: int) -> bool:
    return content_length is not None and content_length > max_bytes * 3 + 1024


def url_too_long(query_string: bytes, max_bytes: int) -> str:
    """Why a URL is refused, and what to do: POST the query when it fits the limit once decoded
    (a body counts the query itself, not its URL encoding); otherwise shorten it."""
    if len(unquote_to_bytes(query_string)) <= max_bytes:
        return (f"the query string is over the limit of {max_bytes} bytes once URL-encoded "
                "(setting max_request_bytes): send the query with POST instead, as the body "
                "(Content-Type: application/sparql-query) or as a form")
    return (f"the query is over the limit of {max_bytes} bytes (setting max_request_bytes), "
            "by GET or by POST: shorten it")


def _assemble(params: list[tuple[str, str]], body_query: str | None) -> ProtocolRequest:
    values: dict[str, list[str]] = {}
    for key, value in params:
        values.setdefault(key, []).append(value)
    if "update" in values or "using-graph-uri" in values or "using-named-graph-uri" in values:
        raise QueryRefused("this endpoint is read-only: SPARQL Update is not accepted")
    queries = values.get("query", [])
    if body_query is not None:
        queries = [*queries, body_query]
    if len(queries) > 1:
        raise QueryError("send exactly one query: this request has several")
    formats = tuple(token.strip() for key in ("format", "output")
                    for value in values.get(key, []) for token in value.split(",") if token.strip())
    return ProtocolRequest(
        query=queries[0] if queries else None,
        default_graphs=tuple(values.get("default-graph-uri", [])),
        named_graphs=tuple(values.get("named-graph-uri", [])),
        formats=formats,
    )


def decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"{where} is not valid UTF-8 (byte {exc.start})") from exc


def parse_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    if not raw:
        return []
    try:
        return parse_qsl(decode(raw, where), keep_blank_values=True, strict_parsing=False,
                         encoding="utf-8", errors="strict", max_num_fields=100)
    except UnicodeDecodeError as exc:
        raise QueryError(f"{where} has a percent-encoded value that is not valid UTF-8") from exc
    except ValueError as exc:
        raise QueryError(f"{where} cannot be read: {exc}") from exc
