"""The compliance sweep: per rule, what needs action today.

Shared by the overview page, `GET /api/compliance` and `dcops sweep`. It runs a fixed number of
queries (nine) however many customers and hardware items there are: nothing is asked per customer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, not_, select
from sqlalchemy.orm import Session, aliased

from dcops.customers.models import (
    Contact,
    ContactRole,
    Contract,
    ContractStatus,
    Customer,
    InsurancePolicy,
    Lien,
    PermissionKind,
    PolicyRequest,
    WrittenPermission,
)
from dcops.customers.standing import GOOD, standings
from dcops.i18n import _, day, ngettext
from dcops.moves import queries as relocations
from dcops.notices.kinds import kinds_of
from dcops.racks.models import Hardware, HardwareStatus
from dcops.terms import Service
from dcops.terms.insurance import POLICY_ENDING_DAYS, REQUEST_ANSWER_DAYS
from dcops.terms.lien import in_force as lien_in_force
from dcops.terms.relocation import customer_deadline
from dcops.terms.standing import Standing
from dcops.terms.written import EXPIRING_DAYS
from dcops.vocabulary import word


@dataclass(frozen=True)
class Line:
    rule: str
    article: str
    subject: str  # who or what it is about
    message: str
    link: str
    since: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "article": self.article,
            "subject": self.subject,
            "message": self.message,
            "link": self.link,
            "since": self.since.isoformat() if self.since else None,
        }


@dataclass(frozen=True)
class Section:
    key: str
    rule: str
    title: str
    lines: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    today: date
    sections: list[Section]

    @property
    def needs_action(self) -> bool:
        return any(s.lines for s in self.sections)

    @property
    def count(self) -> int:
        return sum(len(s.lines) for s in self.sections)

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "needs_action": self.needs_action,
            "sections": [
                {"key": s.key, "rule": s.rule, "title": s.title, "lines": [line.as_dict() for line in s.lines]}
                for s in self.sections
            ],
        }


def _customer(cid: int) -> str:
    return f"/customers/{cid}"


Standings = dict[int, tuple[str, Standing]]


def _standing_sections(all_standings: Standings) -> list[Section]:
    failing = Section("failing", "S6", _("Customers failing to perform (Art. 13.7, 12.9)"))
    notices = Section("notices", "S3", _("Notices of default to send (Art. 23.6)"))
    for cid, (name, st) in sorted(all_standings.items(), key=lambda kv: kv[1][0]):
        if st.fails:
            causes = "; ".join(f"{f.reason.rule}: {f.reason.message}" for f in st.findings if f.failing)
            failing.lines.append(
                Line(
                    "S6",
                    "13.7",
                    name,
                    _("fails since %(day)s: %(causes)s", day=day(st.since), causes=causes),
                    _customer(cid),
                    st.since,
                )
            )
        for f in st.findings:
            if f.todo:
                notices.lines.append(
                    Line(f.reason.rule, f.reason.article, name, f"{f.todo}: {f.reason.message}", _customer(cid))
                )
    return [failing, notices]


def _customer_hardware(customer_id: Any, outer: Any, own: bool = False) -> Any:
    """How many colocation items of `customer_id` are on site, for each `outer` row; `own`: only those the customer
    owns itself (not a third party's, K1), which a lien can retain (K10)."""
    stmt = (
        select(func.count(Hardware.id))
        .join(Contract, Contract.id == Hardware.contract_id)
        .where(
            Contract.customer_id == customer_id,
            Contract.service == Service.colocation,
            Hardware.status != HardwareStatus.removed,
        )
    )
    if own:
        stmt = stmt.where(Hardware.third_party_owner.is_(None))
    return stmt.correlate(outer).scalar_subquery()


def _liens(db: Session, all_standings: Standings) -> Section:
    retained = _customer_hardware(Lien.customer_id, Lien, own=True)
    rows = db.execute(
        select(Lien.id, Lien.customer_id, Lien.placed_on, Lien.placed_by, Customer.name, retained.label("retained"))
        .join(Customer, Customer.id == Lien.customer_id)
        .where(Lien.released_at.is_(None))
        .order_by(Lien.placed_on)
    )
    section = Section("liens", "K10", _("Liens: hardware retained while something due is unpaid (Art. 12.9)"))
    for r in rows:
        standing = all_standings.get(r.customer_id, (r.name, GOOD))[1]
        if lien_in_force(True, standing):
            msg = ngettext(
                "lien placed %(day)s by %(who)s; %(count)s hardware item may not leave",
                "lien placed %(day)s by %(who)s; %(count)s hardware items may not leave",
                r.retained,
            ) % {"day": day(r.placed_on), "who": r.placed_by, "count": r.retained}
        else:
            msg = _(
                "lien placed %(day)s is not in force: the customer does not fail with something due unpaid",
                day=day(r.placed_on),
            )
        section.lines.append(Line("K10", "12.9", r.name, msg, f"/liens/{r.id}", r.placed_on))
    return section


def _uninsured(db: Session, today: date) -> Section:
    valid = exists().where(
        InsurancePolicy.customer_id == Customer.id,
        InsurancePolicy.valid_from <= today,
        InsurancePolicy.valid_until >= today,
    )
    colocation = exists().where(
        Contract.customer_id == Customer.id,
        Contract.service == Service.colocation,
        Contract.status == ContractStatus.active,
    )
    hardware = _customer_hardware(Customer.id, Customer)
    rows = db.execute(
        select(Customer.id, Customer.name, hardware.label("hardware")).where(colocation, ~valid).order_by(Customer.name)
    )
    section = Section("uninsured", "K9", _("Colocation customers without a valid insurance policy (Art. 12.8)"))
    for r in rows:
        msg = ngettext(
            "no policy on file valid on %(day)s; %(count)s hardware item on site; new hardware is refused",
            "no policy on file valid on %(day)s; %(count)s hardware items on site; new hardware is refused",
            r.hardware,
        ) % {"day": day(today), "count": r.hardware}
        section.lines.append(Line("K9", "12.8", r.name, msg, _customer(r.id)))
    return section


def _requests(db: Session, today: date) -> Section:
    limit = today - timedelta(days=REQUEST_ANSWER_DAYS)
    rows = db.execute(
        select(PolicyRequest.id, PolicyRequest.requested_on, Customer.name)
        .join(Customer, Customer.id == PolicyRequest.customer_id)
        .where(PolicyRequest.policy_id.is_(None), PolicyRequest.requested_on < limit)
        .order_by(PolicyRequest.requested_on)
    )
    section = Section(
        "requests", "K9", _("Policy requests unanswered after %(n)s days (Art. 12.8)", n=REQUEST_ANSWER_DAYS)
    )
    for r in rows:
        days = (today - r.requested_on).days
        msg = _(
            "policy requested %(day)s, unanswered for %(n)s days: a breach candidate (rule S4)",
            day=day(r.requested_on),
            n=days,
        )
        section.lines.append(Line("K9", "12.8", r.name, msg, f"/policy-requests/{r.id}", r.requested_on))
    return section


def _ending_policies(db: Session, today: date) -> Section:
    later = aliased(InsurancePolicy)
    renewed = exists().where(
        later.customer_id == InsurancePolicy.customer_id, later.valid_until > InsurancePolicy.valid_until
    )
    rows = db.execute(
        select(InsurancePolicy.id, InsurancePolicy.insurer, InsurancePolicy.valid_until, Customer.name)
        .join(Customer, Customer.id == InsurancePolicy.customer_id)
        .where(
            InsurancePolicy.valid_until.between(today, today + timedelta(days=POLICY_ENDING_DAYS)),
            InsurancePolicy.valid_from <= today,
            ~renewed,
        )
        .order_by(InsurancePolicy.valid_until)
    )
    section = Section("ending", "K9", _("Policies ending within %(n)s days (Art. 12.8)", n=POLICY_ENDING_DAYS))
    for r in rows:
        msg = _(
            "policy with %(insurer)s ends %(day)s and no later one is on file",
            insurer=r.insurer,
            day=day(r.valid_until),
        )
        section.lines.append(Line("K9", "12.8", r.name, msg, f"/policies/{r.id}", r.valid_until))
    return section


def _expiring_permissions(db: Session, today: date) -> Section:
    rows = db.execute(
        select(
            WrittenPermission.id,
            WrittenPermission.kind,
            WrittenPermission.covers,
            WrittenPermission.valid_until,
            Customer.name,
        )
        .join(Customer, Customer.id == WrittenPermission.customer_id)
        .where(
            and_(
                WrittenPermission.revoked_at.is_(None),
                WrittenPermission.valid_until.between(today, today + timedelta(days=EXPIRING_DAYS)),
            )
        )
        .order_by(WrittenPermission.valid_until)
    )
    section = Section("permissions", "A2, A4", _("Written permissions expiring within %(n)s days", n=EXPIRING_DAYS))
    for r in rows:
        rule, article = ("A2", "13.1") if r.kind is PermissionKind.third_party_access else ("A4", "13.4")
        msg = _("%(kind)s for %(covers)s ends %(day)s", kind=word(r.kind), covers=r.covers, day=day(r.valid_until))
        section.lines.append(Line(rule, article, r.name, msg, f"/written-permissions/{r.id}", r.valid_until))
    return section


def _relocations(db: Session, today: date) -> list[Section]:
    late = Section("moves", "K5", _("Customers past their 14 days to move (Art. 12.4)"))
    for o in relocations.overdue_requests(db, today):
        assert o.requested_on is not None
        due = customer_deadline(o.requested_on)
        if o.breach_id:
            msg = _("asked %(day)s, due %(due)s (breach recorded)", day=day(o.requested_on), due=day(due))
        else:
            msg = _("asked %(day)s, due %(due)s: record the breach (S4)", day=day(o.requested_on), due=day(due))
        late.lines.append(Line("K5", "12.4", o.customer.name, msg, f"/relocations/{o.id}", due))
    spaces = Section("hand-backs", "A6", _("Vacated spaces to inspect (Art. 13.6)"))
    for hb in relocations.open_hand_backs(db):
        who = hb.customer.name if hb.customer else "—"
        rack = f"{hb.rack.room.site.code}/{hb.rack.room.code}/{hb.rack.name}"
        spaces.lines.append(
            Line(
                "A6",
                "13.6",
                who,
                _("%(rack)s %(units)s vacated %(day)s", rack=rack, units=hb.units, day=day(hb.vacated_on)),
                f"/hand-backs/{hb.id}",
                hb.vacated_on,
            )
        )
    return [late, spaces]


def _unreached(db: Session) -> Section:
    """R2: the customers a kind of written notice cannot reach, because no contact has the role it goes to."""
    has = [
        exists().where(Contact.customer_id == Customer.id, getattr(Contact, role.value).is_(True)).label(role.value)
        for role in ContactRole
    ]
    # Only the customers who miss a role come back: most have every role, and the sweep reads 10,000 customers.
    rows = db.execute(
        select(Customer.id, Customer.name, *has).where(not_(and_(*(h.element for h in has)))).order_by(Customer.name)
    )
    section = Section("contacts", "R2", _("Customers a kind of written notice cannot reach (Art. 31.5)"))
    for r in rows:
        missing = [
            _("no %(role)s contact (%(kinds)s)", role=word(role), kinds=", ".join(word(k) for k in kinds_of(role)))
            for role in ContactRole
            if not getattr(r, role.value)
        ]
        if missing:
            msg = _("%(missing)s: these messages reach nobody", missing="; ".join(missing))
            section.lines.append(Line("R2", "31.5", r.name, msg, f"/customers/{r.id}#contacts"))
    return section


def sweep(db: Session, today: date) -> Report:
    all_standings = standings(db, today)
    return Report(
        today,
        [
            *_standing_sections(all_standings),
            _liens(db, all_standings),
            _uninsured(db, today),
            _requests(db, today),
            _ending_policies(db, today),
            _expiring_permissions(db, today),
            *_relocations(db, today),
            _unreached(db),
        ],
    )
