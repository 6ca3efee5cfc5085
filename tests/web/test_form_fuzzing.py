"""Every form of the application, with random input: never a server error, and nothing typed is lost.

The forms are found, not listed: for each GET route of the URL map (its URL filled in from the access
data set of tests/support/access.py, where every page is reachable for some role) the page is fetched
as each of a few roles, and every <form method="post"> in it is posted with values hypothesis makes up
for its fields: random and over-long text, unicode, NUL and other control characters, markup, huge and
negative numbers, text where a number or a date belongs, unknown choices. The form's own CSRF token
and hidden values go with it (the hidden values are sometimes made up too).

What a user relies on:
- no answer is a 500, whatever was typed;
- an answer that shows the form again (a refusal with 400 or 409, or a page with the form) shows
  what was typed in its text fields, so nothing has to be typed twice. The app may clean text
  (grants/forms_common.clean_text and clean_line: control characters such as NUL go, line ends
  become Unix ones, outer blanks go, a one-line field loses its line breaks), so the value shown is
  the typed one or its cleaned form. Passwords are never shown again.
A post that redirects (302) is fine: the form was accepted or the user is sent elsewhere.

The forms of the page layout (language, log out) are on every page: they are posted with the home page's.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grants import create_app
from grants.extensions import db
from grants.forms_common import clean_line, clean_text
from tests.support.access import logged_in_browser, routes, url_for_route
from tests.support.access import world  # noqa: F401  (a fixture)

# The roles whose pages are fuzzed, in this order: a form seen by several is posted by the first.
# Between them they see every page: the agency, an applicant with a submitted and an awarded
# application, her partner, an assigned juror, and the anonymous visitor (login, password reset).
ROLES = ("admin", "owner", "partner", "juror", "anon")
EXAMPLES = 5  # per form; each is one request
TEXT_TYPES = {"text", "email", "url", "search", "tel", ""}


# --- the forms of a page -----------------------------------------------------------------------------

@dataclass
class Field:
    name: str
    kind: str  # an input's type, "textarea" or "select"
    value: str = ""
    options: list[str] = field(default_factory=list)  # of a select, or the values of radios and checkboxes


@dataclass
class Form:
    action: str
    multipart: bool
    fields: dict[str, Field] = field(default_factory=dict)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons

    def key(self) -> tuple:
        return urlparse(self.action).path, tuple(sorted(self.fields))


class _FormParser(HTMLParser):
    """The POST forms of a page, with their fields' names, types, values and choices."""

    def __init__(self, base_url: str):
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            if attrs.get("method", "get").lower() == "post":
                self._form = Form(urljoin(self.base_url, attrs.get("action") or self.base_url),
                                  "multipart" in attrs.get("enctype", ""))
            return
        form = self._form
        if form is None or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "image"):
                form.buttons.append((name, attrs.get("value", "")))
            elif kind in ("radio", "checkbox"):
                known = form.fields.setdefault(name, Field(name, kind))
                known.options.append(attrs.get("value", "on"))
                if "checked" in attrs:
                    known.value = attrs.get("value", "on")
            else:
                form.fields[name] = Field(name, kind, attrs.get("value", ""))
        elif tag == "button" and name and attrs.get("type", "submit") == "submit":
            form.buttons.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = form.fields[name] = Field(name, "textarea")
        elif tag == "select" and name:
            self._select = form.fields[name] = Field(name, "select")
        elif tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            # the newline right after <textarea> is not part of the value (HTML's parsing rule)
            value = self._textarea.value
            self._textarea.value = value[2:] if value.startswith("\r\n") else value[1:] if value.startswith("\n") \
                else value
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_of(html: str, url: str) -> list[Form]:
    parser = _FormParser(url)
    parser.feed(html)
    parser.close()
    return parser.forms


# --- what is typed ---------------------------------------------------------------------------------------

MARKUP = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ 7 * 7 }}", "{% raw %}", "' OR 1=1 --",
          "%s%n%x", "../../etc/passwd", "&amp;&lt;&#0;", "]]>", "\u202eevil", "😀" * 3, "\ufeff", "\u2028"]
NUMBERS = st.one_of(
    st.integers(min_value=-10**40, max_value=10**40).map(str),
    st.sampled_from(["-1", "0", "-0,01", "1e9", "1E+400", "NaN", "Infinity", "-Infinity", "1.000.000,005",
                     "9" * 60, "2147483648", "-9223372036854775809", "0x10", "½", "١٢٣"]),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(lambda d: str(d).replace(".", ",")),
)
DATES = st.one_of(st.dates().map(lambda d: d.isoformat()), st.dates().map(lambda d: d.strftime("%d-%m-%Y")),
                  st.sampled_from(["31-02-2027", "0000-00-00", "9999-12-31", "1-1-1", "2027-13-45", "00:00"]))
TEXT = st.one_of(
    st.text(max_size=40),  # any unicode, NUL and control characters included
    st.text(st.characters(codec="utf-8"), max_size=15),
    st.sampled_from(MARKUP),
    NUMBERS, DATES,
    st.text(min_size=1, max_size=4).map(lambda s: s * 6000),  # over long
    st.just(""),
)


def _value(field_: Field) -> st.SearchStrategy:
    if field_.name == "csrf_token":
        return st.just(field_.value)  # the form's real token
    if field_.kind == "hidden":  # versions, ids, next: mostly as the page sent them
        return st.one_of(st.just(field_.value), st.just(field_.value), TEXT)
    if field_.kind in ("select", "radio"):
        return st.one_of(st.sampled_from(field_.options), TEXT) if field_.options else TEXT
    if field_.kind == "checkbox":
        return st.one_of(st.none(), st.sampled_from(field_.options), TEXT)
    if field_.kind == "file":
        return st.one_of(st.none(), st.tuples(st.binary(max_size=200), st.text(max_size=20)))
    return TEXT


def _data(form: Form) -> st.SearchStrategy:
    fields = st.fixed_dictionaries({name: _value(f) for name, f in form.fields.items()})
    button = st.sampled_from(form.buttons) if form.buttons else st.none()
    return st.tuples(fields, button)


def _posted(form: Form, values: dict, button) -> dict:
    data: dict = {}
    for name, value in values.items():
        if value is None:
            continue
        if form.fields[name].kind == "file":
            content, filename = value
            data[name] = (io.BytesIO(content), filename or "x")
        else:
            data[name] = value
    if button is not None:
        data[button[0]] = button[1]
    return data


def _shown_again(typed: str, shown: str, field_: Field) -> bool:
    """The value in the page is what was typed, or what the app's cleaning makes of it: clean_text or
    clean_line, or only the outer blanks gone (a name with a control character is refused, not cleaned).
    An e-mail address is shown in lower case and a dossier prefix in capitals, as they are stored."""
    typed = typed.replace("\r\n", "\n") if field_.kind == "textarea" else typed
    # A field outside the text cleaners (e.g. a number read by the decimal field) drops NUL and other
    # control characters and keeps the rest as typed.
    without_controls = "".join(c for c in typed if c in "\n\t" or unicodedata.category(c) != "Cc")
    accepted = {typed, typed.strip(), clean_text(typed), clean_line(typed), clean_line(clean_text(typed)),
                without_controls}
    # Every request loses its NUL bytes before any field reads it (grants/security.py): the rest as typed.
    received = typed.replace("\x00", "")
    accepted |= {received, received.strip(), clean_text(received), clean_line(received)}
    if "email" in field_.name:
        accepted |= {value.lower() for value in accepted}
    if field_.name.endswith("prefix"):
        accepted |= {value.upper() for value in accepted}
    return shown in accepted


# --- the routes ------------------------------------------------------------------------------------------

FILE_RULE = re.compile(r"\.\w+$")  # /letter.pdf, /payments.csv: a download, no form in it (and a PDF is slow to make)


def _section_keys() -> dict[str, list[str]]:
    """A route with a <section> is a page per section: each of the part's own list of sections."""
    from grants.applications.sections import SECTIONS as application_sections
    from grants.reporting.operations import SECTIONS as report_sections
    return {"applications.edit_section": [key for key in application_sections if key != "advice"],
            "reporting.edit_section": list(report_sections)}


def _pages() -> list[tuple[str, str | None]]:
    """(endpoint, section) of every GET route of the URL map that answers with a page: not the API
    (JSON, bearer tokens) nor downloads."""
    app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    sections = _section_keys()
    return [(endpoint, section) for endpoint, rule, methods in routes(app)
            if "GET" in methods and not rule.startswith("/api/") and not FILE_RULE.search(rule)
            for section in sections.get(endpoint, [None])]


PAGES = _pages()


@pytest.fixture
def fuzz_world(world, factory):
    """The access data set, and what its pages of preparation need: the owner's draft in an open call
    (application X is submitted, its sections are no longer forms) and a call in draft to edit."""
    from grants.calls.states import CallStatus
    from tests.support.applications import complete_application
    owner = world["users"]["owner"]
    draft = complete_application(factory.call(title="Open oproep"), owner.organisations[0], owner)
    draft_call = factory.call(status=CallStatus.DRAFT, title="Oproep in voorbereiding")
    db.session.commit()
    for endpoint in ("applications.edit_section", "applications.check_section"):
        world["overrides"][endpoint] = {"application_id": draft.id}
    world["overrides"]["calls.admin_edit"] = {"call_id": draft_call.id}
    return world


def _page_forms(browser, url: str) -> list[Form]:
    response = browser.client.get(url)
    assert response.status_code < 500, f"GET {url}: {response.status_code}"
    if response.status_code != 200 or not response.mimetype == "text/html":
        return []
    return forms_of(response.get_data(as_text=True), "http://localhost" + url)


def _fuzz(browser, page: str, form: Form, role: str) -> None:
    action = urlparse(form.action).path

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(_data(form))
    def post(data):
        values, button = data
        response = browser.client.post(action, data=_posted(form, values, button))
        where = f"POST {action} (the form of {page}, as {role})"
        assert response.status_code < 500, f"{where}: {response.status_code}"
        if response.status_code not in (200, 400, 409) or response.mimetype != "text/html":
            return
        again = [f for f in forms_of(response.get_data(as_text=True), "http://localhost" + action)
                 if urlparse(f.action).path == action and set(f.fields) & set(form.fields) - {"csrf_token"}]
        for shown_form in again:
            for name, shown in shown_form.fields.items():
                typed = values.get(name)
                kind = form.fields[name].kind if name in form.fields else None
                if (kind not in TEXT_TYPES and kind != "textarea") or not isinstance(typed, str) \
                        or shown.kind != kind:
                    continue
                assert _shown_again(typed, shown.value, form.fields[name]), (
                    f"{where}: {response.status_code}, field {name!r} shows {shown.value[:200]!r}, "
                    f"typed {typed[:200]!r}")

    post()


@pytest.mark.parametrize("endpoint, section", PAGES,
                         ids=[endpoint + (f"-{section}" if section else "") for endpoint, section in PAGES])
def test_every_form_of_the_page(app, fuzz_world, endpoint, section):
    world = fuzz_world
    if section:
        world["overrides"].setdefault(endpoint, {})["section"] = section
    rule = next(rule for name, rule, _methods in routes(app) if name == endpoint)
    page = url_for_route(rule, endpoint, world)
    seen: set[tuple] = set()
    fuzzed = 0
    for role in ROLES:
        browser, _token = logged_in_browser(app, world, role)
        layout = {form.key() for form in _page_forms(browser, "/")} if endpoint != "main.home" else set()
        for form in _page_forms(browser, page):
            if form.key() in seen or form.key() in layout:
                continue
            seen.add(form.key())
            # a browser of its own per form: a form that logs out or changes the password ends only its session
            own, _token = logged_in_browser(app, world, role)
            fresh = [f for f in _page_forms(own, page) if f.key() == form.key()]
            if fresh:
                _fuzz(own, page, fresh[0], role)
                fuzzed += 1
    if not fuzzed:
        pytest.skip("no form on this page for any role")
