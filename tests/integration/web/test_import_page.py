"""The Import page: upload, preview with every problem, import for real, all in background jobs that exactly one
worker claims, with progress while they run."""

import re
import sqlite3
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from dcops.auth.models import Role
from dcops.db import make_engine, make_sessionmaker, utcnow
from dcops.interop import jobs
from dcops.interop.models import ImportJob, JobStatus
from dcops.racks.models import Rack

SITES = b"name,slug\nImport Site,imp1\n"
LOCATIONS = b"site,name,slug\nImport Site,Hall 1,hall-1\n"
RACKS = b"site,location,name,u_height\nImport Site,Hall 1,IMP-01,42\nImport Site,Hall 1,IMP-02,47\n"


def upload(client, action="preview", kind="netbox", contracts="", files=None):  # type: ignore[no-untyped-def]
    files = files if files is not None else [("sites.csv", SITES), ("locations.csv", LOCATIONS), ("racks.csv", RACKS)]
    form = {"kind": kind, "action": action, "contracts": contracts, "_csrf_token": client.cookies["csrftoken"]}
    uploads = [("files", (name, content, "text/csv")) for name, content in files]
    return client.post("/import", data=form, files=uploads, follow_redirects=False)


def work(maker) -> int:  # type: ignore[no-untyped-def]
    """What a worker does: claim the next job and run it."""
    job_id = jobs.claim(maker)
    assert job_id is not None
    jobs.run(maker, job_id, date(2026, 11, 30))
    return job_id


def test_preview_then_import_in_the_background(login, db, maker):
    c = login(Role.account_manager)
    c.get("/import")
    r = upload(c)
    assert r.status_code == 303, r.text
    page = c.get(r.headers["location"]).text
    assert "waiting for a worker" in page and 'hx-trigger="every 1s"' in page  # polls until done
    preview = work(maker)
    page = c.get(f"/import/{preview}").text
    assert '<p class="alert success" role="status">No problems: this is what importing would do.</p>' in page
    assert "Import these files" in page
    assert re.search(r"<td>racks</td><td>2</td>", page)
    assert db.scalar(select(Rack.id).where(Rack.name == "IMP-01")) is None  # a preview saves nothing
    r = c.post(f"/import/{preview}/import", data={"_csrf_token": c.cookies["csrftoken"]}, follow_redirects=False)
    assert r.status_code == 303
    real = work(maker)
    assert "Imported." in c.get(f"/import/{real}").text
    db.expire_all()
    assert db.scalar(select(Rack.u_height).where(Rack.name == "IMP-02")) == 47
    listing = c.get("/import").text
    assert f'href="/import/{real}"' in listing and "preview" in listing


def test_a_preview_lists_every_problem_and_offers_no_import(login, db, maker):
    c = login(Role.admin)
    c.get("/import")
    bad = RACKS + b"Import Site,Nowhere,IMP-03,42\n"
    upload(c, files=[("sites.csv", SITES), ("locations.csv", LOCATIONS), ("racks.csv", bad)])
    job = work(maker)
    page = c.get(f"/import/{job}").text
    assert '<p class="alert error" role="alert">1 problem: nothing would be saved.</p>' in page
    assert "Import these files" not in page
    assert "<td>racks.csv</td><td>4</td><td>location</td>" in page
    r = c.post(f"/import/{job}/import", data={"_csrf_token": c.cookies["csrftoken"]})
    assert r.status_code == 422 and "no problem" in r.text


def test_bad_uploads_re_render_with_what_was_typed(login):
    c = login(Role.account_manager)
    c.get("/import")
    r = upload(c, files=[])
    assert r.status_code == 422 and "Choose one or more files" in r.text
    # Marked as every form marks a field: the alert above, the field outlined, its message under it.
    assert 'class="alert error"' in r.text and "Please correct the fields marked below." in r.text
    assert re.search(r'<div class="invalid">\s*<label for="f-files">', r.text)
    assert '<div class="field-error">Choose one or more files</div>' in r.text
    r = upload(c, files=[("notes.txt", b"x")], contracts="Acme B.V.=C-1")
    assert r.status_code == 422 and "only .csv" in r.text and "Acme B.V.=C-1" in r.text
    r = upload(c, contracts="just a tenant")
    assert r.status_code == 422 and "Line 1: write TENANT=CONTRACT-NUMBER" in r.text
    r = upload(c, kind="spreadsheet")
    assert r.status_code == 422 and "Choose what the files are" in r.text


def test_only_admins_and_account_managers_import(login):
    for role in (Role.technician, Role.security):
        c = login(role)
        assert c.get("/import").status_code == 403 and c.get("/import/fields").status_code == 403
        assert "/import" not in re.findall(r'href="(/import)"', c.get("/").text)
    assert 'href="/import"' in login(Role.account_manager).get("/").text


def test_the_import_page_shows_how_every_field_is_read(login):
    """The guide people importing need is the one in the repository (dcops/interop/import.md), in the app: they
    have the app, not a checkout. Its tables are tables, and its text is Markdown only (no raw HTML passes)."""
    c = login(Role.account_manager)
    assert 'href="/import/fields"' in c.get("/import").text
    page = c.get("/import/fields")
    assert page.status_code == 200
    assert "<h1>Bringing inventory in</h1>" in page.text
    assert "<td><code>port-mappings</code></td>" in page.text  # the 2026 shape of front ports, in its table
    assert "<th>NetBox field</th>" in page.text or "<th>Library field</th>" in page.text
    assert "written in English" not in page.text  # said only where the page is in another language


def test_one_worker_claims_a_job_and_a_dead_worker_s_job_is_taken_over(login, db, maker):
    c = login(Role.account_manager)
    c.get("/import")
    upload(c)
    first = jobs.claim(maker)
    assert first is not None and jobs.claim(maker) is None  # the second worker finds nothing left
    with maker() as s:  # the first worker died: no sign of life for longer than STALE
        s.execute(update(ImportJob).values(heartbeat_at=utcnow() - jobs.STALE * 2))
        s.commit()
    assert jobs.claim(maker) == first
    jobs.run(maker, first, date(2026, 11, 30))
    db.expire_all()
    job = db.get(ImportJob, first)
    assert job.status is JobStatus.done and job.report["ok"] and job.finished_at is not None


def test_a_database_error_says_what_the_driver_said_not_the_statement(login, maker, monkeypatch):
    c = login(Role.account_manager)
    c.get("/import")
    upload(c, action="import")

    def locked(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("UPDATE import_job SET done=?", (7,), sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(jobs.netbox, "import_files", locked)
    page = c.get(f"/import/{work(maker)}").text
    assert "saved nothing: OperationalError: database is locked" in page and "UPDATE import_job" not in page


def test_a_progress_write_that_cannot_be_made_is_left_to_the_next(tmp_path, monkeypatch):
    """Progress is written beside the import; when it cannot be (another writer holds SQLite's lock past its wait:
    here, a database without the table) the import goes on, and the next beat writes it."""
    warned: list[str] = []
    monkeypatch.setattr(jobs.log, "warning", lambda message, *args: warned.append(message % args))
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    jobs.heartbeat(make_sessionmaker(engine), 1, 5, 10)
    engine.dispose()
    assert warned == ["import job 1: progress not written this time: no such table: import_job"]


def test_an_unexpected_error_fails_the_job_and_saves_nothing(login, db, maker, monkeypatch):
    c = login(Role.account_manager)
    c.get("/import")
    upload(c, action="import")

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jobs.netbox, "import_files", broken)
    job = work(maker)
    page = c.get(f"/import/{job}").text
    assert 'role="alert">The import stopped on an error and saved nothing: RuntimeError: disk on fire' in page
    assert db.scalar(select(Rack.id).where(Rack.name == "IMP-01")) is None


def test_odd_requests_get_a_clear_4xx(login):
    c = login(Role.admin)
    c.get("/import")
    token = c.cookies["csrftoken"]
    r = c.post("/import", data={"kind": "netbox", "action": "preview", "_csrf_token": token}, follow_redirects=False)
    assert r.status_code == 422 and "Choose one or more files" in r.text  # a form without files
    assert c.get("/import/99999999999").status_code in (400, 404)
    assert c.get("/import/0").status_code == 404
    r = c.post("/import/424242/import", data={"_csrf_token": token}, follow_redirects=False)
    assert r.status_code == 404
    many = [("../../etc/x.csv", b"name,slug\n")] * 101
    r = upload(c, files=many)
    assert r.status_code == 422 and "At most 100 files" in r.text


def test_uploads_are_removed_a_week_after_their_job_finished(login, db, maker):
    c = login(Role.account_manager)
    c.get("/import")
    upload(c)
    job = work(maker)
    assert jobs.forget_files(maker) == 0  # finished just now: kept, the preview can still be imported
    with maker() as s:
        s.execute(update(ImportJob).values(finished_at=utcnow() - jobs.KEEP_FILES * 2))
        s.commit()
    assert jobs.forget_files(maker) == 3
    page = c.get(f"/import/{job}").text
    assert "Import these files" not in page and "upload them again" in page
    r = c.post(f"/import/{job}/import", data={"_csrf_token": c.cookies["csrftoken"]}, follow_redirects=False)
    assert r.status_code == 422 and "removed a week after" in r.text
