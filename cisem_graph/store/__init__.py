"""Stores: where a built dataset version is queried. The web layer sees only ``base.Store``."""

from __future__ import annotations

from ..config import Settings
from ..errors import ConfigError
from .base import Answer, PreparedQuery, Store

__all__ = ["Answer", "PreparedQuery", "Store", "open_store"]


def open_store(settings: Settings) -> Store:
    """The embedded store over the current dataset version in ``settings.dist_dir``."""
    from ..build import open_current
    from .embedded import EmbeddedStore

    version = open_current(settings.dist_dir)
    if version.base_iri != settings.base_iri:
        raise ConfigError(
            f"the built dataset uses base {version.base_iri!r} but base_iri is "
            f"{settings.base_iri!r}: run `cisem-graph build` again")
    return EmbeddedStore(version.store_path, version.version, settings)
