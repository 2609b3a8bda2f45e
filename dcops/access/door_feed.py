"""The door screen when the server cannot be reached: the door feed it keeps, and the checks it decided offline.

While the server answers, the door screen reads `feed()` every minute and keeps it on the device. When the server
cannot be reached, the screen verifies a pass's Ed25519 signature itself (WebCrypto, dcops/web/static/door-offline.js)
against the feed's public keys and decides the door checks on the feed: P1–P6, and the contract rules A1, A2 and A7
as the server worked them out for the feed's day. Carrying hardware out (P7) needs the live records: offline it is
refused. The feed holds no more personal data than the door screen shows: for each pass valid around now, its holder's
name and company, the customer, the visit's purpose, rooms and window, and the reasons the door would give.

The checks decided offline are queued on the screen and posted to `record_offline` when the server is back. Each
becomes a door check with the decision the officer was shown, the scan time and the officer, audited like every
check. The server does not decide them again (what counts is what the officer was shown), but it verifies the pass:
an offline "allow" must be a pass dcops issued, signed by one of its keys; and a check the screen could not have made
(an unknown door, a refusal without a rule, a time far off, hardware let out) is refused with a 4xx. The screen's
own id for the scan makes a check sent twice one check.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

import msgspec
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from dcops import clock
from dcops.access import codec, door
from dcops.access.keys import RAW, KeyRing
from dcops.access.models import CarryOut, Decision, Direction, DoorCheck, Person, Visit, VisitPass
from dcops.access.schemas import CLIENT_ID
from dcops.access.visits import permissions_of, visitor
from dcops.customers.models import CustomerKind
from dcops.customers.standing import GOOD, standings
from dcops.db import atomic, begin_write
from dcops.errors import ValidationFailed
from dcops.i18n import N_, _
from dcops.racks.models import Hardware, Room
from dcops.terms.access import competence, customer_blocks, third_party
from dcops.terms.door import INSTRUCTIONS, instructed
from dcops.terms.verdict import Reason
from dcops.vocabulary import word

# The passes a feed holds: valid at some moment from BEHIND ago to AHEAD from now, so a screen cut off from the
# server keeps deciding through the rest of the day and the night after.
BEHIND = timedelta(hours=12)
AHEAD = timedelta(hours=36)
REFRESH_SECONDS = 60  # the screen reads the feed again this often while the server answers
# An offline check is posted when the server is back: from the screen's clock, within these bounds of the server's.
CLOCK_SKEW = timedelta(minutes=5)
MAX_QUEUED = timedelta(days=14)
MAX_BODY = 64 * 1024  # one queued check: a pass is about 200 characters, a long refusal a few kB

# The screen's words for the answers it decides itself, in the reader's language (the page carries them). The rule
# messages are the ones the server gives for the same checks (dcops.terms.door, dcops.access.codec).
OFFLINE_TEXTS = {
    "allow": N_("ALLOW"),
    "deny": N_("DENY"),
    "out": N_("OUT"),
    "not_checked": N_("NOT CHECKED"),
    "exit": N_("Exit recorded."),
    "exit_refused": N_("Exit recorded: the visitor leaves, the hardware refused below stays inside (P7)."),
    "visit": N_("Visit"),
    "window": N_("Window"),
    "for_customer": N_("for %(customer)s"),
    "escort": N_("ESCORT REQUIRED"),
    "override": N_("A7 overridden by the account manager: %(reason)s"),
    "rule": N_("Art. %(article)s (rule %(rule)s)"),
    "asset_tag": N_("Asset tag"),
    "carry_out": N_("Carry-out"),
    "why": N_("Why"),
    "refused": N_("REFUSED"),
    "offline_answer": N_("OFFLINE — feed of %(time)s"),
    "offline_check": N_("Decided on this screen at %(time)s; sent to the server when it is back."),
    "choose_door": N_("Choose the door first"),
    "ready": N_("Ready for the next scan"),
    "checking": N_("Checking…"),
    "camera_failed": N_("%(problem)s: use the scanner."),
    "no_camera": N_("No camera available here"),
    "no_code": N_("No code found; try again"),
    "no_feed": N_("No door feed on this screen yet: passes cannot be checked offline. Call the duty manager."),
    "status_online": N_("Online"),
    "status_offline": N_("OFFLINE — feed of %(time)s"),
    "status_offline_nofeed": N_("OFFLINE — no door feed"),
    "status_signed_out": N_("Signed out: sign in again to send the checks made offline"),
    "queued": N_("Offline checks waiting to be sent: %(n)s"),
    "refused_by_server": N_("Offline checks the server refused: %(n)s"),
    "server_error": N_("The server could not check this pass: %(problem)s"),
    "sound_on": N_("Sound on"),
    "sound_off": N_("Sound off"),
    "mode_in": N_("IN — checking in"),
    "mode_out": N_("OUT — checking out"),
    # P1 as the codec says it (dcops.access.codec), when the screen verifies the pass itself.
    "p1_long": N_("Not a dcops pass (far too long)"),
    "p1_prefix": N_("Not a dcops pass (no DC1: prefix)"),
    "p1_unreadable": N_("The pass cannot be read (damaged or incomplete code)"),
    "p1_malformed": N_("The pass cannot be read (malformed signed message)"),
    "p1_not_signed": N_("The pass cannot be read (not a signed message)"),
    "p1_unsigned_headers": N_("The pass carries unsigned headers dcops never writes: altered"),
    "p1_altered": N_("The pass is not encoded the way dcops issues passes: altered"),
    "p1_header": N_("The pass cannot be read (damaged header)"),
    "p1_not_dcops": N_("The pass is not signed the way dcops signs passes"),
    "p1_unknown_key": N_("The pass is signed by an unknown key (%(kid)s)"),
    "p1_forged": N_("The pass signature is not valid: forged or altered"),
    "p1_content": N_("The pass content cannot be read"),
    "p1_not_in_feed": N_("The pass is not in the door feed of %(time)s (issued since, or never issued here)"),
    # P2–P6 as dcops.terms.door says them.
    "p2_before": N_("The pass is valid from %(moment)s"),
    "p2_expired": N_("The pass expired at %(moment)s"),
    "p3": N_("The pass was revoked"),
    "p4": N_("The visit is %(status)s, not approved"),
    "p5": N_("The visit is for %(rooms)s, not %(room)s"),
    "p6": N_("Already checked in and not checked out since"),
    "p7_offline": N_("%(what)s may not be carried out: carrying hardware out needs the server"),
    "stale_feed": N_("The door feed is of %(day)s: a pass cannot be checked offline on another day"),
    "stale_instruction": N_("Refuse until the server is back; call the duty manager."),
}
P7_OFFLINE = OFFLINE_TEXTS["p7_offline"]


def texts() -> dict[str, Any]:
    """OFFLINE_TEXTS and the officer's instructions per rule, in the reader's language."""
    return {
        **{key: _(message) for key, message in OFFLINE_TEXTS.items()},
        "instructions": {rule: _(message) for rule, message in INSTRUCTIONS.items()},
    }


# --- the feed ---------------------------------------------------------------------------------------------------


def _reasons(reasons: tuple[Reason, ...]) -> list[dict[str, str]]:
    return [instructed(r).as_dict() for r in reasons]


def feed(db: Session, keys: KeyRing, timezone: str, now: datetime) -> dict[str, Any]:
    """What a door screen needs to decide on its own for a while: see the module's docstring. A handful of
    statements whatever the number of passes (passes, visits with rooms and customers, people, standings, the
    third parties' permissions per customer, who is inside, the rooms)."""
    local_now = clock.local(now, timezone)
    day = local_now.date()
    rows = db.execute(
        select(VisitPass.id, VisitPass.visit_id, VisitPass.person_id, VisitPass.revoked_at.is_not(None))
        .where(VisitPass.valid_until >= now - BEHIND, VisitPass.valid_from <= now + AHEAD)
        .order_by(VisitPass.id)
    ).all()
    visit_ids = sorted({r[1] for r in rows})
    person_ids = sorted({r[2] for r in rows})
    found_visits = db.scalars(
        select(Visit)
        .options(selectinload(Visit.rooms), joinedload(Visit.customer))
        .where(Visit.id.in_(visit_ids))
        .order_by(Visit.id)
    ).all()
    found_people = {
        p.id: p
        for p in db.scalars(select(Person).options(joinedload(Person.customer)).where(Person.id.in_(person_ids)))
    }
    failing = standings(db, day) if found_visits else {}
    third = defaultdict(list)
    for p in found_people.values():
        if p.third_party:
            third[p.customer_id].append(p.id)
    permissions: dict[int, tuple] = {}
    for customer_id, ids in third.items():
        permissions.update(permissions_of(db, ids, customer_id))

    visits_out = []
    rooms_of_person: dict[int, set[str]] = defaultdict(set)
    visit_of = {v.id: v for v in found_visits}
    for _id, visit_id, person_id, _revoked in rows:
        rooms_of_person[person_id].update(visit_of[visit_id].room_codes)
    for v in found_visits:
        standing = failing.get(v.customer_id, ("", GOOD))[1]
        consumer = v.customer.kind == CustomerKind.consumer
        contracts = frozenset(v.contract_ids) if v.contract_ids is not None else None
        a7 = customer_blocks(v.customer.name, consumer, standing, contracts).reasons if v.a7_override is None else ()
        visits_out.append(
            {
                "id": v.id,
                "status": v.status.value,
                "status_word": word(v.status),
                "rooms": v.room_codes,
                "window": clock.window_text(v.starts_at, v.ends_at, timezone),
                "purpose": v.purpose,
                "escort_required": v.escort_required,
                "a7_override": v.a7_override,
                "customer": v.customer.name,
                "a7": _reasons(a7),
            }
        )
    people_out = []
    for person_id in person_ids:
        p = found_people[person_id]
        who = visitor(p, permissions.get(p.id, ()))
        a2 = {}
        if p.third_party:
            for room in sorted(rooms_of_person[p.id]):
                a2[room] = _reasons(third_party(who, frozenset({room}), day, day).reasons)
        people_out.append(
            {
                "id": p.id,
                "name": p.name,
                "company": p.company,  # the person's own employer; the screen shows the customer when there is none
                "a1": _reasons(competence(who).reasons),
                "a2": a2,
            }
        )
    latest = (
        select(func.max(DoorCheck.id))
        .where(DoorCheck.passed.is_(True), DoorCheck.person_id.in_(person_ids))
        .group_by(DoorCheck.person_id)
    )
    inside = db.scalars(
        select(DoorCheck.person_id).where(DoorCheck.id.in_(latest), DoorCheck.direction == Direction.check_in)
    ).all()
    public = [
        {
            "kid": kid.hex(),
            "x": base64.urlsafe_b64encode(k.key.public_bytes(*RAW)).rstrip(b"=").decode(),
            "retire_after": k.retire_after.isoformat() if k.retire_after else None,
        }
        for kid, k in sorted(keys.public_keys().items())
        if k.retire_after is None or k.retire_after >= now
    ]
    return {
        "version": 1,
        "generated_at": now.isoformat(),
        "time": local_now.strftime("%H:%M"),
        "day": day.isoformat(),
        "timezone": timezone,
        "refresh_seconds": REFRESH_SECONDS,
        "keys": public,
        "rooms": [{"id": i, "code": c} for i, c in db.execute(select(Room.id, Room.code).order_by(Room.code))],
        "revoked": [r[0] for r in rows if r[3]],
        "passes": [{"id": i, "visit": v, "person": p} for i, v, p, _r in rows],
        "visits": visits_out,
        "people": people_out,
        "inside": sorted(inside),
    }


# --- checks decided offline ---------------------------------------------------------------------------------------

_RULE = re.compile(r"^[A-Z]{1,2}[0-9]{1,2}$")
_ARTICLE = re.compile(r"^[0-9]{1,2}(\.[0-9]{1,2}){0,2}$")


class ReasonIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    rule: Annotated[str, msgspec.Meta(max_length=4)]
    article: Annotated[str, msgspec.Meta(max_length=10)]
    message: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
    instruction: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class OfflineCheckIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """One check the door screen decided on its own, as it queued it."""

    id: Annotated[str, msgspec.Meta(pattern=CLIENT_ID)]  # the screen's id for the scan, as sent online too
    # What was scanned; None when it cannot be a pass (far too long, control characters): then its hash and length.
    code: Annotated[str, msgspec.Meta(max_length=codec.MAX_TEXT)] | None
    scanned_sha256: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
    scanned_length: Annotated[int, msgspec.Meta(ge=0, le=100_000_000)]
    room_id: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
    direction: Direction
    asset_tags: Annotated[list[Annotated[str, msgspec.Meta(min_length=1, max_length=50)]], msgspec.Meta(max_length=50)]
    decision: Decision
    reasons: Annotated[list[ReasonIn], msgspec.Meta(max_length=30)]
    decided_at: datetime
    feed_at: datetime | None = None


@dataclass(frozen=True)
class Recorded:
    check_id: int
    duplicate: bool


def parse(body: bytes) -> OfflineCheckIn:
    """The posted check, or ValidationFailed naming what is wrong."""
    try:
        return msgspec.json.decode(body, type=OfflineCheckIn)
    except msgspec.ValidationError as exc:
        path = re.search(r"at `\$\.?([^`]*)`", str(exc))
        raise ValidationFailed({(path.group(1) if path else "") or "body": str(exc)}) from None
    except msgspec.DecodeError:
        raise ValidationFailed({"body": _("Not a JSON object")}) from None


def _validate(data: OfflineCheckIn, now: datetime) -> None:
    errors: dict[str, str] = {}
    if data.decided_at.tzinfo is None:
        errors["decided_at"] = _("A time with its zone is needed")
    elif not now - MAX_QUEUED <= data.decided_at <= now + CLOCK_SKEW:
        errors["decided_at"] = _("The scan time is not one this screen can have queued")
    if data.feed_at is not None and (
        data.feed_at.tzinfo is None
        or (data.decided_at.tzinfo is not None and data.feed_at > data.decided_at + CLOCK_SKEW)
    ):
        errors["feed_at"] = _("The door feed cannot be newer than the scan")
    for i, r in enumerate(data.reasons):
        if not _RULE.match(r.rule) or not _ARTICLE.match(r.article):
            errors[f"reasons[{i}]"] = _("Not a rule and article of the terms")
    if data.decision is Decision.deny and not data.reasons:
        errors["reasons"] = _("A refusal names its rule")
    if data.decision is Decision.allow and data.asset_tags:
        errors["asset_tags"] = _("Carrying hardware out needs the server: an offline check cannot allow it")
    if errors:
        raise ValidationFailed(errors)


def record_offline(
    db: Session, data: OfflineCheckIn, officer: str, keys: KeyRing, timezone: str, now: datetime
) -> Recorded:
    """Record a check the door screen decided offline (see the module's docstring); ValidationFailed when it is not
    one the screen could have made."""
    _validate(data, now)
    existing = db.scalar(select(DoorCheck.id).where(DoorCheck.client_id == data.id))
    if existing is not None:
        return Recorded(existing, True)
    claims: codec.Claims | None = None
    if data.code is not None:
        try:
            claims = codec.decode(data.code, keys.verifiers(data.decided_at))
        except codec.PassUnreadable:
            claims = None
    if data.decision is Decision.allow and claims is None:
        raise ValidationFailed({"code": _("An offline check allowed a pass whose signature does not verify")})
    conn = begin_write(db)  # the write starts here, as the door check's does (dcops.access.door.check)
    room = db.get(Room, data.room_id)
    if room is None:
        raise ValidationFailed({"room_id": _("No door (room) with id %(id)s", id=data.room_id)})
    holder = None
    if claims is not None:
        read = door._read(conn, claims.pass_id, data.room_id, clock.local(data.decided_at, timezone).date())
        holder = read.holder if read is not None else None
    if data.decision is Decision.allow and holder is None:
        raise ValidationFailed({"code": _("An offline check allowed a pass that was never issued here")})
    scanned = data.code.encode("utf-8", "replace") if data.code is not None else None
    passed = holder is not None and (data.direction is Direction.check_out or data.decision is Decision.allow)
    reasons = [msgspec.structs.asdict(r) for r in data.reasons]
    reasons = [{k: v for k, v in r.items() if v is not None} for r in reasons]
    values = {
        "at": data.decided_at,
        "room_id": data.room_id,
        "direction": data.direction,
        "decision": data.decision,
        "reasons": reasons,
        "pass_id": holder.pass_id if holder else None,
        "visit_id": holder.visit_id if holder else None,
        "person_id": holder.person_id if holder else None,
        "customer_id": holder.customer_id if holder else None,
        "person_name": holder.person if holder else None,
        "scanned_sha256": hashlib.sha256(scanned).hexdigest() if scanned is not None else data.scanned_sha256,
        "scanned_length": len(scanned) if scanned is not None else data.scanned_length,
        "officer": officer,
        "passed": passed,
        "offline": True,
        "client_id": data.id,
        "feed_at": data.feed_at,
        "received_at": now,
    }
    try:
        with atomic(db):
            check_id = db.connection().execute(insert(DoorCheck.__table__).returning(DoorCheck.id), values).scalar_one()
            carry_outs = _carry_outs(db, check_id, data.asset_tags)
            door.audit_check(
                db,
                officer,
                check_id,
                room.code,
                direction=data.direction,
                decision=data.decision,
                passed=values["passed"],
                pass_id=values["pass_id"],
                visit_id=values["visit_id"],
                person_id=values["person_id"],
                reasons=values["reasons"],
                carry_outs=[(c["asset_tag"], c["decision"]) for c in carry_outs],
                offline=True,
                decided_at=data.decided_at,
                feed_at=data.feed_at,
                client_id=data.id,
            )
            passage = door.Passage(
                id=check_id,
                carry_outs=[],
                **{k: v for k, v in values.items() if k not in ("offline", "client_id", "feed_at", "received_at")},
            )
            door._after_passage(db, passage, holder, [], officer)
    except IntegrityError:
        # The same scan posted twice at once: the unique index kept one.
        existing = db.scalar(select(DoorCheck.id).where(DoorCheck.client_id == data.id))
        if existing is None:
            raise
        return Recorded(existing, True)
    return Recorded(check_id, False)


def _carry_outs(db: Session, check_id: int, tags: list[str]) -> list[dict[str, Any]]:
    """Offline every item carried out is refused (P7 needs the live records): kept as the door's record of it."""
    wanted = list(dict.fromkeys(t.strip()[:50] for t in tags if t.strip()))
    if not wanted:
        return []
    found = dict(db.execute(select(Hardware.asset_tag, Hardware.id).where(Hardware.asset_tag.in_(wanted))).all())
    rows = [
        {
            "door_check_id": check_id,
            "asset_tag": tag,
            "hardware_id": found.get(tag),
            "decision": Decision.deny,
            "reasons": [
                Reason("P7", "13.1", _(P7_OFFLINE, what=tag), _(INSTRUCTIONS["P7"])).as_dict(),
            ],
        }
        for tag in wanted
    ]
    db.connection().execute(insert(CarryOut.__table__), rows)
    return rows
