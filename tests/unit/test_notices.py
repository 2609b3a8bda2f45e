"""The outbox's pure parts: where DCOPS_SMTP_URL points, the sender address, the backoff, the content hash (the R2
evidence), which SMTP refusals are final, and who receives each kind of message."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta

import pytest

from dcops.customers.contacts import unreached
from dcops.customers.models import Contact, ContactRole
from dcops.notices.addresses import SmtpTarget, check_sender, parse_smtp_url
from dcops.notices.content import content_hash
from dcops.notices.kinds import ROLE, MessageKind, kinds_of
from dcops.notices.sender import LONGEST_WAIT, MAX_ATTEMPTS, backoff
from dcops.notices.smtp import Outgoing, mime, permanent
from dcops.settings import Settings


def test_submission_with_a_user_is_starttls_on_587():
    t = parse_smtp_url("smtp://mailer:s%40cret@mail.example.com:587")
    assert t == SmtpTarget("mail.example.com", 587, False, "mailer", "s@cret")
    assert t.starttls_required and "s@cret" not in repr(t)


def test_a_user_without_a_port_is_587_and_without_a_user_25():
    assert parse_smtp_url("smtp://u:p@mail.example.com").port == 587
    local = parse_smtp_url("smtp://localhost")
    assert (local.port, local.username, local.starttls_required) == (25, None, False)


def test_smtps_is_implicit_tls_on_465():
    t = parse_smtp_url("smtps://u:p@mail.example.com")
    assert (t.port, t.implicit_tls, t.starttls_required) == (465, True, False)


def test_port_587_asks_for_starttls_even_without_a_user():
    assert parse_smtp_url("smtp://relay.example.com:587").starttls_required


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://mail.example.com", "smtp:// or smtps://"),
        ("smtp://", "no host"),
        ("smtp://mail.example.com:99999", "port"),
        ("smtp://user@mail.example.com", "without a password"),
    ],
)
def test_a_bad_smtp_url_says_what_is_wrong(url, says):
    with pytest.raises(ValueError, match=says):
        parse_smtp_url(url)


def test_settings_refuse_a_bad_smtp_url_or_sender_at_start(tmp_path):
    base = {"data_dir": tmp_path, "database_url": "unused://", "secret_key": "s" * 40}
    with pytest.raises(ValueError, match="DCOPS_SMTP_URL"):
        Settings(**base, smtp_url="mail.example.com")
    with pytest.raises(ValueError, match="DCOPS_MAIL_FROM"):
        Settings(**base, mail_from="not an address")
    env = Settings.from_env({"DCOPS_DATA_DIR": str(tmp_path), "DCOPS_SECRET_KEY": "s" * 40})
    assert (env.smtp_url, env.mail_from) == ("", "dcops@localhost")


def test_the_sender_may_carry_a_name_but_not_a_second_line():
    assert check_sender("Grave DC <noc@grave-dc.example>") == "noc@grave-dc.example"
    assert check_sender("dcops@localhost") == "dcops@localhost"
    for bad in ("", "noc", "a@b.example\r\nBcc: x@y.example"):
        with pytest.raises(ValueError):
            check_sender(bad)


def test_backoff_doubles_from_a_minute_up_to_an_hour():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(7) == backoff(MAX_ATTEMPTS) == LONGEST_WAIT
    assert sum((backoff(n) for n in range(1, MAX_ATTEMPTS)), timedelta()) < timedelta(hours=6)


def _facts(**changes):
    facts = {
        "kind": "visit_approved",
        "rule": "A1",
        "customer_id": 1,
        "recipients": [{"name": "Pieter Smit", "email": "ops@hh.example"}],
        "language": "nl",
        "subject": "Bezoek goedgekeurd",
        "body": "Geachte klant,\n",
        "message_id": "<1@dcops>",
        "related": ["visit", 7],
        "attachments": [("pass-1.png", "image/png", b"\x89PNG one")],
    }
    return {**facts, **changes}


def test_r2_the_content_hash_covers_recipients_text_and_attachment_bytes():
    """R2: the hash recorded in the audit log identifies exactly what was sent to whom."""
    first = content_hash(_facts())
    assert first == content_hash(dict(reversed(list(_facts().items()))))  # canonical: key order does not count
    assert len(first) == 64
    changed = [
        _facts(recipients=[{"name": "Pieter Smit", "email": "other@hh.example"}]),
        _facts(body="Geachte klant,\n\n"),
        _facts(language="en"),
        _facts(attachments=[("pass-1.png", "image/png", b"\x89PNG two")]),
        _facts(attachments=[]),
    ]
    assert all(content_hash(f) != first for f in changed)


def test_only_refusals_of_this_message_are_final():
    refused = smtplib.SMTPRecipientsRefused({"a@x.example": (550, b"no such user")})
    busy = smtplib.SMTPRecipientsRefused({"a@x.example": (450, b"mailbox busy")})
    assert permanent(refused) and not permanent(busy)
    assert permanent(smtplib.SMTPDataError(554, b"spam")) and not permanent(smtplib.SMTPDataError(451, b"later"))
    assert not permanent(ConnectionRefusedError()) and not permanent(smtplib.SMTPAuthenticationError(535, b"no"))


def test_every_kind_of_message_goes_to_one_role():
    assert set(ROLE) == set(MessageKind)
    assert ROLE[MessageKind.notice_of_default] is ROLE[MessageKind.policy_request] is ContactRole.billing
    assert ROLE[MessageKind.move_request] is ROLE[MessageKind.extra_work_estimate] is ContactRole.technical
    assert kinds_of(ContactRole.access) == [
        MessageKind.visit_approved,
        MessageKind.visit_refused,
        MessageKind.visit_cancelled,
        MessageKind.pass_reissued,
    ]


def test_the_roles_no_contact_has_are_the_messages_that_reach_nobody():
    billing = Contact(name="Finance", email="f@x.example", roles=[ContactRole.billing])
    tech = Contact(name="NOC", email="n@x.example", roles=[ContactRole.technical, ContactRole.billing])
    assert unreached([billing, tech]) == [(ContactRole.access, kinds_of(ContactRole.access))]
    assert [r for r, _ in unreached([])] == list(ContactRole)


def test_the_mime_message_is_utf8_text_with_its_attachments_and_a_stable_message_id():
    out = Outgoing(
        recipients=[("Jörg Müller", "j@x.example"), ("NOC", "n@x.example")],
        subject="Ingebrekestelling: factuur F-1",
        body="Geachte heer Müller,\n",
        language="nl",
        message_id="<42@dcops.example>",
        created_at=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        attachments=[],
    )
    msg = mime(out, "Grave DC <noc@grave-dc.example>")
    assert msg["Message-ID"] == "<42@dcops.example>" and msg["Content-Language"] == "nl"
    assert [a.addr_spec for a in msg["To"].addresses] == ["j@x.example", "n@x.example"]
    assert msg["Date"] == "Tue, 01 Dec 2026 09:30:00 +0000"
    assert "Müller" in msg.get_content() and msg.get_content_charset() == "utf-8"
