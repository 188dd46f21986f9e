"""Run the publisher under a production WSGI server (gunicorn), never Flask's development server.

Workers are forked from the master before the app exists, so each worker creates its own app and
its own query processes; settings reach them as the object itself, not through globals.
"""

from __future__ import annotations

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
            "accesslog": "-",
            "errorlog": "-",
            "loglevel": "info",
            # gunicorn caps the request line at 8190 unless unlimited (0); the app itself refuses
            # a query string over max_request_bytes with a 413 that names the setting
            "limit_request_line": 0,
            "proc_name": "cisem-graph",
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self):
        from .web import create_app

        return create_app(self.settings)


def serve(settings: Settings) -> None:
    PublisherServer(settings).run()
