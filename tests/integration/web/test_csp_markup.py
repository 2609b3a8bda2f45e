"""Nothing the Content-Security-Policy refuses: no inline <script> or <style>, no on...= handlers, no style=
attributes, no javascript: URLs; not in the templates, not in the HTML and SVG the Python builds, not in the
static scripts' markup, and not in any page as served (every GET page, as an admin, on the demo data)."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy import select

import dcops
from dcops.auth.models import Role
from dcops.documents import DocumentStore
from dcops.racks import labels
from dcops.racks.models import Hardware
from dcops.seed import load
from tests.conftest import keyring_for
from tests.integration.auth.test_permissions import routes
from tests.integration.test_seed_and_schema import DEMO
from tests.integration.web.test_every_page import MODELS

PACKAGE = Path(dcops.__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "web" / "static"

# What the policy refuses, as it appears in markup (templates, Python strings, JavaScript strings).
FORBIDDEN = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "event handler attribute": re.compile(r"""(?:^|[\s"'])on[a-z]+\s*=\s*["'{]""", re.IGNORECASE),
    "style attribute": re.compile(r"""(?:^|[\s"'])style\s*=""", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def offences(text: str) -> list[str]:
    return [f"{what}: {m.group(0)!r}" for what, rx in FORBIDDEN.items() for m in rx.finditer(text)]


def test_the_patterns_catch_what_they_should():
    bad = [
        "<script>alert(1)</script>",
        '<form onsubmit="return confirm(1)">',
        "<button onclick='window.print()'>",
        '<span style="width: 5%">',
        '<rect x="1" style="fill:red"/>',
        '<a href="javascript:history.back()">',
        "<style>.x{}</style>",
    ]
    assert all(offences(b) for b in bad)
    good = [
        '<script src="/static/dcops.js" defer></script>',
        '<form data-confirm="Cancel this order?">',
        '<rect fill="#fff" stroke="#000"/>',
        '<select data-autosubmit name="escort_id">',
        "Depends on the contract",
    ]
    assert not any(offences(g) for g in good)


def test_no_template_holds_what_the_policy_refuses():
    found = {
        str(path.relative_to(TEMPLATES)): offences(path.read_text())
        for path in sorted(TEMPLATES.rglob("*.html"))
        if offences(path.read_text())
    }
    assert found == {}


def _strings(tree: ast.AST) -> list[str]:
    """Every string literal; an f-string with its {placeholders} kept, so an attribute split by one still shows."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            out.append("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
    return out


def test_no_python_builds_markup_the_policy_refuses():
    """The rack elevations, cable traces and anything else that writes HTML or SVG from Python."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        bad = [o for s in _strings(ast.parse(path.read_text())) for o in offences(s)]
        if bad:
            found[str(path.relative_to(PACKAGE))] = bad
    assert found == {}


def test_the_static_scripts_write_no_markup_the_policy_refuses():
    found = {}
    for path in sorted(STATIC.glob("*.js")):  # ours; the vendored htmx is configured in base.html
        text = path.read_text()
        bad = offences(text) + [m.group(0) for m in re.finditer(r"setAttribute\(\s*[\"']style", text)]
        if bad:
            found[path.name] = bad
    assert found == {}


def test_every_script_and_stylesheet_a_template_links_is_ours_and_exists():
    missing = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for url in re.findall(r"<(?:script|link)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", path.read_text()):
            if url.startswith("/static/"):
                if not (STATIC / url.removeprefix("/static/")).is_file():
                    missing.append((path.name, url))
            elif url != "/favicon.ico":
                missing.append((path.name, url))  # another origin: the policy refuses it
    assert missing == []


def test_base_turns_off_htmx_inline_indicator_styles():
    base = (TEMPLATES / "base.html").read_text()
    assert '"includeIndicatorStyles": false' in base and 'src="/static/dcops.js"' in base
    css = (STATIC / "dcops.css").read_text()
    assert ".htmx-indicator" in css


def test_the_stylesheet_has_a_class_for_every_size_the_templates_ask_for():
    """The meter in 5 % steps, each label size and the sheet's 1 to 8 columns (no style attributes)."""
    css = (STATIC / "dcops.css").read_text()
    for pct in range(0, 101, 5):
        assert f".meter > .w{pct} {{ width:{pct}%; }}" in css
    for size, (w, h) in labels.SIZES.items():
        assert f".label-sheet.s{size} .label {{ width:{w}mm; height:{h}mm; }}" in css
        assert f".label-sheet.s{size} {{ grid-auto-rows:{h}mm; }}" in css
    for cols in range(1, 9):
        assert f".label-sheet.cols{cols} {{ grid-template-columns:repeat({cols}, max-content); }}" in css


class _Refused(HTMLParser):
    """What the policy refuses in a page as served, found by an HTML parser rather than a pattern."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._script_src: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {k.lower(): v or "" for k, v in attrs}
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script":
            self._script_src.append("src" in names)
        for name, value in names.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self._script_src and not self._script_src[-1] and data.strip():
            self.found.append(f"inline script: {data.strip()[:60]!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script_src:
            self._script_src.pop()


def refused(html: str) -> list[str]:
    parser = _Refused()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_parser_finds_what_the_policy_refuses():
    assert refused("<p onclick=\"x()\" style='a'><script>1</script><a href='javascript:x'></a><style></style>")
    assert len(refused("<script>1</script>")) == 1
    assert refused('<script src="/static/dcops.js"></script><svg><rect fill="#fff"/></svg>') == []


def test_no_page_as_served_holds_what_the_policy_refuses(app, login, db, settings):
    """Every GET page with real ids, with its rack elevations and cable traces: what the browser gets."""
    load(db, DEMO, DocumentStore(), keys=keyring_for(settings, db))
    ids = {name: db.scalars(select(model.id).order_by(model.id)).first() for name, model in MODELS.items()}
    ids["hardware"] = db.scalars(select(Hardware.id).where(Hardware.rack_id.is_not(None))).first()
    admin = login(Role.admin)
    pages, found = 0, {}
    for method, path, _ in routes(app):
        if method != "GET" or path.startswith(("/api", "/schema", "/static")) or "{path:" in path:
            continue
        resource = path.strip("/").split("/")[0]
        concrete = re.sub(r"\{[a-z_]+:int\}", str(ids.get(resource, ids["hardware"])), path)
        concrete = concrete.replace("{action:str}", "move").replace("{kind:str}", "hardware")
        r = admin.get(concrete)
        if not r.headers.get("content-type", "").startswith("text/html"):
            continue
        pages += 1
        if bad := refused(r.text):
            found[concrete] = bad
    for extra in ("/no-such-page", f"/labels?kind=hardware&ids={ids['hardware']}&size=25x10&cols=8"):
        r = admin.get(extra)
        if bad := refused(r.text):
            found[extra] = bad
    assert found == {} and pages >= 30
