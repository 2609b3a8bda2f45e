"""Where written notices go, as the settings give it: DCOPS_SMTP_URL and DCOPS_MAIL_FROM read and checked, and what
an e-mail address must look like. Apart from dcops.notices.smtp so the settings, read by every command, do not
load smtplib, ssl and the e-mail message classes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

# The WHATWG form of an e-mail address (ASCII), what the sender's must look like ("dcops@localhost" will do);
# a customer's contact's also has a dot in its domain.
_LOCAL, _LABEL = r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+", r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ADDRESS = re.compile(rf"^{_LOCAL}@{_LABEL}(?:\.{_LABEL})*$")
CONTACT_ADDRESS = re.compile(rf"^{_LOCAL}@{_LABEL}(?:\.{_LABEL})+$")


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    implicit_tls: bool  # smtps://: TLS from the start
    username: str | None = None
    password: str | None = None

    @property
    def starttls_required(self) -> bool:
        """A password never goes over a plain connection, and port 587 (submission) is always encrypted."""
        return not self.implicit_tls and (self.username is not None or self.port == 587)

    def __repr__(self) -> str:  # never the password, in a log or a traceback
        return f"SmtpTarget({'smtps' if self.implicit_tls else 'smtp'}://{self.host}:{self.port}, user={self.username})"


def parse_smtp_url(url: str) -> SmtpTarget:
    """DCOPS_SMTP_URL into where and how to connect; ValueError saying what is wrong (never echoing a password)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps"):
        raise ValueError("DCOPS_SMTP_URL must start with smtp:// or smtps://")
    if not parts.hostname:
        raise ValueError("DCOPS_SMTP_URL names no host")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError("DCOPS_SMTP_URL has a port that is not a number from 1 to 65535") from exc
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if username is not None and not password:
        raise ValueError("DCOPS_SMTP_URL names a user without a password (smtp://user:password@host)")
    if port is None:
        port = 465 if scheme == "smtps" else (587 if username else 25)
    return SmtpTarget(parts.hostname, port, scheme == "smtps", username, password)


def check_sender(value: str) -> str:
    """DCOPS_MAIL_FROM: "dcops@example.com" or "Grave DC <dcops@example.com>"; its address, or ValueError."""
    _name, address = parseaddr(value)
    if not ADDRESS.match(address) or "\n" in value or "\r" in value:
        raise ValueError("DCOPS_MAIL_FROM must be an e-mail address, e.g. dcops@example.com or 'Name <a@example.com>'")
    return address
