"""The awards pages run a fixed number of queries, whatever the number of applications."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import event

from grants.applications.states import ApplicationStatus
from grants.awards.models import Decision, DecisionOutcome
from grants.calls.states import SelectionMode
from grants.extensions import db
from grants.timeutil import utcnow


def _count(browser, url: str) -> tuple[int, int]:
    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    browser.get(url)  # warm-up
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        status = browser.get(url).status_code
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return status, len(statements)


def _grow(factory, call, n: int, *, published: bool = False) -> None:
    for k in range(n):
        app = factory.application(call, status=ApplicationStatus.ADMISSIBLE, requested_amount=Decimal("20000.00"),
                                  priority=k + 1)
        outcome = DecisionOutcome.AWARDED if k % 2 == 0 else DecisionOutcome.REJECTED
        db.session.add(Decision(application_id=app.id, outcome=outcome, motivation="Gemotiveerd.",
                                amount=Decimal("20000.00") if outcome == DecisionOutcome.AWARDED else None,
                                published_at=utcnow() if published else None))
    if published:
        call.awards_published_at = utcnow()
    db.session.commit()


@pytest.mark.parametrize("page", ["overview", "proposal", "public"])
def test_queries_do_not_grow_with_the_applications(logged_in, factory, page):
    browser, _admin = logged_in("admin")
    call = factory.call(selection_mode=SelectionMode.SIGN_UP, envelope=Decimal("5000000.00"))
    url = {"overview": f"/admin/calls/{call.id}/awards", "proposal": f"/admin/calls/{call.id}/awards/proposal",
           "public": f"/calls/{call.id}/awards"}[page]
    _grow(factory, call, 2, published=page == "public")
    few = _count(browser, url)
    _grow(factory, call, 10, published=page == "public")
    many = _count(browser, url)
    assert few[0] == many[0] == 200
    assert many[1] == few[1], (few, many)
