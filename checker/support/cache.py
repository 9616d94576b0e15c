"""An in-memory LRU of support results, keyed by (claim, hash of the source text).

The store keeps results per (citation, content hash) across runs; this cache only
spares a scorer repeated work within one process (the same claim cited twice, a
retry of a batch).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence

from checker.model import Support

DEFAULT_SIZE = 4096


def text_key(claim: str, text: str) -> tuple[str, str]:
    return claim, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class SupportCache:
    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str], Support] = OrderedDict()

    def get(self, key: tuple[str, str]) -> Support | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: tuple[str, str], value: Support) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def score_many_cached(
    cache: SupportCache,
    pairs: Sequence[tuple[str, str]],
    compute: Callable[[list[tuple[str, str]]], list[Support]],
) -> list[Support]:
    """Answer from `cache` where possible; `compute` the rest in one batch."""
    keys = [text_key(claim, text) for claim, text in pairs]
    results: list[Support | None] = [cache.get(k) for k in keys]
    todo: dict[tuple[str, str], int] = {}
    for position, (key, found) in enumerate(zip(keys, results, strict=True)):
        if found is None and key not in todo:
            todo[key] = position
    fresh: dict[tuple[str, str], Support] = {}
    if todo:
        computed = compute([pairs[position] for position in todo.values()])
        fresh = dict(zip(todo, computed, strict=True))
        for key, support in fresh.items():
            cache.put(key, support)
    return [
        found if found is not None else fresh[key] for key, found in zip(keys, results, strict=True)
    ]
