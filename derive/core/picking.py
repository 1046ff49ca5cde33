"""Choosing the wrong options of a multiple-choice question: as many different kinds of
mistake as there are, each drawn by a seeded random generator, so that the same seed always
gives the same options."""

from __future__ import annotations

import random
from typing import Callable, Hashable, Sequence, TypeVar

T = TypeVar("T")


def varied(found: Sequence[T], count: int, rng: random.Random,
           kind: Callable[[T], Hashable]) -> list[T]:
    """``count`` of ``found`` (at least that many), going round the kinds (``kind`` of each)
    in an order ``rng`` shuffles and taking one not yet picked of each kind in turn, so
    that no kind is picked twice before every kind is picked once."""
    kinds: dict[Hashable, list[T]] = {}
    for item in found:
        kinds.setdefault(kind(item), []).append(item)
    order = list(kinds)
    rng.shuffle(order)
    picked: list[T] = []
    while len(picked) < count:
        for k in order:
            left = [c for c in kinds[k] if c not in picked]
            if left and len(picked) < count:
                picked.append(left[rng.randrange(len(left))])
    return picked
