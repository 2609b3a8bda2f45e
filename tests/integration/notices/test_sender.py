"""The outbox against a real SMTP server (aiosmtpd, started here): what arrives is in the customer's language, to the
contacts of the message's role, with each visitor's pass attached; with the server down messages wait, with their
attempts and backoff recorded, and go out once it is up; two senders racing deliver each message once. Every
delivery is in the audit log with its sender, recipients, time and content hash (R2). SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import ipaddress
import ssl
import threading
import time
from datetime import timedelta

import zxingcpp
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from litestar.testing import TestClient
from PIL import Image
from sqlalchemy import select

from dcops.access import people, visits
from dcops.access.keys import KeyRing
from dcops.access.schemas import ApproveIn, PersonIn, VisitIn
from dcops.app import create_app
from dcops.audit import AuditEvent
from dcops.cli import main
from dcops.clock import today
from dcops.customers.models import ContactRole
from dcops.db import make_engine, make_sessionmaker, utcnow
from dcops.notices import outbox, site
from dcops.notices.addresses import parse_smtp_url
from dcops.notices.kinds import MessageKind
from dcops.notices.models import MessageStatus, OutboxMessage
from dcops.notices.sender import LEASE, MAX_ATTEMPTS, Mailer, claim, send_due
from dcops.notices.smtp import Attachment
from dcops.racks.models import RackKind
from dcops.settings import Settings
from tests import factories

TZ = "Europe/Amsterdam"
SENDER = "Grave DC <noc@grave-dc.example>"
SECRET = "r" * 40  # one for the module: the pass signing key the first visit made is sealed under it


def mailer(server) -> Mailer:  # type: ignore[no-untyped-def]
    return Mailer(parse_smtp_url(server.url), SENDER)


def _bind(session) -> None:  # type: ignore[no-untyped-def]
    for f in factories.ALL:
        f._meta.sqlalchemy_session = session


def customer_with_contacts(maker, language="nl", roles=(ContactRole.billing,), extra=()):  # type: ignore[no-untyped-def]
    """A customer whose one contact has `roles`; `extra`: (name, email, roles) of more."""
    with maker() as s:
        _bind(s)
        customer = factories.CustomerFactory(language=language)
        factories.ContactFactory(
            customer=customer, name="Eva Mulder", email=f"eva{customer.id}@x.example", roles=list(roles)
        )
        for name, email, more in extra:
            factories.ContactFactory(customer=customer, name=name, email=email, roles=list(more))
        s.commit()
        return customer.id


def write(maker, customer_id, n=1, kind=MessageKind.notice_of_default):  # type: ignore[no-untyped-def]
    """n messages to the customer, committed; their ids."""
    with maker() as s:
        customer = s.get(factories.Customer, customer_id)
        ids = [
            outbox.enqueue(s, kind=kind, customer=customer, rule="S3", subject=f"Notice {i}", body=f"Text {i}\n",
                           actor="anna").id
            for i in range(n)
        ]  # fmt: skip
        s.commit()
    return ids


def messages(maker, ids):  # type: ignore[no-untyped-def]
    with maker() as s:
        return {m.id: m for m in s.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)))}


def events(maker, message_id):  # type: ignore[no-untyped-def]
    with maker() as s:
        stmt = select(AuditEvent).where(
            AuditEvent.object_type == "outbox message", AuditEvent.object_id == str(message_id)
        )
        return list(s.scalars(stmt.order_by(AuditEvent.seq)))


def approved_visit(maker, tmp_path, language):  # type: ignore[no-untyped-def]
    """A visit of two registered people approved through the service: its message to the access contact only."""
    settings = Settings(data_dir=tmp_path, database_url="unused://", secret_key=SECRET, base_url="https://dc.example")
    keys = KeyRing.from_settings(settings, maker)
    with maker() as s, site.use(settings):
        _bind(s)
        customer = factories.CustomerFactory(language=language)
        factories.ContactFactory(customer=customer, name="Pieter Smit", email=f"pieter{customer.id}@hh.example",
                                 roles=[ContactRole.access])  # fmt: skip
        factories.ContactFactory(customer=customer, name="Finance", email=f"fin{customer.id}@hh.example",
                                 roles=[ContactRole.billing])  # fmt: skip
        factories.ContractFactory(customer=customer)
        room = factories.RoomFactory()
        factories.RackFactory(room=room, kind=RackKind.private, customer=customer)  # K2: its own rack is there
        persons = [
            people.create_person(s, PersonIn(customer_id=customer.id, name=n, competence_confirmed_on=today()), "t",
                                 today())
            for n in ("Pieter Smit", "Jörg Müller")
        ]  # fmt: skip
        now = utcnow()
        body = VisitIn(
            customer_id=customer.id,
            purpose="Replace a disk",
            starts_at=now + timedelta(hours=1),
            ends_at=now + timedelta(hours=3),
            room_ids=[room.id],
            person_ids=[p.id for p in persons],
        )
        visit = visits.request_visit(s, body, "t", TZ)
        visits.approve(s, visit, ApproveIn(), "anna", today(), keys, TZ)
        codes = {p.person.name: (p.id, p.code) for p in visit.passes}
        message = outbox.about(s, "visit", visit.id)[0]
        s.commit()
        return message.id, codes, customer.id


def test_an_approved_visit_arrives_in_dutch_with_each_pass_as_a_png(real, smtp_server, tmp_path):
    server = smtp_server().start()
    message_id, codes, _ = approved_visit(real, tmp_path, "nl")
    report = send_due(real, mailer(server))
    assert report.sent == [message_id]
    [got] = server.inbox.received
    msg = got.message
    assert got.rcpt_tos == [a for a in got.rcpt_tos if a.startswith("pieter")] and len(got.rcpt_tos) == 1
    assert got.mail_from == "noc@grave-dc.example" and msg["From"].addresses[0].display_name == "Grave DC"
    assert msg["Subject"].startswith("Bezoek goedgekeurd: ") and msg["Content-Language"] == "nl"
    text = msg.get_body(("plain",)).get_content()
    assert "Uw bezoek is goedgekeurd." in text and "regels A1 en A2" in text
    assert "https://dc.example/passes/" in text  # the printable page, an absolute link
    pngs = [p for p in msg.iter_attachments() if p.get_content_type() == "image/png"]
    decoded = {zxingcpp.read_barcodes(Image.open(io.BytesIO(p.get_content())))[0].text for p in pngs}
    assert decoded == {code for _, code in codes.values()}  # each person's pass, as the door reads it
    (pieter, _), (jorg, _) = codes["Pieter Smit"], codes["Jörg Müller"]
    assert {p.get_filename() for p in pngs} == {f"pass-{pieter}-pieter-smit.png", f"pass-{jorg}-jorg-muller.png"}


def test_an_approved_visit_arrives_in_english_for_an_english_customer(real, smtp_server, tmp_path):
    server = smtp_server().start()
    approved_visit(real, tmp_path, "en")
    send_due(real, mailer(server))
    [got] = server.inbox.received
    assert got.message["Subject"].startswith("Visit approved: ") and got.message["Content-Language"] == "en"
    assert "Your visit has been approved." in got.message.get_body(("plain",)).get_content()


def test_r2_delivery_is_audited_with_sender_recipients_time_and_content_hash(real, smtp_server):
    """R2: the audit log holds, for the message written and for the message the server accepted, who it went to and
    the hash of what it said; the two hashes are the same."""
    server = smtp_server().start()
    cid = customer_with_contacts(real, extra=[("Finance", "finance@x.example", [ContactRole.billing])])
    [mid] = write(real, cid)
    send_due(real, mailer(server))
    sent = messages(real, [mid])[mid]
    written, delivered = events(real, mid)
    assert written.action == "enqueue message" and delivered.action == "send message"
    assert written.data["content_hash"] == delivered.data["content_hash"] == sent.content_hash
    assert sorted(delivered.data["recipients"]) == sorted(sent.addresses) == sorted(server.inbox.received[0].rcpt_tos)
    assert delivered.data["sender"] == SENDER and delivered.data["server_reply"] == "250 2.0.0 Ok: queued as TEST"
    assert delivered.data["sent_at"] == sent.sent_at.isoformat() and delivered.data["message_id"] == sent.message_id
    assert sent.status is MessageStatus.sent and sent.server_reply == "250 2.0.0 Ok: queued as TEST"


def test_with_the_server_down_messages_wait_with_backoff_and_go_once_it_is_up(real, smtp_server):
    server = smtp_server()  # not started: the port refuses connections
    ids = write(real, customer_with_contacts(real), 2)
    now = utcnow()
    report = send_due(real, mailer(server), now)
    assert sorted(report.failed) == ids and report.sent == []
    for m in messages(real, ids).values():
        assert (m.status, m.attempts, m.sent_at) == (MessageStatus.waiting, 1, None)
        assert m.next_attempt_at == now + timedelta(minutes=1) and "Connection" in m.last_error
    assert events(real, ids[0])[-1].data["next_attempt_at"] == (now + timedelta(minutes=1)).isoformat()
    assert send_due(real, mailer(server), now + timedelta(seconds=30)).claimed == 0  # not before its backoff

    second = now + timedelta(seconds=61)
    assert sorted(send_due(real, mailer(server), second).failed) == ids  # still down: 2 minutes next
    assert {m.attempts for m in messages(real, ids).values()} == {2}
    assert {m.next_attempt_at for m in messages(real, ids).values()} == {second + timedelta(minutes=2)}

    server.start()
    up = second + timedelta(minutes=2)
    assert sorted(send_due(real, mailer(server), up).sent) == ids
    assert send_due(real, mailer(server), up + timedelta(hours=2)).claimed == 0  # sent is sent: never again
    assert sorted(server.inbox.message_ids()) == sorted(m.message_id for m in messages(real, ids).values())
    assert {(m.status, m.attempts, m.last_error) for m in messages(real, ids).values()} == {
        (MessageStatus.sent, 3, None)
    }


def test_two_senders_racing_deliver_each_message_once(real, real_url, smtp_server):
    """Two workers (each with its own engine, as two processes) claim batches of two at once until nothing is due."""
    server = smtp_server().start()
    ids = write(real, customer_with_contacts(real), 12)
    engines = [make_engine(real_url) for _ in range(2)]
    start = threading.Barrier(2)
    reports: list[list[int]] = [[], []]

    def sender(n: int) -> None:
        maker = make_sessionmaker(engines[n])
        start.wait()
        while (report := send_due(maker, mailer(server), limit=2)).claimed:
            reports[n] += report.sent

    threads = [threading.Thread(target=sender, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for e in engines:
        e.dispose()
    assert sorted(reports[0] + reports[1]) == ids  # each once, between them
    received = server.inbox.message_ids()
    assert len(received) == len(set(received)) == 12
    assert {m.attempts for m in messages(real, ids).values()} == {1}


def test_a_claim_holds_a_message_for_its_sender_until_the_lease_ends(real):
    ids = write(real, customer_with_contacts(real), 3)
    now = utcnow()
    first, mine = claim(real, now, limit=2)
    second, rest = claim(real, now, limit=2)
    assert mine == ids[:2] and rest == ids[2:] and first != second
    assert claim(real, now + timedelta(seconds=10))[1] == []
    _, again = claim(real, now + LEASE)  # that sender died: its messages are anyone's again
    assert again == ids


def test_a_recipient_the_server_refuses_for_good_fails_at_once_and_is_retried_by_hand(real, smtp_server):
    server = smtp_server().start()
    cid = customer_with_contacts(real)
    [mid] = write(real, cid)
    server.inbox.refuse = {messages(real, [mid])[mid].addresses[0]}
    assert send_due(real, mailer(server)).failed == [mid]
    failed = messages(real, [mid])[mid]
    assert (failed.status, failed.attempts, failed.next_attempt_at) == (MessageStatus.failed, 1, None)
    assert "550 5.1.1 No such user here" in failed.last_error
    with real() as s:
        outbox.retry(s, s.get(OutboxMessage, mid), "anna")
        s.commit()
    server.inbox.refuse = set()
    assert send_due(real, mailer(server)).sent == [mid]
    assert [e.action for e in events(real, mid)] == [
        "enqueue message",
        "message not delivered",
        "retry message",
        "send message",
    ]


def test_one_refused_recipient_of_two_is_recorded_and_the_other_receives_it(real, smtp_server):
    server = smtp_server().start()
    cid = customer_with_contacts(real, extra=[("Finance", "gone@x.example", [ContactRole.billing])])
    [mid] = write(real, cid)
    server.inbox.refuse = {"gone@x.example"}
    assert send_due(real, mailer(server)).sent == [mid]
    sent = messages(real, [mid])[mid]
    assert sent.status is MessageStatus.sent and "gone@x.example: 550" in sent.last_error
    assert server.inbox.received[0].rcpt_tos == [a for a in sent.addresses if a != "gone@x.example"]
    assert events(real, mid)[-1].data["refused"] == {"gone@x.example": "550 5.1.1 No such user here"}


def test_after_the_last_attempt_a_message_stays_failed(real, smtp_server):
    server = smtp_server()
    [mid] = write(real, customer_with_contacts(real))
    with real() as s:
        s.get(OutboxMessage, mid).attempts = MAX_ATTEMPTS - 1
        s.commit()
    assert send_due(real, mailer(server)).failed == [mid]
    gave_up = messages(real, [mid])[mid]
    assert (gave_up.status, gave_up.attempts, gave_up.next_attempt_at) == (MessageStatus.failed, MAX_ATTEMPTS, None)
    assert events(real, mid)[-1].data["gave_up"] is True


def test_a_changed_stored_message_is_not_sent(real, smtp_server):
    server = smtp_server().start()
    [mid] = write(real, customer_with_contacts(real))
    with real() as s:
        s.get(OutboxMessage, mid).body = "Something else\n"
        s.commit()
    assert send_due(real, mailer(server)).failed == [mid]
    assert server.inbox.received == [] and "content hash" in messages(real, [mid])[mid].last_error


def _self_signed() -> tuple[bytes, bytes]:
    """A certificate for 127.0.0.1 and its key, both PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem, key_pem


def test_with_a_user_it_signs_in_over_starttls_and_never_in_clear_text(real, smtp_server, tmp_path):
    pem, key_pem = _self_signed()
    (tmp_path / "cert.pem").write_bytes(pem)
    (tmp_path / "key.pem").write_bytes(key_pem)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    logins: list[tuple[bytes, bool]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        logins.append((auth_data.login, session.ssl is not None))
        return AuthResult(success=auth_data.password == b"s3cret")

    [mid] = write(real, customer_with_contacts(real))
    plain = smtp_server().start(authenticator=authenticator, auth_require_tls=False)
    url = f"smtp://mailer:s3cret@127.0.0.1:{plain.port}"
    assert send_due(real, Mailer(parse_smtp_url(url), SENDER)).failed == [mid]  # no STARTTLS offered: no password
    assert "STARTTLS" in messages(real, [mid])[mid].last_error and logins == []

    secure = smtp_server().start(tls_context=server_tls, require_starttls=True, authenticator=authenticator)
    trusting = ssl.create_default_context(cadata=pem.decode())
    url = f"smtp://mailer:s3cret@127.0.0.1:{secure.port}"
    assert send_due(real, Mailer(parse_smtp_url(url), SENDER, trusting), utcnow() + timedelta(minutes=2)).sent == [mid]
    assert logins == [(b"mailer", True)] and len(secure.inbox.received) == 1


def test_the_command_sends_what_is_due_once(real, real_url, smtp_server, tmp_path, monkeypatch):
    server = smtp_server().start()
    ids = write(real, customer_with_contacts(real), 2)
    monkeypatch.setenv("DCOPS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DCOPS_DATABASE_URL", real_url)
    monkeypatch.delenv("DCOPS_SMTP_URL", raising=False)
    refused = CliRunner().invoke(main, ["outbox", "send", "--once"])
    assert refused.exit_code == 1 and "DCOPS_SMTP_URL is not set" in refused.output
    monkeypatch.setenv("DCOPS_SMTP_URL", server.url)
    monkeypatch.setenv("DCOPS_MAIL_FROM", SENDER)
    done = CliRunner().invoke(main, ["outbox", "send", "--once"])
    assert done.exit_code == 0 and "2 sent, 0 not delivered" in done.output
    assert sorted(server.inbox.message_ids()) == sorted(m.message_id for m in messages(real, ids).values())


def test_the_app_delivers_in_the_background_when_a_mail_server_is_set(real, real_url, smtp_server, tmp_path):
    server = smtp_server().start()
    [mid] = write(real, customer_with_contacts(real))
    settings = Settings(
        data_dir=tmp_path, database_url=real_url, secret_key=SECRET, smtp_url=server.url, mail_from=SENDER
    )
    with TestClient(create_app(settings)):  # its lifespan starts the sender beside the import jobs
        deadline = time.monotonic() + 20
        # Delivered, and then recorded as sent: the sender writes that down a moment after the server took it.
        while messages(real, [mid])[mid].status is not MessageStatus.sent and time.monotonic() < deadline:
            time.sleep(0.1)
    assert len(server.inbox.received) == 1 and messages(real, [mid])[mid].status is MessageStatus.sent


def test_without_a_mail_server_the_app_leaves_messages_waiting(real, real_url, tmp_path):
    [mid] = write(real, customer_with_contacts(real))
    settings = Settings(data_dir=tmp_path, database_url=real_url, secret_key=SECRET)
    with TestClient(create_app(settings)):
        time.sleep(1.5)
    waiting = messages(real, [mid])[mid]
    assert (waiting.status, waiting.attempts) == (MessageStatus.waiting, 0)


def test_attachments_are_sent_with_their_own_type(real, smtp_server):
    server = smtp_server().start()
    cid = customer_with_contacts(real, roles=[ContactRole.technical])
    with real() as s:
        customer = s.get(factories.Customer, cid)
        pdf = Attachment("estimate.pdf", "application/pdf", b"%PDF-1.4 estimate")
        outbox.enqueue(s, kind=MessageKind.extra_work_estimate, customer=customer, rule="M1", subject="Estimate",
                       body="Estimate\n", attachments=[pdf], actor="anna")  # fmt: skip
        s.commit()
    send_due(real, mailer(server))
    [part] = server.inbox.received[0].message.iter_attachments()
    assert (part.get_content_type(), part.get_filename(), part.get_content()) == (
        "application/pdf",
        "estimate.pdf",
        b"%PDF-1.4 estimate",
    )
