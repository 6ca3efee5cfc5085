"""Submit and start are idempotent under real concurrency: threads against the app, on the test
database (a file SQLite database, or PostgreSQL when TEST_DATABASE_URL is set).

A double click, a retry after a timeout or two tabs send the same POST several times at once. Each
request runs in its own thread with its own app context, database session and connection, as under
a threaded server; a barrier releases them together.
"""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus as S
from grants.audit.models import AuditEvent
from grants.extensions import db

from tests.conftest import TEST_DATABASE_URL, Browser
from tests.support.applications import complete_application, csrf, submit_form

CLICKS = 8


class ThreadClient(FlaskClient):
    """A test client usable from any thread: every request in an app context of its own."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _clients(app, user, password, count=CLICKS):
    browsers = []
    for _ in range(count):
        browser = Browser(ThreadClient(app, app.response_class, use_cookies=True))
        assert browser.login(user.email, password).status_code == 302
        browsers.append(browser)
    return browsers


def _all_at_once(browsers, url, forms):
    """POST form i from browser i, all released by one barrier; returns the answers in order."""
    barrier = threading.Barrier(len(browsers))
    answers: list = [None] * len(browsers)

    def click(i):
        barrier.wait()
        try:
            answers[i] = browsers[i].client.post(url, data=forms[i])
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            answers[i] = exc

    threads = [threading.Thread(target=click, args=(i,)) for i in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    db.session.expire_all()
    return answers


@pytest.fixture
def gent(factory):
    return factory.organisation("Gent", refnis="44021", contact_email="info@gent.be")


def test_eight_concurrent_submits_of_one_draft_give_one_dossier_and_the_same_receipt(app, factory, gent):
    user = factory.user(organisations=[gent], name="Els Peeters")
    call = factory.call()
    draft = complete_application(call, gent, user)
    db.session.commit()
    browsers = _clients(app, user, factory.PASSWORD)
    # Every tab loaded the checklist before anyone submitted: same version, same confirmation.
    forms = [submit_form(b, draft.id) for b in browsers]
    answers = _all_at_once(browsers, f"/applications/{draft.id}/submit", forms)

    assert all(not isinstance(a, Exception) for a in answers), answers
    assert [a.status_code for a in answers] == [302] * CLICKS, [a.get_data(as_text=True)[:500] for a in answers]
    assert {a.headers["Location"] for a in answers} == {f"/applications/{draft.id}/receipt"}
    numbers = db.session.scalars(sa.select(Application.dossier_number)
                                 .where(Application.dossier_number.is_not(None))).all()
    assert len(numbers) == 1
    submitted = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "application.submit")).all()
    assert len(submitted) == 1
    db.session.refresh(draft)
    assert draft.status == S.SUBMITTED and draft.dossier_number == numbers[0]
    # Each of the other seven is told it was already submitted, with the one dossier number, on the receipt.
    receipts = [b.get(a.headers["Location"]).get_data(as_text=True) for a, b in zip(answers, browsers)]
    assert all(numbers[0] in page for page in receipts)
    told = [page for page in receipts if "is al ingediend met dossiernummer" in page]
    assert len(told) == CLICKS - 1


def test_a_retry_after_the_submission_went_through_shows_the_existing_receipt(app, factory, gent):
    user = factory.user(organisations=[gent])
    call = factory.call()
    draft = complete_application(call, gent, user)
    db.session.commit()
    (browser,) = _clients(app, user, factory.PASSWORD, count=1)
    form = submit_form(browser, draft.id)
    first = browser.client.post(f"/applications/{draft.id}/submit", data=form)
    retry = browser.client.post(f"/applications/{draft.id}/submit", data=form)  # the same form again
    assert (first.status_code, retry.status_code) == (302, 302)
    assert retry.headers["Location"] == first.headers["Location"] == f"/applications/{draft.id}/receipt"
    db.session.refresh(draft)
    page = browser.get(retry.headers["Location"]).get_data(as_text=True)
    assert f"Deze aanvraag is al ingediend met dossiernummer {draft.dossier_number}." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)
                             .where(Application.dossier_number.is_not(None))) == 1


def test_concurrent_submits_of_different_drafts_number_them_without_gap_or_duplicate(app, factory):
    call = factory.call()
    pairs = []
    for i in range(CLICKS):
        org = factory.organisation(f"Gemeente {i}")
        user = factory.user(organisations=[org])
        pairs.append((user, complete_application(call, org, user)))
    db.session.commit()
    browsers = [_clients(app, user, factory.PASSWORD, count=1)[0] for user, _app in pairs]
    barrier = threading.Barrier(CLICKS)
    answers: list = [None] * CLICKS
    forms = [submit_form(b, a.id) for b, (_u, a) in zip(browsers, pairs)]

    def click(i):
        barrier.wait()
        answers[i] = browsers[i].client.post(f"/applications/{pairs[i][1].id}/submit", data=forms[i])

    threads = [threading.Thread(target=click, args=(i,)) for i in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    db.session.expire_all()
    assert [a.status_code for a in answers] == [302] * CLICKS
    sequences = sorted(db.session.scalars(sa.select(Application.dossier_sequence)
                                          .where(Application.call_id == call.id)).all())
    assert sequences == list(range(1, CLICKS + 1))


@pytest.mark.parametrize("one_per_organisation", [True, False])
def test_eight_concurrent_starts_create_one_draft(app, factory, gent, one_per_organisation):
    user = factory.user(organisations=[gent])
    call = factory.call(one_application_per_organisation=one_per_organisation)
    db.session.commit()
    browsers = _clients(app, user, factory.PASSWORD)
    url = f"/applications/new/{call.id}"
    forms = [{"csrf_token": csrf(b.get(url).get_data(as_text=True)), "organisation_id": str(gent.id)}
             for b in browsers]
    answers = _all_at_once(browsers, url, forms)

    assert all(not isinstance(a, Exception) for a in answers), answers
    assert [a.status_code for a in answers] == [302] * CLICKS, [a.get_data(as_text=True)[:500] for a in answers]
    ids = db.session.scalars(sa.select(Application.id).where(Application.call_id == call.id)).all()
    assert len(ids) == 1
    assert {a.headers["Location"] for a in answers} == {f"/applications/{ids[0]}"}
    created = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "application.create")).all()
    assert len(created) == 1


def test_a_second_application_on_purpose_is_still_possible_where_the_call_allows_several(app, factory, gent,
                                                                                          monkeypatch):
    """The repeat window only catches repeats: later, the same person may start another draft."""
    from datetime import timedelta

    from grants.applications import operations
    user = factory.user(organisations=[gent])
    call = factory.call(one_application_per_organisation=False)
    db.session.commit()
    (browser,) = _clients(app, user, factory.PASSWORD, count=1)
    url = f"/applications/new/{call.id}"
    form = {"csrf_token": csrf(browser.get(url).get_data(as_text=True)), "organisation_id": str(gent.id)}
    assert browser.client.post(url, data=form).status_code == 302
    later = operations.current_time() + operations.REPEATED_START_WINDOW + timedelta(seconds=1)
    monkeypatch.setattr(operations, "current_time", lambda: later)
    assert browser.client.post(url, data=form).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)
                             .where(Application.call_id == call.id)) == 2


def test_two_colleagues_starting_at_once_where_one_application_is_allowed_get_one_draft(app, factory, gent):
    """Not a repeat (two people): the second is told the organisation already has an application."""
    first, second = factory.user(organisations=[gent]), factory.user(organisations=[gent])
    call = factory.call(one_application_per_organisation=True)
    db.session.commit()
    browsers = _clients(app, first, factory.PASSWORD, count=1) + _clients(app, second, factory.PASSWORD, count=1)
    url = f"/applications/new/{call.id}"
    forms = [{"csrf_token": csrf(b.get(url).get_data(as_text=True)), "organisation_id": str(gent.id)}
             for b in browsers]
    answers = _all_at_once(browsers, url, forms)
    assert sorted(a.status_code for a in answers) == [302, 400]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)
                             .where(Application.call_id == call.id)) == 1


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="SQLite has one writer at a time: no deadlock between two")
def test_a_request_that_loses_a_deadlock_gets_the_conflict_page_and_writes_nothing(app, factory):
    """Two requests that lock the same rows in opposite order: PostgreSQL aborts one of them. That one
    answers 409 with the conflict page (try again) instead of a 500, and its writes are rolled back."""
    x, y = factory.call(), factory.call()
    db.session.commit()
    barrier = threading.Barrier(2)

    def lock_both(first: int, second: int):
        db.session.execute(sa.text("UPDATE calls SET title = title || '+' WHERE id = :id"), {"id": first})
        barrier.wait(timeout=10)
        db.session.execute(sa.text("UPDATE calls SET title = title || '+' WHERE id = :id"), {"id": second})
        return "ok"

    app.add_url_rule("/test/lock/<int:first>/<int:second>", view_func=lock_both)
    clients = [ThreadClient(app, app.response_class) for _ in range(2)]
    answers: list = [None, None]

    def call(i, first, second):
        answers[i] = clients[i].get(f"/test/lock/{first}/{second}")

    threads = [threading.Thread(target=call, args=(0, x.id, y.id)), threading.Thread(target=call, args=(1, y.id, x.id))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(a.status_code for a in answers) == [200, 409]
    lost = next(a for a in answers if a.status_code == 409).get_data(as_text=True)
    assert "Iemand anders heeft dit op hetzelfde moment gewijzigd. Er is niets overschreven." in lost
    db.session.expire_all()
    titles = db.session.scalars(sa.select(sa.text("title")).select_from(sa.table("calls")).order_by(sa.text("id")))
    assert [t.count("+") for t in titles] == [1, 1]  # the winner's writes only
