"""A query's answer as a representation: what ``/sparql`` and the canned queries' downloads send.

``answer_key`` names an answer (version, query text, dataset, format): it is the answer cache's key
and, cut short, the answer's ETag, a weak one (``http``: another replica gives the same answer,
maybe not the same bytes). ``entity`` wraps an ``Answer`` with the headers that say how
many results it holds and whether the cap cut it. Both are plain functions of plain values, for
the front's hot path as much as for the views.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from ..formats import Format
from ..store.base import Answer, PreparedQuery, Store
from .http import Entity, held, settings_policy

if TYPE_CHECKING:
    from ..config import Settings
    from . import Publisher

#: the Accept header chose among the formats of the query's form
ANSWER_VARY = "Accept"


def answer_key(version: str, prepared: PreparedQuery, fmt: Format) -> str:
    material = json.dumps([version, prepared.text, prepared.default_graphs, prepared.named_graphs,
                           fmt.name])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def entity(answer: Answer, key: str | None, settings: Settings, *, headers: tuple[tuple[str, str], ...] = (),
           vary: str = ANSWER_VARY) -> Entity:
    """The answer with its count headers; ``key`` None: not to be revalidated (a POST)."""
    counts = [("X-Result-Count", str(answer.count)),
              ("X-Result-Truncated", "true" if answer.truncated else "false")]
    if answer.truncated:
        counts.append(("X-Result-Limit", str(settings.result_limit)))
    return Entity(answer.body, answer.format.content_type, key[:32] if key else None,
                  vary=vary, headers=(*counts, *headers), cache_control=settings_policy(settings),
                  weak=True)


def run(prepared: PreparedQuery, fmt: Format, *, cacheable: bool,
        headers: tuple[tuple[str, str], ...] = (),
        negotiated: bool = True) -> tuple[Entity, Answer | None, str]:
    """``answer`` for the request being handled (Flask)."""
    from flask import request

    from . import get_publisher, get_store

    return answer(get_publisher(), get_store(), prepared, fmt, cacheable=cacheable,
                  if_none_match=request.headers.get("If-None-Match"), method=request.method,
                  headers=headers, negotiated=negotiated)


def answer(publisher: Publisher, store: Store, prepared: PreparedQuery, fmt: Format, *,
           cacheable: bool, if_none_match: str | None, method: str,
           headers: tuple[tuple[str, str], ...] = (), at_once: bool = False,
           negotiated: bool = True) -> tuple[Entity, Answer | None, str]:
    """Answer a prepared query: (entity, answer, outcome).

    GET answers are cached on the app and revalidated by ETag: a client holding the answer gets
    a 304 entity without the query running (answer None, outcome ``not-modified``). ``at_once``:
    as ``Store.execute`` (``NotAtOnce`` when the store would make the caller wait).
    ``negotiated``: the format came from ``Accept`` (``Vary: Accept``), not ``format=``.
    """
    settings = publisher.settings
    vary = ANSWER_VARY if negotiated else ""
    key = answer_key(store.version, prepared, fmt) if cacheable else None
    if key is not None and held(key[:32], if_none_match, None, None, method) is not None:
        return Entity(b"", fmt.content_type, key[:32], vary=vary, headers=headers,
                      cache_control=settings_policy(settings), weak=True), None, "not-modified"
    answer = publisher.cache.get(key) if key else None
    outcome = "cached" if answer else "ok"
    if answer is not None:
        publisher.metrics.cache_hit()
    else:
        answer = store.execute(prepared, fmt, at_once=at_once)
        if key:
            publisher.cache.put(key, answer)
    return entity(answer, key, settings, headers=headers, vary=vary), answer, outcome
