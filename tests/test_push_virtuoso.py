"""``push`` into a real Virtuoso (its update and Graph Store endpoints with HTTP Basic): Virtuoso's
Graph Store endpoint takes no N-Quads for the whole dataset (it answers 200 and stores nothing),
so the push's uploads do not arrive; the counts are checked before the switch, so the push fails
naming what is missing and the version already published stays whole."""

from __future__ import annotations

import shutil

import pytest

from cisem_graph.config import Settings
from cisem_graph.errors import PushFailed
from cisem_graph.graph.pipeline import build
from cisem_graph.push import StoreEndpoints, push
from cisem_graph.store.remote import STAGING_PREFIX, RemoteStore

REMOVED = "lafedelta-2017-09-19.ttl"


def test_a_push_virtuoso_cannot_take_switches_nothing(fresh_virtuoso, built, project_copy,
                                                     tmp_path, settings):
    virtuoso = fresh_virtuoso  # holds the built version (its own loader)
    before = virtuoso.graph_counts()
    shutil.move(project_copy / "data" / REMOVED, tmp_path / REMOVED)
    other, _ = build(Settings(root=project_copy), tmp_path / "dist")
    assert other.version != built[0].version
    endpoints = StoreEndpoints(virtuoso.url, virtuoso.update_url, virtuoso.gsp_url,
                               virtuoso.user, virtuoso.password)
    with pytest.raises(PushFailed, match="nothing was switched") as info:
        push(other, endpoints, settings.replace(push_timeout=60))
    assert f"{STAGING_PREFIX}{other.version}" in info.value.message
    assert virtuoso.graph_counts() == before  # the staging graphs dropped, nothing else touched
    store = RemoteStore(virtuoso.url, other.version, (), 0, settings)
    try:
        record = store.publication()
    finally:
        store.close()
    assert record is not None and record.version == built[0].version
