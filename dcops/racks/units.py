"""Rack-unit arithmetic, free of the database: which cells a device takes and whether it fits."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from dcops.i18n import _

MAX_RACK_HEIGHT = 60


class Face(StrEnum):
    front = "front"
    rear = "rear"


def span(position: int, u_height: int) -> range:
    """Units from `position` (the lowest, 1-based, as racks are numbered bottom-up) upwards."""
    return range(position, position + u_height)


def faces(face: Face, full_depth: bool) -> tuple[Face, ...]:
    """Full-depth hardware blocks both faces; half-depth only the face it is mounted on."""
    return (Face.front, Face.rear) if full_depth else (face,)


def cells(position: int, u_height: int, face: Face, full_depth: bool) -> list[tuple[int, Face]]:
    return [(u, f) for u in span(position, u_height) for f in faces(face, full_depth)]


def fit_error(rack_height: int, position: int, u_height: int) -> str | None:
    """Why a device of `u_height` cannot sit at `position` in a rack of `rack_height`, or None."""
    if position < 1:
        return _("Position must be 1 or higher, not %(position)s", position=position)
    if position > rack_height:
        return _(
            "Position %(position)s is above the top of this %(height)sU rack", position=position, height=rack_height
        )
    top = position + u_height - 1
    if top > rack_height:
        return _(
            "A %(size)sU device at U%(position)s would reach U%(top)s, above the top of this %(height)sU rack",
            size=u_height,
            position=position,
            top=top,
            height=rack_height,
        )
    return None


def free_runs(rack_height: int, taken: Iterable[int]) -> list[range]:
    """Maximal runs of free units, bottom-up: where a device can still go."""
    taken_set = set(taken)
    runs: list[range] = []
    start: int | None = None
    for u in range(1, rack_height + 2):
        free = u <= rack_height and u not in taken_set
        if free and start is None:
            start = u
        elif not free and start is not None:
            runs.append(range(start, u))
            start = None
    return runs


def describe_units(units: Iterable[int]) -> str:
    """U3, U5–U7: how people read a set of units."""
    ordered = sorted(set(units))
    parts: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(f"U{ordered[i]}" if i == j else f"U{ordered[i]}–U{ordered[j]}")
        i = j + 1
    return ", ".join(parts)


def free_by_face(rack_height: int, placed: Iterable[tuple[int, int, Face, bool]]) -> dict[Face, list[range]]:
    """Free runs per face, given (position, u_height, face, full_depth) of what is mounted."""
    taken: dict[Face, set[int]] = {Face.front: set(), Face.rear: set()}
    for position, u_height, face, full_depth in placed:
        for f in faces(face, full_depth):
            taken[f].update(span(position, u_height))
    return {f: free_runs(rack_height, taken[f]) for f in taken}
