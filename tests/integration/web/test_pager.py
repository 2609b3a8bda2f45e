"""A list's pager: its count where there are rows, nothing on an empty list (the page says it is empty); a page
past the end of a list shows its last page."""

from dcops.auth.models import Role
from tests import factories


def test_the_pager_counts_rows_hides_on_an_empty_list_and_a_page_past_the_end_is_the_last(login, api, db):
    for _ in range(3):
        factories.CustomerFactory()
    db.flush()
    desk = login(Role.account_manager)

    listed = desk.get("/customers?limit=2").text
    assert "1–2 of " in listed and "Next" in listed

    empty = desk.get("/customers?q=nobody-is-called-this").text
    assert "No customers match." in empty and "0–0" not in empty and 'class="pager"' not in empty

    past = desk.get("/customers?limit=2&offset=100000").text  # an old bookmark: the last page, not "none match"
    assert "No customers match." not in past and "100001–" not in past and "Previous" in past and "Next" not in past
    r = api(Role.account_manager).get("/api/customers?limit=2&offset=100000")  # the API: the page asked for, empty
    assert r.status_code == 200 and r.json()["items"] == [] and r.json()["total"] >= 3


def test_an_offset_or_limit_no_list_has_is_no_error(login):
    desk = login(Role.account_manager)
    for query in ("offset=99999999999999999999", "offset=-5", "limit=0", "limit=99999999999999999999", "offset=x"):
        r = desk.get(f"/customers?{query}")
        assert r.status_code in (200, 400, 422), (query, r.status_code)
