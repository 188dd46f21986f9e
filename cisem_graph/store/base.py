"""The one small interface every store kind offers the web layer.

A query is first *prepared* (the guards in ``store.guards`` run on its text: size, nesting depth,
updates, SERVICE) and only a prepared query can be executed. The web layer negotiates the answer's
format between the two steps, because the format depends on the query form. Stores serialize the
answer themselves, so the web layer never sees engine objects and never knows which store it has.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..formats import Format

if TYPE_CHECKING:
    from ..config import Settings

SELECT, ASK, CONSTRUCT, DESCRIBE = "SELECT", "ASK", "CONSTRUCT", "DESCRIBE"
GRAPH_FORMS = (CONSTRUCT, DESCRIBE)


@dataclass(frozen=True)
class PreparedQuery:
    """A query that passed the guards, with the dataset it runs on.

    ``default_graphs``/``named_graphs`` are the Protocol's ``default-graph-uri`` and
    ``named-graph-uri`` (or the query's FROM / FROM NAMED); ``None`` means the published dataset:
    the union of the named graphs as default graph, each named graph under ``GRAPH``.
    """

    text: str
    form: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None

    @property
    def returns_graph(self) -> bool:
        return self.form in GRAPH_FORMS


@dataclass(frozen=True)
class Answer:
    body: bytes
    format: Format
    form: str
    #: rows (SELECT), triples (CONSTRUCT/DESCRIBE) or 1 (ASK) in the body
    count: int
    #: True when the result cap cut the answer short
    truncated: bool = False


class Store(ABC):
    """A dataset version that answers guarded, time-limited, capped queries."""

    settings: Settings

    @property
    @abstractmethod
    def version(self) -> str:
        """The dataset version served (a content hash from the build)."""

    #: what a query whose own FROM / FROM NAMED choose its dataset is prepared as
    text_dataset_query: type[PreparedQuery] = PreparedQuery

    def prepare(
        self,
        text: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> PreparedQuery:
        """Run the guards with ``self.settings``; raise ``QueryError``/``QueryRefused``/``PayloadTooLarge``.

        One implementation for every store kind, so no kind can skip a guard. The Protocol's
        graphs win over the query's FROM / FROM NAMED.
        """
        from . import guards  # guards reads this module's form names

        info = guards.check(text, self.settings, default_graphs, named_graphs)
        if default_graphs or named_graphs:
            return PreparedQuery(text, info.form, tuple(default_graphs or ()), tuple(named_graphs or ()))
        if info.from_graphs or info.from_named_graphs:
            return self.text_dataset_query(text, info.form, tuple(info.from_graphs),
                                           tuple(info.from_named_graphs))
        return PreparedQuery(text, info.form)

    @abstractmethod
    def execute(self, query: PreparedQuery, fmt: Format) -> Answer:
        """Run a prepared query and serialize its answer in ``fmt``.

        Raises ``QueryError`` (syntax, with line/column), ``QueryTimeout``, ``Overloaded``,
        ``StoreUnavailable``.
        """

    @abstractmethod
    def triple_count(self) -> int:
        """Triples in the published named graphs."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release processes and connections."""
