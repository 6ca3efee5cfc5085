"""Long lists a page at a time: the agency's screening list and the API lists.

A page never holds more than its page size, the pages together hold every row exactly once, the
totals and sums are over every filtered row (not the page), the links keep the filters, a bad
?page= is a 400 in Dutch (the API's error JSON) and a page past the last one a 404; and a page
costs the same number of queries whatever the number of rows. The page sizes are made small
here so that a handful of rows spans several pages.
"""
from __future__ import annotations

import re
from decimal import Decimal as D
from html import unescape

import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import event

from grants import pagination
from grants.applications import api as applications_api
from grants.applications import queries
from grants.applications.models import BudgetLine, Contribution, ContributionKind
from grants.applications.states import ApplicationStatus as S
from grants.calls import api as calls_api
from grants.calls.states import CallStatus
from grants.exports import api as exports_api
from grants.exports.api import openapi_document
from grants.extensions import db
from grants.organisations.models import OrganisationKind
from tests.conftest import auth

PAGE = 3


# --------------------------------------------------------------------------- the page arithmetic


@settings(max_examples=200, deadline=None)
@given(total=st.integers(min_value=0, max_value=10_000), size=st.integers(min_value=1, max_value=200))
def test_pages_cover_every_row_once_and_none_is_larger_than_its_size(total, size):
    pages = pagination.Page(number=1, size=size, total=total).pages
    assert pages >= 1
    covered = 0
    for number in range(1, pages + 1):
        page = pagination.Page(number=number, size=size, total=total)
        rows = page.last_row - page.offset if total else 0
        assert 0 <= rows <= size
        assert page.offset == covered  # no gap, no overlap
        assert page.has_next == (number < pages) and page.has_previous == (number > 1)
        covered += rows
    assert covered == total
    assert (total == 0) or pagination.Page(number=pages, size=size, total=total).last_row == total


# --------------------------------------------------------------------------- the screening list


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(queries, "SCREENING_PAGE_SIZE", PAGE)
    monkeypatch.setattr(applications_api, "APPLICATIONS_PER_PAGE", PAGE)
    monkeypatch.setattr(calls_api, "CALLS_PER_PAGE", PAGE)
    monkeypatch.setattr(exports_api, "ORGANISATIONS_PER_PAGE", PAGE)


@pytest.fixture
def call(factory):
    call = factory.call(title="Tegengeluiden 2027", dossier_prefix="TG")
    db.session.commit()
    return call


def _add(factory, call, n: int, *, start: int = 1, kind=OrganisationKind.MUNICIPALITY, status=S.SUBMITTED,
         province="Oost-Vlaanderen") -> list:
    """n handed-in applications asking 1.000, 2.000, ... EUR (start, start+1, ... thousand), numbered TG-2027-0001..."""
    apps = []
    for number in range(start, start + n):
        org = factory.organisation(f"Organisatie {number:03d}", kind=kind, province=province,
                                   kbo=None if kind == OrganisationKind.MUNICIPALITY else _kbo(number))
        amount = D(number * 1000)
        apps.append(factory.application(
            call, org, status=status, numbered=False, requested_amount=amount,
            dossier_number=f"TG-2027-{number:04d}" if status != S.DRAFT else None,
            dossier_sequence=number if status != S.DRAFT else None,
            lines=[BudgetLine(position=1, category="operating", description="Alles", amount=amount + 500)],
            contributions=[Contribution(kind=ContributionKind.OWN_FINANCIAL, source="", amount=D("500.00"))]))
    db.session.commit()
    return apps


def _kbo(n: int) -> str:
    base = f"0{4_000_000 + n:07d}"
    return f"{base}{97 - int(base) % 97:02d}"


@pytest.fixture
def admin(logged_in):
    return logged_in("admin")[0]


def _dossiers(html: str) -> list[str]:
    return re.findall(r">(TG-2027-\d{4}|\(geen\))</a>", html)


def _links(html: str) -> dict[str, str]:
    """The pager's links by their text."""
    nav = re.search(r'<nav class="pagination".*?</nav>', html, re.S)
    if not nav:
        return {}
    return {text: unescape(href) for href, text in re.findall(r'<a (?:rel="\w+" )?href="([^"]+)">([^<]+)</a>',
                                                               nav.group(0))}


def test_the_screening_list_shows_one_page_at_a_time_with_totals_over_all_rows(admin, factory, call,
                                                                                small_pages):
    _add(factory, call, 7)
    url = f"/admin/calls/{call.id}/applications"
    first = admin.get(url).get_data(as_text=True)
    assert _dossiers(first) == ["TG-2027-0001", "TG-2027-0002", "TG-2027-0003"]
    # The caption counts and adds up all seven (1+2+...+7 thousand), not the three on the page.
    assert "7 aanvragen, samen gevraagd 28.000,00 EUR" in first and "rijen 1 tot 3" in first
    assert "Pagina 1 van 3" in first
    links = _links(first)
    assert set(links) == {"Volgende", "Laatste"}  # no way back from the first page
    second = admin.get(links["Volgende"]).get_data(as_text=True)
    assert _dossiers(second) == ["TG-2027-0004", "TG-2027-0005", "TG-2027-0006"]
    assert set(_links(second)) == {"Eerste", "Vorige", "Volgende", "Laatste"}
    last = admin.get(links["Laatste"]).get_data(as_text=True)
    assert _dossiers(last) == ["TG-2027-0007"] and "rijen 7 tot 7" in last and "Pagina 3 van 3" in last
    assert set(_links(last)) == {"Eerste", "Vorige"}
    assert admin.get(_links(last)["Vorige"]).get_data(as_text=True).count("TG-2027-0005") == 1


def test_the_filters_and_the_order_survive_paging(admin, factory, call, small_pages):
    _add(factory, call, 4, kind=OrganisationKind.NONPROFIT, province="Antwerpen")
    _add(factory, call, 5, start=11, kind=OrganisationKind.MUNICIPALITY)
    _add(factory, call, 2, start=21, status=S.DRAFT)
    url = f"/admin/calls/{call.id}/applications?status=all&kind=municipality&sort=requested&q=organisatie"
    first = admin.get(url).get_data(as_text=True)
    # Municipalities only (the five submitted and the two drafts), the largest amount first.
    assert _dossiers(first) == ["(geen)", "(geen)", "TG-2027-0015"]
    assert "7 aanvragen, samen gevraagd" in first
    following = _links(first)["Volgende"]
    for expected in ("status=all", "kind=municipality", "sort=requested", "q=organisatie", "page=2"):
        assert expected in following
    assert _dossiers(admin.get(following).get_data(as_text=True)) == ["TG-2027-0014", "TG-2027-0013",
                                                                      "TG-2027-0012"]
    nonprofits = admin.get(f"/admin/calls/{call.id}/applications?province=Antwerpen").get_data(as_text=True)
    assert "4 aanvragen, samen gevraagd 10.000,00 EUR" in nonprofits
    assert "province=Antwerpen" in _links(nonprofits)["Volgende"]


@pytest.mark.parametrize("rows, pages", [(0, 1), (1, 1), (PAGE, 1), (PAGE + 1, 2)])
def test_the_edges_of_the_screening_list(admin, factory, call, small_pages, rows, pages):
    _add(factory, call, rows)
    url = f"/admin/calls/{call.id}/applications"
    html = admin.get(url).get_data(as_text=True)
    assert len(_dossiers(html)) == min(rows, PAGE)
    if rows == 0:
        assert "Geen aanvragen die aan de filters voldoen." in html
    assert bool(_links(html)) == (pages > 1)  # one page: no pager at all
    last = admin.get(f"{url}?page={pages}")
    assert last.status_code == 200 and len(_dossiers(last.get_data(as_text=True))) == rows - (pages - 1) * PAGE
    past = admin.get(f"{url}?page={pages + 1}")
    assert past.status_code == 404
    assert f"Pagina {pages + 1} bestaat niet: deze lijst heeft {pages} pagina" in past.get_data(as_text=True)


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "99999999999", "2147483648", "%201"])
def test_a_bad_page_number_is_a_400_in_dutch(admin, factory, call, value):
    _add(factory, call, 1)
    response = admin.get(f"/admin/calls/{call.id}/applications?page={value}")
    assert response.status_code == 400
    assert "De parameter &#39;page&#39; moet een geheel getal van 1 tot en met 2147483647 zijn" in \
        response.get_data(as_text=True)


def test_an_empty_page_on_a_page_is_the_first_page_but_on_the_api_a_400(admin, client, token, factory, call):
    # a page's own links and forms may send `page=`; an API client that does has a bug to hear about
    _add(factory, call, 1)
    assert _dossiers(admin.get(f"/admin/calls/{call.id}/applications?page=").get_data(as_text=True))
    assert client.get(f"/api/v1/calls/{call.id}/applications?page=", headers=auth(token)).status_code == 400


def _query_count(fetch) -> int:
    fetch()  # once before counting: the API token's last use is written at most once a minute
    statements = []

    def listener(*args):
        statements.append(args[2])
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert fetch().status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_the_screening_list_costs_the_same_queries_at_two_sizes(admin, factory, call, small_pages, token):
    _add(factory, call, 2)
    url = f"/admin/calls/{call.id}/applications?status=all&page=1"
    api_url = f"/api/v1/calls/{call.id}/applications"
    small = _query_count(lambda: admin.get(url)), _query_count(lambda: admin.get(api_url, headers=auth(token)))
    _add(factory, call, 12, start=3)
    large = _query_count(lambda: admin.get(url)), _query_count(lambda: admin.get(api_url, headers=auth(token)))
    assert large == small
    # And a page further on costs no more than the first one.
    assert _query_count(lambda: admin.get(url.replace("page=1", "page=4"))) == small[0]


# --------------------------------------------------------------------------- the API lists


def _walk(client, token, url) -> list[dict]:
    """Every page of an API list, following `next`; checks each page's envelope on the way."""
    bodies = []
    while url is not None:
        response = client.get(url, headers=auth(token))
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        assert len(body["items"]) <= body["per_page"] == PAGE
        assert body["page"] == len(bodies) + 1
        bodies.append(body)
        url = body["next"]
    assert len(bodies) == bodies[0]["pages"]
    return bodies


def test_the_api_list_of_applications_pages_with_next_links_and_a_total(client, token, factory, call,
                                                                       small_pages):
    apps = _add(factory, call, 7)
    bodies = _walk(client, token, f"/api/v1/calls/{call.id}/applications")
    assert [len(b["items"]) for b in bodies] == [3, 3, 1]
    assert {b["total"] for b in bodies} == {7} and bodies[-1]["next"] is None
    items = [item for b in bodies for item in b["items"]]
    assert [i["dossier_number"] for i in items] == [f"TG-2027-{n:04d}" for n in range(1, 8)]  # each once, in order
    assert {i["id"] for i in items} == {a.id for a in apps}
    assert items[1]["requested"] == "2000.00" and items[1]["total_cost"] == "2500.00"
    assert items[1]["own_contribution"] == "500.00"
    assert bodies[0]["next"] == f"/api/v1/calls/{call.id}/applications?page=2"


def test_the_api_keeps_its_filter_in_the_next_link(client, token, factory, call, small_pages):
    _add(factory, call, 4)
    _add(factory, call, 3, start=11, status=S.DRAFT)
    first = client.get(f"/api/v1/calls/{call.id}/applications?status=draft", headers=auth(token)).get_json()
    assert first["total"] == 3 and first["next"] is None and first["pages"] == 1
    first = client.get(f"/api/v1/calls/{call.id}/applications?status=submitted", headers=auth(token)).get_json()
    assert first["total"] == 4 and "status=submitted" in first["next"] and "page=2" in first["next"]
    second = client.get(first["next"], headers=auth(token)).get_json()
    assert [i["status"] for i in second["items"]] == ["submitted"]


@pytest.mark.parametrize("rows, pages", [(0, 1), (PAGE, 1), (PAGE + 1, 2)])
def test_the_edges_of_the_api_list(client, token, factory, call, small_pages, rows, pages):
    _add(factory, call, rows)
    url = f"/api/v1/calls/{call.id}/applications"
    body = client.get(url, headers=auth(token)).get_json()
    assert (body["total"], body["pages"], len(body["items"])) == (rows, pages, min(rows, PAGE))
    assert (body["next"] is None) == (pages == 1)
    past = client.get(f"{url}?page={pages + 1}", headers=auth(token))
    assert past.status_code == 404 and past.is_json
    assert past.get_json()["detail"].startswith(f"Pagina {pages + 1} bestaat niet")


@pytest.mark.parametrize("path", ["/api/v1/calls/{call_id}/applications", "/api/v1/calls", "/api/v1/organisations"])
@pytest.mark.parametrize("value", ["0", "-1", "abc", "99999999999", ""])
def test_a_bad_page_number_is_the_api_error_json(client, token, call, path, value):
    # empty too: the OpenAPI document says integer, and no form of the API sends an empty page
    response = client.get(path.format(call_id=call.id) + f"?page={value}", headers=auth(token))
    assert response.status_code == 400 and response.is_json
    body = response.get_json()
    assert body["error"] == "Ongeldige aanvraag"
    assert body["detail"].startswith("De parameter 'page' moet een geheel getal van 1 tot en met 2147483647 zijn")


def test_the_calls_and_organisations_lists_page_too(client, token, factory, small_pages):
    for n in range(5):
        factory.call(title=f"Oproep {n}", status=CallStatus.PUBLISHED)
    db.session.commit()  # with the token's admin: no organisations yet besides those below
    calls = [i["title"] for b in _walk(client, token, "/api/v1/calls") for i in b["items"]]
    assert sorted(calls) == [f"Oproep {n}" for n in range(5)] and len(set(calls)) == 5
    for n in range(4):
        factory.organisation(f"Gemeente {n}")
    db.session.commit()
    bodies = _walk(client, token, "/api/v1/organisations")
    assert [i["name"] for b in bodies for i in b["items"]] == [f"Gemeente {n}" for n in range(4)]
    assert bodies[0]["total"] == 4


def test_the_openapi_document_describes_the_pages():
    doc = openapi_document()
    for path in ("/calls/{call_id}/applications", "/calls", "/organisations"):
        operation = doc["paths"][path]["get"]
        page = next(p for p in operation["parameters"] if p["name"] == "page")
        assert page["in"] == "query" and page["schema"]["minimum"] == 1
        assert {"400", "404"} <= set(operation["responses"])
        schema_name = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
        schema = doc["components"]["schemas"][schema_name]
        assert {"items", "page", "per_page", "pages", "total", "next"} <= set(schema["required"])
