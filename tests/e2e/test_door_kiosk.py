"""The door screen as a kiosk, in Chromium: security lands on it, with no app menu; the door is chosen once per device
before a scan is taken (a scan before that says so); the focus is back on the scan field after every tap and answer;
one In/Out toggle that goes back to In after a check-out; the answer fills the screen, in AA contrast, with its own
sound; every tap target at least 44 px, in portrait and landscape; in English and in Dutch. And offline: the page
opens from the service worker, verifies passes itself on the door feed (a valid pass allowed, a forged one denied,
one revoked since the last-but-one feed denied), and the checks it queued reach the door log once it is back online.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from playwright.sync_api import expect
from sqlalchemy import select

from dcops.access import codec, visits
from dcops.access.keys import key_id
from dcops.access.models import DoorCheck, Visit, VisitPass
from dcops.db import make_engine, make_sessionmaker, utcnow
from tests.e2e.conftest import _signed_in

ZAAL_A = "ZAAL-A — Server room A"
PORTRAIT, LANDSCAPE = {"width": 800, "height": 1280}, {"width": 1280, "height": 800}

# The lowest contrast of any text in `selector` against what it stands on (WCAG 2 relative luminance), with the text.
CONTRAST = """(selector) => {
  const parse = (c) => {
    const p = c.match(/rgba?\\(([^)]+)\\)/)[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const blend = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a), a: 1,
  });
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.a > 0) { layers.push(c); if (c.a === 1) break; }
    }
    return layers.reverse().reduce((under, top) => blend(top, under), { r: 255, g: 255, b: 255, a: 1 });
  };
  const found = [];
  for (const el of document.querySelectorAll(selector + ", " + selector + " *")) {
    if (!Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    const bg = background(el);
    const fg = blend(parse(getComputedStyle(el).color), bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    found.push([(hi + 0.05) / (lo + 0.05), el.textContent.trim().slice(0, 40)]);
  }
  return found.sort((x, y) => x[0] - y[0])[0];
}"""

# Visible tap targets smaller than 44 by 44 CSS px.
SMALL_TARGETS = """() => Array.from(document.querySelectorAll("button, a, input:not([type=hidden]), textarea, select"))
  .filter((e) => e.offsetParent !== null)
  .map((e) => [e.id || e.className || e.tagName, e.getBoundingClientRect()])
  .filter(([, r]) => r.width < 44 || r.height < 44)
  .map(([name, r]) => `${name} ${Math.round(r.width)}x${Math.round(r.height)}`)"""


def _session(data: Path):
    return make_sessionmaker(make_engine(f"sqlite:///{data / 'dcops.sqlite3'}"))()


def _code(data: Path, purpose_start: str) -> str:
    with _session(data) as s:
        return s.scalars(
            select(VisitPass.code)
            .join(Visit)
            .where(Visit.purpose.startswith(purpose_start), VisitPass.revoked_at.is_(None))
            .order_by(VisitPass.id.desc())
        ).first()


def _forged() -> str:
    forger = Ed25519PrivateKey.generate()
    now = utcnow()
    claims = codec.Claims(1, now - timedelta(hours=1), now + timedelta(hours=1), ("ZAAL-A",))
    return codec.encode(claims, forger, key_id(forger.public_key()))


def _scan(page, text: str) -> None:
    """What a handheld scanner does: type into whatever has focus, then Enter."""
    page.keyboard.type(text, delay=0)
    page.keyboard.press("Enter")


def _check(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """A scan at a chosen door, and its answer on the screen."""
    before = int(page.locator("#result").get_attribute("data-answers") or 0)
    _scan(page, text)
    expect(page.locator("#result")).to_have_attribute("data-answers", str(before + 1))


@pytest.fixture
def kiosk(request, browser, live_server):  # type: ignore[no-untyped-def]
    """The door's tablet in the language of `request.param` (a browser locale), signed in as the demo officer."""
    context, page = _signed_in(
        browser, live_server, "sara", "demo-security-2026", "/door", viewport=LANDSCAPE, locale=request.param
    )
    yield page
    context.close()


@pytest.mark.parametrize("kiosk", ["en-GB", "nl-NL"], indirect=True)
def test_the_door_is_a_kiosk(kiosk, live_data, request):
    page = kiosk
    english = request.node.callspec.params["kiosk"].startswith("en")
    assert page.url.endswith("/door")  # security lands on the door
    expect(page.locator("html")).to_have_attribute("lang", "en" if english else "nl")
    expect(page.locator("header.top")).to_have_count(0)  # no app menu
    expect(page.locator(".door-bar")).to_be_visible()
    code, result, toggle = page.locator("#code"), page.locator("#result"), page.locator("#direction")

    # The door first: until then the screen says so, the scan field is off, and a scan is not lost silently.
    expect(page.locator("#door-choice")).to_be_visible()
    assert page.locator("#door-choice h1").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 32
    expect(code).to_be_disabled()
    assert page.evaluate(SMALL_TARGETS) == []
    _scan(page, _code(live_data, "Restore the cage partition"))
    expect(result.locator(".door-result")).to_have_attribute("data-decision", "none")
    if english:
        expect(result).to_contain_text("Choose the door first")
    page.get_by_role("button", name=ZAAL_A).click()
    expect(page.locator("#door-choice")).to_be_hidden()
    expect(page.locator("#door-name")).to_have_text(ZAAL_A)
    expect(code).to_be_enabled()
    expect(code).to_be_focused()
    page.reload()  # remembered on this device
    expect(page.locator("#door-name")).to_have_text(ZAAL_A)
    expect(code).to_be_focused()

    # Every tap gives the focus back to the scan field; the toggle shows the mode in colour and in words.
    blue = toggle.evaluate("e => getComputedStyle(e).backgroundColor")
    toggle.click()
    expect(toggle).to_have_attribute("data-mode", "out")
    expect(code).to_be_focused()
    expect(page.locator("#carry")).to_be_visible()
    assert page.evaluate(SMALL_TARGETS) == []
    assert toggle.evaluate("e => getComputedStyle(e).backgroundColor") != blue
    assert toggle.bounding_box()["height"] >= 44
    if english:
        expect(toggle).to_have_text("OUT — checking out")
    page.locator("#sound").click()
    expect(code).to_be_focused()
    page.locator("#sound").click()
    page.locator("body").click(position={"x": 5, "y": 790})
    expect(code).to_be_focused()

    # A check-out (leaving is never refused): the answer, then the toggle back to In.
    mark = _code(live_data, "Restore the cage partition")
    _check(page, mark)
    answer = result.locator(".door-result")
    expect(answer).to_have_attribute("data-decision", "allow")
    expect(answer).to_have_attribute("data-direction", "out")
    expect(toggle).to_have_attribute("data-mode", "in")
    expect(page.locator("#carry")).to_be_hidden()
    expect(code).to_be_focused()

    # ALLOW in: the person, company, customer, visit and window, with its sound.
    _check(page, mark)
    expect(answer).to_have_attribute("data-decision", "allow")
    expect(answer.locator(".who-name")).to_have_text("Mark van Dijk")
    expect(answer.locator(".who-org")).to_contain_text("Brabant Cloud Services B.V.")
    expect(answer.locator(".door-facts dd")).to_have_count(2)
    expect(answer.locator(".door-facts")).to_contain_text("Restore the cage partition")
    expect(result).to_have_attribute("data-sound", "allow")
    expect(code).to_be_focused()
    low, text = page.evaluate(CONTRAST, "#result .door-result")
    assert low >= 4.5, (low, text)
    box = answer.bounding_box()
    assert box["height"] >= 0.45 * LANDSCAPE["height"] and box["width"] >= 0.9 * (LANDSCAPE["width"] - 40)
    if english:
        expect(answer.locator(".verdict")).to_have_text("ALLOW")

    # DENY: every reason with its code, article and the instruction for the officer; another sound; muted: none.
    page.locator("#sound").click()
    _check(page, _forged())
    expect(answer).to_have_attribute("data-decision", "deny")
    expect(answer.locator(".reasons .rule")).to_contain_text("13.1")
    expect(answer.locator(".reasons .rule")).to_contain_text("P1")
    expect(answer.locator(".instruction")).to_be_visible()
    expect(result).to_have_attribute("data-sound", "muted")
    page.locator("#sound").click()
    _check(page, _forged())
    expect(result).to_have_attribute("data-sound", "deny")
    low, text = page.evaluate(CONTRAST, "#result .door-result")
    assert low >= 4.5, (low, text)
    if english:
        expect(answer.locator(".verdict")).to_have_text("DENY")
        expect(answer).to_contain_text("Refuse; keep the pass; call the duty manager.")

    # No camera on this device: said in the reader's language, with what to do instead; the focus back for the scanner.
    page.locator("#camera").click()
    expect(result.locator(".door-message")).to_contain_text(
        "No camera available here" if english else "Hier is geen camera beschikbaar"
    )
    expect(result.locator(".door-message")).to_contain_text("use the scanner" if english else "gebruik de scanner")
    expect(code).to_be_focused()

    # Tap targets and layout, landscape and portrait.
    for size in (LANDSCAPE, PORTRAIT):
        page.set_viewport_size(size)
        assert page.evaluate(SMALL_TARGETS) == []
        # no sideways scrolling once the page has laid itself out again for the new size
        page.wait_for_function("(w) => document.documentElement.scrollWidth <= w", arg=size["width"], timeout=3000)
        assert toggle.bounding_box()["width"] >= 0.9 * (size["width"] - 40)  # full width on a tablet

    # Leaving asks first, in a dialog; staying gives the focus back.
    page.locator("#leave").click()
    expect(page.locator("#leave-dialog")).to_be_visible()
    assert page.evaluate(SMALL_TARGETS) == []
    page.locator("#leave-stay").click()
    expect(page.locator("#leave-dialog")).to_be_hidden()
    expect(code).to_be_focused()
    _check(page, mark)  # out again: the demo's floor as it was
    expect(answer).to_have_attribute("data-decision", "deny")  # in mode: already inside (P6)
    toggle.click()
    _check(page, mark)
    expect(answer).to_have_attribute("data-direction", "out")
    page.locator("#leave").click()
    page.locator("#leave-floor").click()
    page.wait_for_url("**/floor")


@pytest.fixture
def offline_door(browser, live_server):  # type: ignore[no-untyped-def]
    context, page = _signed_in(
        browser, live_server, "sara", "demo-security-2026", "/door", viewport=PORTRAIT, locale="en-GB"
    )
    yield context, page
    context.set_offline(False)
    context.close()


def _refresh_feed(page) -> None:  # type: ignore[no-untyped-def]
    """A tap on the connection status reads the door feed again."""
    before = page.locator("html").get_attribute("data-door-feed") or ""
    page.locator("#door-status").click()
    expect(page.locator("html")).not_to_have_attribute("data-door-feed", before)


def test_the_door_keeps_working_offline(offline_door, live_data, live_keys):
    context, page = offline_door
    page.get_by_role("button", name=ZAAL_A).click()
    expect(page.locator("html")).to_have_attribute("data-door-offline", "ready", timeout=15_000)
    answer = page.locator("#result .door-result")
    mark = _code(live_data, "Restore the cage partition")
    page.locator("#direction").click()
    _check(page, mark)  # online, out: Mark is outside whatever earlier tests did
    expect(answer).to_have_attribute("data-direction", "out")
    expect(answer).not_to_have_attribute("data-offline", "true")

    # A pass revoked after the feed was read: the next feed says so.
    with _session(live_data) as s:
        vp = s.scalars(
            select(VisitPass)
            .join(Visit)
            .where(Visit.purpose.startswith("Replace a failed disk"), VisitPass.revoked_at.is_(None))
            .order_by(VisitPass.id.desc())
        ).first()
        revoked = vp.code
        _refresh_feed(page)
        visits.reprint(s, vp, "anna", live_keys)
        s.commit()
    _refresh_feed(page)

    context.set_offline(True)
    page.reload()  # the service worker opens the door page without the server
    expect(page.locator("#door-name")).to_have_text(ZAAL_A)
    expect(page.locator("html")).to_have_attribute("data-door-feed", re.compile("."))
    before = page.evaluate("document.documentElement.dataset.doorQueue")

    _check(page, mark)
    expect(answer).to_have_attribute("data-offline", "true")
    expect(answer).to_have_attribute("data-decision", "allow")
    expect(answer.locator(".door-offline")).to_contain_text("OFFLINE — feed of ")
    banner = answer.locator(".door-offline").inner_text()
    assert page.locator("#door-status").inner_text().split(" · ")[0] == banner  # the feed's time, the site's clock
    expect(answer.locator(".who-name")).to_have_text("Mark van Dijk")
    expect(answer).to_contain_text("A7 overridden by the account manager")
    expect(page.locator("#code")).to_be_focused()

    _check(page, mark)  # the entry this screen just let through counts (P6)
    expect(answer).to_have_attribute("data-decision", "deny")
    expect(answer).to_contain_text("(rule P6)")
    expect(answer).to_contain_text("Record the exit first, then scan again.")

    _check(page, _forged())
    expect(answer).to_have_attribute("data-decision", "deny")
    expect(answer).to_contain_text("(rule P1)")
    expect(answer).to_contain_text("unknown key")
    expect(answer).to_contain_text("OFFLINE — feed of ")

    _check(page, revoked)
    expect(answer).to_have_attribute("data-decision", "deny")
    expect(answer).to_contain_text("The pass was revoked")
    expect(answer).to_contain_text("Pieter Smit")

    _check(page, _code(live_data, "Quarterly maintenance"))  # a customer failing (A7), as the feed says
    expect(answer).to_have_attribute("data-decision", "deny")
    expect(answer).to_contain_text("(rule A7)")

    page.locator("#direction").click()
    page.fill("#asset_tags", "GRV-0027")
    page.locator("#code").focus()
    _check(page, mark)  # out, with hardware: the exit is recorded, the carry-out needs the server
    expect(answer).to_have_attribute("data-direction", "out")
    expect(answer).to_contain_text("Exit recorded")
    expect(answer.locator("table.carry")).to_contain_text("REFUSED")
    expect(answer.locator("table.carry")).to_contain_text("needs the server")
    expect(page.locator("#direction")).to_have_attribute("data-mode", "in")
    expect(page.locator("html")).to_have_attribute("data-door-queue", str(int(before or 0) + 6))
    expect(page.locator("#door-status")).to_contain_text("OFFLINE")

    # Back online: the queued checks are sent, once, and the door log shows them as decided offline.
    context.set_offline(False)
    expect(page.locator("html")).to_have_attribute("data-door-queue", "0", timeout=20_000)
    with _session(live_data) as s:
        offline = s.scalars(select(DoorCheck).where(DoorCheck.offline.is_(True)).order_by(DoorCheck.id)).all()[-6:]
    assert [(c.direction.value, c.decision.value, [r["rule"] for r in c.reasons]) for c in offline] == [
        ("in", "allow", []),
        ("in", "deny", ["P6"]),
        ("in", "deny", ["P1"]),
        ("in", "deny", ["P3"]),
        ("in", "deny", ["A7"]),
        ("out", "deny", ["P7"]),
    ]
    assert all(c.officer == "sara" and c.feed_at is not None for c in offline)
    assert [c.person_name for c in offline] == [
        "Mark van Dijk", "Mark van Dijk", None, "Pieter Smit", "Johan Visser", "Mark van Dijk",
    ]  # fmt: skip
    page.goto("/door/log")
    expect(page.locator("table .badge.offline").first).to_be_visible()
    assert page.locator("table .badge.offline").count() >= 6


FEED_KEPT = """() => new Promise((resolve) => {
  const open = indexedDB.open("dcops-door");
  open.onsuccess = () => {
    const get = open.result.transaction("kv").objectStore("kv").get("feed");
    get.onsuccess = () => resolve(get.result !== undefined);
  };
})"""


def test_signing_out_at_the_door_leaves_no_visitors_names_on_the_device(offline_door):
    _, page = offline_door
    page.get_by_role("button", name=ZAAL_A).click()
    expect(page.locator("html")).to_have_attribute("data-door-offline", "ready", timeout=15_000)
    assert page.evaluate(FEED_KEPT) and page.evaluate("caches.has('dcops-door-v1')")
    page.locator("#leave").click()
    page.locator("#leave-signout button").click()
    page.wait_for_url("**/login")
    assert not page.evaluate(FEED_KEPT) and not page.evaluate("caches.has('dcops-door-v1')")
