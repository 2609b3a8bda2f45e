"""Two scans of one pass at the same moment (a pass handed back over the turnstile): anti-passback (P6) lets one
through, never both. Needs real row locking between connections: PostgreSQL only, committed data cleaned up."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from dcops.access import door, people, visits
from dcops.access.keys import KeyRing
from dcops.access.keys_model import PassKey
from dcops.access.models import Direction, DoorCheck, Person, Visit, VisitPass, visit_person, visit_room
from dcops.access.schemas import ApproveIn, DoorCheckIn, PersonIn, VisitIn
from dcops.audit import AuditEvent
from dcops.clock import today
from dcops.customers.models import Contract, Customer
from dcops.db import make_sessionmaker, utcnow
from dcops.notices.models import OutboxMessage
from dcops.racks.models import Rack, RackKind, Room, Site
from dcops.settings import Settings
from tests import factories

pytestmark = pytest.mark.postgres_only
TZ = "Europe/Amsterdam"


@pytest.fixture
def pass_code(engine, tmp_path):
    maker = make_sessionmaker(engine)
    keys = KeyRing.from_settings(Settings(data_dir=tmp_path, database_url="unused://", secret_key="r" * 40), maker)
    with maker() as s:
        first_event = (s.scalar(select(func.max(AuditEvent.seq))) or 0) + 1
        keys_before = set(s.scalars(select(PassKey.kid)))
        for f in factories.ALL:
            f._meta.sqlalchemy_session = s
        contract = factories.ContractFactory(customer=factories.CustomerFactory(insured=False))
        room = factories.RoomFactory()
        rack = factories.RackFactory(room=room, kind=RackKind.private, customer=contract.customer)  # K2
        person = people.create_person(
            s, PersonIn(customer_id=contract.customer_id, name="Racer", competence_confirmed_on=today()), "t", today()
        )
        now = utcnow()
        body = VisitIn(
            customer_id=contract.customer_id,
            purpose="Race",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=2),
            room_ids=[room.id],
            person_ids=[person.id],
        )
        visit = visits.request_visit(s, body, "t", TZ)
        visits.approve(s, visit, ApproveIn(), "anna", today(), keys, TZ)
        code = visit.passes[0].code
        ids = (contract.customer_id, contract.id, rack.id, room.id, room.site_id, person.id, visit.id)
        s.commit()
    yield maker, keys, code, room.id
    customer_id, contract_id, rack_id, room_id, site_id, person_id, visit_id = ids
    with maker() as s:
        s.execute(delete(DoorCheck).where(DoorCheck.visit_id == visit_id))
        s.execute(delete(VisitPass).where(VisitPass.visit_id == visit_id))
        s.execute(delete(visit_person).where(visit_person.c.visit_id == visit_id))
        s.execute(delete(visit_room).where(visit_room.c.visit_id == visit_id))
        s.execute(delete(Visit).where(Visit.id == visit_id))
        s.execute(delete(Person).where(Person.id == person_id))
        s.execute(delete(Rack).where(Rack.id == rack_id))
        s.execute(delete(Contract).where(Contract.id == contract_id))
        # the visit's approval wrote to the customer (dcops.notices): its messages go too (attachments cascade)
        s.execute(delete(OutboxMessage).where(OutboxMessage.customer_id == customer_id))
        s.execute(delete(Customer).where(Customer.id == customer_id))
        s.execute(delete(Room).where(Room.id == room_id))
        s.execute(delete(Site).where(Site.id == site_id))
        s.execute(delete(AuditEvent).where(AuditEvent.seq >= first_event))
        s.execute(delete(PassKey).where(PassKey.kid.not_in(keys_before)))  # signed under this test's own secret
        s.commit()


def test_two_check_ins_of_one_pass_at_once_let_one_person_in(pass_code):
    """The first scan holds the person's row until it commits; the second, waiting on it, must then see that
    entry (its last passage read after the lock, not before) and refuse P6."""
    maker, keys, code, room_id = pass_code
    first, second = maker(), maker()
    scan = DoorCheckIn(code=code, room_id=room_id, direction=Direction.check_in)
    a = door.check(first, scan, "sara", keys, TZ)  # holds the person's row, not committed yet
    assert a.allowed
    result: dict[str, door.Outcome] = {}

    def scan_again() -> None:
        result["b"] = door.check(second, scan, "tom", keys, TZ)
        second.commit()

    t = threading.Thread(target=scan_again)
    t.start()
    t.join(0.5)
    assert t.is_alive(), "the second scan should wait for the first one's lock"
    first.commit()
    t.join(10)
    first.close(), second.close()
    b = result["b"]
    assert not b.allowed and [r.rule for r in b.verdict.reasons] == ["P6"]
    with maker() as s:
        passed = s.scalars(select(DoorCheck.passed).where(DoorCheck.person_id == a.check.person_id)).all()
    assert sorted(passed) == [False, True]
