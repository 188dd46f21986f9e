"""Entry points for production servers; settings come from ``CISEM_*`` variables.

``app`` is the WSGI application (gunicorn, or any WSGI server); ``front`` is the same app behind
the RSGI front that granian serves (``web.front``: bodies read in the event loop, per-client caps).
"""

from .web import create_app, get_settings_of
from .web.front import Front
from .web.hot import HotPath
from .web.sessions import body_allowance

app = create_app()
front = Front(app, get_settings_of(app), body_limit=app.config["MAX_CONTENT_LENGTH"],
              hot=HotPath(app), allowance=body_allowance(app))
