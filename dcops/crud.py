"""The create/read/update/delete steps every inventory and customer record shares, audited."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dcops import audit
from dcops.db import Base, atomic
from dcops.errors import Conflict, NotFound, ValidationFailed
from dcops.i18n import _
from dcops.vocabulary import word

M = TypeVar("M", bound=Base)
T = TypeVar("T")

MAX_PAGE = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total

    @property
    def has_prev(self) -> bool:
        return self.offset > 0


def paginate(db: Session, stmt: Select[Any], limit: int, offset: int) -> Page[Any]:
    limit = max(1, min(limit, MAX_PAGE))
    offset = max(0, offset)
    items = list(db.scalars(stmt.limit(limit).offset(offset)).unique())

    def count() -> int:
        return db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0

    return Page(items, total_of(items, limit, offset, count), limit, offset)


def screen_page(db: Session, stmt: Select[Any], limit: int, offset: int) -> Page[Any]:
    """A list page for people: one past the end (an old bookmark, a list that has since shrunk) shows the last page,
    not an empty list saying that nothing matches. The API answers such a page empty, as asked."""
    page = paginate(db, stmt, limit, offset)
    if page.items or page.total == 0:
        return page
    return paginate(db, stmt, page.limit, (page.total - 1) // page.limit * page.limit)


def total_of(items: list[Any], limit: int, offset: int, count: Callable[[], int]) -> int:
    """How many there are in all: known without counting on the last page (a short one, or the only one), which
    is every page of a search that finds few; `count()` otherwise."""
    if len(items) < limit and (items or offset == 0):
        return offset + len(items)
    return count()


def label(model: type[Base]) -> str:
    return model.__tablename__.replace("_account", "").replace("_", " ")


def get(db: Session, model: type[M], key: Any) -> M:
    obj = db.get(model, key)
    if obj is None:
        raise NotFound(label(model), key)
    return obj


def state(obj: Base) -> dict[str, Any]:
    """Every column's value: what the audit log keeps as "before" and "after"."""
    return {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}


def _check_refs(db: Session, values: Mapping[str, Any], refs: Mapping[str, type[Base]]) -> None:
    errors = {
        field: _("No %(what)s with id %(id)s", what=word(label(model)), id=values[field])
        for field, model in refs.items()
        if values.get(field) is not None and db.get(model, values[field]) is None
    }
    if errors:
        raise ValidationFailed(errors)


def _check_unique(
    db: Session, model: type[M], values: Mapping[str, Any], unique: tuple[tuple[str, ...], ...], exclude: M | None
) -> None:
    errors: dict[str, str] = {}
    for fields in unique:
        if any(f not in values for f in fields):
            continue
        stmt = select(model).where(*(getattr(model, f) == values[f] for f in fields))
        if exclude is not None:
            stmt = stmt.where(model.id != exclude.id)  # type: ignore[attr-defined]
        if db.scalars(stmt.limit(1)).first() is not None:
            value = str(values[fields[-1]])
            errors[fields[-1]] = (
                _("%(value)s is already in use in this %(what)s", value=value, what=word(fields[0].removesuffix("_id")))
                if len(fields) > 1
                else _("%(value)s is already in use", value=value)
            )
    if errors:
        raise ValidationFailed(errors)


def flush_or_conflict(db: Session, what: str) -> None:
    try:
        db.flush()
    except IntegrityError as exc:
        raise Conflict(
            _("The %(what)s conflicts with a change made at the same moment; reload and try again", what=word(what))
        ) from exc


def create(
    db: Session,
    model: type[M],
    values: Mapping[str, Any],
    *,
    actor: str,
    unique: tuple[tuple[str, ...], ...] = (),
    refs: Mapping[str, type[Base]] | None = None,
) -> M:
    with atomic(db):
        _check_refs(db, values, refs or {})
        _check_unique(db, model, values, unique, None)
        obj = model(**values)
        db.add(obj)
        flush_or_conflict(db, label(model))
        _record(db, obj, "create", actor, after=state(obj))
    return obj


def update(
    db: Session,
    obj: M,
    values: Mapping[str, Any],
    *,
    actor: str,
    unique: tuple[tuple[str, ...], ...] = (),
    refs: Mapping[str, type[Base]] | None = None,
) -> M:
    model = type(obj)
    with atomic(db):
        _check_refs(db, values, refs or {})
        merged = {**state(obj), **values}
        _check_unique(db, model, merged, unique, obj)
        before = state(obj)
        for key, value in values.items():
            setattr(obj, key, value)
        flush_or_conflict(db, label(model))
        after = state(obj)
        changed = {k for k in after if after[k] != before[k]}
        if changed:
            _record(
                db, obj, "update", actor, before={k: before[k] for k in changed}, after={k: after[k] for k in changed}
            )
    return obj


def _record(db: Session, obj: Base, action: str, actor: str, **data: Any) -> None:
    audit.record(
        db, actor=actor, action=action, object_type=label(type(obj)), object_id=inspect(obj).identity[0], **data
    )


def delete(db: Session, obj: Base, *, actor: str) -> None:
    model = type(obj)
    key = inspect(obj).identity[0]
    with atomic(db):
        before = state(obj)
        db.delete(obj)
        try:
            db.flush()
        except IntegrityError as exc:
            raise Conflict(_("This %(what)s is still in use and cannot be deleted", what=word(label(model)))) from exc
        audit.record(db, actor=actor, action="delete", object_type=label(model), object_id=key, before=before)
