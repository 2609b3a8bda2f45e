"""The hash-chained audit log (Art. 31.3, rule R1): appended with the change, verifiable, and tamper-evident."""

import pytest
from sqlalchemy import select, text, update

from dcops import audit
from dcops.audit import AuditEvent
from dcops.auth.models import Role
from dcops.errors import Conflict
from dcops.racks import service
from dcops.racks.schemas import MountIn, SiteIn
from tests.factories import HardwareFactory, RackFactory


def test_events_chain_and_verify(db):
    site = service.create_site(db, SiteIn(code="AUD", name="Audit site"), "anna")
    service.update_site(db, site, SiteIn(code="AUD", name="Renamed"), "anna")
    report = audit.verify(db)
    assert report.ok and report.checked >= 2
    last = db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert last.action == "update" and last.data == {"before": {"name": "Audit site"}, "after": {"name": "Renamed"}}
    prev = db.get(AuditEvent, last.seq - 1)
    assert last.prev_hash == prev.hash


@pytest.mark.parametrize(
    "column,value", [("data", '{"after": {"name": "Forged"}}'), ("actor", "mallory"), ("prev_hash", "0" * 64)]
)
def test_tampering_with_a_row_is_detected_at_that_event(db, column, value):
    service.create_site(db, SiteIn(code="T1", name="One"), "anna")
    target = service.create_site(db, SiteIn(code="T2", name="Two"), "anna")
    service.create_site(db, SiteIn(code="T3", name="Three"), "anna")
    seq = db.scalars(
        select(AuditEvent.seq).where(AuditEvent.object_type == "site", AuditEvent.object_id == str(target.id))
    ).one()
    db.execute(text(f"UPDATE audit_event SET {column} = :v WHERE seq = :s"), {"v": value, "s": seq})
    db.expire_all()
    report = audit.verify(db)
    assert not report.ok and report.first_broken == seq


def test_a_deleted_event_is_detected(db):
    for code in ("D1", "D2", "D3"):
        service.create_site(db, SiteIn(code=code, name=code), "anna")
    middle = db.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).offset(1)).first()
    db.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": middle})
    db.expire_all()
    report = audit.verify(db)
    assert not report.ok and report.first_broken == middle + 1 and "missing" in report.problem


def test_a_refused_change_leaves_no_event(db):
    rack = RackFactory()
    service.mount(db, HardwareFactory(), MountIn(rack_id=rack.id, position=1), "tom")
    before = audit.count_events(db)
    with pytest.raises(Conflict):
        service.mount(db, HardwareFactory(), MountIn(rack_id=rack.id, position=1), "tom")
    assert audit.count_events(db) == before


def test_audit_page_lists_events_per_object(login, db):
    c = login(Role.account_manager)
    site = service.create_site(db, SiteIn(code="PG1", name="Page"), "anna")
    r = c.get("/audit", params={"object_type": "site", "object_id": site.id})
    assert r.status_code == 200 and "site #" in r.text and "anna" in r.text and "create" in r.text
    assert "No events match" in c.get("/audit", params={"actor": "nobody"}).text
    assert login(Role.technician).get("/audit").status_code == 403
    c.cookies.set("dcops_lang", "nl")  # what was done, and to what, in the reader's words; the filter keeps the key
    r = c.get("/audit", params={"object_type": "site", "object_id": site.id})
    assert f"Logboek · locatie #{site.id}" in r.text and '<option value="site" selected>locatie</option>' in r.text
    assert f"locatie #{site.id}</a>" in r.text and "<td>aanmaken</td>" in r.text
    # what changed reads as fields and values, not as the stored JSON
    service.update_site(db, site, SiteIn(code="PG1", name="Renamed"), "anna")
    r = c.get("/audit", params={"object_type": "site", "object_id": site.id})
    assert '<span class="muted">name:</span> Page → Renamed' in r.text
    assert '<span class="muted">code:</span> PG1<' in r.text  # the creation: its values
    assert "&#34;after&#34;" not in r.text and '"after"' not in r.text


def test_rows_are_not_rewritten_through_the_orm_either(db):
    """Verify reads what is stored: an ORM-level edit is caught like a SQL one."""
    service.create_site(db, SiteIn(code="O1", name="orm"), "anna")
    db.execute(update(AuditEvent).where(AuditEvent.seq == 1).values(action="nothing to see"))
    db.expire_all()
    assert audit.verify(db).first_broken == 1


def test_events_are_appended_at_commit_and_undone_with_their_savepoint(db):
    """The chain is appended at the end of the transaction (issue 14: the chain's lock is held only for that);
    an event recorded inside a savepoint that rolls back is dropped with it, like the change it describes."""
    before = audit.count_events(db)
    audit.record(db, actor="a", action="kept", object_type="site", object_id=1)
    with pytest.raises(RuntimeError), db.begin_nested():
        audit.record(db, actor="a", action="undone", object_type="site", object_id=2)
        raise RuntimeError
    with db.begin_nested():
        audit.record(db, actor="a", action="kept too", object_type="site", object_id=3)
    # Not yet in the table: a plain connection-level read does not append.
    assert db.connection().execute(text("SELECT COUNT(*) FROM audit_event")).scalar_one() == before
    # Reading the log through the session appends first, in order, and the chain holds.
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.seq > before).order_by(AuditEvent.seq)).all()
    assert actions == ["kept", "kept too"]
    assert audit.verify(db).ok


def test_a_commit_appends_what_the_request_recorded(db):
    before = audit.count_events(db)
    with db.begin_nested():
        service.create_site(db, SiteIn(code="CM1", name="Committed"), "anna")
    db.commit()  # the test's savepoint session: fires the append as a real commit would
    assert db.connection().execute(text("SELECT COUNT(*) FROM audit_event")).scalar_one() == before + 1
