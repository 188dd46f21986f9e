"""The publisher's exception family.

The core raises these; the web layer turns them into HTTP in one place (``web.errors``) using the
``status`` each class carries, and the CLI turns them into exit codes. Messages say what to change.
"""

from __future__ import annotations


class CisemError(Exception):
    """Base of every error the publisher reports to a person."""

    status = 500
    title = "Error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


def said(error: type[CisemError], en: str, it: str, **details: object) -> CisemError:
    """An error people read in English or Italian (``details["messages"]``, as the staff area shows
    it); ``message`` stays the English one."""
    return error(en, messages={"en": en, "it": it}, **details)


class ConfigError(CisemError):
    title = "Bad setting"


class LoadError(CisemError):
    """A source file cannot be read or parsed; names the file and, where known, line and column."""

    title = "Cannot load data"

    def __init__(self, message: str, *, file: str, line: int | None = None,
                 column: int | None = None) -> None:
        where = file + (f":{line}" if line else "") + (f":{column}" if line and column else "")
        super().__init__(f"{where}: {message}", file=file, line=line, column=column)
        self.file = file
        self.line = line
        self.column = column


class ValidationFailed(CisemError):
    """The data does not conform to the shapes; carries the findings."""

    title = "Data does not conform"

    def __init__(self, findings: list) -> None:
        violations = [f for f in findings if f.is_violation]
        super().__init__(f"{len(violations)} SHACL violation(s)")
        self.findings = findings


class QueryError(CisemError):
    """A malformed or refused query or request (400)."""

    status = 400
    title = "Bad query"

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(message, line=line, column=column)
        self.line = line
        self.column = column


class QueryRefused(QueryError):
    """A well-formed request this public endpoint will not run (an update, a SERVICE call)."""

    status = 403
    title = "Query refused"


class PayloadTooLarge(QueryError):
    status = 413
    title = "Request too large"


class BodyTooSlow(CisemError):
    """A request body that did not arrive within its deadline (``body_timeout``, ``body_min_rate``)."""

    status = 408
    title = "Request body too slow"


class BodyIncomplete(QueryError):
    """The client stopped before the body it announced was complete."""

    title = "Incomplete request body"


class TooManyRequests(CisemError):
    """A client over its share: too many requests at once (``max_client_connections``)."""

    status = 429
    title = "Too many requests"
    retry_after = 1


class NotAcceptable(CisemError):
    status = 406
    title = "Not acceptable"


class QueryTimeout(CisemError):
    status = 503
    title = "Query time-out"


class Overloaded(CisemError):
    """Every query process is busy and the waiting line is full."""

    status = 503
    title = "Too busy"
    retry_after = 1


class StoreUnavailable(CisemError):
    """The store cannot be reached (502) or crashed running a query."""

    status = 502
    title = "Store unavailable"


class StoreUnreachable(StoreUnavailable):
    """No answer came at all: refused, reset or closed before a status line (a store that is
    down, not one that refused a query)."""


class StoreTimeout(CisemError):
    """The remote store did not answer within the time-out (504)."""

    status = 504
    title = "Store time-out"


class PushFailed(CisemError):
    """A push stopped before its switch: the store's published graphs are as they were."""

    status = 502
    title = "Push failed"


class PublishBusy(CisemError):
    """Another publish holds the lock (the staff area's job, `import`, `build`, `reload`: one at a
    time, across processes)."""

    status = 409
    title = "Publish running"


class Conflict(CisemError):
    """A request that the state of the data forbids now (an undo others depend on, a stale upload)."""

    status = 409
    title = "Conflict"


class WorkStopped(CisemError):
    """Work in the background (a check, a preview) that failed or lost its worker: try again."""

    status = 503
    title = "Work stopped"


class Forbidden(CisemError):
    """A form that did not come from our own page (CSRF token missing or wrong)."""

    status = 403
    title = "Forbidden"


class Unauthorized(CisemError):
    """An admin request without the right token."""

    status = 401
    title = "Unauthorized"


class NotFound(CisemError):
    status = 404
    title = "Not found"


class BadParameter(CisemError):
    """A parameter of a page request outside what the page allows (a page number, a sort)."""

    status = 400
    title = "Bad request"


class QueryAborted(CisemError):
    """The isolated process running a query died (a crash in the engine); the server lives on."""

    status = 503
    title = "Query aborted"
    retry_after = 1


class DescriptionTooLarge(CisemError):
    """A description or graph larger than the result cap: never served cut short."""

    status = 503
    title = "Description too large"


class EndpointFailed(CisemError):
    """A remote SPARQL endpoint that cannot be reached or answers with an error of its own."""

    status = 502
    title = "Endpoint failed"


class UploadRefused(CisemError):
    """An upload the staff area will not read: its name, its type (415), macros; carries the
    problems (``importer.Problem``) to show, in Italian and English."""

    title = "Upload refused"

    def __init__(self, problems: list, *, status: int = 400) -> None:
        super().__init__(problems[0].message if problems else "upload refused")
        self.problems = problems
        self.status = status


class ImportFailed(CisemError):
    """A spreadsheet cannot be imported; carries every problem found (``importer.Problem``).

    ``unreadable`` says the file could not be read as a table at all (too large, undecodable, not
    a spreadsheet, empty), as opposed to rows that break the rules.
    """

    status = 400
    title = "Cannot import"

    def __init__(self, problems: list, *, unreadable: bool = False) -> None:
        errors = [p for p in problems if getattr(p, "is_error", True)]
        super().__init__(f"{len(errors)} error(s): nothing written")
        self.problems = problems
        self.unreadable = unreadable


class NotAtOnce(Exception):
    """An answer asked "at once" (``Store.execute(at_once=True)``) needs waiting (a query process,
    a remote store) or is large: ask again without. Not a ``CisemError``: never reported."""
