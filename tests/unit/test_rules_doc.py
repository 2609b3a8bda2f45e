"""docs/rules.md stays true: every rule ID of the terms is there, every enforced rule names the pure function that
decides it and the tests that prove it, and each of those exists and names the rule. Reads files only: no database."""

from __future__ import annotations

import ast
import importlib
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "rules.md"

# Every rule ID of the terms as rules (RULES.md, kept outside the repo), in its order.
ALL_RULES = (
    *(f"S{n}" for n in range(1, 7)),
    *(f"D{n}" for n in range(1, 4)),
    *(f"K{n}" for n in range(1, 11)),
    *(f"A{n}" for n in range(1, 8)),
    *(f"R{n}" for n in range(1, 5)),
    *(f"C{n}" for n in range(1, 6)),
    *(f"M{n}" for n in range(1, 3)),
    *(f"P{n}" for n in range(1, 8)),
)

# Rules not built yet. Each issue that builds one removes its IDs here and gives the rule its
# "Decided by", "Applied in" and "Tested by" lines in docs/rules.md in the same change.
NOT_YET_ENFORCED = {
    "C1",  # contract term, renewal, notice
    "C2",  # suspension and dissolution
    "C3",  # everything due at the end
    "C4",  # hardware out before the end date
    "C5",  # exit support; erasure when the last contract ends
}

ENFORCED = [r for r in ALL_RULES if r not in NOT_YET_ENFORCED]

HEADING = re.compile(r"^### ([A-Z]\d+) — \S.*$", re.MULTILINE)
FUNCTION = re.compile(r"`(dcops(?:\.\w+)+)`")
TEST = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


@cache
def sections() -> dict[str, list[str]]:
    """Each rule's section, as its lines (bullets continued on indented lines are joined)."""
    text = DOC.read_text(encoding="utf-8")
    heads = list(HEADING.finditer(text))
    found: dict[str, list[str]] = {}
    for head, nxt in zip(heads, [*heads[1:], None], strict=True):
        body = text[head.end() : nxt.start() if nxt else len(text)]
        lines: list[str] = []
        for line in body.splitlines():
            if line.startswith("  ") and lines and lines[-1].startswith("- "):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line)
        found.setdefault(head.group(1), []).append("\n".join(lines))
    return {rule: "\n".join(parts).splitlines() for rule, parts in found.items()}


def field(rule: str, name: str) -> str | None:
    prefix = f"- {name}:"
    matches = [line[len(prefix) :].strip() for line in sections().get(rule, []) if line.startswith(prefix)]
    assert len(matches) <= 1, f"{rule} has {len(matches)} '{name}' lines"
    return matches[0] if matches else None


def resolve(dotted: str) -> object:
    """Import the longest module prefix of `dotted`, then walk the attributes that remain."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            assert hasattr(obj, attr), f"{dotted} does not exist"
            obj = getattr(obj, attr)
        return obj
    raise AssertionError(f"{dotted} does not exist")


def mentions(rule: str, test_name: str, *texts: str) -> bool:
    """The rule ID as written in prose (K10, not K1 of K10), or as a word of the test's name (test_k10_...)."""
    as_written = re.compile(rf"(?<![A-Za-z0-9]){rule}(?!\d)")
    return rule.lower() in test_name.split("_") or any(as_written.search(t) for t in texts)


@cache
def sources_of(path: str) -> tuple[str, dict[str, str]]:
    """A test module's docstring and, per top-level test function, its source with decorators and docstring."""
    source = (ROOT / path).read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.splitlines()
    functions = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            functions[node.name] = "\n".join(lines[first - 1 : node.end_lineno])
    return ast.get_docstring(tree) or "", functions


def test_every_rule_has_exactly_one_section_and_no_other():
    heads = HEADING.findall(DOC.read_text(encoding="utf-8"))
    missing = [r for r in ALL_RULES if r not in heads]
    twice = sorted({r for r in heads if heads.count(r) > 1})
    unknown = sorted(set(heads) - set(ALL_RULES))
    assert (missing, twice, unknown) == ([], [], []), "missing, duplicated, unknown rule sections in docs/rules.md"


def test_the_rules_not_yet_enforced_are_exactly_the_known_ones():
    marked = {r for r in sections() if field(r, "Status") == "not yet enforced"}
    assert marked == NOT_YET_ENFORCED
    other = {r: field(r, "Status") for r in sections() if field(r, "Status") not in (None, "not yet enforced")}
    assert other == {}, "a Status line says 'not yet enforced' or is left out"


@pytest.mark.parametrize("rule", ENFORCED)
def test_an_enforced_rule_says_where_it_is_decided_applied_and_tested(rule):
    assert field(rule, "Decided by"), f"{rule}: no 'Decided by' line"
    assert field(rule, "Applied in"), f"{rule}: no 'Applied in' line"
    assert field(rule, "Tested by"), f"{rule}: no 'Tested by' line"


@pytest.mark.parametrize("rule", ENFORCED)
def test_an_enforced_rule_names_pure_functions_that_exist(rule):
    names = FUNCTION.findall(field(rule, "Decided by") or "")
    assert names, f"{rule}: 'Decided by' names no function"
    assert any(n.startswith("dcops.terms.") for n in names), f"{rule}: no function in dcops.terms"
    for name in names:
        assert callable(resolve(name)), f"{rule}: {name} is not callable"


@pytest.mark.parametrize("rule", ENFORCED)
def test_an_enforced_rule_names_tests_that_exist_and_cite_it(rule):
    named = TEST.findall(field(rule, "Tested by") or "")
    assert named, f"{rule}: 'Tested by' names no test"
    for path, name in named:
        assert (ROOT / path).is_file(), f"{rule}: {path} does not exist"
        module_doc, functions = sources_of(path)
        assert name in functions, f"{rule}: {path} defines no {name}"
        assert mentions(rule, name, functions[name], module_doc), f"{rule}: {path}::{name} does not mention {rule}"


@pytest.mark.parametrize("rule", sorted(NOT_YET_ENFORCED))
def test_whatever_a_rule_not_yet_enforced_names_exists(rule):
    """A rule not built yet may still say what exists today; names given as fields must resolve."""
    for name in FUNCTION.findall(field(rule, "Decided by") or ""):
        resolve(name)
    for path, name in TEST.findall(field(rule, "Tested by") or ""):
        assert name in sources_of(path)[1]
