"""Each app worker looks for a queued import once a second and runs what it claims, off the event loop."""

from __future__ import annotations

import asyncio
import logging
import time

import anyio.to_thread
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from dcops.interop import jobs
from dcops.settings import Settings

log = logging.getLogger("dcops.import")
IDLE = 1.0  # seconds between looks when nothing waits


CLEAN_EVERY = 3600.0  # seconds between removals of old uploads, per worker


async def job_loop(maker: sessionmaker[Session], settings: Settings) -> None:
    cleaned = 0.0
    while True:
        try:
            job_id = await anyio.to_thread.run_sync(jobs.claim, maker)
            if job_id is None:
                if time.monotonic() - cleaned > CLEAN_EVERY:
                    cleaned = time.monotonic()
                    await anyio.to_thread.run_sync(jobs.forget_files, maker)
                await asyncio.sleep(IDLE)
                continue
            await anyio.to_thread.run_sync(jobs.run, maker, job_id, settings.today())
        except SQLAlchemyError as exc:  # the database is away (or not migrated yet): look again later
            log.warning("import jobs not looked at: %s", exc)
            await asyncio.sleep(IDLE * 5)
