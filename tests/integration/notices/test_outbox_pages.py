"""The Outbox page and API: for admins and account managers; lists with filters, pages and an empty state; one
message with its recipients, language, text, attachments to download, attempts and content hash; retry for a failed
one."""

from __future__ import annotations

import pytest

from dcops.auth.models import Role
from dcops.customers.models import ContactRole
from dcops.notices import outbox
from dcops.notices.kinds import MessageKind
from dcops.notices.models import MessageStatus
from dcops.notices.smtp import Attachment
from tests.factories import ContactFactory, CustomerFactory

PNG = b"\x89PNG\r\n\x1a\n pass"


@pytest.fixture
def letters(db):  # type: ignore[no-untyped-def]
    """Three messages: waiting (with a pass attached), failed (nobody to send it to), sent."""
    hollandse = CustomerFactory(name="Hollandse Hosting B.V.")
    ContactFactory(customer=hollandse, name="Pieter Smit", email="ops@hh.example", roles=[ContactRole.access])
    maasland = CustomerFactory(name="Maasland Logistiek B.V.", language="en")
    waiting = outbox.enqueue(
        db,
        kind=MessageKind.visit_approved,
        customer=hollandse,
        rule="A1",
        subject="Bezoek goedgekeurd: 02-12-2026 09:00 – 12:00",
        body="Geachte Hollandse Hosting B.V.,\n\nUw bezoek is goedgekeurd.\n",
        attachments=[Attachment("pass-7-pieter-smit.png", "image/png", PNG)],
        related=("visit", 7),
        actor="anna",
    )
    failed = outbox.enqueue(
        db, kind=MessageKind.visit_refused, customer=maasland, rule="D2", subject="Visit not approved", body="No.\n",
        actor="anna",
    )  # fmt: skip
    sent = outbox.enqueue(
        db, kind=MessageKind.policy_request, customer=hollandse, rule="K9", subject="Verzoek om uw verzekeringspolis",
        body="Graag uw polis.\n", actor="anna",
    )  # fmt: skip
    sent.recipients = [{"name": "Finance", "email": "finance@hh.example"}]
    sent.status, sent.attempts, sent.server_reply, sent.sender = MessageStatus.sent, 1, "250 Ok", "dcops@localhost"
    sent.sent_at, sent.next_attempt_at = sent.created_at, None
    db.flush()
    return waiting, failed, sent


def test_the_outbox_lists_and_filters_messages(login, letters):
    waiting, failed, sent = letters
    page = login(Role.account_manager)
    all_ = page.get("/outbox")
    assert all_.status_code == 200 and 'href="/outbox"' in all_.text  # in the nav
    assert all(f'href="/outbox/{m.id}"' in all_.text for m in letters)
    assert "No mail server is set" in all_.text  # the tests' app has no DCOPS_SMTP_URL
    only_failed = page.get("/outbox", params={"status": "failed"})
    assert f'href="/outbox/{failed.id}"' in only_failed.text and f'href="/outbox/{waiting.id}"' not in only_failed.text
    assert "nobody" in only_failed.text
    by_kind = page.get("/outbox", params={"kind": "policy_request"})
    assert f'href="/outbox/{sent.id}"' in by_kind.text and f'href="/outbox/{failed.id}"' not in by_kind.text
    by_customer = page.get("/outbox", params={"customer_id": failed.customer_id})
    assert f'href="/outbox/{failed.id}"' in by_customer.text and f'href="/outbox/{sent.id}"' not in by_customer.text
    paged = page.get("/outbox", params={"limit": 2})
    assert "1–2 of 3" in paged.text and "offset=2" in paged.text
    assert "No messages match." in page.get("/outbox", params={"status": "sent", "kind": "visit_refused"}).text
    assert page.get("/outbox", params={"status": "nonsense", "customer_id": "x"}).status_code == 200


def test_an_empty_outbox_says_what_fills_it(login):
    assert "No messages yet." in login(Role.admin).get("/outbox").text


def test_a_message_shows_who_it_went_to_its_text_attachments_and_hash(login, letters, db):
    waiting, failed, sent = letters
    page = login(Role.account_manager)
    shown = page.get(f"/outbox/{waiting.id}")
    assert "Pieter Smit &lt;ops@hh.example&gt;" in shown.text and "Nederlands" in shown.text
    assert "Uw bezoek is goedgekeurd." in shown.text and waiting.content_hash in shown.text
    assert "matches the stored message" in shown.text and 'href="/visits/7"' in shown.text
    assert "Retry now" not in shown.text and waiting.message_id.strip("<>") in shown.text
    download = page.get(f"/outbox/{waiting.id}/attachments/1")
    assert download.status_code == 200 and download.content == PNG
    assert (
        download.headers["content-type"] == "image/png"
        and "pass-7-pieter-smit.png" in download.headers["content-disposition"]
    )
    assert page.get(f"/outbox/{waiting.id}/attachments/2").status_code == 404

    nobody = page.get(f"/outbox/{failed.id}")
    assert "nobody: the customer has no contact with the access role" in nobody.text and "Retry now" in nobody.text
    assert "English" in nobody.text
    done = page.get(f"/outbox/{sent.id}")
    assert "250 Ok" in done.text and "dcops@localhost" in done.text

    waiting.body = "Changed afterwards\n"
    db.flush()
    assert "does not match: the stored message was changed" in page.get(f"/outbox/{waiting.id}").text


def test_retry_now_on_the_page(login, letters, db):
    waiting, failed, _ = letters
    page = login(Role.account_manager)
    r = page.form(f"/outbox/{failed.id}/retry", {})
    assert r.status_code == 200 and "has no contact with the access role" in r.text  # flashed, still failed
    ContactFactory(customer=failed.customer, roles=[ContactRole.access])
    r = page.form(f"/outbox/{failed.id}/retry", {})
    assert r.status_code == 200 and "The message is sent at the next attempt" in r.text
    db.refresh(failed)
    assert failed.status is MessageStatus.waiting and failed.recipients
    assert "waits already" in page.form(f"/outbox/{waiting.id}/retry", {}).text


def test_the_api_lists_shows_and_downloads(api, letters):
    waiting, failed, sent = letters
    am = api(Role.account_manager)
    body = am.get("/api/outbox").json()
    assert body["total"] == 3 and [m["id"] for m in body["items"]] == [sent.id, failed.id, waiting.id]
    assert [m["id"] for m in am.get("/api/outbox", params={"status": "failed"}).json()["items"]] == [failed.id]
    assert am.get("/api/outbox", params={"kind": "visit_approved"}).json()["total"] == 1
    assert am.get("/api/outbox", params={"customer_id": failed.customer_id}).json()["total"] == 1
    bad = am.get("/api/outbox", params={"status": "lost"})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
    one = am.get(f"/api/outbox/{waiting.id}").json()
    assert one["recipients"] == [{"name": "Pieter Smit", "email": "ops@hh.example"}] and one["intact"]
    assert one["attachments"] == [
        {"position": 1, "filename": "pass-7-pieter-smit.png", "content_type": "image/png", "size": len(PNG),
         "url": f"/api/outbox/{waiting.id}/attachments/1"}
    ]  # fmt: skip
    assert am.get(one["attachments"][0]["url"]).content == PNG
    assert am.get("/api/outbox/999999").status_code == 404
    assert am.post(f"/api/outbox/{sent.id}/retry").status_code == 409


@pytest.mark.parametrize("role", [Role.technician, Role.security])
def test_only_admins_and_account_managers_see_the_outbox(login, api, letters, role):
    waiting = letters[0]
    page = login(role)
    assert page.get("/outbox").status_code == 403 and 'href="/outbox"' not in page.get("/").text
    assert page.get(f"/outbox/{waiting.id}/attachments/1").status_code == 403
    assert api(role).get("/api/outbox").status_code == 403
    assert api(role).post(f"/api/outbox/{waiting.id}/retry").status_code == 403
    assert login(Role.admin).get(f"/outbox/{waiting.id}").status_code == 200


def test_the_customer_page_lists_its_messages_for_those_who_see_the_outbox(login, letters):
    waiting = letters[0]
    shown = login(Role.account_manager).get(f"/customers/{waiting.customer_id}")
    assert (
        f'href="/outbox/{waiting.id}"' in shown.text
        and f'href="/outbox?customer_id={waiting.customer_id}"' in shown.text
    )
    messages = shown.text.split('id="messages"', 1)[1]
    assert "<th>Customer</th>" not in messages  # the page is theirs: no column naming them on every row
    assert "<th>Customer</th>" in login(Role.account_manager).get("/outbox").text
    assert f'href="/outbox/{waiting.id}"' not in login(Role.technician).get(f"/customers/{waiting.customer_id}").text
