"""Form posts on the HTML side: run the service call, or re-render what was typed with the errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from litestar import MediaType, Request
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from dcops.errors import Conflict, ValidationFailed
from dcops.terms import Denied


@dataclass(frozen=True)
class Field:
    """One input of a generic form (forms/generic.html renders a list of these)."""

    name: str
    label: str
    kind: str = "text"  # text | number | textarea | select | checkbox | date | password | email
    required: bool = False
    choices: list[tuple[Any, str]] = field(default_factory=list)
    help: str = ""
    min: int | None = None
    max: int | None = None


def enum_choices(e: type[Enum]) -> list[tuple[str, str]]:
    """A StrEnum as select options: stored value, readable label."""
    return [(m.value, m.value.replace("_", " ")) for m in e]


def render(template: str, status: int = 200, **context: Any) -> Template:
    return Template(template_name=template, context=context, status_code=status, media_type=MediaType.HTML)


def submit(
    request: Request[Any, Any, Any],
    template: str,
    form: Mapping[str, Any],
    action: Callable[[], Any],
    redirect: Callable[[Any], str],
    success: str,
    **context: Any,
) -> Template | Redirect:
    """Post/redirect/get on success; on refusal the same form again, with every value kept."""
    values = {k: v for k, v in form.items() if k != "_csrf_token"}
    try:
        result = action()
    except ValidationFailed as exc:
        return render(template, 422, values=values, errors=exc.errors, **context)
    except Conflict as exc:
        return render(template, 409, values=values, errors={exc.field or "": str(exc)}, **context)
    except Denied as exc:
        return render(
            template, 403, values=values, errors={}, reasons=[r.as_dict() for r in exc.verdict.reasons], **context
        )
    flash(request, success, category="success")
    return Redirect(path=redirect(result))
