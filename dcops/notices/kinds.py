"""The kinds of written notice dcops sends, the rule each serves, and which contacts receive it.

A message goes to every contact of the customer with the kind's role (`ROLE`); a customer without one gets no
message of that kind (nothing falls back to another address) and is flagged on the compliance overview.
"""

from __future__ import annotations

from enum import StrEnum

from dcops.customers.models import ContactRole


class MessageKind(StrEnum):
    notice_of_default = "notice_of_default"  # S3, Art. 23.6: the amount and the term
    move_request = "move_request"  # K5, Art. 12.4: move within 14 days, with the deadline
    policy_request = "policy_request"  # K9, Art. 12.8: provide the insurance policy
    visit_approved = "visit_approved"  # A1/A2, Art. 13.1: each person's pass attached
    visit_refused = "visit_refused"  # the reasons, each with its rule
    visit_cancelled = "visit_cancelled"  # A1: the passes sent for it no longer open the door
    pass_reissued = "pass_reissued"  # A1: a person's new pass attached, the earlier one no longer opens the door
    maintenance_announced = "maintenance_announced"  # R4, Art. 18.3
    maintenance_changed = "maintenance_changed"  # R4
    maintenance_cancelled = "maintenance_cancelled"  # R4
    extra_work_estimate = "extra_work_estimate"  # M1, Art. 15.2: the estimate to accept in writing


ROLE: dict[MessageKind, ContactRole] = {
    MessageKind.notice_of_default: ContactRole.billing,
    MessageKind.policy_request: ContactRole.billing,
    MessageKind.move_request: ContactRole.technical,
    MessageKind.maintenance_announced: ContactRole.technical,
    MessageKind.maintenance_changed: ContactRole.technical,
    MessageKind.maintenance_cancelled: ContactRole.technical,
    MessageKind.extra_work_estimate: ContactRole.technical,
    MessageKind.visit_approved: ContactRole.access,
    MessageKind.visit_refused: ContactRole.access,
    MessageKind.visit_cancelled: ContactRole.access,
    MessageKind.pass_reissued: ContactRole.access,
}


def kinds_of(role: ContactRole) -> list[MessageKind]:
    return [k for k, r in ROLE.items() if r is role]
