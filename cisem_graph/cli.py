"""``cisem-graph``: a thin click group over functions the tests also call.

Exit codes follow pySHACL's contract: 0 conforms (warnings allowed), 1 violations, 2 cannot load.
``query`` keeps to the same numbers: 0 answered, 1 the store or endpoint failed, 2 a bad query,
parameter or file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from .config import Settings
from .errors import (
    CisemError,
    ConfigError,
    LoadError,
    NotFound,
    QueryError,
    StoreTimeout,
    StoreUnreachable,
    ValidationFailed,
)
from .graph.pipeline import build
from .graph.sources import load_sources
from .graph.validate import Finding, validate, violations
from .graph.version import open_current
from .lock import held
from .progress import Steps
from .queries import (
    OUTPUT_FORMATS,
    CannedQuery,
    get_query,
    load_query_file,
    parse_assignments,
    run_local,
    run_remote,
    text_table,
)

EXIT_OK, EXIT_VIOLATIONS, EXIT_LOAD = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--base-iri", help="Public base IRI (setting base_iri).")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path),
              help="Folder holding ontology/, data/, shapes/ (setting root).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the data files (setting data_dir).")
@click.pass_context
def cli(ctx: click.Context, base_iri: str | None, root: Path | None, data_dir: Path | None) -> None:
    """Build, validate and publish the CISeM knowledge graph."""
    try:
        ctx.obj = Settings.from_env(base_iri=base_iri, root=root, data_dir=data_dir)
    except CisemError as exc:
        raise click.UsageError(exc.message) from exc


@contextmanager
def _publishing(settings: Settings, what: str) -> Iterator[None]:
    """The publish lock for a command that writes data/ or switches the served version: it waits,
    saying so, while the staff area's job or another command holds it (``cisem_graph.lock``)."""
    def waiting(holder: str) -> None:
        click.echo(f"waiting: another publish is running ({holder})", err=True)

    with held(settings, what, wait=True, on_wait=waiting):
        yield


def _report(findings: list[Finding], lang: str) -> None:
    for finding in findings:
        click.echo(finding.describe(lang), err=True)


def _fail_load(exc: LoadError) -> None:
    click.echo(f"error: {exc.message}", err=True)
    sys.exit(EXIT_LOAD)


@cli.command("validate")
@click.option("--lang", type=click.Choice(["en", "it"]), default="en", help="Language of messages.")
@click.pass_obj
def validate_command(settings: Settings, lang: str) -> None:
    """Validate ontology and data against the SHACL shapes."""
    try:
        with Steps(["parse", "validate"], "validate") as steps:
            steps.step("parse")
            sources = load_sources(settings)
            steps.step("validate")
            findings = validate(sources, settings)
    except LoadError as exc:
        _fail_load(exc)
    _report(findings, lang)
    bad = violations(findings)
    warnings = len(findings) - len(bad)
    if bad:
        click.echo(f"{len(bad)} violation(s), {warnings} warning(s): does not conform", err=True)
        sys.exit(EXIT_VIOLATIONS)
    click.echo(f"conforms ({warnings} warning(s))")


@cli.command("build")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: setting dist_dir, ROOT/dist).")
@click.option("--lang", type=click.Choice(["en", "it"]), default="en", help="Language of messages.")
@click.pass_obj
def build_command(settings: Settings, out: Path | None, lang: str) -> None:
    """Validate, then write a dataset version: dumps, checksums and the query store."""
    _build(settings, out, lang)


@contextmanager
def _refusals(lang: str, outcome: str = "nothing written") -> Iterator[None]:
    """A build refused: the file that cannot be loaded (exit 2) or the findings (exit 1)."""
    try:
        yield
    except LoadError as exc:
        _fail_load(exc)
    except ValidationFailed as exc:
        _report(exc.findings, lang)
        click.echo(f"{exc.message}: {outcome}", err=True)
        sys.exit(EXIT_VIOLATIONS)


def _build(settings: Settings, out: Path | None, lang: str) -> None:
    with _refusals(lang), _publishing(settings, "cisem-graph build"):
        version, findings = build(settings, out)
    _report(findings, lang)
    click.echo(f"dataset version {version.version}: {version.triples} triples")
    click.echo(f"dumps and store in {version.path}")


@cli.command("serve")
@click.option("--host", help="Interface to listen on (setting host).")
@click.option("--port", type=int, help="Port (setting port).")
@click.option("--server", type=click.Choice(["granian", "gunicorn"]), help="WSGI server (setting server).")
@click.option("--workers", type=int, help="WSGI worker processes (setting workers).")
@click.option("--threads", type=int, help="Threads per worker (setting threads).")
@click.option("--query-timeout", type=float, help="Seconds before a query is cancelled.")
@click.option("--get", "get_path", metavar="PATH",
              help="Answer one GET request in-process, print it and exit (0 when 200).")
@click.pass_obj
def serve_command(settings: Settings, get_path: str | None, **options) -> None:
    """Serve the current dataset version (built first if there is none)."""
    settings = settings.replace(**{k: v for k, v in options.items() if v is not None})
    try:
        open_current(settings.dist_dir)
    except LoadError:
        click.echo("no dataset version built yet: building it first", err=True)
        _build(settings, None, "en")
    if get_path:
        from .web import create_app

        app = create_app(settings)
        response = app.test_client().get(get_path)
        click.echo(response.get_data(as_text=True))
        app.extensions["cisem_graph"].store.close()
        sys.exit(0 if response.status_code == 200 else 1)
    from .serve import serve

    click.echo(f"serving on http://{settings.host}:{settings.port}/ (SPARQL at /sparql)", err=True)
    serve(settings)


@cli.command("query")
@click.argument("query", metavar="NAME|FILE")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter value, e.g. organization=cisem (repeatable).")
@click.option("--endpoint", metavar="URL",
              help="Ask this SPARQL endpoint instead of the bundled graph.")
@click.option("--format", "output", type=click.Choice(OUTPUT_FORMATS), default="table",
              show_default=True, help="How to print the answer (a graph is always Turtle).")
@click.pass_obj
def query_command(settings: Settings, query: str, params: tuple[str, ...], endpoint: str | None,
                  output: str) -> None:
    """Run a canned query (NAME: see /queries) or a query FILE, on the current dataset version
    (built first if there is none) or on any SPARQL endpoint."""
    try:
        canned = _canned_query(settings, query)
        text = canned.bind(parse_assignments(params))
        if endpoint:
            answer = run_remote(endpoint, text, output, settings.query_timeout)
        else:
            _ensure_built(settings)
            answer = run_local(settings, text, output)
    except (QueryError, LoadError, NotFound) as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(EXIT_LOAD)
    except CisemError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(EXIT_VIOLATIONS)
    if output == "table" and not answer.graph:
        click.echo(text_table(json.loads(answer.body), settings.base_iri), nl=False)
    else:
        click.echo(answer.body.decode("utf-8"), nl=False)
    if answer.truncated:
        click.echo(f"warning: cut off at result_limit ({settings.result_limit} rows)", err=True)


@cli.command("push")
@click.option("--store", "store_url", metavar="URL",
              help="The store's base URL; fills unset endpoints as Oxigraph server lays them out "
                   "(URL/query, URL/update, URL/store). Settings store_*_url win.")
@click.option("--to-file", "to_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write what a push publishes as one N-Quads file instead, for stores loaded "
                   "offline (oxigraph load, QLever's index builder, tdb2.tdbloader).")
@click.pass_obj
def push_command(settings: Settings, store_url: str | None, to_file: Path | None) -> None:
    """Publish the current dataset version in a remote SPARQL store, all or nothing
    (credentials: settings store_user, store_password)."""
    from .push import StoreEndpoints, offline_nquads, push

    if to_file is not None:
        try:
            to_file.write_bytes(offline_nquads(open_current(settings.dist_dir)))
        except LoadError as exc:
            _fail_load(exc)
        except OSError as exc:
            click.echo(f"error: cannot write {to_file} ({exc.strerror})", err=True)
            sys.exit(EXIT_LOAD)
        click.echo(f"wrote {to_file}: load it into an empty store")
        return
    try:
        endpoints = StoreEndpoints.from_settings(settings, store_url)
        version = open_current(settings.dist_dir)
        report = push(version, endpoints, settings)
    except (ConfigError, LoadError) as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(EXIT_LOAD)
    except CisemError as exc:
        click.echo(f"error: {exc.message}", err=True)
        click.echo("the store's published graphs are as they were", err=True)
        sys.exit(EXIT_VIOLATIONS)
    if not report.changed:
        click.echo(f"version {report.version} is already published in {endpoints.query}: "
                   "nothing changed")
        return
    click.echo(f"published version {report.version} in {endpoints.query}: "
               f"{len(report.graphs) - 1} graphs, {version.triples} triples, and their merge")
    for graph in report.dropped:
        click.echo(f"dropped {graph} (not in this version)")


@cli.command("reload")
@click.option("--url", metavar="URL", help="The running server (default http://HOST:PORT of the settings).")
@click.option("--lang", type=click.Choice(["en", "it"]), default="en", help="Language of messages.")
@click.pass_obj
def reload_command(settings: Settings, url: str | None, lang: str) -> None:
    """Ask the running server to build, validate and switch to the current data, without a
    restart (token: setting admin_token). The old version keeps serving if the new one fails."""
    from .store.client import HttpClient

    if not settings.admin_token:
        click.echo("error: set admin_token (CISEM_ADMIN_TOKEN) here and in the server", err=True)
        sys.exit(EXIT_LOAD)
    url = (url or f"http://{settings.host}:{settings.port}").rstrip("/") + "/admin/reload"
    client = HttpClient(timeout=max(600.0, settings.push_timeout), name="the server")
    try:
        reply = client.request("POST", url, b"", {
            "Authorization": f"Bearer {settings.admin_token}", "Accept": "application/json"})
    except (StoreUnreachable, StoreTimeout) as exc:
        click.echo(f"error: cannot reach {url} ({exc.message})", err=True)
        sys.exit(EXIT_LOAD)
    finally:
        client.close()
    try:
        report = json.loads(reply.body)
    except ValueError:
        report = {}
    if not isinstance(report, dict) or not isinstance(report.get("status"), str):
        error = report.get("error") if isinstance(report, dict) else None
        click.echo(f"error: {url}: {reply.status} {error or reply.reason}", err=True)
        sys.exit(EXIT_LOAD)
    _report([Finding(**finding) for finding in report.get("findings", [])], lang)
    click.echo(f"{report['status']}: {report.get('message', '')}")
    sys.exit(EXIT_OK if report["status"] in ("switched", "unchanged") else EXIT_VIOLATIONS)


@cli.command("release")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The release date (default: today, UTC).")
@click.option("--lang", type=click.Choice(["en", "it"]), default="en", help="Language of messages.")
@click.pass_obj
def release_command(settings: Settings, on, lang: str) -> None:
    """Validate and build the data as the next numbered, dated release: its dumps, checksums and
    changelog in releases/, the manifest updated (commit releases/manifest.json and CHANGELOG.md)."""
    from .graph.pipeline import make_release
    from .graph.releases import NothingToRelease

    try:
        with _refusals(lang, "nothing released"), _publishing(settings, "cisem-graph release"):
            result = make_release(settings, on.date() if on else None)
    except NothingToRelease as exc:
        click.echo(exc.message)
        return
    except ConfigError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(EXIT_LOAD)
    click.echo(result.changelog, nl=False)
    click.echo(f"release {result.release.number} ({result.release.date}): dumps and checksums in "
               f"{result.folder}; dataset version {result.version.version} is current")


def _canned_query(settings: Settings, query: str) -> CannedQuery:
    """A file when ``query`` names one (or looks like a path), else a canned query's name."""
    path = Path(query)
    if path.is_file() or query.endswith((".rq", ".sparql")) or "/" in query:
        if not path.is_file():
            raise LoadError("no such query file", file=query)
        return load_query_file(path, settings)
    return get_query(settings, query)


def _ensure_built(settings: Settings) -> None:
    """Like ``serve``: build the dataset version first when there is none (messages to stderr)."""
    try:
        open_current(settings.dist_dir)
        return
    except LoadError:
        click.echo("no dataset version built yet: building it first", err=True)
    with _refusals("en"), _publishing(settings, "cisem-graph build"):
        version, findings = build(settings)
    click.echo(f"dataset version {version.version}: {version.triples} triples", err=True)


#: the kinds ``import`` takes (``cisem_graph.importer.KINDS``; a test keeps them in step)
IMPORT_KINDS = ("organizations", "people", "roles", "events", "places")
_ENCODINGS = {"utf-8-sig": "UTF-8 (BOM)", "utf-8": "UTF-8", "cp1252": "Windows-1252"}


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(IMPORT_KINDS), required=True, help="What each row is.")
@click.option("--lang", type=click.Choice(["en", "it"]), default="en", help="Language of messages.")
@click.pass_obj
def import_command(settings: Settings, file: Path, kind: str, lang: str) -> None:
    """Import a spreadsheet (.xlsx or .csv) into data/import-<name>.ttl, checked first: a file
    with any error writes nothing. Exit 0 imported, 1 rows break the rules, 2 unreadable file."""
    from .errors import ImportFailed
    from .importer import import_file

    it = lang == "it"
    try:
        with _publishing(settings, f"cisem-graph import {file.name}"):
            result = import_file(file, kind, settings)
    except LoadError as exc:
        _fail_load(exc)
    except ImportFailed as exc:
        for problem in exc.problems:
            click.echo(problem.describe(lang), err=True)
        errors = sum(1 for p in exc.problems if p.is_error)
        click.echo(f"{errors} errore/i: nulla è stato scritto, data/ è invariata" if it else
                   f"{errors} error(s): nothing written, data/ is unchanged", err=True)
        sys.exit(EXIT_LOAD if exc.unreadable else EXIT_VIOLATIONS)
    read = f"{result.format.upper()}"
    if result.encoding:
        encoding = _ENCODINGS.get(result.encoding, result.encoding)
        read += (f", codifica {encoding}, separatore {result.delimiter!r}" if it else
                 f", encoding {encoding}, separator {result.delimiter!r}")
    rows = (f"{result.rows} riga" if result.rows == 1 else f"{result.rows} righe") if it else \
        (f"{result.rows} row" if result.rows == 1 else f"{result.rows} rows")
    click.echo(f"letto {file.name} ({read}): {rows}" if it else f"read {file.name} ({read}): {rows}")
    for problem in result.warnings:
        click.echo(problem.describe(lang), err=True)
    try:
        shown = result.path.resolve().relative_to(Path(settings.root).resolve())
    except ValueError:
        shown = result.path
    if not result.written:
        click.echo(f"{shown} invariato: questo file era già stato importato" if it else
                   f"{shown} unchanged: this file was imported already")
    else:
        click.echo(f"scritto {shown} (grafo <{result.graph}>): {len(result.created)} nuove risorse, "
                   f"{len(result.extended)} arricchite, {result.triples} triple" if it else
                   f"wrote {shown} (graph <{result.graph}>): {len(result.created)} new, "
                   f"{len(result.extended)} added to, {result.triples} triples")
    click.echo("per pubblicarlo: cisem-graph build" if it else "to publish it: cisem-graph build")


@cli.group("user")
def user_group() -> None:
    """Staff accounts of the browser's staff area at /admin/ (setting staff_users_file)."""


def _users_file(settings: Settings) -> Path:
    if settings.staff_users_file is None:
        click.echo("error: set staff_users_file (CISEM_STAFF_USERS_FILE): the users file to manage",
                   err=True)
        sys.exit(EXIT_LOAD)
    return settings.staff_users_file


@user_group.command("add")
@click.argument("name")
@click.option("--full-name", default="", help="The person's name (shown, and the author of commits).")
@click.option("--email", default="", help="Their e-mail address (the author of commits).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input instead of asking.")
@click.pass_obj
def user_add(settings: Settings, name: str, full_name: str, email: str, password_stdin: bool) -> None:
    """Add a user, or set a new password for one (which signs them out everywhere)."""
    from .staff.users import add_user, check_new_user

    path = _users_file(settings)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    try:
        check_new_user(name, password, email)
        replaced = add_user(path, name, password, full_name, email)
    except (ValueError, ConfigError) as exc:
        click.echo(f"error: {getattr(exc, 'message', exc)}", err=True)
        sys.exit(EXIT_LOAD)
    click.echo(f"{'changed the password of' if replaced else 'added'} {name} in {path}")


@user_group.command("remove")
@click.argument("name")
@click.pass_obj
def user_remove(settings: Settings, name: str) -> None:
    """Remove a user: their sessions end at their next request."""
    from .staff.users import remove_user

    path = _users_file(settings)
    try:
        removed = remove_user(path, name)
    except ConfigError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(EXIT_LOAD)
    if not removed:
        click.echo(f"error: no user {name!r} in {path}", err=True)
        sys.exit(EXIT_VIOLATIONS)
    click.echo(f"removed {name} from {path}")


@user_group.command("list")
@click.pass_obj
def user_list(settings: Settings) -> None:
    """The users' names (and full names)."""
    from .staff.users import read_users

    try:
        users = read_users(_users_file(settings))
    except ConfigError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(EXIT_LOAD)
    for user in users.values():
        click.echo(f"{user.name}\t{user.full_name}\t{user.email}")


def main() -> None:
    cli(prog_name="cisem-graph")
