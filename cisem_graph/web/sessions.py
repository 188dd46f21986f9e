"""Who is signed in to the staff area: a signed session cookie, CSRF tokens, sign-outs.

The session is Flask's signed cookie (``secret_key``), named ``cisem_staff`` and sent only to
``/admin`` (under ``public_url``'s path), so the public site never reads or varies on it. It is
``HttpOnly``, ``SameSite=Lax`` and ``Secure`` whenever the request came over HTTPS: its own scheme,
``X-Forwarded-Proto`` from a proxy in ``trusted_proxies`` (from anyone else that header is
ignored), or an https ``public_url``. It holds the user's name,
when they signed in, a fingerprint of their password hash (a changed password or a removed user
ends every session at once) and the CSRF token every form of the area carries. Signing out ends
all of that user's sessions (``state_dir/signouts/<name>``), so a copied cookie dies too.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

from ..config import Settings
from ..errors import Forbidden, said
from ..staff.files import state, write_bytes
from ..staff.throttle import SigninThrottle
from ..staff.users import User, Users

COOKIE = "cisem_staff"
COOKIE_PATH = "/admin"
EXTENSION = "cisem_staff"
#: the upload form's path: the only one whose body may be as large as a spreadsheet
UPLOAD_PATH = "/admin/uploads"
#: room for the form around the file: boundaries, the kind, the CSRF token, the file's name
FORM_OVERHEAD = 64 * 1024


class StaffSessions(SecureCookieSessionInterface):
    """Flask's signed cookie, ``Secure`` exactly when the request came over HTTPS, sent only to the
    staff area's paths as the browser sees them (under ``public_url``'s path, if it has one)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return is_https()

    def get_cookie_path(self, app: Flask) -> str:
        return request.script_root + COOKIE_PATH


class Staff:
    """The staff area's state on the app: accounts, failed sign-ins, sign-outs."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.users = Users(Path(settings.staff_users_file))
        self.throttle = SigninThrottle(settings.state_dir, settings.signin_attempts,
                                       settings.signin_window)

    @property
    def upload_limit(self) -> int:
        return self.settings.import_max_bytes + FORM_OVERHEAD

    def signed_out_at(self, name: str) -> float:
        try:
            return float(self._signout(name).read_text())
        except (OSError, ValueError):
            return 0.0

    def sign_out_everywhere(self, name: str) -> None:
        write_bytes(self._signout(name), repr(time.time()).encode(), mode=0o600)

    def _signout(self, name: str) -> Path:
        return state(self.settings, "signouts", name)


def init_app(app: Flask, settings: Settings) -> None:
    app.secret_key = settings.secret_key
    app.config.update(SESSION_COOKIE_NAME=COOKIE, SESSION_COOKIE_PATH=COOKIE_PATH,
                      SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.staff_session_hours))
    app.session_interface = StaffSessions()
    app.extensions[EXTENSION] = Staff(settings)


def get_staff() -> Staff:
    from flask import current_app

    return current_app.extensions[EXTENSION]


def is_https() -> bool:
    """The request came over HTTPS: directly, through a trusted proxy that says so, or to an https
    ``public_url`` (``hosts.HostCheck`` has set the scheme from all three)."""
    return request.scheme == "https"


def current_user() -> User | None:
    """The signed-in user, if the session is theirs still (same password, not signed out since)."""
    name = session.get("user")
    if not isinstance(name, str):
        return None
    staff = get_staff()
    user = staff.users.get(name)
    if user is None or not hmac.compare_digest(str(session.get("key", "")), user.fingerprint):
        return None
    if float(session.get("at", 0)) <= staff.signed_out_at(name):
        return None
    return user


def sign_in(user: User) -> None:
    """A fresh session (a new CSRF token too: nothing carried over from before signing in)."""
    session.clear()
    session.update(user=user.name, key=user.fingerprint, at=time.time(), csrf=secrets.token_urlsafe(32))
    session.permanent = True


def sign_out() -> None:
    user = current_user()
    if user is not None:
        get_staff().sign_out_everywhere(user.name)
    session.clear()


def csrf_token() -> str:
    """The token forms carry (made for the session at its first form)."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    """A form (or ``X-CSRF-Token``) must carry this session's token: another site's cannot."""
    expected = session.get("csrf")
    given = request.form.get("csrf") or request.headers.get("X-CSRF-Token") or ""
    if not isinstance(expected, str) or not hmac.compare_digest(given.encode(), expected.encode()):
        raise said(Forbidden, "The form expired or did not come from this site: reload the page and "
                   "try again.", "Il modulo è scaduto o non viene da questo sito: ricaricare la "
                   "pagina e riprovare.")


def body_allowance(app: Flask) -> Callable[[str, str, str | None], int | None] | None:
    """For the front (``web.front``): the body a request may send when it is more than the usual
    one. Only the upload form, and only from a signed-in session (its cookie's signature and age
    are checked here; the app checks the rest), may send a spreadsheet: nobody else can make a
    worker hold ``import_max_bytes`` in memory."""
    staff: Staff | None = app.extensions.get(EXTENSION)
    if staff is None:
        return None  # no staff area: every body has the usual limit
    serializer = app.session_interface.get_signing_serializer(app)
    max_age = int(app.permanent_session_lifetime.total_seconds())

    def allowance(method: str, path: str, cookies: str | None) -> int | None:
        if method != "POST" or path != UPLOAD_PATH or not cookies:
            return None
        for part in cookies.split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE:
                try:
                    data = serializer.loads(value, max_age=max_age)
                except BadSignature:
                    return None
                return staff.upload_limit if isinstance(data, dict) and data.get("user") else None
        return None

    return allowance
