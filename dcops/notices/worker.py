"""With DCOPS_SMTP_URL set, each app worker delivers the outbox in the background, as imports run
(dcops.interop.worker): it looks for messages due every few seconds and sends them off the event loop."""

from __future__ import annotations

import asyncio
import logging

import anyio.to_thread
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from dcops.notices.sender import Mailer, send_due
from dcops.settings import Settings

log = logging.getLogger("dcops.outbox")
IDLE = 3.0  # seconds between looks when nothing was due


async def outbox_loop(maker: sessionmaker[Session], settings: Settings) -> None:
    mailer = Mailer.from_settings(settings)
    while True:
        try:
            report = await anyio.to_thread.run_sync(send_due, maker, mailer)
            if report.claimed:
                log.info("outbox: %s sent, %s not delivered", len(report.sent), len(report.failed))
                continue  # more may be due: look again at once
            await asyncio.sleep(IDLE)
        except SQLAlchemyError as exc:  # the database is away (or not migrated yet): look again later
            log.warning("outbox not looked at: %s", exc)
            await asyncio.sleep(IDLE * 5)
