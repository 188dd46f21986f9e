"""The staff area at ``/admin/``: sign in, upload a sheet, see it checked, preview it, publish it,
undo it. Off (404) unless ``staff_users_file`` is set.

Every page needs a signed-in user (``sessions``) except the sign-in form; every form carries the
session's CSRF token; every answer is ``no-store``, may not be framed and carries no CORS header.
The work is ``cisem_graph.staff``'s: this module reads requests and renders what it answers, in
the reader's language (``?lang=``, else ``Accept-Language``), with a JSON twin for each page
(``Accept: application/json``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import werkzeug.exceptions
from flask import Blueprint, Response, g, jsonify, redirect, render_template, request, send_file, url_for
from rdflib import Dataset
from werkzeug.exceptions import RequestEntityTooLarge

from .. import describe
from ..errors import CisemError, LoadError, NotFound, TooManyRequests, Unauthorized, WorkStopped, said
from ..importer import KINDS, Problem
from ..importer.problems import RULES as IMPORT_RULES
from ..namespaces import KINDS as THING_KINDS
from ..namespaces import thing_iri
from ..staff import history, jobs, tasks, uploads
from ..staff.preview import load_preview, preview_state, preview_store, start_preview
from ..staff.spreadsheet import RULES as UPLOAD_RULES
from ..staff.spreadsheet import refuse, upload_name
from . import client_of_request, errors, get_release, get_settings
from .catalogue import error_title, word, words
from .i18n import asked_language, page_language
from .links import Linker, page_url, prefix_table
from .resources import resource_view, valid_slug
from .sessions import check_csrf, csrf_token, current_user, get_staff, sign_in, sign_out

bp = Blueprint("staff", __name__, url_prefix="/admin")

NOTHING_PREVIEWED = ("There is no such thing in this preview.",
                     "In questa anteprima non c'è nulla con questo nome.")
#: pages that need no signed-in user
OPEN = {"staff.signin_form", "staff.signin"}
TEMPLATE = re.compile(r"^(?P<kind>[a-z]+)\.(?P<ext>xlsx|csv)$")
SECURITY_HEADERS = (("Cache-Control", "no-store"), ("X-Frame-Options", "DENY"),
                    ("Content-Security-Policy", "frame-ancestors 'none'"),
                    ("Referrer-Policy", "same-origin"))


# -- every request -------------------------------------------------------------------------------

@bp.before_request
def gate() -> Response | None:
    if not get_settings().staff_area:
        raise werkzeug.exceptions.NotFound()  # answered by the site, as any unknown page
    user = current_user()
    if request.endpoint == "staff.upload" and user is not None:
        request.max_content_length = get_staff().upload_limit  # before the form is read
    if request.method == "POST":
        check_csrf()
    if request.endpoint in OPEN:
        return None
    if user is None:
        if request.method == "GET" and not wants_json():
            return redirect(page_url("staff.signin_form", next=request.full_path.rstrip("?")))
        raise said(Unauthorized, "Sign in to the staff area first.",
                   "Accedere prima all'area riservata.")
    g.staff_user = user
    return None


@bp.after_request
def no_store(response: Response) -> Response:
    for name, value in SECURITY_HEADERS:
        response.headers[name] = value
    return response


@bp.errorhandler(CisemError)
def refused(exc: CisemError) -> Response:
    if not get_settings().staff_area:
        return errors.handle_domain_error(exc)
    lang = page_language()
    if exc.status == 413:  # the front refused the body: said as the form's own limit is
        return too_large(None)
    messages = exc.details.get("messages") or {}
    problems = getattr(exc, "problems", None)
    if problems is not None:
        return problems_page(problems, exc.status, lang)
    message = messages.get(lang) or exc.message
    if wants_json():
        response = jsonify({"ok": False, "status": exc.status, "error": exc.message,
                            "messages": messages or {"en": exc.message},
                            **{k: v for k, v in exc.details.items() if k != "messages"}})
    else:
        response = Response(render("staff/refused.html", lang, title=error_title(exc.title, lang),
                                   message=message),
                            mimetype="text/html")
    response.status_code = exc.status
    retry = getattr(exc, "retry_after", None)
    if retry is not None:
        response.headers["Retry-After"] = str(retry)
    return response


@bp.errorhandler(RequestEntityTooLarge)
def too_large(exc: RequestEntityTooLarge | None) -> Response:
    if not get_settings().staff_area and exc is not None:
        return errors.handle_http_error(exc)
    limit = get_staff().upload_limit if current_user() else get_settings().max_request_bytes
    mb = f"{limit / 1_000_000:.1f}"
    problem = Problem("?", "too-large", {
        "it": f"la richiesta supera il limite di {mb} MB (impostazione import_max_bytes)",
        "en": f"the request is over the limit of {mb} MB (setting import_max_bytes)"})
    return problems_page([problem], 413, page_language())


# -- signing in and out --------------------------------------------------------------------------

@bp.get("/signin")
def signin_form() -> Response:
    lang = page_language()
    return Response(render("staff/signin.html", lang, next=safe_next(request.args.get("next"))),
                    mimetype="text/html")


@bp.post("/signin")
def signin() -> Response:
    lang, t = page_language(), words(page_language(), "staff")
    staff = get_staff()
    name = request.form.get("user", "").strip().lower()[:64]
    password = request.form.get("password", "")[:1024]
    keys = [f"user:{name}", f"address:{client_of_request()}"]
    wait = staff.throttle.wait(keys)
    if wait > 0:
        minutes = max(1, math.ceil(wait / 60))
        exc = said(TooManyRequests, word("too_many", "en", "staff").format(minutes=minutes),
                   word("too_many", "it", "staff").format(minutes=minutes))
        exc.retry_after = math.ceil(wait)
        raise exc
    user = staff.users.authenticate(name, password)
    if user is None:
        staff.throttle.failed(keys)
        response = Response(render("staff/signin.html", lang, next=safe_next(request.form.get("next")),
                                   error=t["bad_credentials"], name=name), mimetype="text/html")
        response.status_code = 401
        return response
    staff.throttle.succeeded(keys[0])
    sign_in(user)
    target = safe_next(request.form.get("next"))
    if not target:
        return redirect(page_url("staff.index"), 303)
    asked = asked_language()  # a language chosen on the form goes on with the reader
    if asked and "lang" not in parse_qs(urlsplit(target).query):
        target += f"{'&' if '?' in target else '?'}lang={asked}"
    return redirect(request.script_root + target, 303)


@bp.post("/signout")
def signout() -> Response:
    sign_out()
    return redirect(page_url("staff.signin_form"), 303)


def safe_next(target: str | None) -> str | None:
    """Only a path of this staff area (under the script root, as ``request.path`` is): never
    another site (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/admin/") or "//" in target \
            or "\\" in target:
        return None
    return target


# -- the area ------------------------------------------------------------------------------------

@bp.get("/")
def index() -> Response:
    lang = page_language()
    job = jobs.current_job(get_settings())
    recent = history.records(get_settings())[:5]
    if wants_json():
        return jsonify({"user": g.staff_user.name, "kinds": list(KINDS),
                        "job": job.as_json() if job else None,
                        "history": [r.as_json() for r in recent]})
    return page("staff/index.html", lang, job=job, recent=recent, kinds=kind_choices(lang),
                mb=get_settings().import_max_bytes // 1_000_000)


@bp.get("/templates/<name>")
def template_file(name: str) -> Response:
    found = TEMPLATE.match(name)
    path = get_settings().data_dir / "templates" / name
    if not found or found["kind"] not in KINDS or not path.is_file():
        raise said(NotFound, "No such template.", "Nessun modello con questo nome.")
    return send_file(path, as_attachment=True, download_name=name)


@bp.post("/uploads")
def upload() -> Response:
    settings, user, lang = get_settings(), g.staff_user, page_language()
    kind = request.form.get("kind", "")
    sheet = request.files.get("file")
    if kind not in KINDS:
        raise refuse(sheet.filename if sheet else "?", "kind",
                     "scegliere il tipo di righe del foglio", "choose the kind of rows of the sheet")
    if sheet is None:
        raise refuse("?", "file-name", "nessun file scelto", "no file chosen")
    name = upload_name(sheet.filename)
    folder = uploads.new_upload_folder(settings)
    received = folder / name
    sheet.save(received)
    uploads.start_check(settings, received, name, kind, user.name).join(tasks.ANSWER_WITHIN)
    return upload_outcome(folder.name, lang, posted=True)


@bp.get("/uploads/<upload_id>")
def upload_page(upload_id: str) -> Response:
    return upload_outcome(upload_id, page_language(), posted=False)


def upload_outcome(upload_id: str, lang: str, *, posted: bool) -> Response:
    """Where an upload's check is: its problems, the sheet checked, or still being checked (a
    page that follows it). A form posted moves on to the upload's own page."""
    settings = get_settings()
    state = uploads.check_state(settings, upload_id)
    location = page_url("staff.upload_page", upload_id=upload_id)
    if state["state"] == uploads.REFUSED:
        return problems_page([Problem(**p) for p in state["problems"]], state["status"], lang)
    if state["state"] == tasks.RUNNING:
        if posted or wants_json():
            return moved_on(location, state, 202)
        return page("staff/working.html", lang, title=word("checking", lang, "staff"),
                    what=state.get("name"))
    if state["state"] != uploads.CHECKED:
        raise stopped(state)
    checked = uploads.load_upload(settings, upload_id)
    if posted or wants_json():
        return moved_on(location, checked.as_json(), 201) if posted else jsonify(checked.as_json())
    return page("staff/upload.html", lang, upload=checked, preview=preview_state(settings, checked),
                kind_label=kind_label(checked.kind, lang),
                warnings=[Problem(**p) for p in checked.warnings],
                created=things(checked.created, None), extended=things(checked.extended, None))


def stopped(state: dict) -> WorkStopped:
    """Work that failed (a bug, said) or whose worker died: try again."""
    why = state.get("error") or state["state"]
    return said(WorkStopped, f"The work stopped ({why}): try again.",
                f"Il lavoro si è fermato ({why}): riprovare.")


@bp.post("/uploads/<upload_id>/preview")
def make_preview(upload_id: str) -> Response:
    settings = get_settings()
    checked = uploads.load_upload(settings, upload_id)
    building = start_preview(settings, checked)
    if building is not None:
        building.join(tasks.ANSWER_WITHIN)
    state = preview_state(settings, checked) or {}
    return moved_on(page_url("staff.preview_page", upload_id=upload_id), state,
                    202 if state.get("state") == tasks.RUNNING else 201)


@bp.get("/uploads/<upload_id>/preview")
def preview_page(upload_id: str) -> Response:
    settings, lang = get_settings(), page_language()
    checked = uploads.load_upload(settings, upload_id)
    state = preview_state(settings, checked)
    if state is None:
        return redirect(page_url("staff.upload_page", upload_id=upload_id), 303)
    if state["state"] == tasks.RUNNING:
        if wants_json():
            return jsonify(state)
        return page("staff/working.html", lang, title=word("building", lang, "staff"),
                    what=checked.name)
    preview = load_preview(settings, checked)
    if preview is None:
        raise stopped(state)
    if wants_json():
        return jsonify(preview.as_json())
    root = url_for("staff.preview_page", upload_id=upload_id) + "/"
    return page("staff/preview.html", lang, upload=checked, preview=preview,
                served=get_release().version, created=things(checked.created, root),
                extended=things(checked.extended, root), status=200 if preview.ok else 422)


@bp.get("/uploads/<upload_id>/preview/doc/<kind>/<slug>")
def preview_thing(upload_id: str, kind: str, slug: str) -> Response:
    """A page of the preview, rendered by the site's own view from the preview's store."""
    settings, lang = get_settings(), page_language()
    checked = uploads.load_upload(settings, upload_id)
    if kind not in THING_KINDS or not valid_slug(slug):
        raise said(NotFound, *NOTHING_PREVIEWED)
    try:
        store = preview_store(settings, checked)
    except LoadError:
        raise said(NotFound, "This upload has no preview yet.",
                   "Questo caricamento non ha ancora un'anteprima.") from None
    iri = str(thing_iri(settings.base_iri, kind, slug))
    root = url_for("staff.preview_page", upload_id=upload_id, _external=True) + "/"
    query = lang_query()
    linker = PreviewLinker(settings.base_iri, request.url_root, prefix_table(settings.base_iri),
                           query, preview_root=root)
    try:
        description: Dataset = describe.describe(store, iri, settings.base_iri)
        if not any(len(graph) for graph in description.graphs()):
            raise said(NotFound, *NOTHING_PREVIEWED)
        view = resource_view(store, iri, description, lang, 1, linker)
    finally:
        store.close()
    t = words(lang, "resource")
    return Response(render_template(
        "resource.html", lang=lang, t=t, path=f"doc/{kind}/{slug}", number=1, queries={},
        alternates=[], noindex=True,
        preview={"banner": word("preview_banner", lang, "staff"), "back": root.rstrip("/") + query,
                 "back_text": word("back_to_preview", lang, "staff")}, **view), mimetype="text/html")


@bp.post("/uploads/<upload_id>/publish")
def publish(upload_id: str) -> Response:
    settings = get_settings()
    job = jobs.start_publish(settings, uploads.load_upload(settings, upload_id), g.staff_user)
    return job_started(job)


@bp.post("/uploads/<upload_id>/discard")
def discard(upload_id: str) -> Response:
    uploads.discard(get_settings(), upload_id)
    return redirect(page_url("staff.index"), 303)


@bp.get("/jobs/<job_id>")
def job_page(job_id: str) -> Response:
    lang = page_language()
    job = jobs.current_job(get_settings())
    if job is None or job.id != job_id:
        raise said(NotFound, "This job is over: its outcome is in the history.",
                   "Questo lavoro è concluso: il suo esito è nella cronologia.")
    if wants_json():
        return jsonify(job.as_json())
    return page("staff/job.html", lang, job=job, pages=things(job.things, request.url_root))


@bp.get("/history")
def history_page() -> Response:
    settings, lang = get_settings(), page_language()
    records = history.records(settings)
    if wants_json():
        return jsonify({"records": [r.as_json() for r in records],
                        "versions": history.versions(settings)})
    return page("staff/history.html", lang, records=records, versions=history.versions(settings))


@bp.post("/history/<record_id>/undo")
def undo(record_id: str) -> Response:
    return job_started(jobs.start_undo(get_settings(), record_id, g.staff_user))


def job_started(job: jobs.Job) -> Response:
    return moved_on(page_url("staff.job_page", job_id=job.id), job.as_json(), 202)


def moved_on(location: str, twin: dict, status: int) -> Response:
    """A browser goes on to ``location`` (303); a JSON client gets ``status``, the twin and
    ``Location``."""
    if not wants_json():
        return redirect(location, 303)
    response = jsonify(twin)
    response.status_code, response.headers["Location"] = status, location
    return response


# -- rendering -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PreviewLinker(Linker):
    """Things (``id/…``) link to their pages in the preview; everything else as on the site."""

    preview_root: str = ""

    def href(self, iri: str) -> str | None:
        if iri.startswith(f"{self.base}id/"):
            path, hash_, fragment = iri[len(self.base) + 3:].partition("#")
            return f"{self.preview_root}doc/{path}{self.query}{hash_}{fragment}"
        return super().href(iri)


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def render(template: str, lang: str, **context) -> str:
    user = current_user()
    return render_template(template, lang=lang, t=words(lang, "staff"), user=user, csrf=csrf_token(),
                           noindex=True, rule_name=lambda rule: rule_name(rule, lang),
                           **context)


def page(template: str, lang: str, status: int = 200, **context) -> Response:
    response = Response(render(template, lang, **context), mimetype="text/html")
    response.status_code = status
    return response


def problems_page(problems: list[Problem], status: int, lang: str) -> Response:
    """Every problem of a refused upload: row, column (and its letter), value, rule, what to do."""
    if wants_json():
        response = jsonify({"ok": False, "status": status, "problems": [p.as_dict() for p in problems]})
    else:
        errors = [p for p in problems if p.is_error]
        response = Response(render("staff/problems.html", lang, errors=errors,
                                   warnings=[p for p in problems if not p.is_error],
                                   kinds=kind_choices(lang),
                                   mb=get_settings().import_max_bytes // 1_000_000),
                            mimetype="text/html")
    response.status_code = status
    return response


def rule_name(rule: str, lang: str) -> str:
    names = IMPORT_RULES.get(rule) or UPLOAD_RULES.get(rule) or {}
    return names.get(lang, rule)


def kind_label(kind: str, lang: str) -> str:
    spec = KINDS[kind]
    return spec.label_it if lang == "it" else spec.label_en


def kind_choices(lang: str) -> list[tuple[str, str]]:
    return [(name, kind_label(name, lang)) for name in KINDS]


def things(iris: list[str], root: str | None) -> list[dict[str, str | None]]:
    """Things by their path (``event/x``), linked under ``root`` (a preview, the site) if given,
    in the language the reader chose."""
    base, query = get_settings().base_iri, lang_query()
    found = []
    for iri in iris:
        path = iri[len(f"{base}id/"):] if iri.startswith(f"{base}id/") else iri
        found.append({"iri": iri, "path": path, "href": f"{root}doc/{path}{query}" if root else None})
    return found


def lang_query() -> str:
    """``?lang=en`` when the reader chose a language: kept on the links this area writes itself."""
    asked = asked_language()
    return f"?lang={asked}" if asked else ""
