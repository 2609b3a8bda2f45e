"""Security's door screen in Chromium: a pass typed by a handheld scanner (keystrokes and Enter) is allowed,
a forged one and one of a customer put in default are denied with their reasons; the printed pass's QR
decodes to a pass that verifies."""

import io
from datetime import timedelta
from pathlib import Path

import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from dcops import clock
from dcops.access import codec
from dcops.access.keys import key_id
from dcops.access.models import Visit, VisitPass
from dcops.customers.models import Contract, Invoice
from dcops.db import make_engine, make_sessionmaker, utcnow


def _session(data: Path):
    return make_sessionmaker(make_engine(f"sqlite:///{data / 'dcops.sqlite3'}"))()


def _code(data: Path, purpose_start: str) -> tuple[int, str]:
    with _session(data) as s:
        vp = s.scalars(
            select(VisitPass)
            .join(Visit)
            .where(Visit.purpose.startswith(purpose_start), VisitPass.revoked_at.is_(None))
            .order_by(VisitPass.id.desc())
        ).first()
        return vp.id, vp.code


def _scan(page, text: str) -> None:
    """What a handheld scanner does: type into whatever has focus, then Enter."""
    page.keyboard.type(text, delay=0)
    page.keyboard.press("Enter")


def test_the_door_allows_a_scanned_pass_and_denies_forged_and_defaulting_ones(door, live_data):
    page = door
    page.goto("/door")
    page.get_by_role("button", name="ZAAL-A — Server room A").click()  # once per device: the door this screen is at
    page.locator("body").click(position={"x": 5, "y": 300})  # the officer taps elsewhere; focus comes back
    expect(page.locator("#code")).to_be_focused()

    _, code = _code(live_data, "Patch the new uplinks")
    _scan(page, code)
    result = page.locator(".door-result")
    expect(result).to_have_attribute("data-decision", "allow")
    expect(result).to_contain_text("ALLOW")
    expect(result).to_contain_text("Jan Jansen")
    expect(result).to_contain_text("Acme Networks")
    expect(result).to_contain_text("ESCORT REQUIRED")
    expect(page.locator("#code")).to_have_value("")  # ready for the next scan
    expect(page.locator("#code")).to_be_focused()

    forger = Ed25519PrivateKey.generate()
    now = utcnow()
    forged = codec.encode(
        codec.Claims(1, now - timedelta(hours=1), now + timedelta(hours=1), ("ZAAL-A",)),
        forger,
        key_id(forger.public_key()),
    )
    _scan(page, forged)
    expect(result).to_have_attribute("data-decision", "deny")
    expect(result).to_contain_text("DENY")
    expect(result).to_contain_text("Art. 13.1 (rule P1)")
    expect(result).to_contain_text("unknown key")
    expect(result).to_contain_text("Refuse; keep the pass; call the duty manager.")

    # Hollandse Hosting falls into default (an invoice 60 days old, unpaid) after its visit was approved.
    with _session(live_data) as s:
        contract = s.scalars(select(Contract).where(Contract.number == "C-2024-001")).one()
        day = clock.today() - timedelta(days=60)
        invoice = Invoice(
            number="F-E2E-DEFAULT",
            customer_id=contract.customer_id,
            contract_id=contract.id,
            issue_date=day,
            due_date=day + timedelta(days=14),
            amount_cents=100_00,
        )
        s.add(invoice)
        s.commit()
        try:
            _, code = _code(live_data, "Replace a failed disk")
            _scan(page, code)
            expect(result).to_have_attribute("data-decision", "deny")
            expect(result).to_contain_text("Pieter Smit")
            expect(result).to_contain_text("Art. 13.7 (rule A7)")
            expect(result).to_contain_text("Hollandse Hosting B.V. is in default since")
        finally:
            s.delete(invoice)
            s.commit()


def test_a_revoked_pass_lets_its_holder_out_but_no_hardware(door, live_data):
    """P7: the officer checks out a visitor whose pass was revoked, carrying an asset tag: the exit is recorded,
    the carry-out refused with P7 and the instruction, and the hardware stays where the records have it."""
    with _session(live_data) as s:
        old = s.scalars(
            select(VisitPass)
            .join(Visit)
            .where(Visit.purpose.startswith("Swap PDU cabling"), VisitPass.revoked_at.is_not(None))
        ).first()
        code = old.code
    page = door
    page.goto("/door")
    page.get_by_role("button", name="ZAAL-A — Server room A").click()
    page.click("#direction")  # the In/Out toggle, to Out
    page.fill("#asset_tags", "GRV-0027")
    page.locator("#code").focus()
    _scan(page, code)
    result = page.locator(".door-result")
    expect(result).to_have_attribute("data-decision", "deny")
    expect(result).to_contain_text("Exit recorded")
    expect(result).to_contain_text("Pieter Smit")
    carry = result.locator("table.carry")
    expect(carry).to_contain_text("GRV-0027")
    expect(carry).to_contain_text("REFUSED")
    expect(carry).to_contain_text("Art. 13.1 (rule P7)")
    expect(carry).to_contain_text("The pass was revoked")
    expect(carry).to_contain_text("Keep the hardware inside; call the account manager.")
    page.goto("/hardware?q=GRV-0027")
    expect(page.locator("table")).to_contain_text("installed")


def test_the_printed_pass_shows_a_qr_that_decodes_and_verifies(desk, live_data, live_keys):
    page = desk
    pass_id, code = _code(live_data, "Restore the cage partition")
    page.goto(f"/passes/{pass_id}")
    card = page.locator("#pass")
    expect(card).to_contain_text("VISITOR")
    expect(card).to_contain_text("Mark van Dijk")
    expect(card).to_contain_text("Brabant Cloud Services B.V.")
    qr = page.locator("#pass img.qr")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 35 * 96 / 25.4  # at least 35 mm at the CSS reference 96 dpi
    shot = Image.open(io.BytesIO(qr.screenshot(scale="device")))
    found = zxingcpp.read_barcodes(shot)
    assert [f.text for f in found] == [code]
    claims = codec.decode(found[0].text, live_keys.verifiers())
    assert claims.pass_id == pass_id and claims.rooms == ("ZAAL-A",)
    page.click("a:text-is('A6')")
    expect(page.locator("#pass")).to_have_class("pass a6")
