"""axe-core on every main page for each role, in English and in Dutch: no serious or critical violation of WCAG 2
A/AA (contrast included). And on the pages technicians and security touch, every tap target at least 44×44 px."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import _signed_in

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"

ROLES = {
    "admin": ("admin", "demo-admin-2026"),
    "account_manager": ("anna", "demo-account-2026"),
    "technician": ("tom", "demo-tech-2026"),
    "security": ("sara", "demo-security-2026"),
}
COMMON = ["/", "/sites", "/hardware", "/cables", "/relocations", "/scan", "/customers", "/contracts", "/search?q=srv"]
PAGES = {
    "admin": COMMON + ["/users", "/audit", "/import", "/invoices", "/compliance", "/visits", "/people", "/floor"],
    "account_manager": COMMON + ["/invoices", "/compliance", "/visits", "/people", "/floor", "/import"],
    "technician": COMMON + ["/visits", "/people", "/floor", "/relocations/today"],
    "security": ["/door", "/floor", "/visits", "/people", "/scan"],
}
FIRST_OF = ["/racks/", "/hardware/", "/customers/", "/visits/", "/cables/", "/relocations/"]


def _violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}});
            return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }"""
    )
    return list(found)


def _first_links(page) -> list[str]:  # type: ignore[no-untyped-def]
    """One detail page of each kind, reached the way a person would: the first link to it on the lists."""
    hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))")
    picked = []
    for prefix in FIRST_OF:
        match = next((h for h in hrefs if h.startswith(prefix) and h[len(prefix) :].isdigit()), None)
        if match:
            picked.append(match)
    return picked


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("role", list(ROLES))
def test_main_pages_have_no_serious_accessibility_violations(browser, live_server, role, language):
    username, password = ROLES[role]
    locale = "nl-NL" if language == "nl" else "en-GB"
    # axe is injected as an inline script: the CSP (tested on its own in test_csp.py) is bypassed for it
    landing = "/door" if role == "security" else "/"
    context, page = _signed_in(browser, live_server, username, password, landing, locale=locale, bypass_csp=True)
    try:
        problems: dict[str, list[str]] = {}
        seen: set[str] = set()
        queue = list(PAGES[role])
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            page.goto(path)
            assert page.locator("html").get_attribute("lang") == language
            if found := _violations(page):
                problems[path] = found
            if len(seen) <= len(PAGES[role]):
                queue += [p for p in _first_links(page) if p not in seen]
        assert not problems, "\n".join(f"{p}: {v}" for p, vs in problems.items() for v in vs)
    finally:
        context.close()


TARGETS = "a[href], button, input:not([type=hidden]), select, summary, label.choice"
SMALL_TARGETS = (
    "() => [...document.querySelectorAll('" + TARGETS + "')]"
    ".filter(e => e.offsetParent !== null && !e.closest('table.rack-grid'))"
    ".map(e => [e, e.getBoundingClientRect()])"
    ".filter(([e, r]) => r.width > 0 && (r.width < 43.5 || r.height < 43.5))"
    ".filter(([e, r]) => !(e.tagName === 'A' && e.closest('p, li, td') && getComputedStyle(e).display === 'inline'))"
    ".map(([e, r]) => `${e.tagName.toLowerCase()} \"${(e.innerText || e.value || e.name || '').trim().slice(0, 30)}\" `"
    " + `${Math.round(r.width)}x${Math.round(r.height)}`)"
)


@pytest.mark.parametrize(
    ("role", "paths"),
    [
        ("technician", ["/", "/sites", "/hardware", "/cables", "/relocations/today", "/scan", "/search?q=srv"]),
        ("security", ["/door", "/floor", "/visits"]),
    ],
)
def test_tap_targets_on_the_floor_are_at_least_44_px(browser, live_server, role, paths):
    """Links inside running text are exempt, as WCAG 2.5.8 exempts inline targets."""
    username, password = ROLES[role]
    landing = "/door" if role == "security" else "/"
    context, page = _signed_in(
        browser, live_server, username, password, landing, viewport={"width": 800, "height": 1280}
    )
    try:
        small = {}
        for path in paths:
            page.goto(path)
            if found := page.evaluate(SMALL_TARGETS):
                small[path] = found[:8]
        assert not small, "\n".join(f"{p}: {', '.join(v)}" for p, v in small.items())
    finally:
        context.close()
