"""The web layer: an application factory over one store, in the manner of Flask's flaskr.

``create_app`` is the only way to make an app. It opens the store for the current dataset
version once and keeps it in ``app.extensions``; views reach it through ``get_store()`` and never
know which kind of store it is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, current_app, request

from ..build import DatasetVersion, open_current
from ..config import Settings
from ..store import open_store
from ..store.base import Store
from . import errors
from .cache import AnswerCache

EXTENSION = "cisem_graph"


@dataclass
class Publisher:
    settings: Settings
    store: Store
    cache: AnswerCache
    #: the built version served: its dumps, checksums and creation time
    release: DatasetVersion


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    """Create the publisher for ``settings`` (default: from the environment)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=settings.max_request_bytes * 3 + 1024, JSON_SORT_KEYS=False)
    release = open_current(settings.dist_dir)
    store = store or open_store(settings, release)
    app.extensions[EXTENSION] = Publisher(settings, store, AnswerCache(settings.cache_entries), release)
    _init_logging()

    from . import network, queries, resources, site, sparql

    app.register_blueprint(sparql.bp)
    app.register_blueprint(site.bp)
    app.register_blueprint(resources.bp)
    app.register_blueprint(queries.bp)
    app.register_blueprint(network.bp)
    errors.init_app(app)
    app.after_request(_common_headers)
    return app


def _init_logging() -> None:
    """Query log lines (duration, size, outcome) go to stderr unless the host configured logging."""
    logger = logging.getLogger("cisem_graph")
    logger.setLevel(logging.INFO)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


def get_publisher() -> Publisher:
    return current_app.extensions[EXTENSION]


def get_store() -> Store:
    return get_publisher().store


def get_release() -> DatasetVersion:
    return get_publisher().release


def get_settings() -> Settings:
    return get_publisher().settings


def _common_headers(response):
    settings = get_settings()
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers["X-Dataset-Version"] = get_store().version
    if settings.cors_origin:
        response.headers["Access-Control-Allow-Origin"] = settings.cors_origin
        response.headers["Access-Control-Expose-Headers"] = (
            "ETag, X-Dataset-Version, X-Result-Count, X-Result-Truncated, X-Result-Limit, Retry-After")
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, If-None-Match"
            response.headers["Access-Control-Max-Age"] = "86400"
    return response
