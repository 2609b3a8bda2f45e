"""The compliance sweep: page, API and CLI agree; a fixed number of queries however much data."""

import re
from datetime import timedelta

from click.testing import CliRunner

from dcops import clock
from dcops.auth.models import Role
from dcops.cli import main
from dcops.customers.compliance import sweep
from dcops.customers.models import CustomerKind
from dcops.documents import DocumentStore
from dcops.seed import load
from tests.conftest import keyring_for
from tests.factories import (
    BreachFactory,
    ContractFactory,
    CustomerFactory,
    HardwareFactory,
    InsurancePolicyFactory,
    InvoiceFactory,
    NoticeFactory,
)
from tests.integration.test_seed_and_schema import DEMO

TODAY = clock.today()
DAY = timedelta(days=1)


def _lines(report):
    return {s.key: [(line.rule, line.subject) for line in s.lines] for s in report.sections}


def test_sweep_on_the_demo_data_shows_every_case(db, settings):
    load(db, DEMO, DocumentStore(), keys=keyring_for(settings, db))
    report = sweep(db, TODAY)
    lines = _lines(report)
    assert report.needs_action
    assert {s for _, s in lines["failing"]} == {"Maasland Logistiek B.V.", "Brabant Cloud Services B.V.", "P. de Vries"}
    assert lines["notices"] == [("S3", "J. van den Berg")]
    assert lines["liens"] == [("K10", "Brabant Cloud Services B.V.")]  # Hollandse's ended by itself when paid
    assert lines["uninsured"] == [("K9", "Nijmegen Media Groep B.V."), ("K9", "Schelde Data Services BV")]
    counted = [line.message for s in report.sections if s.key in ("uninsured", "liens") for line in s.lines]
    for n, noun in (re.search(r"; (\d+) hardware (items?) ", m).groups() for m in counted):  # "1 item", "2 items"
        assert noun == ("item" if n == "1" else "items")
    assert lines["moves"] == [("K5", "J. van den Berg")]
    # A6: two spaces the supplier vacated (inspected, no breach of the customer's) and one the customer asked to vacate
    assert sorted(lines["hand-backs"]) == [
        ("A6", "Hollandse Hosting B.V."),
        ("A6", "Nijmegen Media Groep B.V."),
        ("A6", "Nijmegen Media Groep B.V."),
    ]
    assert lines["requests"] == [("K9", "Nijmegen Media Groep B.V.")]
    assert lines["ending"] == [("K9", "Hollandse Hosting B.V.")]
    assert lines["permissions"] == [("A2", "Hollandse Hosting B.V.")]
    assert lines["contacts"] == [("R2", "Maasland Logistiek B.V.")]  # no access contact: its refusal reached nobody
    for section in report.sections:
        for line in section.lines:
            assert line.link.startswith("/") and line.article


def test_api_and_page_show_the_same_report(api, login, db):
    BreachFactory(description="rack door forced")
    body = api(Role.account_manager).get("/api/compliance").json()
    failing = next(s for s in body["sections"] if s["key"] == "failing")
    assert (
        body["needs_action"]
        and failing["lines"][0]["rule"] == "S6"
        and "rack door forced" in failing["lines"][0]["message"]
    )
    page = login(Role.account_manager).get("/compliance")
    assert "rack door forced" in page.text and "Art. 13.7 (S6)" in page.text
    assert api(Role.technician).get("/api/compliance").status_code == 403
    assert login(Role.security).get("/compliance").status_code == 403
    later = api(Role.account_manager).get("/api/compliance", params={"on": "2000-01-01"}).json()
    assert later["today"] == "2000-01-01"


def test_cli_sweep_exits_1_when_action_is_needed_and_0_when_not(tmp_path, monkeypatch):
    monkeypatch.setenv("DCOPS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DCOPS_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    clean = runner.invoke(main, ["sweep"])
    assert clean.exit_code == 0 and "0 items need action" in clean.output
    assert runner.invoke(main, ["seed", "load", str(DEMO)]).exit_code == 0
    r = runner.invoke(main, ["sweep"])
    assert r.exit_code == 1
    assert "Art. 12.9 (K10)  Brabant Cloud Services B.V." in r.output and "-> /liens/" in r.output
    j = runner.invoke(main, ["sweep", "--json"])
    assert j.exit_code == 1 and '"needs_action": true' in j.output


def _world(n):
    """n customers of each situation the sweep reports."""
    for _ in range(n):
        InvoiceFactory(issue_date=TODAY - 40 * DAY)  # business in default
        consumer = CustomerFactory(kind=CustomerKind.consumer, kvk_number=None)
        NoticeFactory(invoice=InvoiceFactory(contract=ContractFactory(customer=consumer), issue_date=TODAY - 60 * DAY))
        BreachFactory()
        uninsured = ContractFactory(customer=CustomerFactory(insured=False))
        HardwareFactory(contract=uninsured)
        InsurancePolicyFactory(valid_from=TODAY - 100 * DAY, valid_until=TODAY + 10 * DAY)


def test_sweep_query_count_does_not_grow_with_the_data(db, count_statements):
    _world(2)
    counter = count_statements()
    small = sweep(db, TODAY)
    small_count = counter.count
    _world(20)
    counter = count_statements()
    large = sweep(db, TODAY)
    assert counter.count == small_count <= 11  # two more since the relocations (K5, A6), one for contacts (R2)
    assert sum(len(s.lines) for s in large.sections) > 5 * sum(len(s.lines) for s in small.sections)


def test_dashboard_shows_failing_customers_to_all_and_the_compliance_work_to_account_managers(login):
    BreachFactory()
    am = login(Role.account_manager).get("/")
    assert "customers failing to perform (S6)" in am.text and "Compliance today" in am.text
    tech = login(Role.technician).get("/")
    assert "customers failing to perform (S6)" in tech.text and "Compliance today" not in tech.text
