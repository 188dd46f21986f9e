"""Run the publisher under a production WSGI server, never Flask's development server.

granian is the default: measured in bench/ it serves the same app with 10-25 % less CPU per
request than gunicorn (gthread), which stays available (setting ``server``). Under granian the app
sits behind the RSGI front (``web.front``), which reads request bodies in the event loop, so a client
that trickles a body holds no application thread; gunicorn hands a request to a thread as soon as its
headers are in and must stand behind a buffering proxy on a public network. Each worker creates its
own app and its own query processes. granian imports ``cisem_graph.wsgi`` in every worker, so the
settings travel as ``CISEM_*`` variables; gunicorn gets the settings object itself.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from gunicorn.app.base import BaseApplication

from .config import Settings


class PublisherServer(BaseApplication):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        options = {
            "bind": f"{s.host}:{s.port}",
            "workers": s.workers,
            "threads": s.threads,
            "worker_class": "gthread" if s.threads > 1 else "sync",
            "timeout": int(s.query_timeout * 3 + 30),
            "graceful_timeout": 10,
            "keepalive": 5,
            "accesslog": None,  # the app logs every query; an access line per request costs CPU
            "errorlog": "-",
            "loglevel": "info",
            # gunicorn caps the request line at 8190 unless unlimited (0); the app itself refuses
            # a query string over max_request_bytes with a 413 that names the setting
            "limit_request_line": 0,
            "proc_name": "cisem-graph",
            # gunicorn 25+ opens a control socket (worker add/kill, shutdown) in $HOME or
            # $XDG_RUNTIME_DIR unless told not to: one more door nobody asked for, shared by every
            # gunicorn of the user
            "control_socket_disable": True,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self):
        from .web import create_app

        return create_app(self.settings)


def serve(settings: Settings) -> None:
    """Serve until stopped; the workers share a runtime folder (made for the run when unset)."""
    made = None
    if settings.runtime_dir is None:
        made = Path(tempfile.mkdtemp(prefix="cisem-graph-"))
        settings = settings.replace(runtime_dir=made)
    try:
        _run(settings)
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)


def _run(settings: Settings) -> None:
    if settings.server == "gunicorn":
        PublisherServer(settings).run()
        return
    from granian import Granian
    from granian.constants import Interfaces

    os.environ.update(settings.to_env())
    Granian("cisem_graph.wsgi:front", address=settings.host, port=settings.port,
            interface=Interfaces.RSGI, workers=settings.workers, respawn_failed_workers=True,
            log_access=False).serve()
