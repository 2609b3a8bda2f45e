"""A real SMTP server (aiosmtpd) on a free local port, and a database of its own whose writes are committed, as the
sender's claims and deliveries are (several senders, each with its own connection)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, delete, func, select

from dcops import migrate
from dcops.audit import AuditEvent
from dcops.db import make_engine, make_sessionmaker
from dcops.notices.models import OutboxAttachment, OutboxMessage
from tests.conftest import _database_urls, _label, fresh_database


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """What the server accepted; `refuse`: addresses it answers 550 to."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        parsed = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 2.0.0 Ok: queued as TEST"

    def message_ids(self) -> list[str]:
        return [r.message["Message-ID"] for r in self.received]


@dataclass
class Server:
    port: int
    inbox: Inbox
    controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self, **kwargs) -> Server:  # type: ignore[no-untyped-def]
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server() -> Iterator[Callable[..., Server]]:
    """smtp_server() -> a server not started yet (so "down"), on a port nothing else listens on; .start() it."""
    made: list[Server] = []

    def make() -> Server:
        made.append(Server(free_port(), Inbox()))
        return made[-1]

    yield make
    for server in made:
        server.stop()


@pytest.fixture(scope="module", params=_database_urls(), ids=_label)
def real_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with fresh_database(request.param, tmp_path_factory.mktemp("outbox")) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def real(real_engine: Engine) -> Iterator:  # type: ignore[type-arg]
    """A session maker on the module's database. The messages a test left are removed after it, with the audit events
    it added (the chain's tail: what is left still verifies), so the next test starts with an empty outbox."""
    maker = make_sessionmaker(real_engine)
    with maker() as s:
        last = s.scalar(select(func.max(AuditEvent.seq))) or 0
    yield maker
    with maker() as s:
        s.execute(delete(OutboxAttachment))
        s.execute(delete(OutboxMessage))
        s.execute(delete(AuditEvent).where(AuditEvent.seq > last))
        s.commit()


@pytest.fixture
def real_url(real_engine: Engine) -> str:
    return real_engine.url.render_as_string(hide_password=False)
