"""SMTP: the message as it goes out, and handing it to the server DCOPS_SMTP_URL names (dcops.notices.addresses).

`smtp://user:pass@host:587` submits with STARTTLS; `smtps://user:pass@host` (port 465) speaks TLS from the first
byte; `smtp://host:25` without a user is a local relay, spoken to in plain text unless it offers STARTTLS.
Credentials never cross a plain connection: with a user (or on port 587) a server that offers no STARTTLS is
refused rather than sent the password.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from dcops.notices.addresses import SmtpTarget

TIMEOUT = 30.0  # seconds for the connection and each reply


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Outgoing:
    """One message as the server receives it."""

    recipients: Sequence[tuple[str, str]]  # (name, address)
    subject: str
    body: str
    language: str
    message_id: str
    created_at: datetime
    attachments: Sequence[Attachment] = ()


def mime(message: Outgoing, sender: str) -> EmailMessage:
    """The RFC 5322 message: plain text in UTF-8, the attachments after it. Date is when it was written (enqueued):
    a retry sends the same message, with the same Message-ID, so a receiver can tell a repeat."""
    msg = EmailMessage(policy=policy.SMTP)
    name, address = parseaddr(sender)
    msg["From"] = Address(display_name=name, addr_spec=address)
    msg["To"] = [Address(display_name=n, addr_spec=a) for n, a in message.recipients]
    msg["Subject"] = message.subject
    msg["Date"] = format_datetime(message.created_at)
    msg["Message-ID"] = message.message_id
    msg.set_content(message.body)
    for a in message.attachments:
        maintype, _, subtype = a.content_type.partition("/")
        msg.add_attachment(a.content, maintype=maintype, subtype=subtype, filename=a.filename)
    msg["Content-Language"] = message.language  # after the content: setting it replaces the Content-* headers
    return msg


class NotEncrypted(smtplib.SMTPException):
    """The server offers no STARTTLS where the credentials or the port require it."""


def connect(target: SmtpTarget, timeout: float = TIMEOUT, context: ssl.SSLContext | None = None) -> smtplib.SMTP:
    """An open, greeted (and if asked, signed-in) connection; the caller quits it."""
    context = context or ssl.create_default_context()
    smtp: smtplib.SMTP
    if target.implicit_tls:
        smtp = smtplib.SMTP_SSL(target.host, target.port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(target.host, target.port, timeout=timeout)
    try:
        smtp.ehlo()
        if not target.implicit_tls:
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            elif target.starttls_required:
                raise NotEncrypted(f"{target.host}:{target.port} offers no STARTTLS; the password is not sent in clear")
        if target.username is not None:
            smtp.login(target.username, target.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


@dataclass(frozen=True)
class Accepted:
    reply: str  # the server's answer to the message itself, e.g. "250 2.0.0 Ok: queued as 4F2B1"
    refused: dict[str, str]  # recipients the server refused while it took the message for the others


def hand_over(smtp: smtplib.SMTP, message: EmailMessage, sender: str, recipients: Sequence[str]) -> Accepted:
    """smtplib's sendmail, keeping the server's reply to DATA (the evidence that it accepted the message).
    Raises as sendmail does: SMTPSenderRefused, SMTPRecipientsRefused (all refused), SMTPDataError."""
    data = message.as_bytes(policy=policy.SMTP)
    smtp.ehlo_or_helo_if_needed()
    options = [f"SIZE={len(data)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
    code, reply = smtp.mail(sender, options)
    if code != 250:
        _reset(smtp, code)
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for rcpt in recipients:
        code, reply = smtp.rcpt(rcpt)
        if code not in (250, 251):
            refused[rcpt] = (code, reply)
        if code == 421:
            smtp.close()
            raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(recipients):
        _reset(smtp, 0)
        raise smtplib.SMTPRecipientsRefused(refused)
    code, reply = smtp.data(data)
    if code != 250:
        _reset(smtp, code)
        raise smtplib.SMTPDataError(code, reply)
    return Accepted(_text(code, reply), {r: _text(*answer) for r, answer in refused.items()})


def _reset(smtp: smtplib.SMTP, code: int) -> None:
    if code == 421:
        smtp.close()
    else:
        smtp.rset()


def _text(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return f"{code} {' '.join(text.split())}"[:500]


def permanent(exc: BaseException) -> bool:
    """A refusal this message will meet again however often it is tried (5xx about its recipients or its content).
    Everything else (the server away, busy, 4xx, a sign-in or sender problem) is worth trying later. A ValueError
    is the message itself not forming (a header it cannot hold)."""
    if isinstance(exc, ValueError):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


def describe(exc: BaseException) -> str:
    """An error as the outbox shows it: what happened, in the server's own words where it said something."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{r}: {_text(*answer)}" for r, answer in exc.recipients.items())[:1000]
    if isinstance(exc, smtplib.SMTPResponseException):
        return _text(exc.smtp_code, exc.smtp_error)
    return f"{type(exc).__name__}: {exc}"[:1000]
