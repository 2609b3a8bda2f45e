"""Search boxes: "contains this text, whatever the case" over a few columns, as each database does it fastest.

PostgreSQL has ILIKE. SQLite's LIKE already ignores the case of ASCII letters (its lower() folds nothing else
either), so wrapping every column in lower() only cost time: at 50,000 hardware, four lower()s made a search
three times slower. What the user typed is matched literally: % and _ are not wildcards.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, false, literal, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal


class _Contains(ColumnElement[bool]):
    inherit_cache = True
    type = Boolean()
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("pattern", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: ColumnElement[Any], pattern: ColumnElement[str]) -> None:
        self.column = column
        self.pattern = pattern


def _render(element: _Contains, compiler: SQLCompiler, operator: str, **kw: Any) -> str:
    column, pattern = compiler.process(element.column, **kw), compiler.process(element.pattern, **kw)
    return f"{column} {operator} {pattern} ESCAPE '\\'"


@compiles(_Contains)
def _ilike(element: _Contains, compiler: SQLCompiler, **kw: Any) -> str:
    return _render(element, compiler, "ILIKE", **kw)


@compiles(_Contains, "sqlite")
def _like(element: _Contains, compiler: SQLCompiler, **kw: Any) -> str:
    return _render(element, compiler, "LIKE", **kw)


LONGEST = 5000  # characters: longer than any column searched, so no row contains such a text


def contains_text(text: str, *columns: ColumnElement[Any]) -> ColumnElement[bool]:
    """Any of `columns` contains `text`, ignoring case. A text longer than any of them is in no row: not asked of
    the database, whose LIKE refuses patterns past 50,000 bytes (SQLite: "pattern too complex")."""
    if len(text) > LONGEST:
        return false()
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = literal(f"%{escaped}%")
    return or_(*(_Contains(c, pattern) for c in columns))
