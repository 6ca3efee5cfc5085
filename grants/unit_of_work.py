"""The one place where transactions end: the request boundary, and the CLI's unit of work.

Handlers load, check access, call operations and render; operations validate, write, audit and
flush. Neither commits. At the end of a request the boundary commits when the answer is a
success (2xx or 3xx) and rolls back when it is an error, so a refused operation never leaves a
half-written change behind. A concurrent save caught by a version column (StaleDataError) becomes
the conflict page, or the handler's own conflict page where it registered one; so does a request
that lost a lock race in the database (a deadlock, or SQLite's write lock not free in time). Mail queued by the
operations goes out after the response has been sent (see grants.mail).

Indico's `RH.process` is the model: its handlers never commit either.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, Response, g, render_template, session
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from .extensions import db

_COMMIT_ON_ERROR = "grants_commit_on_error"
_ON_ROLLBACK = "grants_on_rollback"
_ON_COMMIT = "grants_on_commit"


# --------------------------------------------------------------------------- what operations may ask for


def keep_changes_on_error() -> None:
    """This request's writes count even though it answers with an error (a failed login is counted)."""
    db.session.info[_COMMIT_ON_ERROR] = True


def after_rollback(action: Callable[[], None]) -> None:
    """Run `action` if the current transaction is rolled back (e.g. remove a file stored for it)."""
    db.session.info.setdefault(_ON_ROLLBACK, []).append(action)


def after_commit(action: Callable[[], None]) -> None:
    """Run `action` once the current transaction is committed (e.g. remove a file it no longer refers to)."""
    db.session.info.setdefault(_ON_COMMIT, []).append(action)


def on_conflict(render: Callable[[], Any]) -> None:
    """The page to show when this request's save loses a race to a concurrent one (StaleDataError)."""
    g.grants_on_conflict = render


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_a_transaction(connection, name) -> None:
    # pysqlite starts a transaction only before DML. A SAVEPOINT sent before any DML would start the
    # transaction itself, and its RELEASE would then commit everything: begin the transaction first.
    if connection.dialect.name == "sqlite":
        dbapi_connection = connection.connection.dbapi_connection
        if not dbapi_connection.in_transaction:
            dbapi_connection.execute("BEGIN")


@event.listens_for(Session, "after_commit")
def _run_commit_actions(session: Session) -> None:
    if session.in_nested_transaction():
        return  # SQLAlchemy calls after_commit for a released SAVEPOINT too: the outer commit is to come
    session.info.pop(_ON_ROLLBACK, None)
    for action in session.info.pop(_ON_COMMIT, []):
        action()


@event.listens_for(Session, "after_soft_rollback")
def _run_rollback_actions(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_ON_COMMIT, None)
        session.info.pop(_COMMIT_ON_ERROR, None)
        for action in session.info.pop(_ON_ROLLBACK, []):
            action()


# --------------------------------------------------------------------------- ending a transaction


def commit() -> None:
    db.session.commit()


def rollback() -> None:
    db.session.rollback()


@contextmanager
def unit_of_work() -> Iterator[None]:
    """For the command line and scripts: commit what the block did, or roll it back on an error."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit()


# --------------------------------------------------------------------------- the request boundary


def _conflict_page() -> Response:
    from .i18n import _
    body = render_template(
        "errors/error.html", code=409, title=_("Gelijktijdige wijziging"),
        text=_("Iemand anders heeft dit op hetzelfde moment gewijzigd. Er is niets overschreven. "
               "Laad de pagina opnieuw, bekijk de huidige toestand en probeer dan opnieuw."))
    return Response(body, status=409, mimetype="text/html")


def _stale(flashes: list | None) -> Response:
    """Roll back, forget what the request flashed (it did not happen), and show the conflict."""
    rollback()
    if flashes is None:
        session.pop("_flashes", None)
    else:
        session["_flashes"] = flashes
    render = g.pop("grants_on_conflict", None)
    if render is not None:
        from flask import make_response
        return make_response(render())
    return _conflict_page()


def _lost_race(exc: OperationalError) -> bool:
    if getattr(exc.orig, "sqlstate", None) in ("40P01", "40001"):  # deadlock_detected, serialization_failure
        return True
    return "database is locked" in str(exc.orig)


def register_request_boundary(app: Flask) -> None:
    app.wsgi_app = CloseBeforeAnswering(app.wsgi_app)
    @app.before_request
    def _remember_flashes() -> None:
        g.grants_flashes_before = list(session["_flashes"]) if "_flashes" in session else None

    @app.errorhandler(StaleDataError)
    def _stale_during_handler(exc):
        return _stale(g.get("grants_flashes_before"))

    @app.errorhandler(OperationalError)
    def _lost_lock_race(exc):
        # Two transactions waiting for each other's locks (PostgreSQL aborts one: deadlock or
        # serialisation failure), or SQLite's write lock not free within the busy timeout: nothing of
        # this request was written, and trying again works, as for a lost version check.
        if not _lost_race(exc):
            raise exc
        return _stale(g.get("grants_flashes_before"))

    @app.after_request
    def _end_transaction(response: Response) -> Response:
        if response.status_code >= 400 and not db.session.info.get(_COMMIT_ON_ERROR):
            rollback()
            return response
        try:
            commit()
        except StaleDataError:
            return _stale(g.get("grants_flashes_before"))
        except BaseException:
            rollback()
            raise
        from .mail import take_committed_mail
        ids = take_committed_mail()
        if ids:
            response.call_on_close(_deliver_later(app, ids))
        return response


class CloseBeforeAnswering:
    """WSGI middleware for Werkzeug's development server only: it skips the response's close() (and
    with it the mail sent after the response) when the client resets the connection early, so there
    the body is built and closed before it is handed over. Other servers (gunicorn) pass through."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        body = self.wsgi_app(environ, start_response)
        if not str(environ.get("SERVER_SOFTWARE", "")).startswith("Werkzeug/"):
            return body
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()


def _deliver_later(app: Flask, ids: list[int]) -> Callable[[], None]:
    def deliver() -> None:
        from .mail import deliver as send
        with app.app_context():
            try:
                send(ids)
            except Exception:  # noqa: BLE001 - the answer is out; the mail stays queued for send-mail
                app.logger.exception("delivering mail %s after the response failed", ids)
    return deliver
