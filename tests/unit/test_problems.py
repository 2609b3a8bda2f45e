import sqlite3

from sqlalchemy.exc import OperationalError

from dcops.errors import Conflict, ValidationFailed
from dcops.terms import Denied, Reason, Verdict
from dcops.web.problems import describe


def test_refusals_carry_rule_and_article():
    status, _, _, extra = describe(Denied(Verdict.deny(Reason("A7", "13.7", "customer in payment default"))))
    assert status == 403 and extra["reasons"] == [
        {"rule": "A7", "article": "13.7", "message": "customer in payment default"}
    ]


def test_bad_input_and_conflicts_carry_fields():
    assert describe(ValidationFailed({"name": "required"}))[::3] == (422, {"errors": {"name": "required"}})
    assert describe(Conflict("U3 taken", field="position"))[3] == {"errors": {"position": "U3 taken"}}


def test_a_locked_sqlite_database_is_a_retryable_503_not_a_500():
    exc = OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))
    status, title, detail, _ = describe(exc)
    assert status == 503 and "nothing was changed" in detail
