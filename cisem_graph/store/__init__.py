"""Stores: where a built dataset version is queried. The web layer sees only ``base.Store``."""

from __future__ import annotations

from ..config import Settings
from ..errors import ConfigError
from ..graph.version import DatasetVersion, open_current
from .base import Answer, PreparedQuery, Store

__all__ = ["Answer", "PreparedQuery", "Store", "open_store", "published"]


def open_store(settings: Settings, version: DatasetVersion | None = None) -> Store:
    """The store over a dataset version (default: the current one in ``dist_dir``): embedded,
    remote (``store_query_url``) or remote with read replicas (``store_replica_urls``)."""
    from .embedded import EmbeddedStore

    version = version or open_current(settings.dist_dir)
    if version.base_iri != settings.base_iri:
        raise ConfigError(
            f"the built dataset uses base {version.base_iri!r} but base_iri is "
            f"{settings.base_iri!r}: run `cisem-graph build` again")
    if not settings.store_query_url:
        return EmbeddedStore(version.store_path, version.version, settings)
    if settings.store_replica_urls:
        from .replicas import ReplicatedStore

        store: Store = ReplicatedStore([settings.store_query_url, *settings.store_replica_urls],
                                       version, settings)
    else:
        from .remote import RemoteStore

        store = RemoteStore.for_version(settings.store_query_url, version, settings)
    return published(store)


def published(store: Store) -> Store:
    """``store``, refused (``ConfigError``, and closed) when it holds another version than the
    one it is to serve."""
    try:
        store.check_published()
    except ConfigError:
        store.close()
        raise
    return store
