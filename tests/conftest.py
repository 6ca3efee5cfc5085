"""Fixtures: an app per test on a fresh database (SQLite, or PostgreSQL when TEST_DATABASE_URL is set).

The schema is created once per test process from the models; after each test every table is
emptied, which gives each test a fresh database at a fraction of the cost of recreating it.
Migrations themselves are tested separately (test_migrations.py).
"""
from __future__ import annotations

import os
import re
import socket
import threading
import time
import uuid

import jinja2
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from grants import create_app
from grants.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def _reuse_url_builders() -> None:
    """Every test makes its own app, and Werkzeug compiles a URL builder for each of its ~600 rules
    (Python source through ast and compile: ~0.15 s an app, the largest part of a short test). The
    builder depends only on the rule, its defaults and its converters' types, so one compiled per
    rule serves every app of the session; each rule still binds it to itself."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    builders: dict = {}

    def cached(self, append_unknown: bool = True):
        key = (self.rule, self.subdomain, self.host, tuple(self._trace), append_unknown,
               tuple(sorted((k, repr(v)) for k, v in (self.defaults or {}).items())),
               tuple(sorted((k, type(c).__qualname__) for k, c in self._converters.items())))
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    Rule._compile_builder = cached


_reuse_url_builders()


class _SharedTemplateCode(jinja2.BytecodeCache):
    """Compiled templates kept for the whole session: each test's new app would compile every
    template it renders again (a third of a page test's time). Keyed by name and source checksum."""

    def __init__(self):
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CODE = _SharedTemplateCode()


def _reuse_the_engine_of(url: str) -> None:
    """One engine for every app on the suite's database. SQLAlchemy caches compiled statements per
    engine (its dialect is part of the key), so a new engine per test compiled every query again:
    a fifth of a page test's time. Other databases (a test's own file, in memory) get their own."""
    make_engine = db._make_engine
    target = sa.engine.make_url(url)  # compared as URLs: str() of one hides its password
    shared: list[sa.engine.Engine] = []

    def make(bind_key, options, app):
        if bind_key is not None or sa.engine.make_url(options["url"]) != target:
            return make_engine(bind_key, options, app)
        if not shared:
            shared.append(make_engine(bind_key, options, app))
        return shared[0]

    db._make_engine = make


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_url_for_worker(base_url: str, suffix: str) -> str:
    """A database of its own per xdist worker, created on first use."""
    url = sa.engine.make_url(base_url)
    name = f"{url.database}_{suffix}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if TEST_DATABASE_URL:
        return _postgres_url_for_worker(TEST_DATABASE_URL, _worker())
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture
def empty_database_url(tmp_path):
    """A fresh database with nothing in it, for a test that runs the migrations itself; dropped after."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    url = sa.engine.make_url(TEST_DATABASE_URL)
    name = f"{url.database}_empty_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    _reuse_the_engine_of(database_url)
    app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.drop_all()
        db.create_all()
    return database_url


def _empty_all_tables() -> None:
    # DELETE, not TRUNCATE: on PostgreSQL a TRUNCATE of the 45 tables costs ~0.2 s (new files for
    # every table and index), DELETE of a test's few rows a hundredth of that. The schema comes
    # from the models, so the audit trail's append-only trigger (a migration's) is not there.
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":  # ids start at 1 again, as in a fresh database
        used = db.session.scalars(sa.text("SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename)"
                                          " FROM pg_sequences WHERE last_value IS NOT NULL")).all()
        for sequence in used:
            db.session.execute(sa.text(f"ALTER SEQUENCE {sequence} RESTART"))
    db.session.commit()


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (own g and own database session), as in production.

    Without this the test's app context would be reused by every request, sharing g (and so
    Flask-WTF's cached CSRF token) between requests.
    """

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)  # closes the response: mail queued for after it goes out now
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test's own session sees what the request committed
        return response


@pytest.fixture
def app(_schema, tmp_path):
    app = create_app({
        "GRANTS_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": _schema,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SERVER_NAME": "localhost",
    })
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = _TEMPLATE_CODE
    with app.app_context():
        yield app
        db.session.rollback()
        _empty_all_tables()
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


# --- helpers ----------------------------------------------------------------------------------

def csrf_token_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no csrf_token in the page"
    return match.group(1) or match.group(2)


class Browser:
    """A test client that posts forms with their CSRF token, as a browser would."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def token(self, url: str = "/") -> str:
        response = self.client.get(url)
        return csrf_token_from(response.get_data(as_text=True))

    def post(self, url, data=None, *, token_from: str | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token(token_from or "/"))
        return self.client.post(url, data=data, **kwargs)

    def login(self, email: str, password: str):
        return self.post("/login", {"email": email, "password": password}, token_from="/login")

    def logout(self):
        return self.post("/logout")


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def factory(app):
    from tests.factories import Factory
    return Factory()


@pytest.fixture
def municipalities(app):
    from grants.organisations.operations import import_municipalities
    import_municipalities()
    db.session.commit()


@pytest.fixture
def logged_in(browser, factory):
    """logged_in(role, organisations=[...]) -> (browser, user), logged in."""
    def _login(role="applicant", organisations=(), **kwargs):
        user = factory.user(role=role, organisations=list(organisations), **kwargs)
        db.session.commit()
        response = browser.login(user.email, factory.PASSWORD)
        assert response.status_code == 302, response.get_data(as_text=True)
        return browser, user
    return _login


@pytest.fixture
def token(factory):
    """A bearer token of a fresh admin, for the API."""
    from grants.accounts.operations import create_api_token
    value = create_api_token(factory.user(role="admin"))
    db.session.commit()
    return value


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# --- a real SMTP server -----------------------------------------------------------------------

class _Inbox:
    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append({"to": envelope.rcpt_tos, "from": envelope.mail_from, "message": message,
                                  "subject": str(message["Subject"]),
                                  "body": message.get_body(("plain",)).get_content()})
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.02)
        return list(self.messages)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """An aiosmtpd server on localhost; the app sends its mail there for the test's duration."""
    from aiosmtpd.controller import Controller
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(), server_hostname="localhost")
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        yield inbox
    finally:
        controller.stop()
        app.config.update(MAIL_SERVER="")
