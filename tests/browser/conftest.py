"""Browser fixtures: the app on a real HTTP server and Debian's Chromium driven by Playwright.

    live_server   (session) the app served by werkzeug on 127.0.0.1:<free port>, on its own SQLite
                  file with the demo data (grants.demo.seed_demo). It *is* the base URL (a str), with helpers:
                    live_server.url("/login")                 -> "http://127.0.0.1:PORT/login"
                    live_server.create_user(role, organisations=["44021"])   -> a fresh e-mail address
                    live_server.login(page, email, password=DEMO_PASSWORD)   through the real form
                    live_server.logout(page)
                    live_server.mail_to(email, count=1)       -> mails the app sent there (a real SMTP server)
                    with live_server.app_context(): ...       -> read or prepare data with the models
    page          (function) a new browser context and page per test: own cookies, own language.
    login_as      login_as("admin" | "juror" | "applicant", organisations=[REFNIS/KBO...]) -> e-mail:
                  creates a fresh user of that role and logs the page in with it.

Every page a journey visits is checked (watch_pages): after each navigation of a watched page, at
the test's next use of the page (and once more when the test ends), axe-core runs on the page as it
is, at 1280 px and again at 390 px wide, and at 390 px the page may not be wider than the screen.
Any axe violation, of any impact, fails the test with the rules and the elements. axe-core comes from
npm into .cache/npm (scripts/test installs it).

The server is shared by the tests of a worker, so tests stay independent by using their own users
(login_as / create_user) and unique names for what they create; the demo accounts are there to be
logged in with, not changed. Every test in this folder is marked `browser` (scripts/test runs them
on the SQLite pass only). On failure a screenshot goes to /tmp/browser-failure-<test>.png.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DEMO_PASSWORD = "Samenleven-2026"
PASSWORD = "Browser-test-2026"
TIMEOUT_MS = 10_000  # a failing expectation fails in seconds, not after Playwright's default 30 s

HERE = Path(__file__).resolve().parent
AXE_JS = HERE.parents[1] / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
WIDE, NARROW = {"width": 1280, "height": 800}, {"width": 390, "height": 844}


# --- marking and failure screenshots ----------------------------------------------------------

def pytest_collection_modifyitems(config, items):
    """Everything in tests/browser is a browser test, even when a module forgets the marker."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _WATCHED.clear()  # before the fixtures: the `page` fixture (and login_as) already watch


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """The last page of a journey is checked too, as part of the test (a failure, not an error)."""
    result = yield
    for page in list(_WATCHED):
        check_pending(page)
    return result


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# --- Chromium ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium per test process (Debian's package; never `playwright install`)."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install the Debian package (apt-get install chromium) "
                    "or set CHROMIUM to its path.")
    from playwright.sync_api import sync_playwright
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


# --- every page checked: axe-core at two widths, and no page wider than a phone's screen ---------

_WATCHED: list = []  # the pages watched in the running test
# Page methods that do not touch the document: no check before them.
_UNCHECKED = {"on", "once", "remove_listener", "close", "is_closed", "set_viewport_size", "screenshot",
              "wait_for_timeout", "set_default_timeout", "set_default_navigation_timeout"}


def page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def widest_elements(page, width: int = 390) -> list[str]:
    """The elements that stick out beyond the screen (outside scrolling wrappers), for a failure message."""
    return page.evaluate("""(width) => Array.from(document.querySelectorAll('body *'))
        .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-scroll'))
        .slice(0, 5)
        .map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))""",
                         width)


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (every impact)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        if not AXE_JS.exists():
            pytest.fail(f"axe-core not found at {AXE_JS}: run scripts/test once, or "
                        "npm install --prefix .cache/npm axe-core@4")
        # Through the DevTools protocol, not a <script> element: the page's CSP (script-src 'self') holds.
        page.evaluate("() => {" + AXE_JS.read_text(encoding="utf-8") + "\n}")
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')), count: v.nodes.length}));
    }""")


def _readable(violations: list[dict]) -> str:
    return "\n".join(f"  - {v['id']} ({v['impact']}): {v['help']} [{v['count']}x: {', '.join(v['targets'])}]"
                      for v in violations)


def check_page(page) -> None:
    """axe-core at 1280 px and at 390 px on the same page state, and at 390 px nothing wider than the screen."""
    page.wait_for_load_state("load")
    if page.evaluate("() => document.contentType") != "text/html":
        return
    viewport = page.viewport_size or WIDE
    problems = []
    try:
        for size in (WIDE, NARROW):
            page.set_viewport_size(size)
            violations = axe_violations(page)
            if violations:
                problems.append(f"at {size['width']} px:\n{_readable(violations)}")
            if size is NARROW and page_width(page) > NARROW["width"]:
                problems.append(f"at 390 px the page is {page_width(page)} px wide: {widest_elements(page)}")
    finally:
        page.set_viewport_size(viewport)
    if problems:
        raise AssertionError(f"accessibility of {page.url}:\n" + "\n".join(problems))


def check_pending(page) -> None:
    state = getattr(page, "_journey_check", None)
    if state is not None and state["pending"] and not page.is_closed():
        state["pending"] = False
        check_page(page)


def watch_pages(page):
    """Check `page` after each of its navigations, at the test's next call of a page method (before it
    acts on the new page) and when the test ends (pytest_runtest_call above). Returns the page."""
    if getattr(page, "_journey_check", None) is not None:
        return page
    _WATCHED.append(page)
    state = page._journey_check = {"pending": False}

    def navigated(frame):
        if frame == page.main_frame:
            state["pending"] = True
    page.on("framenavigated", navigated)

    def checked_first(method):
        def call(*args, **kwargs):
            check_pending(page)
            return method(*args, **kwargs)
        return call
    for name in dir(type(page)):
        if name.startswith("_") or name in _UNCHECKED or isinstance(getattr(type(page), name), property):
            continue
        method = getattr(page, name)
        if callable(method):
            setattr(page, name, checked_first(method))
    return page


@pytest.fixture
def page(chromium, live_server, request):
    context = chromium.new_context(base_url=str(live_server), locale="nl-BE", timezone_id="Europe/Brussels",
                                   viewport=WIDE)
    context.set_default_timeout(TIMEOUT_MS)
    context.on("page", watch_pages)
    page = context.new_page()
    watch_pages(page)
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
            path = f"/tmp/browser-failure-{name}.png"
            try:
                page.screenshot(path=path, full_page=True)
                print(f"screenshot of the failing page: {path} ({page.url})")
            except Exception as exc:  # noqa: BLE001 - a screenshot must never hide the real failure
                print(f"no screenshot: {exc}")
        context.close()


# --- a real SMTP server for the live app --------------------------------------------------------

class _Inbox:
    def __init__(self):
        self.messages: list[dict] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append({"to": list(envelope.rcpt_tos), "subject": str(message["Subject"]),
                                  "body": message.get_body(("plain",)).get_content()})
        return "250 Message accepted for delivery"

    def to(self, address: str, count: int = 1, timeout: float = 5.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = [m for m in self.messages if address in m["to"]]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the live server --------------------------------------------------------------------------

class LiveServer(str):
    """The base URL of the running app (a str), with helpers for the journeys."""

    app = None
    inbox: _Inbox

    def __new__(cls, base_url: str, app, inbox: _Inbox):
        obj = super().__new__(cls, base_url)
        obj.app = app
        obj.inbox = inbox
        return obj

    def url(self, path: str = "/") -> str:
        return str(self) + path

    @contextmanager
    def app_context(self):
        from grants.extensions import db
        with self.app.app_context():
            try:
                yield db.session
            finally:
                db.session.remove()

    def create_user(self, role: str = "applicant", organisations=(), *, name: str | None = None,
                    password: str = PASSWORD, active: bool = True) -> str:
        """A new user (unique e-mail) with these organisations (REFNIS or KBO codes); returns the e-mail."""
        import sqlalchemy as sa

        from grants.accounts.models import Role, User
        from grants.organisations.models import Organisation
        email = f"{role}-{uuid.uuid4().hex[:10]}@browser.example.be"
        with self.app_context() as session:
            orgs = []
            for code in organisations:
                org = session.scalar(sa.select(Organisation).where(
                    sa.or_(Organisation.refnis == code, Organisation.kbo == code)))
                assert org is not None, f"no organisation with code {code}"
                orgs.append(org)
            user = User(email=email, name=name or f"Test {role}", role=Role(role), active=active)
            user.set_password(password)
            user.organisations = orgs
            session.add(user)
            session.commit()
        return email

    def login(self, page, email: str, password: str = DEMO_PASSWORD) -> None:
        """Log in through the real form and wait for the page after it."""
        page.goto(self.url("/login"))
        page.get_by_label("E-mailadres").fill(email)
        page.get_by_label("Wachtwoord", exact=True).fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Aanmelden").click()

    def logout(self, page) -> None:
        with page.expect_navigation():
            page.get_by_role("button", name="Afmelden", exact=True).click()

    def mail_to(self, email: str, count: int = 1, timeout: float = 20.0) -> list[dict]:
        """The mails the app sent to this address (waits up to `timeout` for `count` of them)."""
        return self.inbox.to(email, count, timeout)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    from aiosmtpd.controller import Controller
    from werkzeug.serving import make_server

    from grants import create_app
    from grants.demo import seed_demo
    from grants.extensions import db

    inbox = _Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=_free_port(), server_hostname="localhost")
    smtp.start()
    smtp_port = smtp.port

    folder = tmp_path_factory.mktemp("live")
    app = create_app({
        "GRANTS_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.db'}",
        "UPLOAD_DIR": str(folder / "uploads"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
    })
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(base_url, app, inbox)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        smtp.stop()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def login_as(page, live_server):
    """login_as(role, organisations=[codes]) -> e-mail of a fresh user of that role, logged in on `page`."""
    def _login(role: str = "applicant", organisations=()) -> str:
        email = live_server.create_user(role, organisations)
        live_server.login(page, email, PASSWORD)
        assert page.url == live_server.url("/"), f"login as {role} did not reach the home page: {page.url}"
        return email
    return _login
