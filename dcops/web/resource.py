"""Builds the JSON CRUD routes one resource needs: list, detail, create, patch, delete.

No `from __future__ import annotations` here: the handlers' annotations name the resource's
own types, which must be real objects when Litestar reads them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import msgspec
from litestar import Request, Router
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy import Select
from sqlalchemy.orm import Session

from dcops import crud
from dcops.auth.permissions import Perm
from dcops.validation import parse
from dcops.web.helpers import actor
from dcops.web.routes import Db, delete, get, patch, post


@dataclass
class Resource:
    name: str  # URL segment and OpenAPI tag, e.g. "racks"
    model: type
    schema_in: type[msgspec.Struct]
    schema_out: type[msgspec.Struct]
    query: Callable[[dict[str, str]], Select[Any]]  # list statement from the query parameters
    create: Callable[[Session, Any, str], Any] | None  # None: the resource brings its own create handler
    update: Callable[[Session, Any, Any, str], Any]
    remove: Callable[[Session, Any, str], None] | None  # None: records that are revoked, never deleted
    read: Perm = Perm.inventory_read
    write: Perm = Perm.inventory_write
    filters: tuple[str, ...] = ()
    schema_create: type[msgspec.Struct] | None = None  # when creating takes more than updating
    extra_handlers: list[Any] = field(default_factory=list)


class ReasonOut(msgspec.Struct):
    """One reason of a verdict, as every API answers it: the rule, its article, what it says here, and at the
    door what the security officer does next."""

    rule: str
    article: str
    message: str
    instruction: str | None = None


class Page(msgspec.Struct):
    items: list[Any]
    total: int
    limit: int
    offset: int


def out(schema: type[msgspec.Struct], obj: Any) -> Any:
    return msgspec.convert(obj, schema, from_attributes=True)


def _current(obj: Any, schema: type[msgspec.Struct]) -> dict[str, Any]:
    values = {}
    for f in msgspec.structs.fields(schema):
        v = getattr(obj, f.name, None)
        values[f.name] = v.value if isinstance(v, Enum) else v
    return values


def router(res: Resource) -> Router:
    Out, In, New = res.schema_out, res.schema_in, res.schema_create or res.schema_in
    read, write = {"perm": res.read}, {"perm": res.write}
    desc = ("Filters: " + ", ".join(res.filters) + ". ") if res.filters else ""

    @get("/", name=f"api.{res.name}.list", opt=read, description=desc + "Paginated with limit (≤500) and offset.")
    def list_(request: Request, db: Db, limit: FromQuery[int] = 50, offset: FromQuery[int] = 0) -> Page:
        params = {k: v for k, v in request.query_params.items() if k in res.filters and v != ""}
        page = crud.paginate(db, res.query(params), limit, offset)
        return Page([out(Out, o) for o in page.items], page.total, page.limit, page.offset)

    @post("/", name=f"api.{res.name}.create", opt=write)
    def create(request: Request, db: Db, data: JSONBody[New]) -> Out:  # type: ignore[valid-type]
        assert res.create is not None
        obj = res.create(db, data, actor(request))
        return out(Out, obj)

    @get("/{item_id:int}", name=f"api.{res.name}.detail", opt=read)
    def detail(db: Db, item_id: FromPath[int]) -> Out:  # type: ignore[valid-type]
        return out(Out, crud.get(db, res.model, item_id))

    @patch(
        "/{item_id:int}",
        name=f"api.{res.name}.update",
        opt={**write, "body": In},  # read as a dict of some of In's fields (dcops.web.input_guard)
        description="Send only the fields to change; the result is validated as a whole.",
    )
    def update(request: Request, db: Db, item_id: FromPath[int], data: JSONBody[dict[str, Any]]) -> Out:  # type: ignore[valid-type]
        obj = crud.get(db, res.model, item_id)
        merged = {**_current(obj, In), **data}
        res.update(db, obj, parse(In, merged), actor(request))
        return out(Out, obj)

    @delete("/{item_id:int}", name=f"api.{res.name}.delete", opt=write)
    def remove(request: Request, db: Db, item_id: FromPath[int]) -> None:
        assert res.remove is not None
        res.remove(db, crud.get(db, res.model, item_id), actor(request))

    handlers = [list_, detail, update, *([create] if res.create else []), *([remove] if res.remove else [])]
    handlers += res.extra_handlers
    return Router(path=f"/api/{res.name}", route_handlers=handlers, tags=[res.name])
