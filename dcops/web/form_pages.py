"""Builds the HTML form routes one record type needs: new, create, edit, update, delete.

Each resource states its fields, schema and service calls once (see `FormPages`); every
form then behaves the same: post/redirect/get on success, the same form with what was typed
and the field errors on failure. No `from __future__ import annotations`: Litestar reads the
handlers' annotations as real objects.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from litestar import Request, Router
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from dcops import crud
from dcops.auth.permissions import Perm
from dcops.i18n import _, sentence
from dcops.validation import parse
from dcops.vocabulary import word
from dcops.web.forms import Field, normalize, render, submit
from dcops.web.helpers import actor, form_values
from dcops.web.routes import Db, Form, get, post

FORM = "forms/generic.html"


@dataclass
class FormPages:
    path: str  # "/sites"
    noun: str  # "site", used in titles, messages and route names: one of dcops.vocabulary.NOUNS
    model: type
    schema: type[msgspec.Struct]
    fields: Callable[[Session], list[Field]]
    create: Callable[[Session, Any, str], Any]
    update: Callable[[Session, Any, Any, str], Any]
    remove: Callable[[Session, Any, str], None] | None  # None: records that are revoked, never deleted
    label: Callable[[Any], str]  # how one record is named in a title
    saved: Callable[[Any], str]  # where to go after create or update
    deleted: Callable[[Any], str]  # where to go after delete (read before the record goes)
    write: Perm = Perm.inventory_write
    defaults: Callable[[Request], dict[str, Any]] = field(default=lambda request: {})
    deletable: Callable[[Any], bool] = field(default=lambda obj: True)
    # Where Cancel on a new form leads: the list at `path` unless the record kind has none (see back_to).
    back: Callable[[Request], str] | None = None


def back_to(default: str, **parents: str) -> Callable[[Request], str]:
    """Cancel returns to the parent the form was opened from (`customer_id=3` -> "/customers/3"), else `default`.

    `parents` maps a query parameter to the parent's path with `{}` for its id, in order of preference."""

    def back(request: Request) -> str:
        for name, path in parents.items():
            value = request.query_params.get(name, "")
            if value.isdigit() and len(value) <= 18:
                return path.format(int(value))
        return default

    return back


def form_router(spec: FormPages) -> Router:
    opt = {"perm": spec.write}
    noun = spec.noun

    def new_title() -> str:
        return sentence(_("New %(what)s", what=word(noun)))

    back = spec.back or (lambda request: spec.path)

    def edit_context(obj: Any, db: Session) -> dict[str, Any]:
        return {
            "title": sentence(_("Edit %(what)s %(name)s", what=word(noun), name=spec.label(obj))),
            "fields": spec.fields(db),
            "cancel": spec.saved(obj),
            "delete": f"{spec.path}/{obj.id}/delete" if spec.remove and spec.deletable(obj) else None,
        }

    @get("/new", name=f"{noun}_new", opt=opt)
    def new(request: Request, db: Db) -> Template:
        return render(
            FORM,
            title=new_title(),
            fields=spec.fields(db),
            values=spec.defaults(request),
            errors={},
            cancel=back(request),
        )

    @post("/new", name=f"{noun}_create", opt=opt)
    def create(request: Request, db: Db, data: Form) -> Any:
        fields = spec.fields(db)
        return submit(
            request,
            FORM,
            data,
            lambda: spec.create(db, parse(spec.schema, normalize(fields, data), form=True), actor(request)),
            spec.saved,
            sentence(_("%(what)s created", what=word(noun))),
            title=new_title(),
            fields=fields,
            cancel=back(request),
        )

    @get("/{item_id:int}/edit", name=f"{noun}_edit", opt=opt)
    def edit(db: Db, item_id: FromPath[int]) -> Template:
        obj = crud.get(db, spec.model, item_id)
        ctx = edit_context(obj, db)
        return render(FORM, values=form_values(obj, ctx["fields"]), errors={}, **ctx)

    @post("/{item_id:int}/edit", name=f"{noun}_update", opt=opt)
    def update(request: Request, db: Db, item_id: FromPath[int], data: Form) -> Any:
        obj = crud.get(db, spec.model, item_id)
        ctx = edit_context(obj, db)
        return submit(
            request,
            FORM,
            data,
            lambda: spec.update(db, obj, parse(spec.schema, normalize(ctx["fields"], data), form=True), actor(request)),
            spec.saved,
            sentence(_("%(what)s saved", what=word(noun))),
            **ctx,
        )

    @post("/{item_id:int}/delete", name=f"{noun}_delete", opt=opt)
    def delete(request: Request, db: Db, item_id: FromPath[int]) -> Redirect:
        obj = crud.get(db, spec.model, item_id)
        target = spec.deleted(obj)
        assert spec.remove is not None
        spec.remove(db, obj, actor(request))
        return Redirect(target)

    handlers = [new, create, edit, update, *([delete] if spec.remove else [])]
    return Router(path=spec.path, route_handlers=handlers, include_in_schema=False)
