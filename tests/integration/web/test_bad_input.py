"""Nothing a user can send is a 500: numbers beyond the columns, control characters, odd file names, a failed
write, a database that went away. Each of these answered 500 (or dropped the connection) before."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from dcops.app import create_app
from dcops.auth.models import Role
from dcops.customers import insurance
from dcops.db import make_engine, make_sessionmaker
from dcops.documents import Document
from dcops.interop.models import ImportFile
from dcops.seed import demo_pdf
from dcops.settings import Settings
from tests.conftest import Client
from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    PaymentFactory,
    PersonFactory,
    RackFactory,
    RoomFactory,
)
from tests.integration.customers.test_insurance import _upload

PROBLEM = "application/problem+json"
BEYOND_INT32 = 2**31
BEYOND_INT64 = 2**63


@pytest.mark.parametrize("rack_id", [BEYOND_INT32, BEYOND_INT64, 10**30])
def test_ids_no_row_can_have_are_not_found(api, login, rack_id):
    r = api(Role.admin).get(f"/api/racks/{rack_id}")
    assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEM)
    assert api(Role.admin).patch(f"/api/racks/{rack_id}", json={"name": "x"}).status_code == 404
    assert login(Role.admin).get(f"/racks/{rack_id}").status_code == 404


@pytest.mark.parametrize("param", ["offset", "limit"])
def test_paging_beyond_the_integers_is_refused_naming_the_parameter(api, param):
    r = api(Role.admin).get(f"/api/racks?{param}={BEYOND_INT64}")
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
    assert param in r.json()["errors"]
    assert api(Role.admin).get(f"/api/racks?{param}={BEYOND_INT32}").status_code == 422
    assert api(Role.admin).get(f"/api/racks?{param}=5").status_code == 200


@pytest.mark.parametrize("room_id", [BEYOND_INT32, BEYOND_INT64, 10**30])
def test_body_integers_beyond_the_column_are_refused(api, room_id):
    r = api(Role.admin).post("/api/racks", json={"room_id": room_id, "name": "R99", "u_height": 42})
    assert r.status_code in (400, 422), r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    assert "room_id" in r.json().get("errors", {}) or "room_id" in r.json()["detail"]


def test_nul_in_a_json_body_is_refused_and_nothing_is_written(api, db):
    room = RoomFactory()
    c = api(Role.admin)
    r = c.post("/api/racks", json={"room_id": room.id, "name": "R\x0001", "u_height": 42})
    assert r.status_code == 422 and r.json()["errors"] == {"name": "Must not contain control characters (such as NUL)"}
    assert c.get("/api/racks").json()["total"] == 0
    # Line breaks stay allowed in free text.
    ok = c.post("/api/customers", json={"name": "Lijn\nTwee", "email": "a@example.nl", "kind": "consumer"})
    assert ok.status_code == 201, ok.text


def test_nul_in_nested_json_and_in_keys_is_refused(api):
    c = api(Role.admin)
    r = c.post("/api/visits", json={"customer_id": 1, "purpose": "ok", "room_ids": [1], "person_ids": [1], "x\x00": 1})
    assert r.status_code == 422 and "x\x00" in r.json()["errors"]
    r = c.post("/api/relocations", json={"customer_id": 1, "reason": "x", "items": [{"note": "a\x01"}]})
    assert r.status_code == 422 and "items[0].note" in r.json()["errors"]


def test_control_characters_in_a_query_or_path_are_refused(api, login):
    r = api(Role.admin).get("/api/racks?name=%00")
    assert r.status_code == 422 and "name" in r.json()["errors"]
    assert login(Role.admin).get("/customers?q=a%00b").status_code == 422
    assert login(Role.admin).get("/audit?actor=%1b").status_code == 422


def test_nul_in_the_login_form_is_refused_before_any_query(anon):
    anon.get("/login")
    r = anon.form("/login", {"username": "admin\x00", "password": "x"})
    assert r.status_code == 422 and "username" in r.text


def test_nul_in_a_page_form_re_renders_the_form_with_what_was_typed(login):
    c = login(Role.account_manager)
    r = c.form("/customers/new", {"name": "Nul\x00BV", "email": "a@example.nl", "kind": "business"})
    assert r.status_code == 422 and "control characters" in r.text


def test_huge_filter_numbers_in_pages_are_ignored_not_a_500(login):
    c = login(Role.admin)
    for path in (f"/hardware?rack_id={BEYOND_INT64}", f"/relocations?customer_id={BEYOND_INT32}"):
        assert c.get(path).status_code == 200, path


def test_document_names_are_sent_as_rfc_6266(api, settings):
    customer = CustomerFactory()
    c = api(Role.account_manager)
    for sent, ascii_name, encoded in [
        ("полис-2026.pdf", "-2026.pdf", "%D0%BF%D0%BE%D0%BB%D0%B8%D1%81-2026.pdf"),
        ('Müller "a".pdf', "Muller a.pdf", "M%C3%BCller%20%22a%22.pdf"),
        ("evil\r\nSet-Cookie: x=1.pdf", "evilSet-Cookie: x=1.pdf", "evilSet-Cookie%3A%20x%3D1.pdf"),
    ]:
        files = {"document": (sent, demo_pdf("p"), "application/pdf")}
        up = c.post(
            "/api/policies",
            data={
                "customer_id": str(customer.id),
                "insurer": "Achmea",
                "policy_number": "P-1",
                "insured_cents": "5000000",
                "valid_from": "2026-01-01",
                "valid_until": "2027-12-31",
            },
            files=files,
        )
        assert up.status_code == 201, up.text
        r = c.get(f"/api/policies/{up.json()['id']}/document")
        assert r.status_code == 200 and r.headers["cache-control"] == "private, no-store"
        disposition = r.headers["content-disposition"]
        assert disposition == f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"
        assert "set-cookie" not in r.headers


def test_a_failed_policy_write_leaves_no_document_behind(api, db, monkeypatch):
    """The document is stored in the policy's transaction: when recording the policy fails, neither is kept."""
    customer = CustomerFactory()

    def locked(*_args, **_kw):
        raise OperationalError("INSERT INTO insurance_policy", {}, Exception("database is locked"))

    monkeypatch.setattr(insurance.crud, "create", locked)
    r = _upload(api(Role.account_manager), customer.id)
    assert r.status_code == 503 and r.headers["retry-after"]
    assert db.scalar(select(func.count()).select_from(Document)) == 0


def test_stored_document_names_lose_paths_and_control_characters(api):
    customer = CustomerFactory()
    fields = {
        "customer_id": str(customer.id),
        "insurer": "A",
        "policy_number": "P-2",
        "insured_cents": "5000000",
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
    }
    boundary = "dcopsboundary"
    head = f"--{boundary}\r\nContent-Disposition: form-data; "
    parts = [f'{head}name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()]
    parts.append(
        f'{head}name="document"; filename="C:\\scans\\po\x07li\x00s.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + demo_pdf("p2")
        + f"\r\n--{boundary}--\r\n".encode()
    )
    r = api(Role.account_manager).post(
        "/api/policies", content=b"".join(parts), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    assert r.status_code == 201, r.text
    assert r.json()["document_name"] == "polis.pdf"


def test_an_unreachable_database_is_503_with_retry_after(settings):
    dead = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/none", connect_args={"connect_timeout": 2})
    app = create_app(settings, session_maker=make_sessionmaker(dead))
    client = Client(app)
    r = client.get("/api/racks", headers={"Authorization": "Bearer dcops_x"})
    assert r.status_code == 503 and r.headers["retry-after"] == "5"
    assert r.headers["content-type"].startswith(PROBLEM)
    page = client.get("/login")
    assert page.status_code in (200, 503)
    assert client.post("/login", data={"username": "a", "password": "b"}).status_code in (403, 503)
    dead.dispose()


@pytest.mark.postgres_only
def test_a_connection_lost_between_requests_is_replaced(engine, tmp_path):
    """Pool pre-ping: the server closed the connection (restart, failover); the next request still works."""
    url = engine.url.render_as_string(hide_password=False)
    own = make_engine(url, pool_size=1, max_overflow=0)
    settings = Settings(data_dir=tmp_path, database_url=url, secret_key="test-secret-" + "x" * 32)
    client = Client(create_app(settings, session_maker=make_sessionmaker(own)))
    bearer = {"Authorization": "Bearer dcops_unknown"}
    assert client.get("/api/racks", headers=bearer).status_code == 401  # the token was looked up
    with own.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with engine.connect() as admin:
        assert admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    assert client.get("/api/racks", headers=bearer).status_code == 401
    own.dispose()


def test_rack_pages_keep_working_for_plain_numbers(login):
    rack = RackFactory()
    assert login(Role.admin).get(f"/racks/{rack.id}").status_code == 200


CALENDAR = "Must be a day from 01/01/1900 to 31/12/2999"


@pytest.mark.parametrize("year", ["0001", "1899", "3000", "9999"])
def test_days_beyond_the_calendar_are_refused_naming_the_field(api, year):
    """Year 9999 plus a day, or year 1 moved to UTC, overflowed Python's dates deep inside: 500s. Refused at the
    door of the API, in a body (a date or a date and time) and in a query parameter the handler reads as a date."""
    c = api(Role.admin)
    r = c.post("/api/inspections", json={"room_id": 1, "findings": "x", "inspected_at": f"{year}-12-31T23:59:59-14:00"})
    assert r.status_code == 422 and r.json()["errors"] == {"inspected_at": CALENDAR}
    r = c.patch("/api/invoices/1", json={"issue_date": f"{year}-12-31"})
    assert r.status_code == 422 and r.json()["errors"] == {"issue_date": CALENDAR}
    for path in (f"/api/visits?on={year}-12-31", f"/api/compliance?on={year}-01-01"):
        r = c.get(path)
        assert r.status_code == 422 and r.json()["errors"] == {"on": CALENDAR}, path
    for edge in ("2999-12-31", "1900-01-01"):  # the last and first days taken
        assert c.get(f"/api/visits?on={edge}").status_code == c.get(f"/api/compliance?on={edge}").status_code == 200
    assert c.get("/api/visits?q=9999-12-31").status_code == 200  # text that only looks like a day is text


def test_pages_take_no_day_beyond_the_calendar(login):
    c = login(Role.admin)
    relocations = ("view=week&on=9999-12-31", "view=month&on=0001-01-02", "view=week&on=99991231")
    for path in (*(f"/relocations?{q}" for q in relocations), "/compliance?on=31-12-9999", "/visits?on=0001-01-01"):
        assert c.get(path).status_code == 200, path
    # The first and last days taken, with what a page derives from them (a week's grid past the last day, the
    # offset Amsterdam had in 1900): the columns' net is centuries wider than what may be typed.
    edges = ("view=week&on=2999-12-31", "view=month&on=1900-01-01")
    for path in (*(f"/relocations?{q}" for q in edges), "/compliance?on=31/12/2999", "/visits?on=01/01/1900"):
        assert c.get(path).status_code == 200, path
    r = c.form("/invoices/new", {"issue_date": "31-12-9999"})
    assert r.status_code == 422 and "Must be a date like 30/11/2026" in r.text and "31-12-9999" in r.text


def test_odd_filters_are_no_filter_not_a_500(api, login):
    assert login(Role.security).get("/labels?kind=rack&ids=99999999999999999999").status_code == 200
    c = api(Role.admin)
    r = c.get(f"/api/labels?kind=rack&ids={BEYOND_INT64},{BEYOND_INT32},-1,x")
    assert r.status_code == 200 and r.json() == []  # nothing left that could be an id
    rack = RackFactory()
    assert c.get("/api/racks?kind=abc").status_code == 200  # as every list does with a value not among its choices
    assert [x["id"] for x in c.get(f"/api/labels?kind=rack&ids={rack.id},{BEYOND_INT64}").json()] == [rack.id]


def test_a_host_header_with_no_port_in_it_is_a_bad_request(anon):
    for host in ("127.0.0.1:99999", "127.0.0.1:abc", "127.0.0.1:8011:80", "[::1]:99999", "a/:99999", "a?:x", "a#:x"):
        for path in ("/login", "/api/nonexistent", "/"):
            r = anon.get(path, headers={"Host": host})
            assert r.status_code == 400 and r.headers["content-type"].startswith(PROBLEM), (host, path)
            assert r.json()["detail"] == "The Host header names no host and port"
            assert r.headers["x-content-type-options"] == "nosniff"  # answered inside the app: its headers
    r = anon.get("/login", headers={"Host": "127.0.0.1:99999", "Accept-Language": "nl"})
    assert r.status_code == 400 and r.json()["detail"] == "De Host-header noemt geen host en poort"  # the reader's
    for host in ("dcops.example:8443", "[::1]:8000", "[::1]", "EXAMPLE.com.:8000", "example.com"):
        assert anon.get("/login", headers={"Host": host}).status_code == 200, host


def test_a_csrf_header_outside_ascii_is_refused_like_a_missing_one(login):
    c = login(Role.admin)
    r = c.post("/sites/new", data={"code": "X", "name": "y"}, headers={"x-csrftoken": b"\x80" * 100})
    assert r.status_code == 403


def test_a_static_file_name_longer_than_any_file_s_is_not_found(anon):
    assert anon.get("/static/" + "a" * 256).status_code == 404
    assert anon.get("/static/dcops.css").status_code == 200


def test_a_policy_with_two_documents_is_refused_naming_the_field(api):
    customer = CustomerFactory()
    files = [("document", (f"{n}.pdf", demo_pdf(n), "application/pdf")) for n in ("a", "b")]
    data = {"customer_id": str(customer.id), "insurer": "Achmea", "policy_number": "P-1", "insured_cents": "5000000",
            "valid_from": "2026-01-01", "valid_until": "2027-12-31"}  # fmt: skip
    r = api(Role.account_manager).post("/api/policies", data=data, files=files)
    assert r.status_code == 422 and r.json()["errors"] == {"document": "One file only"}


def test_days_beyond_the_calendar_are_refused_however_they_are_sent(api, db):
    """Litestar reads a JSON body under any content type, and a date and time from a number of seconds: neither
    may bring year 9999 in. The guard reads the body whatever its type says; a column refuses what got past it."""
    c = api(Role.admin)
    room = RoomFactory()
    db.flush()
    body = {"room_id": room.id, "findings": "x", "inspected_at": "9999-12-31T23:59:59Z"}
    for content_type in ("text/plain", "application/octet-stream", ""):
        r = c.post("/api/inspections", content=json.dumps(body), headers={"content-type": content_type})
        assert r.status_code == 422 and r.json()["errors"] == {"inspected_at": CALENDAR}, content_type
    assert db.scalar(text("SELECT count(*) FROM inspection")) == 0
    person = PersonFactory()
    db.flush()
    visit = {"customer_id": person.customer_id, "purpose": "Swap a disk", "purpose_kind": "install",
             "room_ids": [room.id], "person_ids": [person.id], "escort_required": True}  # fmt: skip
    for start in (253402293600, -62135596800, 32503680000.5):  # 9999-12-31T22:00Z; 0001-01-01T00:00Z; 3000, in seconds
        r = c.post("/api/visits", json={**visit, "starts_at": start, "ends_at": start + 3600})
        assert r.status_code == 422 and r.json()["errors"] == {"starts_at": CALENDAR, "ends_at": CALENDAR}, start
    assert db.scalar(text("SELECT count(*) FROM visit")) == 0


def test_free_text_that_looks_like_a_day_beyond_the_calendar_is_text(api, db):
    """Only what a handler reads as a day is held to the calendar: a finding, a description or a purpose may say
    "9999-12-31" (the guard read every string of a body as a possible day, and refused these)."""
    c = api(Role.admin)
    room = RoomFactory()
    db.flush()
    inspection = {"room_id": room.id, "findings": "0001-01-01", "inspected_at": "2026-11-30T10:00:00Z"}
    r = c.post("/api/inspections", json=inspection)
    assert r.status_code == 201 and r.json()["findings"] == "0001-01-01", r.text
    invoice = InvoiceFactory()
    db.flush()
    # A PATCH reads a dict of some of the schema's fields: the schema it names tells its days from its text.
    r = c.patch(f"/api/invoices/{invoice.id}", json={"description": "9999-12-31"})
    assert r.status_code == 200 and r.json()["description"] == "9999-12-31", r.text
    r = c.patch(f"/api/invoices/{invoice.id}", json={"description": "9999-12-31", "issue_date": "9999-12-31"})
    assert r.status_code == 422 and r.json()["errors"] == {"issue_date": CALENDAR}
    assert c.get(f"/api/invoices/{invoice.id}").json()["issue_date"] != "9999-12-31"


def test_a_login_that_names_where_to_go_twice_goes_home(anon):
    from tests.factories import PASSWORD, UserFactory

    user = UserFactory()
    anon.get("/login")
    r = anon.post("/login", data={"username": user.username, "password": PASSWORD, "next": ["/a", "/b"],
                                  "_csrf_token": anon.cookies["csrftoken"]})  # fmt: skip
    assert r.status_code == 200 and r.url.path == "/"


def test_a_payment_on_a_paid_invoice_is_refused_on_the_page(login):
    paid = PaymentFactory().invoice
    r = login(Role.account_manager).form(
        f"/invoices/{paid.id}/payments", {"paid_on": "2026-03-10", "amount_cents": "1"}
    )
    assert r.status_code == 422 and "is still open" in r.text


def test_a_file_where_a_form_takes_its_choices_is_refused(login):
    c = login(Role.admin)
    c.get("/visits/new")
    r = c.post("/visits/new", data={"_csrf_token": c.cookies["csrftoken"]},
               files={"room_ids": ("x.txt", b"1", "text/plain")})  # fmt: skip
    assert r.status_code == 422 and "Choose one of the listed values" in r.text


def test_a_search_longer_than_any_name_finds_nothing(api, login):
    long = "a" * 60_000
    assert api(Role.admin).get("/api/hardware", params={"q": long}).json()["items"] == []
    assert login(Role.admin).get("/hardware", params={"q": long}).status_code == 200


def test_the_sweep_runs_with_a_retention_reaching_back_before_1900(db):
    """Settings have minimums only: 50,000 idle days or 1,600 months put the cutoff in the 1890s, a bound no column
    may refuse (the net under the input guard refuses only days near year 1 or 9999)."""
    from dcops import clock
    from dcops.access.retention import housekeeping

    PersonFactory()
    db.flush()
    housekeeping(db, clock.today(), 50_000, 12, "Europe/Amsterdam")
    housekeeping(db, clock.today(), 365, 1_600, "Europe/Amsterdam")


def test_an_alert_says_to_correct_the_fields_below_where_the_page_marks_them(login, db):
    from tests.integration.web.test_typed_days import _order

    desk = login(Role.account_manager)
    r = desk.form(f"/relocations/{_order(db, desk)}/schedule", {"planned_on": "31/02/2026"})
    assert r.status_code == 422 and "Please correct the fields marked below." in r.text


def test_a_body_is_checked_as_the_handler_reads_it_whatever_its_content_type_says(api, login, db):
    """Litestar decodes a body by the type its handler declares: a form's as a form and JSON's as JSON, whatever
    the content type says. The guard read it by the content type, so a NUL reached a form page sent as JSON, and
    a day beyond the calendar an API call sent as a form."""
    c = login(Role.admin)
    c.get("/login")
    sent = {"content-type": "application/json", "x-csrftoken": c.cookies["csrftoken"]}
    r = c.post("/sites/new", content=b"code=NUL1&name=a%00b", headers=sent)
    assert r.status_code == 422 and "control characters" in r.text
    assert db.scalar(text("SELECT count(*) FROM site WHERE code = 'NUL1'")) == 0
    room = RoomFactory()
    db.flush()
    a = api(Role.admin)
    body = {"room_id": room.id, "findings": "x", "inspected_at": "1800-01-01T00:00:00Z"}
    for content_type in ("application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        r = a.post("/api/inspections", content=json.dumps(body), headers={"content-type": content_type})
        assert r.status_code == 422 and r.json()["errors"] == {"inspected_at": CALENDAR}, content_type
        r = a.post("/api/inspections", json={**body, "findings": "a\u0000b", "inspected_at": "2026-11-30T10:00:00Z"})
        assert r.status_code == 422 and list(r.json()["errors"]) == ["findings"]
    assert db.scalar(text("SELECT count(*) FROM inspection")) == 0


def test_a_nul_in_a_multipart_field_is_refused_naming_it(api, db):
    customer = CustomerFactory()
    db.flush()
    data = {"customer_id": str(customer.id), "insurer": "Ach\u0000mea", "policy_number": "P-1",
            "insured_cents": "5000000", "valid_from": "2026-01-01", "valid_until": "2027-12-31"}  # fmt: skip
    files = [("document", ("a.pdf", demo_pdf("a"), "application/pdf"))]
    r = api(Role.account_manager).post("/api/policies", data=data, files=files)
    assert r.status_code == 422 and list(r.json()["errors"]) == ["insurer"], r.text


def test_a_date_and_time_sent_as_the_text_of_seconds_is_held_to_the_calendar(api, db):
    """msgspec reads "221845384800" as seconds since 1970 for a date and time (8999-12-31), as it reads numbers."""
    person = PersonFactory()
    room = RoomFactory()
    db.flush()
    visit = {"customer_id": person.customer_id, "purpose": "Swap a disk", "purpose_kind": "install",
             "room_ids": [room.id], "person_ids": [person.id], "escort_required": True}  # fmt: skip
    c = api(Role.admin)
    for start in ("221845384800", "1e11", "-2208988801"):
        r = c.post("/api/visits", json={**visit, "starts_at": start, "ends_at": "2026-12-01T10:00:00Z"})
        assert r.status_code == 422 and r.json()["errors"] == {"starts_at": CALENDAR}, (start, r.text)
    assert db.scalar(text("SELECT count(*) FROM visit")) == 0


def test_an_error_is_answered_in_the_form_the_reader_asks_for(login):
    """A page's script asking for JSON gets problem+json; a browser, and an Accept header no one can read, a page."""
    c = login(Role.admin)
    r = c.get("/racks/999999", headers={"accept": "application/json"})
    assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEM)
    for accept in ("text/html,application/xhtml+xml,*/*;q=0.8", "application/json;q=1e999", "*/*"):
        r = c.get("/racks/999999", headers={"accept": accept})
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html"), accept


def test_a_multipart_page_is_checked_whatever_form_it_is_sent_as(login, db):
    """A multipart handler is given the urlencoded form the CSRF check read when that is what is sent, and a file's
    name is text too; a handler reading its raw body is not handed a body the guard has used up (it was a 500)."""
    c = login(Role.admin)
    c.get("/login")
    token = c.cookies["csrftoken"]
    form = f"_csrf_token={token}&kind=a%00b&action=preview&contracts=".encode()
    r = c.post("/import", content=form, headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 422 and "control characters" in r.text
    body = (  # a file's name with a NUL, as a client may send it (httpx would escape it)
        b'--B\r\nContent-Disposition: form-data; name="_csrf_token"\r\n\r\n' + token.encode() + b"\r\n"
        b'--B\r\nContent-Disposition: form-data; name="kind"\r\n\r\nnetbox\r\n'
        b'--B\r\nContent-Disposition: form-data; name="action"\r\n\r\npreview\r\n'
        b'--B\r\nContent-Disposition: form-data; name="files"; filename="a\x00b.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\nname,slug\nX,x\n\r\n--B--\r\n"
    )
    r = c.post("/import", content=body, headers={"content-type": "multipart/form-data; boundary=B"})
    assert r.status_code == 200, r.text  # the job page: kept under its name cleaned, as documents are
    assert db.scalars(select(ImportFile.name)).all()[-1] == "ab.csv"
    security = login(Role.security)
    security.get("/login")
    r = security.post(
        "/door/offline",
        files=[("x", ("x.json", b"{}", "application/json"))],
        headers={"x-csrftoken": security.cookies["csrftoken"], "accept": "application/json"},
    )
    assert r.status_code in (400, 422), r.text
