"""Every link works: each role signs in and follows every same-origin link from the dashboard, breadth-first
with query strings (Cancel links included: they are links in forms), and opens every list page with each
value of each of its filters. A 404 or a 5xx fails the test and names the page that linked to it."""

from __future__ import annotations

from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest

from dcops.auth.models import Role
from dcops.documents import DocumentStore
from dcops.seed import load
from tests.conftest import keyring_for
from tests.integration.test_seed_and_schema import DEMO

# Query parameters that only page through a list: one page of each list is enough to prove its links.
PAGING = {"offset", "page"}
# Links to one path differing only in their query values (a rack's 84 "mount here" links, one per free unit)
# are followed this many times per path and set of query names; filter values are all followed.
QUERY_VARIANTS = 6
# Free-text filters get one sample value, so the filtered path is exercised without a value per keystroke.
SAMPLE_TEXT = "a"


class Links(HTMLParser):
    """Hrefs of links, what htmx fetches (hx-get; a select's with each of its options, as htmx sends its value),
    and GET forms with their fields (selects with every option value)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._hx_select: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("hx-get"):
            self.hrefs.append(a["hx-get"])
            if tag == "select" and a.get("name"):
                self._hx_select = (a["hx-get"], a["name"])
        if tag == "option" and self._hx_select is not None:
            url, name = self._hx_select
            self.hrefs.append(f"{url}{'&' if '?' in url else '?'}{urlencode({name: a.get('value', '')})}")
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        elif tag == "form" and a.get("method", "get").lower() == "get":
            self._form = {"action": a.get("action", ""), "selects": {}, "texts": [], "hidden": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["selects"][self._select] = []
        elif self._form is not None and tag == "option" and self._select is not None:
            self._form["selects"][self._select].append(a.get("value", ""))
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind == "hidden":
                self._form["hidden"][a["name"]] = a.get("value", "")
            elif kind in ("text", "search", "date", "number"):
                self._form["texts"].append((a["name"], kind))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = self._hx_select = None


def _sample(kind: str) -> str:
    return {"date": "2026-03-02", "number": "1"}.get(kind, SAMPLE_TEXT)


def _filter_urls(page: str, form: dict) -> list[str]:
    """The form's action with each option of each select (the others left empty), and its text fields filled."""
    action = urljoin(page, form["action"] or page)
    urls = []
    for name, values in form["selects"].items():
        for v in values:
            urls.append(f"{action.split('?')[0]}?{urlencode({**form['hidden'], name: v})}")
    for name, kind in form["texts"]:
        urls.append(f"{action.split('?')[0]}?{urlencode({**form['hidden'], name: _sample(kind)})}")
    return urls


def _normalise(href: str, base: str) -> str | None:
    """A same-origin path with its query, or None for links the crawl does not follow."""
    if href.startswith(("mailto:", "tel:", "javascript:", "#", "data:")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.netloc not in ("", "testserver.local", "testserver"):
        return None
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in PAGING]
    return parts.path + (f"?{urlencode(query)}" if query else "")


def _shape(url: str) -> tuple[str, tuple[str, ...]]:
    path, _, query = url.partition("?")
    return path, tuple(sorted(k for k, _ in parse_qsl(query, keep_blank_values=True)))


def crawl(client, start: str = "/") -> tuple[int, list[str]]:
    seen = {start: "(start)"}
    variants: Counter[tuple[str, tuple[str, ...]]] = Counter()
    queue = deque([start])
    failures: list[str] = []

    def follow(target: str | None, source: str, every_value: bool = False) -> None:
        if target is None or target in seen or target.startswith("/logout"):
            return
        shape = _shape(target)
        if shape[1] and not every_value and variants[shape] >= QUERY_VARIANTS:
            return
        variants[shape] += 1
        seen[target] = source
        queue.append(target)

    while queue:
        path = queue.popleft()
        r = client.get(path, follow_redirects=False)
        if r.status_code in (301, 302, 303, 307, 308):
            follow(_normalise(r.headers["location"], path), path)
            continue
        if r.status_code == 404 or r.status_code >= 500:
            failures.append(f"{path} answered {r.status_code}, linked from {seen[path]}")
            continue
        if "text/html" not in r.headers.get("content-type", "") or r.status_code != 200:
            continue
        parser = Links()
        parser.feed(r.text)
        for href in parser.hrefs:
            follow(_normalise(href, path), path)
        for form in parser.forms:
            for url in _filter_urls(path, form):
                follow(_normalise(url, path), path, every_value=True)
    return len(seen), failures


@pytest.fixture
def demo(db, settings):
    load(db, DEMO, DocumentStore(), keys=keyring_for(settings, db))


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_link_as_every_role(demo, login, role):
    pages, failures = crawl(login(role))
    assert failures == []
    assert pages > 40  # the crawl really went through the demo, not just the dashboard


def test_the_crawl_reports_a_broken_link_with_the_page_it_came_from(demo, login):
    """The crawl itself can fail: a page linking to a missing record is reported."""
    client = login(Role.admin)
    parser = Links()
    parser.feed(
        '<a href="/customers/999999">gone</a><form method="get"><select name="status">'
        '<option value="">all</option><option value="x">x</option></select></form>'
    )
    assert parser.hrefs == ["/customers/999999"]
    assert _filter_urls("/visits", parser.forms[0]) == ["/visits?status=", "/visits?status=x"]
    parser = Links()
    parser.feed('<select name="customer_id" hx-get="/visits/new/people"><option value="">-</option><option value="7">A')
    assert parser.hrefs == ["/visits/new/people", "/visits/new/people?customer_id=", "/visits/new/people?customer_id=7"]
    r = client.get("/customers/999999")
    assert r.status_code == 404
