"""The Dutch catalogue is complete, and no template shows a word that bypasses it.

`make messages` adds what the code and the templates ask for; these tests fail until every message has its Dutch
(with the same placeholders) and until every word a template shows is a message.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "dcops" / "locale" / "nl" / "LC_MESSAGES" / "messages.po"
TEMPLATES = ROOT / "dcops" / "templates"
METHODS = [("dcops/**.py", "python"), ("dcops/templates/**.html", "jinja2")]
OPTIONS = {"dcops/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True"}}
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _extracted() -> dict[str | tuple[str, ...], list[str]]:
    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, OPTIONS, KEYWORDS, strip_comment_tags=True
    ):
        if filename.startswith("dcops/"):
            found.setdefault(message, []).append(f"{filename}:{line}")
    return found


def _catalogue():  # type: ignore[no-untyped-def]
    with PO.open("rb") as f:
        return read_po(f, locale="nl")


def test_every_message_has_its_dutch_with_the_same_placeholders() -> None:
    po = _catalogue()
    missing, broken = [], []
    for message, where in sorted(_extracted().items(), key=lambda kv: str(kv[0])):
        key = message[0] if isinstance(message, tuple) else message
        entry = po.get(key)
        dutch = entry.string if entry is not None else None
        texts = [t for t in (dutch if isinstance(dutch, tuple) else (dutch,))]
        if entry is None or entry.fuzzy or not all(texts):
            missing.append(f"{where[0]}: {key!r}")
            continue
        originals = message if isinstance(message, tuple) else (message,)
        wanted = set(PLACEHOLDER.findall(" ".join(originals)))
        for text in texts:
            if set(PLACEHOLDER.findall(text)) != wanted:
                broken.append(f"{where[0]}: {key!r} -> {text!r}")
    assert not missing, f"{len(missing)} messages have no Dutch (run `make messages`, then translate):\n" + "\n".join(
        missing[:60]
    )
    assert not broken, "Dutch with other placeholders than the English:\n" + "\n".join(broken)


def test_the_catalogue_holds_no_message_the_code_no_longer_asks_for() -> None:
    asked = {m[0] if isinstance(m, tuple) else m for m in _extracted()}
    stale = [m.id for m in _catalogue() if m.id and (m.id[0] if isinstance(m.id, tuple) else m.id) not in asked]
    assert not stale, "Messages nobody asks for (remove them from messages.po):\n" + "\n".join(map(str, stale[:40]))


# Jinja code and translated blocks are not shown text; what is left is HTML whose text must be empty of words.
_JINJA = re.compile(
    r"\{#.*?#\}|\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}|\{\{.*?\}\}|\{%.*?%\}",
    re.DOTALL,
)
_WORD = re.compile(r"[A-Za-z]{2,}")
# Shown as they are in both languages: names, units and formats, not words of either language.
NOT_WORDS = {
    "dcops", "QR", "ID", "CSV", "PDF", "PNG", "JSON", "YAML", "API", "NetBox", "kW", "kg", "mm", "Ed25519",
    "IBAN", "KvK", "BTW", "CBOR", "SVG", "DCOPS", "OK", "Nederlands", "English", "NL", "EN", "HH", "Mbit", "Art", "CBL",
}  # fmt: skip
_SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "label", "data-confirm"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.shown: list[tuple[int, str]] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            button = tag == "input" and name == "value" and dict(attrs).get("type") in ("submit", "button")
            if value and (name in _SHOWN_ATTRIBUTES or button):
                self.shown.append((self.getpos()[0], value))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.shown.append((self.getpos()[0], data))


def words_outside_the_catalogue(source: str) -> list[tuple[int, str]]:
    """(line, text) of every shown text in a template that holds a word and is not a message."""
    kept_lines = _JINJA.sub(lambda m: "\x00" + "\n" * m.group(0).count("\n"), source)
    parser = _Text()
    parser.feed(kept_lines)
    parser.close()
    found = []
    for line, text in parser.shown:
        words = [w for w in _WORD.findall(text) if w not in NOT_WORDS]
        if words:
            found.append((line, " ".join(text.replace("\x00", "…").split())))
    return found


def test_no_template_shows_a_word_outside_the_catalogue() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for line, text in words_outside_the_catalogue(path.read_text())
    ]
    assert not found, f"{len(found)} texts outside the catalogue (wrap them in _() or {{% trans %}}):\n" + "\n".join(
        found[:80]
    )


def test_the_checker_finds_text_and_lets_messages_pass() -> None:
    assert words_outside_the_catalogue("<p>Hello {{ name }}</p>") == [(1, "Hello …")]
    assert words_outside_the_catalogue('<input placeholder="Search">') == [(1, "Search")]
    assert words_outside_the_catalogue("<p>{{ _('Hello') }} {% trans %}Two words{% endtrans %}</p>") == []
    assert words_outside_the_catalogue("<script>var words = 1;</script><p>QR · 42U</p>") == []


def test_every_state_and_kind_has_its_word() -> None:
    """Every enum value dcops stores is shown through dcops.vocabulary, so each must be listed there."""
    import enum
    import importlib
    import pkgutil

    import dcops
    from dcops.auth.permissions import Perm
    from dcops.vocabulary import WORDS

    unlisted = []
    for module in pkgutil.walk_packages(dcops.__path__, "dcops."):
        if ".migrations" in module.name:
            continue
        mod = importlib.import_module(module.name)
        for obj in vars(mod).values():
            if isinstance(obj, type) and issubclass(obj, enum.Enum) and obj.__module__ == mod.__name__:
                if obj is Perm:  # permissions are never shown as words
                    continue
                unlisted += [f"{obj.__name__}.{m.name}" for m in obj if str(m.value).replace("_", " ") not in WORDS]
    assert not unlisted, "Enum values without a word in dcops/vocabulary.py: " + ", ".join(unlisted)
