"""On-demand benchmark (make bench): the compliance sweep on 10,000 customers and 500,000 hardware rows,
on SQLite. Prints the median; asserts only that the statement count stays fixed, never time."""

import random
import statistics
import time
from datetime import timedelta

from sqlalchemy import insert

from dcops import clock
from dcops.customers.compliance import sweep
from dcops.customers.models import (
    Breach,
    Contact,
    Contract,
    Customer,
    DefaultNotice,
    InsurancePolicy,
    Invoice,
    Lien,
    Payment,
    PolicyRequest,
    WrittenPermission,
    permission_room,
)
from dcops.racks.models import Hardware
from tests.factories import RoomFactory, UserFactory

CUSTOMERS = 10_000
HARDWARE_PER_CUSTOMER = 50  # 500,000 rows
RUNS = 7
TODAY = clock.today()
DAY = timedelta(days=1)


def _generate(db):
    rnd = random.Random(7)
    room = RoomFactory()
    grantor = UserFactory(role="account_manager")
    ids = range(1_000_001, 1_000_001 + CUSTOMERS)
    consumer = {i for i in ids if rnd.random() < 0.1}
    colocation = {i for i in ids if rnd.random() < 0.7}
    db.execute(
        insert(Customer),
        [
            {
                "id": i,
                "name": f"Bench customer {i}",
                "kind": "consumer" if i in consumer else "business",
                "kvk_number": None if i in consumer else f"{i % 100_000_000:08d}",
            }
            for i in ids
        ],
    )
    db.execute(
        insert(Contract),
        [
            {
                "id": i,
                "number": f"B-{i}",
                "customer_id": i,
                "service": "colocation" if i in colocation else "dedicated",
                "start_date": TODAY - 400 * DAY,
                "payment_term_days": 14,
                "status": "active",
            }
            for i in ids
        ],
    )
    # Who receives written notices (R2): one contact with every role, a billing contact alone for 2 % (the overview
    # lists those: nobody to write to about visits or maintenance).
    db.execute(
        insert(Contact),
        [
            {"customer_id": i, "name": f"Contact {i}", "email": f"c{i}@example.nl", "billing": True,
             "technical": (full := rnd.random() >= 0.02), "access": full}
            for i in ids
        ],
    )  # fmt: skip
    rows = []
    for i in ids:
        for n in range(HARDWARE_PER_CUSTOMER):
            rows.append({"name": f"hw-{i}-{n}", "asset_tag": f"B{i}-{n}", "contract_id": i, "status": "installed"})
        if len(rows) >= 50_000:
            db.execute(insert(Hardware), rows)
            rows = []
    if rows:
        db.execute(insert(Hardware), rows)
    invoices, payments, number = [], [], 0
    for i in ids:
        for k in range(3):
            number += 1
            issue = TODAY - (90 - 30 * k) * DAY if k < 2 or rnd.random() < 0.05 else TODAY - 5 * DAY
            invoices.append(
                {
                    "id": number,
                    "number": f"BI-{number}",
                    "customer_id": i,
                    "contract_id": i,
                    "issue_date": issue,
                    "due_date": issue + 14 * DAY,
                    "amount_cents": 10_000,
                }
            )
            if k < 2:
                payments.append({"invoice_id": number, "paid_on": issue, "amount_cents": 10_000, "recorded_by": "b"})
    db.execute(insert(Invoice), invoices)
    db.execute(insert(Payment), payments)
    breach_customers = rnd.sample(list(ids), 600)
    db.execute(
        insert(Breach),
        [
            {
                "id": n + 1,
                "customer_id": c,
                "article": "13.4",
                "occurred_on": TODAY - 30 * DAY,
                "description": "bench",
                "recorded_by": "b",
                "resolved_on": TODAY if n % 2 else None,
            }
            for n, c in enumerate(breach_customers)
        ],
    )
    notices = [
        {
            "customer_id": inv["customer_id"],
            "invoice_id": inv["id"],
            "sent_on": TODAY - 20 * DAY,
            "channel": "letter",
            "term_days": 14,
            "recorded_by": "b",
        }
        for inv in invoices
        if inv["customer_id"] in consumer and inv["issue_date"] == TODAY - 30 * DAY
    ][:500]
    db.execute(insert(DefaultNotice), notices)
    policies = []
    for i in colocation:
        r = rnd.random()
        if r < 0.03:
            continue  # uninsured
        until = TODAY + (10 if r < 0.06 else 300) * DAY
        policies.append(
            {
                "customer_id": i,
                "insurer": "Bench",
                "policy_number": f"P{i}",
                "insured_cents": 1,
                "valid_from": TODAY - 60 * DAY,
                "valid_until": until,
                "document_sha256": "0" * 64,
                "document_type": "application/pdf",
                "document_name": "p.pdf",
                "document_size": 1,
                "recorded_by": "b",
            }
        )
    db.execute(insert(InsurancePolicy), policies)
    db.execute(
        insert(PolicyRequest),
        [
            {"customer_id": c, "requested_on": TODAY - 20 * DAY, "channel": "email", "requested_by": "b"}
            for c in rnd.sample(list(ids), 500)
        ],
    )
    db.execute(
        insert(WrittenPermission),
        [
            {
                "id": n + 1,
                "customer_id": c,
                "kind": "third_party_access",
                "covers": "bench",
                "valid_from": TODAY,
                "valid_until": TODAY + rnd.randint(0, 60) * DAY,
                "granted_by_id": grantor.id,
                "channel": "email",
                "reference": "r",
            }
            for n, c in enumerate(rnd.sample(list(ids), 2000))
        ],
    )
    db.execute(insert(permission_room), [{"permission_id": n + 1, "room_id": room.id} for n in range(2000)])
    db.execute(
        insert(Lien),
        [{"customer_id": c, "placed_on": TODAY, "placed_by": "b", "grounds": "bench"} for c in breach_customers[:100]],
    )


def test_sweep_on_10k_customers_and_500k_hardware(db, count_statements):
    t = time.perf_counter()
    _generate(db)
    generated = time.perf_counter() - t
    counter = count_statements()
    report = sweep(db, TODAY)
    statements = counter.count
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        sweep(db, TODAY)
        times.append(time.perf_counter() - t)
    print(f"\ncompliance sweep (SQLite, {CUSTOMERS:,} customers, {CUSTOMERS * HARDWARE_PER_CUSTOMER:,} hardware rows;")
    print(f"  data generated in {generated:.1f} s): {statements} statements, {report.count:,} lines")
    for s in report.sections:
        print(f"    {s.key:<12} {len(s.lines):6,}")
    ms = [t * 1000 for t in times]
    print(f"  median of {RUNS}: {statistics.median(ms):.0f} ms (min {min(ms):.0f}, max {max(ms):.0f})")
    # Eleven since the contacts (R2), ten since the relocations (K5 overdue, A6 hand-backs): one statement each
    # beyond standing, at any size.
    assert statements <= 11 and report.needs_action
