"""Ids and numbers beyond what the database holds: a 404 for a path, a clear 400 for a query parameter.

Every rule of the URL map with an `<int:...>` part is tried with 2^31 (one past PostgreSQL's
INTEGER) and with 99999999999999999999 (past SQLite's 64 bits), as the agency's admin and, for
the API, with a bearer token; before the range-checked converter both reached the database
and answered 500. The largest id that fits, 2^31 - 1, still reaches the view (no such row: 404).
"""
from __future__ import annotations

import re

import pytest

from grants import create_app
from grants.converters import DB_INT_MAX, int_arg
from tests.conftest import auth

OUT_OF_RANGE = ["99999999999999999999", str(DB_INT_MAX + 1), "0", "9" * 5000]
# Values for the other (non-integer) parts of a rule: any will do, the integer part decides.
OTHER_PARTS = {"section": "summary", "action": "publish", "object_type": "call", "outcome": "awarded"}


def _int_rules() -> list[tuple[str, str]]:
    app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    rules = [(rule.rule, method) for rule in app.url_map.iter_rules() if "<int:" in rule.rule
             for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    assert len(rules) > 30, "the URL map should have plenty of id routes"
    return rules


INT_RULES = _int_rules()


def _urls(rule: str, value: str) -> list[str]:
    """The rule with each integer part in turn set to value (the others 1), and with all of them."""
    ints = re.findall(r"<int:(\w+)>", rule)

    def build(values: dict[str, str]) -> str:
        url = rule
        for name, part in values.items():
            url = url.replace(f"<int:{name}>", part)
        return re.sub(r"<(\w+)>", lambda m: OTHER_PARTS[m.group(1)], url)

    urls = [build({name: (value if name == chosen else "1") for name in ints}) for chosen in ints]
    if len(ints) > 1:
        urls.append(build({name: value for name in ints}))
    return urls


@pytest.fixture
def admin(logged_in):
    browser, _ = logged_in("admin")
    return browser


@pytest.fixture
def as_admin(request):
    """send(method, url): as a logged-in admin, or for /api/ with an admin's bearer token."""
    def send(method: str, url: str):
        if url.startswith("/api/"):
            token = request.getfixturevalue("token")  # only the API tests pay for a token
            return request.getfixturevalue("client").open(url, method=method, headers=auth(token))
        browser = request.getfixturevalue("admin")
        if method == "POST":
            if not csrf:
                csrf.append(browser.token("/"))
            return browser.post(url, {"csrf_token": csrf[0]})
        return browser.get(url)
    csrf: list[str] = []
    return send


@pytest.mark.parametrize("rule, method", INT_RULES, ids=[f"{m} {r}" for r, m in INT_RULES])
def test_ids_beyond_the_integer_range_are_404(as_admin, rule, method):
    for value in OUT_OF_RANGE:
        for url in _urls(rule, value):
            response = as_admin(method, url)
            assert response.status_code == 404, (method, url[:80], response.status_code)
            if url.startswith("/api/"):
                assert response.is_json and response.get_json()["error"] == "Pagina niet gevonden"


@pytest.mark.parametrize("rule", sorted({r for r, m in INT_RULES if m == "GET"}))
def test_the_largest_id_that_fits_reaches_the_view(as_admin, rule):
    for url in _urls(rule, str(DB_INT_MAX)):
        response = as_admin("GET", url)
        # No such row: the view's own 404, the database was asked and answered (an admin may not start an
        # application at all: 403 before any lookup).
        assert response.status_code in ((403, 404) if "/new/" in url else (404,)), (url, response.status_code)


BAD_PAGES = ["page=99999999999999999999", f"page={DB_INT_MAX + 1}", "page=0", "page=-5", "page=abc", "page=1e3",
             "page=2.0", "page=%20%202", "page=%D9%A3"]
GOOD_PAGES = ["", "page=", "page=1", "page=2", f"page={DB_INT_MAX}"]


def test_page_numbers_of_the_organisation_list(admin, municipalities):
    # One login for all of them (a login costs a password hash).
    for query in BAD_PAGES:
        response = admin.get(f"/admin/organisations/?{query}")
        assert response.status_code == 400, query
        html = response.get_data(as_text=True).replace("&#39;", "'")
        assert "De parameter 'page' moet een geheel getal van 1 tot en met 2147483647 zijn" in html, query
    for query in GOOD_PAGES:
        assert admin.get(f"/admin/organisations/?{query}").status_code == 200, query


def test_the_second_page_shows_the_next_organisations(admin, municipalities):
    first = admin.get("/admin/organisations/?page=1").get_data(as_text=True)
    second = admin.get("/admin/organisations/?page=2").get_data(as_text=True)
    names = re.compile(r'/admin/organisations/\d+">([^<]+)</a>')
    assert names.findall(first) and names.findall(second)
    assert not set(names.findall(first)) & set(names.findall(second))


@pytest.mark.parametrize("text, expected", [
    (None, 7), ("", 7), ("1", 1), ("42", 42), ("-3", -3), (str(DB_INT_MAX), DB_INT_MAX),
    ("x", 400), ("1.5", 400), ("٣", 400), (" 1", 400), ("+1", 400), ("-", 400), ("-11", 400), ("51", 400),
])
def test_int_arg(app, text, expected):
    from werkzeug.exceptions import BadRequest
    query = {} if text is None else {"n": text}
    with app.test_request_context("/", query_string=query):
        if expected == 400:
            with pytest.raises(BadRequest) as refused:
                int_arg("n", 7, minimum=-10, maximum=50 if text != str(DB_INT_MAX) else DB_INT_MAX)
            assert "De parameter 'n' moet een geheel getal van -10 tot en met 50 zijn" in refused.value.description
        else:
            assert int_arg("n", 7, minimum=-10, maximum=DB_INT_MAX if text == str(DB_INT_MAX) else 50) == expected
