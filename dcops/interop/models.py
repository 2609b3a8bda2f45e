"""Imports run in the background: the job (what, by whom, how far, how it ended) and its uploaded files."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dcops.db import Base, StrEnumType, utcnow


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"  # ran to its end: `report` says whether it saved (ok) or listed problems
    failed = "failed"  # stopped by an error dcops did not expect; nothing saved


class ImportJob(Base):
    __tablename__ = "import_job"
    __table_args__ = (Index("ix_import_job_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # netbox | devicetypes
    dry_run: Mapped[bool] = mapped_column(default=True)  # a preview: checked and counted, nothing saved
    contracts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # tenant -> default contract number
    status: Mapped[JobStatus] = mapped_column(StrEnumType(JobStatus), default=JobStatus.queued)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    heartbeat_at: Mapped[datetime | None] = mapped_column()  # the running worker's last sign of life
    finished_at: Mapped[datetime | None] = mapped_column()
    done: Mapped[int] = mapped_column(default=0)  # rows checked so far
    total: Mapped[int] = mapped_column(default=0)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # language (from the start), counts, problems, ok
    error: Mapped[str | None] = mapped_column(Text)

    files: Mapped[list[ImportFile]] = relationship(cascade="all, delete-orphan", order_by="ImportFile.id")

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class ImportFile(Base):
    __tablename__ = "import_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_job.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
