"""Finding 4: tables of an application have limits (200 budget lines, 50 third-party contributions) that are
checked on save with a clear message, and a page never breaks on what was saved."""
from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from grants.applications.forms import MAX_BUDGET_LINES, MAX_THIRD_PARTY_ROWS
from grants.applications.models import Application, BudgetLine, Contribution, ContributionKind
from grants.extensions import db

from tests.support.applications import complete_application, section_form
from tests.support.calls import page


@pytest.fixture
def gent(factory):
    return factory.organisation("Gent", refnis="44021")


@pytest.fixture
def applicant(logged_in, gent):
    return logged_in("applicant", organisations=[gent])


def _lines(count: int) -> list[BudgetLine]:
    return [BudgetLine(position=n, category="operating", description=f"Post {n}", amount=D("10.00"))
            for n in range(1, count + 1)]


def _rows(html: str, prefix: str, field: str) -> int:
    return len(re.findall(rf'name="{prefix}-\d+-{field}"', html))


@pytest.mark.parametrize("saved, shown", [(0, 3), (2, 5), (198, 200), (199, 200), (200, 200), (230, 230)])
def test_the_budget_page_shows_every_saved_line_and_blank_rows_up_to_the_limit(applicant, factory, gent, saved, shown):
    browser, user = applicant
    app = complete_application(factory.call(), gent, user, lines=_lines(saved))
    db.session.commit()
    response = browser.get(f"/applications/{app.id}/sections/budget")
    assert response.status_code == 200
    assert _rows(page(response), "lines", "description") == shown


@pytest.mark.parametrize("saved, shown", [(0, 2), (49, 50), (50, 50), (60, 60)])
def test_the_financing_page_never_breaks_on_saved_contributions(applicant, factory, gent, saved, shown):
    browser, user = applicant
    third = [Contribution(kind=ContributionKind.THIRD_PARTY, source=f"Bron {n}", amount=D("1.00"))
             for n in range(saved)]
    app = complete_application(factory.call(), gent, user, contributions=third)
    db.session.commit()
    response = browser.get(f"/applications/{app.id}/sections/financing")
    assert response.status_code == 200
    assert _rows(page(response), "third_party", "source") == shown


def _budget_post(form: dict, count: int) -> dict:
    data = dict(form)
    for n in range(count):
        data.update({f"lines-{n}-category": "operating", f"lines-{n}-description": f"Post {n + 1}",
                     f"lines-{n}-amount": "10,00"})
    return data


def test_201_lines_are_refused_with_the_limit_not_cut_silently(applicant, factory, gent):
    browser, user = applicant
    app = complete_application(factory.call(), gent, user)
    db.session.commit()
    url = f"/applications/{app.id}/sections/budget"
    response = browser.client.post(url, data=_budget_post(section_form(browser, app.id, "budget"),
                                                          MAX_BUDGET_LINES + 1))
    assert response.status_code == 400
    assert "Een begroting heeft hoogstens 200 kostenposten; u gaf er 201." in page(response)
    db.session.expire_all()
    assert len(db.session.get(Application, app.id).budget_lines) == 2  # nothing saved
    # Exactly 200 is fine, and the page with 200 lines opens again.
    response = browser.client.post(url, data=_budget_post(section_form(browser, app.id, "budget"), MAX_BUDGET_LINES))
    assert response.status_code == 302
    db.session.expire_all()
    assert len(db.session.get(Application, app.id).budget_lines) == MAX_BUDGET_LINES
    assert browser.get(url).status_code == 200


def test_far_too_many_posted_rows_are_refused_too(applicant, factory, gent):
    browser, user = applicant
    app = complete_application(factory.call(), gent, user)
    db.session.commit()
    data = section_form(browser, app.id, "budget")
    data.update({f"lines-{n}-description": "" for n in range(2000)})  # blank rows, but thousands of them
    response = browser.client.post(f"/applications/{app.id}/sections/budget", data=data)
    assert response.status_code == 400 and "hoogstens 200 kostenposten" in page(response)


def test_51_third_party_contributions_are_refused(applicant, factory, gent):
    browser, user = applicant
    app = complete_application(factory.call(), gent, user)
    db.session.commit()
    data = section_form(browser, app.id, "financing")
    data.update(requested_amount="40.000,00", own_financial="5.000,00")
    for n in range(MAX_THIRD_PARTY_ROWS + 1):
        data.update({f"third_party-{n}-source": f"Bron {n}", f"third_party-{n}-amount": "1,00"})
    response = browser.client.post(f"/applications/{app.id}/sections/financing", data=data)
    assert response.status_code == 400
    assert "Hoogstens 50 bijdragen van derden; u gaf er 51." in page(response)
