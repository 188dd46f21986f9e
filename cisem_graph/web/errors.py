"""Errors become HTTP here, and only here.

Domain exceptions carry their status; werkzeug's keep theirs. The body is negotiated (JSON for
clients that prefer it, HTML for browsers, plain text for SPARQL clients and curl, as Fuseki does)
and never holds a traceback or a host path.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ..errors import BodyIncomplete, BodyTooSlow, CisemError, PayloadTooLarge, TooManyRequests
from .catalogue import error_title, words
from .front import BODY_LIMIT, RAISED, REFUSED
from .http import NO_STORE, named_quality
from .i18n import error_frame, page_language

log = logging.getLogger("cisem_graph.web")


def init_app(app: Flask) -> None:
    app.register_error_handler(CisemError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
    app.before_request(refused_by_front)


def refused_by_front() -> None:
    """Answer what the front refused or the hot path raised (``web.front``) as any other error,
    negotiated."""
    raised = request.environ.get(RAISED)
    if raised is not None:
        raise raised
    reason = request.environ.get(REFUSED)
    if reason is None:
        return
    settings = current_app.extensions["cisem_graph"].settings
    if reason == "busy":
        current_app.extensions["cisem_graph"].metrics.throttled("connections")
        raise TooManyRequests(f"too many requests from your address at once (at most "
                              f"{settings.max_client_connections}, setting max_client_connections)")
    if reason == "slow_body":
        raise BodyTooSlow(f"the request body did not arrive in time (setting body_timeout: "
                          f"{settings.body_timeout:g} s, plus 1 s per {settings.body_min_rate:g} "
                          "bytes)")
    if reason == "too_large":
        limit = request.environ.get(BODY_LIMIT)
        if limit and limit > current_app.config["MAX_CONTENT_LENGTH"]:  # an upload of a spreadsheet
            raise PayloadTooLarge(f"the upload is over the limit of {settings.import_max_bytes} bytes "
                                  "(setting import_max_bytes)")
        raise PayloadTooLarge(f"the request body is over the limit of {settings.max_request_bytes} "
                              "bytes (setting max_request_bytes)")
    raise BodyIncomplete("the request body ended before the length it announced")


def handle_domain_error(exc: CisemError) -> Response:
    details = {k: v for k, v in exc.details.items() if v is not None and k not in ("file", "say")}
    response = error_response(exc.status, exc.title, exc.message, details,
                              say=exc.details.get("say"))
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is None and exc.status == 503:
        retry_after = 1
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="cisem-graph admin"'
    return response


def handle_http_error(exc: HTTPException) -> Response:
    code = exc.code or 500
    response = error_response(code, exc.name, exc.description or exc.name, {},
                              say=f"message_{code}" if code in (404, 405) else None)
    if exc.code == 405 and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def handle_unexpected(exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.path)
    return error_response(500, "Internal error", "The server could not answer this request.", {},
                          say="message_500")


def error_response(status: int, title: str, message: str, details: dict,
                   say: str | None = None) -> Response:
    """The error in the form the client reads: JSON, a page in the reader's language (``say``
    names the catalogue's words for the message, when it has them), or one line of text."""
    accept = request.headers.get("Accept")
    best = request.accept_mimetypes.best_match(["text/plain", "application/json", "text/html"])
    if best == "application/json" or request.path.endswith(".json"):
        response = jsonify({"ok": False, "status": status, "title": title, "error": message, **details})
    elif best == "text/html" and named_quality(accept, "text/html") > named_quality(accept, "*/*"):
        response = Response(error_page(status, title, message, details, say), mimetype="text/html")
    else:
        where = ""
        if details.get("line"):
            where = f" (line {details['line']}, column {details.get('column') or '?'})"
        response = Response(f"{status} {title}: {message}{where}\n", mimetype="text/plain")
    response.status_code = status
    response.headers["Cache-Control"] = NO_STORE
    return response


def error_page(status: int, title: str, message: str, details: dict, say: str | None) -> str:
    lang = page_language()
    t = words(lang, "errors")
    return render_template("error.html", lang=lang, t=t, frame=error_frame(lang), status=status,
                           title=error_title(title, lang),
                           message=said(t, say, details) or message, details=details)


def said(t: dict[str, str], say: str | None, details: dict) -> str | None:
    """The catalogue's message ``say`` in the page's language, its ``{fields}`` filled from the
    error's details (values the server chose: names of parameters, formats, limits, never the
    request's own text); None when the catalogue has no such message or the error lacks a field
    it names (the error's own message is shown then: an error page must never fail)."""
    if say not in t:
        return None
    try:
        return t[say].format_map(details)
    except (KeyError, IndexError, ValueError):
        log.warning("catalogue message %r lacks a field of %s", say, sorted(details))
        return None
