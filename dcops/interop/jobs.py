"""Imports from the Import page run in the background, so the browser may close: a job is queued with its files,
one worker claims it (an UPDATE only one of several workers can win), runs it and reports how far it got while it
runs. A job whose worker gave no sign of life for STALE (the process died) is claimed again by another."""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import OperationalError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from dcops import audit, i18n
from dcops.db import begin_write, utcnow
from dcops.documents import clean_name
from dcops.errors import ValidationFailed
from dcops.i18n import N_, _
from dcops.interop import devicetypes, netbox
from dcops.interop.models import ImportFile, ImportJob, JobStatus

log = logging.getLogger("dcops.import")
KINDS = {
    "netbox": N_("NetBox export (CSV, YAML, JSON, API pages)"),
    "devicetypes": N_("Device-type library files (YAML)"),
}
SUFFIXES = (".csv", ".json", ".yaml", ".yml")
MAX_FILES, MAX_TOTAL_BYTES = 100, 200_000_000
STALE = timedelta(seconds=60)
KEEP_FILES = timedelta(days=7)  # a job's uploaded files are removed this long after it finished
HEARTBEAT = 0.5  # seconds between progress writes


def parse_contracts(text: str) -> dict[str, str]:
    """`Tenant name=C-2026-001` lines into {tenant: contract number}; ValidationFailed naming the line."""
    found: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        tenant, sep, number = line.partition("=")
        if not sep or not tenant.strip() or not number.strip():
            raise ValidationFailed({"contracts": _("Line %(n)s: write TENANT=CONTRACT-NUMBER", n=n)})
        found[tenant.strip()] = number.strip()
    return found


def submit(
    db: Session, kind: str, files: list[tuple[str, bytes]], actor: str, *, dry_run: bool, contracts: dict[str, str]
) -> ImportJob:
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = _("Choose what the files are")
    names = [clean_name(name, fallback="import") for name, _ in files]  # no path, no control characters
    if not files:
        errors["files"] = _("Choose one or more files")
    elif len(files) > MAX_FILES:
        errors["files"] = _("At most %(n)s files at once", n=MAX_FILES)
    elif bad := [n for n in names if not n.lower().endswith(SUFFIXES)]:
        errors["files"] = _("%(names)s: only %(suffixes)s files", names=", ".join(bad), suffixes=", ".join(SUFFIXES))
    elif sum(len(c) for _, c in files) > MAX_TOTAL_BYTES:
        errors["files"] = _("More than %(n)s MB together: import in parts", n=MAX_TOTAL_BYTES // 1_000_000)
    if errors:
        raise ValidationFailed(errors)
    # The worker has no reader of its own: the report is written in the language of whoever queues the job.
    job = ImportJob(
        kind=kind, dry_run=dry_run, contracts=contracts, created_by=actor, report={"language": i18n.current()}
    )
    job.files = [ImportFile(name=n, content=c) for n, (_, c) in zip(names, files, strict=True)]
    db.add(job)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="queue import",
        object_type="import job",
        object_id=job.id,
        extra={"kind": kind, "dry_run": dry_run, "files": names},
    )
    return job


def again(db: Session, job: ImportJob, actor: str) -> ImportJob:
    """The same files for real, after a preview that found no problem."""
    files = [(f.name, f.content) for f in job.files]
    return submit(db, job.kind, files, actor, dry_run=False, contracts=dict(job.contracts))


def _claimable(now: datetime) -> Any:
    return or_(
        ImportJob.status == JobStatus.queued,
        and_(ImportJob.status == JobStatus.running, ImportJob.heartbeat_at < now - STALE),
    )


def claim(maker: sessionmaker[Session]) -> int | None:
    """The oldest job waiting (or left by a dead worker), now this worker's; None when there is none or another
    worker won it."""
    now = utcnow()
    with maker() as db:
        job_id = db.scalar(select(ImportJob.id).where(_claimable(now)).order_by(ImportJob.id).limit(1))
        if job_id is None:
            return None
        won = db.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id, _claimable(now))
            .values(status=JobStatus.running, started_at=now, heartbeat_at=now, done=0)
        )
        db.commit()
        return job_id if won.rowcount == 1 else None


def run(maker: sessionmaker[Session], job_id: int, today: date) -> None:
    """Run a claimed job to its end: the import in one transaction, committed only when it is no preview and found
    no problem; progress and the report written beside it."""
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        if time.monotonic() - last < HEARTBEAT and done < total:
            return
        last = time.monotonic()
        heartbeat(maker, job_id, done, total)

    with maker() as db:
        job = db.get(ImportJob, job_id)
        assert job is not None
        # The problems are written in the language of whoever queued the job (submit noted it in the report).
        language = (job.report or {}).get("language") or i18n.current()
        try:
            with i18n.use(language), tempfile.TemporaryDirectory(prefix="dcops-import-") as folder:
                paths = []
                for f in job.files:
                    path = Path(folder) / f"{len(paths):03d}" / f.name  # same names in one job stay apart
                    path.parent.mkdir()
                    path.write_bytes(f.content)
                    paths.append(path)
                report = _import(db, job, paths, today, progress) | {"language": language}
            if report["ok"] and not job.dry_run:
                db.commit()
            else:
                db.rollback()
            _finish(maker, job_id, JobStatus.done, report=report)
        except Exception as exc:  # noqa: BLE001 - whatever went wrong, the job says so and nothing is saved
            db.rollback()
            log.exception("import job %s failed", job_id)
            # A database error says what the driver said, not the statement and its values (those are in the log).
            said = exc.orig if isinstance(exc, StatementError) and exc.orig is not None else exc
            _finish(maker, job_id, JobStatus.failed, error=f"{type(said).__name__}: {said}")


def heartbeat(maker: sessionmaker[Session], job_id: int, done: int, total: int) -> None:
    """The job's progress, beside its import. Best effort: a write that cannot be made just now (another writer holds
    SQLite's lock past its wait) is left to the next beat, not the end of the import."""
    try:
        with maker() as side:
            side.execute(
                update(ImportJob).where(ImportJob.id == job_id).values(done=done, total=total, heartbeat_at=utcnow())
            )
            side.commit()
    except OperationalError as exc:
        log.warning("import job %s: progress not written this time: %s", job_id, exc.orig)


def _import(
    db: Session, job: ImportJob, paths: list[Path], today: date, progress: Callable[[int, int], None]
) -> dict[str, Any]:
    names = {str(p): p.name for p in paths}
    if job.kind == "devicetypes":
        progress(0, len(paths))
        result = devicetypes.import_library(db, paths, job.created_by)
        progress(len(paths), len(paths))
        problems = [
            {"file": names.get(p.file, p.file), "row": p.line, "field": p.field, "message": p.message, "rule": None}
            for p in result.problems
        ]
        return {"ok": result.ok, "counts": {"hardware types": dict(result.counts)}, "problems": problems}
    nb = netbox.import_files(db, paths, job.created_by, today, dict(job.contracts), progress, lambda: begin_write(db))
    problems = [asdict(p) | {"file": names.get(p.file, p.file)} for p in nb.problems]
    return {"ok": nb.ok, "counts": {k: dict(v) for k, v in nb.counts.items() if v}, "problems": problems}


def _finish(
    maker: sessionmaker[Session], job_id: int, status: JobStatus, report: Any = None, error: str | None = None
) -> None:
    with maker() as side:
        values: dict[str, Any] = {"status": status, "finished_at": utcnow(), "report": report, "error": error}
        side.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))
        side.commit()


def forget_files(maker: sessionmaker[Session]) -> int:
    """Remove the uploads of jobs that finished more than KEEP_FILES ago (the job and its report stay)."""
    finished = select(ImportJob.id).where(ImportJob.finished_at < utcnow() - KEEP_FILES)
    with maker() as db:
        removed = db.execute(delete(ImportFile).where(ImportFile.job_id.in_(finished))).rowcount
        db.commit()
    return removed


def recent(db: Session, limit: int = 20) -> list[ImportJob]:
    return list(db.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)))
