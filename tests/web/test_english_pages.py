"""In English, no page of the demo shows Dutch text of the application itself.

With the demo data loaded, each demo role (and a visitor who is not logged in) switches to English
and opens the demo's pages: the home page, the calls, the agency's call pages and screening list,
applications as the agency and as the applicant, every section form, the print view, the receipt,
the history, users and organisations, the login pages, a form with errors and a refused action.

A page fails when it shows a Dutch source text of the English catalogue (a msgid), i.e. a message
that was not translated when the page was rendered (a text fixed in Dutch at import time, a label
that does not go through gettext). Long messages are looked for as text fragments (each piece
between placeholders of three words and 12 characters or more); short ones (a button, a heading, a
single word) only as the whole text of an element, so that a Dutch word inside content does not count. Content is Dutch on purpose
(call titles and descriptions, organisation names, what applicants typed, criterion names, audit
reasons): only the catalogue's texts are looked for, texts that are the same in English (names
such as Plan Samenleven or OCMW) are left out, and the few messages that the demo's content
itself contains are listed in CONTENT with the reason.
"""
from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.sections import sections_for
from grants.applications.states import ApplicationStatus
from grants.calls.models import Call
from grants.demo.accounts import DEMO_PASSWORD
from grants.extensions import db
from grants.organisations.models import Organisation
from tests.conftest import Browser, csrf_token_from
from tests.support.demo import seed_demo_once

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "grants" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
COMPILED = CATALOGUE.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|%%")
MIN_FRAGMENT = 12

# Catalogue texts that the demo's own (Dutch) content contains: message -> (the paths of the pages
# where it is content and not looked for, why). Elsewhere they are still looked for.
CONTENT: dict[str, tuple[str, str]] = {
    "activiteiten": (r"/calls/", "the unit of a KPI of the counter-voices preset ('Georganiseerde bijeenkomsten')"),
    "Probleemanalyse": (r"/calls/", "the first assessment criterion of the regie-role preset"),
    "geen structurele kosten of overheadkosten": (r"/calls/", "a phrase of the regie-role preset's description"),
}

OPEN_ACTION_PLAN = "Lokaal actieplan polarisatie 2027"
OPEN_COUNTER_VOICES = "Maatschappelijke tegengeluiden 2027"
OPEN_REGIE_ROLE = "Lokale regierol 2027"
DECIDED_COUNTER_VOICES = "Maatschappelijke tegengeluiden mobiliseren 2017"


def _normal(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- what is Dutch


@dataclass(frozen=True)
class DutchTexts:
    fragments: frozenset[str]  # looked for anywhere in the page's text
    whole: frozenset[str]  # looked for as the complete text of an element or attribute


@cache
def dutch_texts() -> DutchTexts:
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f, locale="en")
    english: set[str] = set()
    sources: set[str] = set()
    for m in catalogue:
        if not m.id:
            continue
        sources.update(m.id if m.pluralizable else (m.id,))
        english.update(_normal(s) for s in (m.string if m.pluralizable else (m.string,)))
    english_text = "\n".join(english)
    fragments, whole = set(), set()
    for source in sources:
        pieces = [_normal(p) for p in PLACEHOLDER.split(source)]
        if len(pieces) == 1 and not _sentence(pieces[0]):
            # a label or a word ('Opslaan', 'probleemanalyse'): the whole text of an element; one that
            # reads the same in English ('Partners', 'KPI', 'OCMW') cannot tell
            if pieces[0] and pieces[0] not in english:
                whole.add(pieces[0])
            continue
        fragments.update(p for p in pieces if _sentence(p) and p not in english_text)
    return DutchTexts(frozenset(fragments), frozenset(whole))


def _sentence(text: str) -> bool:
    """Long enough to be Dutch of the catalogue wherever it appears, not a common word or two."""
    return len(text) >= MIN_FRAGMENT and len(text.split()) >= 3


class _PageText(HTMLParser):
    """The text a reader meets: text nodes and the attributes that are read out or shown."""

    READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        values = dict(attrs)
        for name, value in attrs:
            if value and (name in self.READ_ATTRIBUTES
                          or (name == "value" and tag == "input" and values.get("type") in {"submit", "button"})):
                self.nodes.append(_normal(value))

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.nodes.append(_normal(data))


def untranslated(html: str, path: str) -> list[str]:
    """The Dutch texts of the catalogue on the page, each with the text around it."""
    parser = _PageText()
    parser.feed(html)
    texts = dutch_texts()
    content = {text for text, (where, _why) in CONTENT.items() if re.search(where, path)}
    joined = " ".join(parser.nodes)
    found = []
    for fragment in sorted(f for f in texts.fragments if f in joined and f not in content):
        at = joined.index(fragment)
        found.append(f"{fragment!r} in ...{joined[max(0, at - 60):at + len(fragment) + 60]}...")
    for node in parser.nodes:
        # the <title> is one node: 'Projectoproepen - Plan Samenleven'
        found += [f"{part!r} (an element's whole text)" for part in {node, *node.split(" - ")}
                  if part in texts.whole and part not in content]
    return found


# --------------------------------------------------------------------------- the walk


@dataclass
class Walk:
    browser: Browser
    who: str
    problems: list[str] = field(default_factory=list)

    def check(self, label: str, response, status: int = 200, expect: tuple[str, ...] = ()) -> str:
        """The page has the status, is in English, shows no Dutch of the catalogue and has the texts expected."""
        html = response.get_data(as_text=True)
        if response.status_code != status:
            self.problems.append(f"{self.who} {label}: status {response.status_code}, expected {status}")
            return html
        if 'lang="en"' not in html:
            self.problems.append(f"{self.who} {label}: not in English")
        for text in untranslated(html, label.split()[1]):
            self.problems.append(f"{self.who} {label}: Dutch {text}")
        for text in expect:
            if text not in html_lib.unescape(html):
                self.problems.append(f"{self.who} {label}: no {text!r}")
        return html

    def get(self, url: str, status: int = 200, expect: tuple[str, ...] = ()) -> str:
        return self.check(f"GET {url}", self.browser.get(url), status, expect)

    def post(self, url: str, data: dict, *, token_from: str, status: int, expect: tuple[str, ...] = (),
             follow: bool = False) -> str:
        response = self.browser.post(url, data, token_from=token_from, follow_redirects=follow)
        return self.check(f"POST {url}", response, status, expect)


def _english(browser: Browser, who: str, email: str | None) -> Walk:
    if email:
        response = browser.login(email, DEMO_PASSWORD)
        assert response.status_code == 302, f"demo login {email}"
    browser.post("/language", {"lang": "en", "next": "/"})
    return Walk(browser, who)


def _call(title: str) -> Call:
    return db.session.scalar(sa.select(Call).where(Call.title == title))


def _application(call_title: str, organisation: str | None = None, status: ApplicationStatus | None = None):
    query = sa.select(Application).join(Call).join(Organisation, Application.organisation_id == Organisation.id)
    query = query.where(Call.title == call_title)
    if organisation:
        query = query.where(Organisation.name == organisation)
    if status:
        query = query.where(Application.status == status)
    return db.session.scalars(query.order_by(Application.id)).first()


def _user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


@pytest.fixture
def demo(app):
    seed_demo_once()
    if not COMPILED.exists() or COMPILED.stat().st_mtime < CATALOGUE.stat().st_mtime:
        pytest.fail("the compiled catalogue is older than messages.po: run "
                    "`pybabel compile -d grants/translations` first")


def _public_pages(walk: Walk) -> None:
    walk.get("/", expect=("Calls",))
    walk.get("/calls", expect=("Calls",))
    for title in (OPEN_ACTION_PLAN, OPEN_COUNTER_VOICES, OPEN_REGIE_ROLE, DECIDED_COUNTER_VOICES):
        walk.get(f"/calls/{_call(title).id}", expect=("Who may apply?",))


NAV_SIGNED_IN = ("My overview", "Log out", "Agency for Domestic Governance (ABB)")


def test_a_visitor_sees_the_public_pages_and_the_login_pages_in_english(client, demo):
    walk = _english(Browser(client), "visitor", None)
    _public_pages(walk)
    walk.get("/login", expect=("Log in", "Forgot your password?"))
    walk.get("/password/forgot", expect=("Send link",))
    walk.get("/password/reset/not-a-token", status=400, expect=("This link no longer works",))
    walk.check("GET /applications/1 (login first)", walk.browser.get("/applications/1", follow_redirects=True),
               expect=("Please log in to see this page.",))
    walk.get("/no-such-page", status=404, expect=("Page not found",))
    walk.post("/login", {"email": "gent@gemeente.demo", "password": "wrong"}, token_from="/login", status=401,
              expect=("The e-mail address or the password is incorrect.",))
    walk.post("/password/forgot", {"email": "nobody@example.org"}, token_from="/password/forgot", status=200,
              follow=True, expect=("If we know this e-mail address",))
    # a form sent without its security code
    walk.check("POST /login (no CSRF token)",
               walk.browser.client.post("/login", data={"email": "x@example.org", "password": "x"}), status=400,
               expect=("The form has expired or was sent incomplete",))
    assert not walk.problems, "\n".join(walk.problems)


def test_the_jurors_see_their_pages_in_english(client, demo):
    problems: list[str] = []
    for email in ("jury@abb.demo", "jury3@abb.demo"):  # jury3 belongs to Gent: a conflict of interest
        browser = Browser(client)
        walk = _english(browser, email, email)
        _public_pages(walk)
        walk.get("/", expect=NAV_SIGNED_IN + ("My assessments",))
        walk.get(f"/applications/{_application(OPEN_ACTION_PLAN).id}", status=404, expect=("Page not found",))
        walk.get("/admin/calls", status=403, expect=("No access",))
        problems += walk.problems
        browser.logout()
    assert not problems, "\n".join(problems)


def test_an_applicant_sees_the_applicant_pages_in_english(client, demo):
    walk = _english(Browser(client), "applicant Gent", "gent@gemeente.demo")
    _public_pages(walk)
    walk.get("/", expect=NAV_SIGNED_IN + ("Applications of your organisations", "Open calls"))
    draft = _application(OPEN_ACTION_PLAN, "Gent")
    assert draft.status == ApplicationStatus.DRAFT
    walk.get(f"/applications/{draft.id}", expect=("Checklist before submitting",))
    for section in sections_for(draft):
        walk.get(f"/applications/{draft.id}/sections/{section.key}")
    walk.get(f"/applications/{draft.id}/print")
    # a budget line with an amount that is not a number: the form comes back with its errors
    url = f"/applications/{draft.id}/sections/budget"
    walk.post(url, _form_fields(walk.browser, url) | {
        "lines-0-category": "operating", "lines-0-description": "Zaalhuur", "lines-0-amount": "twaalf"},
        token_from=url, status=400, expect=("The form has errors",))
    # saving a section: the confirmation on the next page
    url = f"/applications/{draft.id}/sections/summary"
    walk.post(url, _form_fields(walk.browser, url), token_from=url, status=200, follow=True,
              expect=("has been saved",))
    # submitting the incomplete draft is refused, with the checklist's reasons
    walk.post(f"/applications/{draft.id}/submit", _form_fields(walk.browser, f"/applications/{draft.id}")
              | {"confirm": "y"}, token_from=f"/applications/{draft.id}", status=400, expect=("Still to fill in",))
    # the start page of an application for another open call
    walk.get(f"/applications/new/{_call(OPEN_COUNTER_VOICES).id}", expect=("Start application",))
    awarded = _application("Lokaal actieplan polarisatie 2022", "Gent")
    assert awarded.status == ApplicationStatus.AWARDED
    walk.get(f"/applications/{awarded.id}")
    walk.get(f"/applications/{awarded.id}/receipt", expect=("Receipt",))
    walk.get(f"/applications/{awarded.id}/withdraw", expect=("can no longer be withdrawn",))
    walk.get("/admin/users", status=403, expect=("No access",))
    assert not walk.problems, "\n".join(walk.problems)


def test_an_applicant_with_a_submitted_application_and_a_partnership_sees_english(client, demo):
    walk = _english(Browser(client), "applicant Antwerpen", "antwerpen@gemeente.demo")
    submitted = _application(OPEN_ACTION_PLAN, "Antwerpen")
    assert submitted.status == ApplicationStatus.SUBMITTED
    walk.get(f"/applications/{submitted.id}")
    walk.get(f"/applications/{submitted.id}/receipt", expect=("Receipt",))
    walk.get(f"/applications/{submitted.id}/print")
    walk.get(f"/applications/{submitted.id}/withdraw", expect=("Withdraw application",))
    walk.post(f"/applications/{submitted.id}/withdraw", {}, token_from=f"/applications/{submitted.id}/withdraw",
              status=400, expect=("The form has errors",))
    walk.check(f"GET /applications/{submitted.id}/sections/summary (handed in)",
               walk.browser.get(f"/applications/{submitted.id}/sections/summary", follow_redirects=True),
               expect=("can no longer be changed",))
    walk.browser.logout()
    problems = walk.problems
    walk = _english(walk.browser, "applicant Vilvoorde", "vilvoorde@gemeente.demo")
    walk.problems = problems
    regie = _application(OPEN_REGIE_ROLE, "Vilvoorde")
    walk.get(f"/applications/{regie.id}")
    walk.get(f"/applications/{regie.id}/sections/partners")
    url = f"/applications/{regie.id}/partners"
    walk.post(url, {"code": "99999"}, token_from=f"/applications/{regie.id}/sections/partners", status=400,
              expect=("No organisation found with REFNIS code or enterprise number '99999'.",))
    assert not walk.problems, "\n".join(walk.problems)


def test_the_agency_sees_its_pages_in_english(client, demo):
    walk = _english(Browser(client), "admin", "admin@abb.demo")
    _public_pages(walk)
    walk.get("/", expect=NAV_SIGNED_IN + ("Manage calls", "Users", "Agency overview"))
    walk.get("/admin/calls", expect=("New call",))
    walk.get("/admin/calls/new")
    walk.get("/admin/calls/new?kind=regie_role")
    for title in (OPEN_ACTION_PLAN, OPEN_COUNTER_VOICES, OPEN_REGIE_ROLE, DECIDED_COUNTER_VOICES):
        call = _call(title)
        walk.get(f"/admin/calls/{call.id}", expect=("About this call",))
        walk.get(f"/admin/calls/{call.id}/applications", expect=("Applications",))
        walk.get(f"/admin/history/calls/{call.id}")
    open_call = _call(OPEN_ACTION_PLAN)
    walk.get(f"/admin/calls/{open_call.id}/edit")  # applications are in: the rules are locked
    walk.get(f"/admin/calls/{_call(OPEN_REGIE_ROLE).id}/edit")
    walk.get(f"/admin/calls/{_call(DECIDED_COUNTER_VOICES).id}/duplicate")
    walk.get(f"/admin/calls/{open_call.id}/applications?status=all")
    submitted = _application(OPEN_ACTION_PLAN, "Antwerpen")
    waiver = _application(OPEN_REGIE_ROLE, "Mechelen")
    for application in (submitted, waiver, _application(OPEN_ACTION_PLAN, "Gent"),
                        _application(DECIDED_COUNTER_VOICES, status=ApplicationStatus.AWARDED),
                        _application(DECIDED_COUNTER_VOICES, status=ApplicationStatus.INADMISSIBLE),
                        _application(DECIDED_COUNTER_VOICES, status=ApplicationStatus.WITHDRAWN)):
        walk.get(f"/applications/{application.id}")
        walk.get(f"/applications/{application.id}/print")
        walk.get(f"/admin/history/applications/{application.id}")
    walk.get(f"/applications/{submitted.id}/receipt", expect=("Receipt",))
    # refused: inadmissible without a reason
    walk.post(f"/applications/{submitted.id}/screening", {"outcome": "inadmissible", "reason": ""},
              token_from=f"/applications/{submitted.id}", status=400,
              expect=("Give the reason why the application is inadmissible.",))
    walk.get("/admin/users", expect=("Add or invite a user",))
    walk.get(f"/admin/users/{_user('gent@gemeente.demo').id}")
    walk.get("/admin/users/new")
    walk.post("/admin/users/new", {"email": "admin@abb.demo", "name": "Dubbel", "role": "applicant"},
              token_from="/admin/users/new", status=400, expect=("A user with this e-mail address already exists.",))
    walk.get("/admin/organisations/", expect=("Add organisation",))
    walk.get("/admin/organisations/?kind=municipality&page=2")
    gent = db.session.scalar(sa.select(Organisation).where(Organisation.refnis == "44021"))
    walk.get(f"/admin/organisations/{gent.id}", expect=("Users of this organisation",))
    walk.get("/admin/organisations/new")
    walk.post("/admin/organisations/new", {"name": "", "kind": "nonprofit", "kbo": "0123.456.748"},
              token_from="/admin/organisations/new", status=400, expect=("The form has errors",))
    assert not walk.problems, "\n".join(walk.problems)


def _form_fields(browser: Browser, url: str) -> dict:
    """The fields of the page's main form as a browser would send them back (the first form after the nav)."""
    html = browser.get(url).get_data(as_text=True)
    fields: dict[str, str] = {"csrf_token": csrf_token_from(html)}
    main = html.split('<main', 1)[1]
    for tag in re.findall(r"<input[^>]*>", main):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or re.search(r'type="(checkbox|radio|submit|file)"', tag):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        fields[html_lib.unescape(name.group(1))] = html_lib.unescape(value.group(1)) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', main, re.S):
        fields[name] = html_lib.unescape(text).lstrip("\n")
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', main, re.S):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option value="([^"]*)"[^>]*selected', options)
        if chosen:
            fields[name] = chosen.group(1) or chosen.group(2)
    return fields
