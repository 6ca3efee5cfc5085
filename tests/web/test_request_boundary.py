"""The request boundary (grants/unit_of_work.py): an answer below 400 commits, 400 and above rolls
back (unless the handler keeps its changes), and mail goes out only after a commit."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Blueprint

from grants.accounts.models import MailMessage
from grants.extensions import db
from grants.mail import queue_mail
from grants.unit_of_work import CloseBeforeAnswering, keep_changes_on_error


@pytest.fixture
def boundary_app(app):
    bp = Blueprint("boundary_test", __name__)

    @bp.route("/boundary/<int:status>")
    def answer(status: int):
        queue_mail("boundary@example.be", f"Status {status}", "Body")
        return "answer", status

    @bp.route("/boundary/keep")
    def keep():
        queue_mail("boundary@example.be", "Kept", "Body")
        keep_changes_on_error()
        return "refused but kept", 422

    @bp.route("/boundary/raise")
    def fail():
        queue_mail("boundary@example.be", "Raised", "Body")
        raise RuntimeError("boom")

    app.register_blueprint(bp)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def _subjects() -> list[str]:
    db.session.rollback()
    return sorted(db.session.scalars(sa.select(MailMessage.subject)))


@pytest.mark.parametrize("status", [200, 201, 302])
def test_an_answer_below_400_commits_and_sends_the_mail(boundary_app, smtp_server, status):
    response = boundary_app.test_client().get(f"/boundary/{status}")
    assert response.status_code == status
    response.close()
    assert _subjects() == [f"Status {status}"]
    assert [m["subject"] for m in smtp_server.wait_for(1)] == [f"Status {status}"]


@pytest.mark.parametrize("status", [400, 404, 409, 500])
def test_an_answer_of_400_or_more_rolls_back_and_sends_nothing(boundary_app, smtp_server, status):
    response = boundary_app.test_client().get(f"/boundary/{status}")
    assert response.status_code == status
    response.close()
    assert _subjects() == []
    assert smtp_server.wait_for(1, timeout=0.5) == []


def test_a_handler_may_keep_its_changes_on_an_error_answer(boundary_app, smtp_server):
    response = boundary_app.test_client().get("/boundary/keep")
    assert response.status_code == 422
    response.close()
    assert _subjects() == ["Kept"]


def test_an_exception_rolls_back(boundary_app, smtp_server):
    response = boundary_app.test_client().get("/boundary/raise")
    assert response.status_code == 500
    assert _subjects() == []


def test_under_the_development_server_the_body_is_closed_before_it_is_handed_over():
    closed = []

    class Body(list):
        def close(self):
            closed.append(True)

    def wsgi_app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Body([b"a", b"b"])

    middleware = CloseBeforeAnswering(wsgi_app)
    assert middleware({"SERVER_SOFTWARE": "Werkzeug/3.1.9"}, lambda *a: None) == [b"ab"]
    assert closed == [True]
    closed.clear()
    body = middleware({"SERVER_SOFTWARE": "gunicorn/23.0.0"}, lambda *a: None)
    assert closed == []  # gunicorn closes it after sending
    body.close()
    assert closed == [True]


def test_a_released_savepoint_is_not_the_commit(app, smtp_server):
    """SQLAlchemy calls after_commit when a SAVEPOINT is released (operations use begin_nested to
    catch a lost race); mail and commit actions must wait for the real commit, and go with its rollback."""
    from grants.unit_of_work import after_commit, after_rollback
    done: list[str] = []
    queue_mail("savepoint@example.be", "Na de echte commit", "Body")
    after_commit(lambda: done.append("commit"))
    after_rollback(lambda: done.append("rollback"))
    with db.session.begin_nested():
        db.session.flush()
    assert done == [] and smtp_server.wait_for(1, timeout=0.5) == []  # nothing went out at the savepoint
    db.session.rollback()
    assert done == ["rollback"] and smtp_server.wait_for(1, timeout=0.5) == []

    done.clear()
    queue_mail("savepoint@example.be", "Na de echte commit", "Body")
    after_commit(lambda: done.append("commit"))
    with db.session.begin_nested():
        db.session.flush()
    db.session.commit()
    assert done == ["commit"]
    assert [m["subject"] for m in smtp_server.wait_for(1)] == ["Na de echte commit"]
