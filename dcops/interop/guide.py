"""How every NetBox and device-type library field is read: `import.md` beside this module, one text read in the
repository and shown on the Import page (the people importing have the app, not a checkout)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from markdown_it import MarkdownIt
from markupsafe import Markup


@cache
def field_guide() -> Markup:
    text = resources.files(__package__).joinpath("import.md").read_text(encoding="utf-8")
    # Raw HTML off: the guide is Markdown only, and anything else in it would be shown as text, never run.
    return Markup(MarkdownIt("commonmark", {"html": False}).enable("table").render(text))
