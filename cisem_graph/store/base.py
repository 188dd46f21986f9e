"""The one small interface every store kind offers the web layer and the program's own callers.

A query is first *prepared* (the guards in ``store.guards`` run on its text: size, nesting depth,
updates, SERVICE) and only a prepared query can be executed. The web layer negotiates the answer's
format between the two steps, because the format depends on the query form. Stores serialize the
answer themselves, so the web layer never sees engine objects and never knows which store it has.

The program's own callers (descriptions and pages, the network) ask for Python values instead,
and never parse the store's SPARQL JSON again: ``select`` gives ``Rows`` (rdflib terms by
variable), ``ask`` a ``bool``, ``construct`` ``Triples`` (CONSTRUCT and DESCRIBE); ``results``
any of them by the query's form. The same guards, time-out and cap hold.

Every answer says which *lane* ran it: ``fast`` (the embedded store's serving process, for a
query ``store.bounded`` proves bounded), ``isolated`` (a query process) or ``remote``.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import QueryError
from ..formats import Format

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

    from ..config import Settings

SELECT, ASK, CONSTRUCT, DESCRIBE = "SELECT", "ASK", "CONSTRUCT", "DESCRIBE"
GRAPH_FORMS = (CONSTRUCT, DESCRIBE)
#: where a query ran: the serving process, a query process, a remote store
FAST, ISOLATED, REMOTE = "fast", "isolated", "remote"


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
    #: proven bounded by ``store.bounded`` on the published dataset: a store with a fast lane
    #: may run it in the serving process
    bounded: bool = False
    #: where the text's FROM [NAMED] clauses are (``QueryInfo.dataset_clauses``)
    dataset_clauses: tuple[tuple[int, int], ...] = ()

    def without_dataset_clauses(self) -> str:
        """The text with its FROM [NAMED] clauses blanked (lines and columns kept), for a store
        given the dataset as Protocol parameters."""
        text = self.text
        for start, end in reversed(self.dataset_clauses):
            text = text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
        return text

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
    #: FAST, ISOLATED or REMOTE
    lane: str = ISOLATED


@dataclass(frozen=True)
class Rows:
    """The solutions of a SELECT: one dict per row, variable name -> rdflib term (unbound
    variables absent). Iterating gives the rows; ``len`` counts them."""

    variables: tuple[str, ...]
    rows: list[dict[str, Node]]
    #: True when the result cap cut the answer short
    truncated: bool = False
    lane: str = ISOLATED

    def __iter__(self) -> Iterator[dict[str, Node]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> dict[str, Node]:
        return self.rows[index]


@dataclass(frozen=True)
class Triples:
    """The triples of a CONSTRUCT or DESCRIBE, as rdflib terms."""

    triples: list[tuple[Node, Node, Node]]
    truncated: bool = False
    lane: str = ISOLATED

    def __iter__(self) -> Iterator[tuple[Node, Node, Node]]:
        return iter(self.triples)

    def __len__(self) -> int:
        return len(self.triples)

    def graph(self) -> Graph:
        """The triples in a new rdflib ``Graph``."""
        from rdflib import Graph

        graph = Graph()
        for triple in self.triples:
            graph.add(triple)
        return graph


#: most rows or triples an answer given "at once" may hold (``Store.execute``)
AT_ONCE_ROWS = 1000


class Store(ABC):
    """A dataset version that answers guarded, time-limited, capped queries."""

    settings: Settings

    @property
    @abstractmethod
    def version(self) -> str:
        """The dataset version served (a content hash from the build)."""

    @property
    def query_base(self) -> str:
        """What relative IRIs in a query resolve against: the endpoint's canonical URL, so an
        answer (and its cache key) never depends on the host a client asked."""
        return f"{self.settings.base_iri}sparql"

    #: what a query whose own FROM / FROM NAMED choose its dataset is prepared as
    text_dataset_query: type[PreparedQuery] = PreparedQuery
    #: whether this store runs bounded queries in the serving process (``prepare`` then proves it)
    fast_lane: bool = False

    def prepare(
        self,
        text: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> PreparedQuery:
        """Run the guards with ``self.settings``; raise ``QueryError``/``QueryRefused``/``PayloadTooLarge``.

        One implementation for every store kind, so no kind can skip a guard. The Protocol's
        graphs win over the query's FROM / FROM NAMED. On a store with a fast lane, a query on
        the published dataset is marked ``bounded`` when ``store.bounded`` proves it.
        """
        from . import bounded, guards  # guards reads this module's form names

        info = guards.check(text, self.settings, default_graphs, named_graphs)
        if default_graphs or named_graphs:
            return PreparedQuery(text, info.form, tuple(default_graphs or ()),
                                 tuple(named_graphs or ()), dataset_clauses=info.dataset_clauses)
        if info.from_graphs or info.from_named_graphs:
            return self.text_dataset_query(text, info.form, tuple(info.from_graphs),
                                           tuple(info.from_named_graphs),
                                           dataset_clauses=info.dataset_clauses)
        fast = self.fast_lane and bounded.is_bounded(text, result_limit=self.settings.result_limit)
        return PreparedQuery(text, info.form, bounded=fast)

    @abstractmethod
    def execute(self, query: PreparedQuery, fmt: Format, *, at_once: bool = False) -> Answer:
        """Run a prepared query and serialize its answer in ``fmt``.

        ``at_once``: answer only if it takes no waiting (the fast lane) and is small (at most
        ``AT_ONCE_ROWS`` rows or triples), else raise ``NotAtOnce`` having written nothing: a
        caller that must not block long (an event loop) asks so first.

        Raises ``QueryError`` (syntax, with line/column), ``QueryTimeout``, ``Overloaded``,
        ``StoreUnavailable``.
        """

    def evaluate(self, query: PreparedQuery) -> Rows | Triples | bool:
        """Run a prepared query; its answer as Python values: ``Rows`` for a SELECT, a ``bool``
        for an ASK, ``Triples`` for a CONSTRUCT or DESCRIBE. Raises as ``execute``.

        The store kinds answer natively. This default, for a store that only writes answers
        (a wrapper around another store), reads its ``execute`` answer back; a wrapper had
        better pass ``evaluate`` through to the store it wraps.
        """
        from ..formats import by_name
        from .terms import read_answer

        answer = self.execute(query, by_name("ntriples" if query.returns_graph else "json"))
        return read_answer(answer.body, query.returns_graph, answer.lane,
                           truncated=answer.truncated)

    def results(self, query: str | PreparedQuery) -> Rows | Triples | bool:
        """``evaluate`` a query, preparing it first when it is text."""
        return self.evaluate(query if isinstance(query, PreparedQuery) else self.prepare(query))

    def select(self, query: str | PreparedQuery) -> Rows:
        """The rows of a SELECT query."""
        return self.evaluate(self._prepared(query, (SELECT,)))

    def ask(self, query: str | PreparedQuery) -> bool:
        """The answer of an ASK query."""
        return self.evaluate(self._prepared(query, (ASK,)))

    def construct(self, query: str | PreparedQuery) -> Triples:
        """The triples of a CONSTRUCT or DESCRIBE query."""
        return self.evaluate(self._prepared(query, GRAPH_FORMS))

    def _prepared(self, query: str | PreparedQuery, forms: tuple[str, ...]) -> PreparedQuery:
        prepared = query if isinstance(query, PreparedQuery) else self.prepare(query)
        if prepared.form not in forms:
            raise QueryError(f"A {' or '.join(forms)} query was expected here, not "
                             f"{prepared.form}.")
        return prepared

    @abstractmethod
    def triple_count(self) -> int:
        """Triples in the published named graphs."""

    def health(self) -> dict:
        """What ``/health`` says of the store besides its version (read replicas: each one's
        state, and ``status``)."""
        return {}

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release processes and connections."""
