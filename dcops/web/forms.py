"""Form posts on the HTML side: run the service call, or re-render what was typed with the errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from babel.support import LazyProxy
from litestar import MediaType, Request
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from dcops import i18n
from dcops.errors import Conflict, ValidationFailed
from dcops.terms import Denied
from dcops.vocabulary import word


@dataclass(frozen=True)
class Field:
    """One input of a generic form (forms/generic.html renders a list of these).

    `label` and `help` are messages, marked N_("…") where they are written and translated when the form is shown
    (forms are often module constants, made before any reader's language is known)."""

    name: str
    label: str
    # text | number | textarea | select | multiselect | checkbox | date | datetime-local | password | email | money
    kind: str = "text"
    required: bool = False
    choices: list[tuple[Any, str]] = field(default_factory=list)
    help: str = ""
    min: int | None = None
    max: int | None = None
    # A select whose choice changes another field's choices: (the URL answering that field, the field's name).
    reloads: tuple[str, str] | None = None
    empty: str = ""  # a multiselect without choices says this instead (a message, like `help`)
    group: str = ""  # fields in a row with one group are shown together under it (a message, like `label`)


def text_of(data: Mapping[str, Any], key: str) -> str:
    """A posted field's text. A name sent more than once (only a crafted post does that for a text field) reads as
    its values on separate lines, not as a list where text is expected."""
    value = data.get(key)
    if isinstance(value, list):
        return "\n".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""


def enum_choices(e: type[Enum]) -> list[tuple[str, Any]]:
    """A StrEnum as select options: stored value, and its word in the language of whoever reads the form."""
    return [(m.value, LazyProxy(word, m, enable_cache=False)) for m in e]


def euros(value: int | None) -> str:
    """Cents as typed back into a money field: "1210,50" for a Dutch reader, "1210.50" for an English one."""
    if value is None:
        return ""
    mark = "," if i18n.current() == "nl" else "."
    return f"{value // 100}{mark}{value % 100:02d}"


def normalize(fields: list[Field], data: Mapping[str, Any]) -> dict[str, Any]:
    """A form post as the schema reads it: money typed in euros becomes cents, a multiselect is a list."""
    values = dict(data)
    errors: dict[str, str] = {}
    for f in fields:
        raw = values.get(f.name)
        if f.kind == "select" and f.required and isinstance(raw, str) and not raw.strip():
            # "— choose —" is no choice: not left to the schema's default (a visit's purpose became "maintain")
            errors[f.name] = i18n._("This field is required")
        elif f.kind == "money" and isinstance(raw, str) and raw.strip():
            amount = i18n.parse_cents(raw)
            if amount is None:
                errors[f.name] = i18n._("Must be an amount like %(example)s", example=i18n.amount(121050))
            else:
                values[f.name] = str(amount)
        elif f.kind == "date" and isinstance(raw, str) and raw.strip():
            # Typed in the reader's way (a browser's date picker shows its own locale's order, not the reader's)
            if (day := i18n.parse_day(raw)) is None:
                errors[f.name] = i18n._("Must be a date like %(example)s", example=i18n.day(i18n.EXAMPLE_DAY))
            else:
                values[f.name] = day.isoformat()
        elif f.kind == "datetime-local" and isinstance(raw, str) and raw.strip():
            if (moment := i18n.parse_moment(raw)) is None:
                example = i18n.day(i18n.EXAMPLE_DAY) + " 14:05"
                errors[f.name] = i18n._("Must be a date and time like %(example)s", example=example)
            else:
                values[f.name] = moment.isoformat()
        elif f.kind == "multiselect":
            chosen = [] if raw in (None, "") else [raw] if not isinstance(raw, list) else raw
            if any(not isinstance(c, str) for c in chosen):  # a file, where only a form's choices are sent
                errors[f.name] = i18n._("Choose one of the listed values")
            values[f.name] = chosen
    if errors:
        raise ValidationFailed(errors)
    return values


def render(template: str, status_code: int = 200, /, **context: Any) -> Template:
    """The page's context is free to hold a `status` (a list filter): the response status is positional."""
    return Template(template_name=template, context=context, status_code=status_code, media_type=MediaType.HTML)


def _typed(value: Any) -> bool:
    return isinstance(value, str) or isinstance(value, list) and all(isinstance(v, str) for v in value)


def submit(
    request: Request[Any, Any, Any],
    template: str,
    posted: Mapping[str, Any],
    action: Callable[[], Any],
    redirect: Callable[[Any], str],
    success: str,
    page: Callable[[], dict[str, Any]] | None = None,
    fixes: Callable[[Exception], list[Any]] | None = None,
    **context: Any,
) -> Template | Redirect:
    """Post/redirect/get on success; on refusal the same form again, with every value kept.

    `page` builds the rest of the page's context only when it is shown again (a detail page with forms).
    `fixes` turns a refusal (Conflict, Denied) into links to what resolves it (dcops.web.fixes), shown with it
    (`fix_links` in the page's context)."""
    values = {k: v for k, v in posted.items() if k != "_csrf_token" and _typed(v)}  # a file is not typed back

    def again(status: int, **extra: Any) -> Template:
        return render(template, status, values=values, **{"errors": {}, **extra}, **(page() if page else {}), **context)

    try:
        result = action()
    except ValidationFailed as exc:
        return again(422, errors=exc.errors)
    except Conflict as exc:
        return again(409, errors={exc.field or "": str(exc)}, fix_links=fixes(exc) if fixes else [])
    except Denied as exc:
        if exc.follow_up is not None:
            exc.follow_up()  # what the refusal itself records (K9's request), kept with the page's transaction
        return again(403, reasons=[r.as_dict() for r in exc.verdict.reasons], fix_links=fixes(exc) if fixes else [])
    flash(request, success, category="success")
    return Redirect(path=redirect(result))
