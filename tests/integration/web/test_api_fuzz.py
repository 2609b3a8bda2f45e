"""Schemathesis against the app in-process: every operation in the OpenAPI document, a bounded number of
generated requests each, as an admin with a bearer token, on every test database.

Zero server errors, and every response (errors included) is documented: its status code, its content type
and its body's schema. Generated ids mostly miss, so a few demo rows are made first for them to hit.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dcops.auth.models import Role
from dcops.auth.service import TokenIn, create_token
from tests import factories

EXAMPLES = int(os.environ.get("DCOPS_FUZZ_EXAMPLES", "10"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(app, db):  # type: ignore[no-untyped-def]
    for _ in range(2):  # rows for small generated ids (1, 2, …) to find
        factories.HardwareFactory(contract=factories.ContractFactory())
        factories.RackFactory()
    return schemathesis.openapi.from_asgi("/schema/openapi.json", app)


@pytest.fixture
def admin_bearer(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    user = factories.UserFactory(role=Role.admin)
    _, secret = create_token(db, TokenIn(user_id=user.id, name="fuzz"), actor="test")
    return {"Authorization": f"Bearer {secret}"}


def test_every_api_operation_answers_as_documented(api_schema, admin_bearer):  # type: ignore[no-untyped-def]
    # schemathesis' own pytest loader does not run under pytest 9; its strategies and checks are used directly.
    failures: dict[str, str] = {}
    statuses: dict[int, int] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 100  # every operation, not a slice

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
        def run(case):  # type: ignore[no-untyped-def]
            response = case.call_and_validate(headers=admin_bearer, checks=CHECKS)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        try:
            run()
        except Exception as exc:  # collect them all: one report names every operation that failed
            failures[operation.label] = str(exc)[:2000]
    print(f"statuses of {sum(statuses.values())} generated requests:", dict(sorted(statuses.items())))
    assert statuses.keys() & {200, 201, 204}, "no generated request ever succeeded"
    assert not failures, "\n\n".join(f"{label}:\n{message}" for label, message in failures.items())
