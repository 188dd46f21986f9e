"""The app's bounded caches: least recently used goes first, by entries and by bytes."""

from __future__ import annotations

from cisem_graph.web.cache import BoundedCache


def cache(entries: int = 3, max_bytes: int = 100, max_entry: int = 50) -> BoundedCache[bytes]:
    return BoundedCache(entries, max_bytes, len, max_entry_bytes=max_entry)


def test_the_least_recently_used_entry_goes_first():
    c = cache()
    for key in "abc":
        c.put(key, b"x")
    assert c.get("a") == b"x"  # a is now the most recent
    c.put("d", b"x")
    assert c.get("b") is None and {k for k in "acd" if c.get(k)} == {"a", "c", "d"}
    assert len(c) == 3


def test_bytes_bound_the_cache_and_an_oversized_value_is_not_kept():
    c = cache(entries=10, max_bytes=100, max_entry=60)
    c.put("a", b"x" * 40)
    c.put("b", b"x" * 40)
    c.put("c", b"x" * 40)  # 120 bytes: a goes
    assert c.get("a") is None and c.get("b") and c.get("c")
    c.put("huge", b"x" * 61)
    assert c.get("huge") is None and len(c) == 2


def test_replacing_a_key_counts_its_bytes_once():
    c = cache(entries=10, max_bytes=100)
    for _ in range(5):
        c.put("a", b"x" * 40)
    c.put("b", b"x" * 40)
    assert c.get("a") and c.get("b")


def test_no_entries_means_no_cache():
    c = cache(entries=0)
    c.put("a", b"x")
    assert c.get("a") is None
