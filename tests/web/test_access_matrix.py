"""The access matrix: every route of the URL map against every role, in one explicit table.

Each cell says what a role gets from a route, about access only:
  "200"    a GET shows the page; a POST (valid CSRF token, empty data) is not refused
  "302"    a GET sends the user elsewhere (not to the login page); a POST is not refused
  "ok"     a POST-only route that is not refused (200, 302 elsewhere, 400 or 409)
  "login"  302 to the login page
  "401" "403" "404"  refused
  "a|b"    a route with GET and POST answering differently: a for the GET, b for the POST.
The house rule: anonymous users go to the login page; /admin pages refuse other roles with 403;
every lookup goes through the access predicates, so what a user may not see is a 404. The API
knows only bearer tokens (admins'): anything else is a 401.

A route without a row fails the test, so a new route has to say who may use it.
"""
from __future__ import annotations

import os
from urllib.parse import urlparse

from tests.conftest import Browser, auth
from tests.support.access import ROLES, logged_in_browser, routes, url_for_route
from tests.support.access import world  # noqa: F401  (a fixture)

# --- rows in the same role order: anon, owner, partner, other, juror, conflicted, unassigned, admin
def row(*cells: str) -> dict[str, str]:
    assert len(cells) == len(ROLES)
    return dict(zip(ROLES, cells))


# Rows shared by many routes.
PUBLIC = row("200", "200", "200", "200", "200", "200", "200", "200")
ADMIN_PAGE = row("login", "403", "403", "403", "403", "403", "403", "200")  # refused by role
ADMIN_ACTION = row("login", "403", "403", "403", "403", "403", "403", "ok")
# The agency's pages of reporting and exports: to other roles they do not exist (404).
AGENCY_PAGE = row("login", "404", "404", "404", "404", "404", "404", "200")
AGENCY_ACTION = row("login", "404", "404", "404", "404", "404", "404", "ok")
API = row("401", "401", "401", "401", "401", "401", "401", "200")  # bearer tokens only, admins'

#                  anon     owner  partner  other  juror conflicted unassigned admin
MATRIX: dict[str, dict[str, str]] = {
    # --- accounts (and organisations)
    "accounts.account": row("login", "200", "200", "200", "200", "200", "200", "200"),
    "accounts.account_totp": row("login", "200", "200", "200", "200", "200", "200", "200"),
    "organisations.index": ADMIN_PAGE,
    "organisations.show": ADMIN_PAGE,
    "organisations.new": ADMIN_PAGE,
    "accounts.users": ADMIN_PAGE,
    "accounts.edit_user": ADMIN_PAGE,
    "accounts.new_user": ADMIN_PAGE,
    # logged in: sent home
    "accounts.login": row("200", "302", "302", "302", "302", "302", "302", "302"),
    # no password step pending: back to the login page, for everyone
    "accounts.login_code": row("login", "login", "login", "login", "login", "login", "login", "login"),
    "accounts.login_enrol": row("login", "login", "login", "login", "login", "login", "login", "login"),
    # anyone may ask for a reset mail
    "accounts.forgot_password": PUBLIC,
    # the token, not the session, decides
    "accounts.reset_password": PUBLIC,
    "accounts.account_name": row("login", "ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "accounts.account_totp_disable": row("login", "ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "accounts.account_recovery_codes": row("login", "ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    "accounts.reset_user_second_factor": ADMIN_ACTION,
    # not a refusal: logging out ends on the login page
    "accounts.logout_everywhere": row("login", "login", "login", "login", "login", "login", "login", "login"),
    "accounts.account_password": row("login", "ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    # anonymous visitors choose a language too
    "accounts.set_language": row("ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"),
    # not a refusal: logging out ends on the login page
    "accounts.logout": row("login", "login", "login", "login", "login", "login", "login", "login"),
    # --- calls
    "calls.admin_index": ADMIN_PAGE,
    "calls.admin_show": ADMIN_PAGE,
    "calls.admin_duplicate": ADMIN_PAGE,
    # a call under review is no longer edited: the admin is sent to the call (302)
    "calls.admin_edit": row("login", "403", "403", "403", "403", "403", "403", "302"),
    "calls.admin_new": ADMIN_PAGE,
    "calls.public_index": PUBLIC,
    "calls.public_show": PUBLIC,
    "calls.admin_lock": ADMIN_ACTION,
    "calls.admin_change_status": ADMIN_ACTION,
    "calls.admin_unlock": ADMIN_ACTION,
    # --- applications
    "applications.screening_list": ADMIN_PAGE,
    "applications.show": row("login", "200", "200", "404", "200", "404", "404", "200"),
    "applications.download_attachment": row("login", "200", "200", "404", "200", "404", "404", "200"),
    # who may view the application is sent to it (302); the invitation page is for invited partners
    "applications.invitation": row("login", "302", "302", "404", "302", "404", "404", "302"),
    "applications.print_view": row("login", "200", "200", "404", "200", "404", "404", "200"),
    "applications.receipt": row("login", "200", "200", "404", "200", "404", "404", "200"),
    # the owner: submitted, sent to the application (302); who may only read it: 403
    "applications.edit_section": row("login", "302", "403", "404", "403", "404", "404", "403"),
    # applicants only (jurors and admins: 403); the page itself says why an organisation may not start
    "applications.start": row("login", "200", "200", "200", "403", "403", "403", "403"),
    "applications.withdraw": row("login", "200", "403", "404", "403", "404", "404", "403"),
    "applications.advice": row("login", "403", "403", "404", "403", "404", "404", "ok"),
    "applications.upload_attachment": row("login", "ok", "403", "404", "403", "404", "404", "403"),
    "applications.delete_attachment": row("login", "ok", "403", "404", "403", "404", "404", "403"),
    "applications.request_information": row("login", "403", "403", "404", "403", "404", "404", "ok"),
    # no pending invitation for B (it is confirmed): nobody can answer one
    "applications.answer_invitation": row("login", "404", "404", "404", "404", "404", "404", "404"),
    "applications.add_partner": row("login", "ok", "403", "404", "403", "404", "404", "403"),
    # X is submitted: the partner may no longer leave (403)
    "applications.leave_partnership": row("login", "403", "403", "404", "403", "404", "404", "403"),
    "applications.remove_partner": row("login", "ok", "403", "404", "403", "404", "404", "403"),
    # same access as editing (404 otherwise); X is submitted, so nobody may edit it
    "applications.check_section": row("login", "404", "404", "404", "404", "404", "404", "404"),
    "applications.waiver": row("login", "403", "403", "404", "403", "404", "404", "ok"),
    "applications.screen": row("login", "403", "403", "404", "403", "404", "404", "ok"),
    "applications.submit": row("login", "ok", "403", "404", "403", "404", "404", "403"),
    # --- jury
    "jury.setup": ADMIN_PAGE,
    "jury.assignments": ADMIN_PAGE,
    "jury.conflicts": ADMIN_PAGE,
    "jury.dashboard": ADMIN_PAGE,
    # readers of X who are not its jurors: 403; the conflicted and unassigned juror: 404
    "jury.sheet": row("login", "403", "403", "404", "200", "404", "404", "403"),
    # the chair's advice (no chair in this data set): admin reads it, does not write it
    "jury.advice": row("login", "404", "404", "404", "404", "404", "404", "200|403"),
    # the assigned juror has no submitted sheet, so the others' sheets are not his to see
    "jury.sheets": AGENCY_PAGE,
    # the panel's members; the admin is none
    "jury.declaration": row("login", "404", "404", "404", "200", "200", "200", "404"),
    # the panel's chair and the admins; no chair here
    "jury.ranking": AGENCY_PAGE,
    "jury.assign": ADMIN_ACTION,
    "jury.override_conflict": ADMIN_ACTION,
    "jury.restore_conflict": ADMIN_ACTION,
    "jury.invite_juror": ADMIN_ACTION,
    "jury.add_juror": ADMIN_ACTION,
    "jury.send_reminders": ADMIN_ACTION,
    "jury.own_conflict": row("login", "403", "403", "404", "ok", "404", "404", "403"),
    "jury.assign_automatically": ADMIN_ACTION,
    "jury.unassign": ADMIN_ACTION,
    "jury.remove_juror": ADMIN_ACTION,
    # --- awards
    "awards.decide": ADMIN_PAGE,
    "awards.default_mail_template": ADMIN_PAGE,
    "awards.overview": ADMIN_PAGE,
    "awards.mail_template": ADMIN_PAGE,
    "awards.proposal": ADMIN_PAGE,
    # the lead organisation only (awards/access.py: can_read_letter), not the partner
    "awards.letter": row("login", "200", "404", "404", "404", "404", "404", "200"),
    "awards.letter_pdf": row("login", "200", "404", "404", "404", "404", "404", "200"),
    "awards.public_list": PUBLIC,
    "awards.public_csv": PUBLIC,
    "awards.public_json": PUBLIC,
    "awards.committed": ADMIN_ACTION,
    "awards.accept_proposal": ADMIN_ACTION,
    "awards.publish": ADMIN_ACTION,
    # --- reporting / projects
    # reporting's admin_only answers 404, not 403, to every other role on its /admin pages (required by
    # tests/web/test_reporting_access.py): refused either way; see AGENCY_PAGE
    "reporting.call_projects": AGENCY_PAGE,
    "reporting.payments": AGENCY_PAGE,
    "reporting.payments_csv": AGENCY_PAGE,
    "reporting.payments_xlsx": AGENCY_PAGE,
    "reporting.plans": AGENCY_PAGE,
    "reporting.plan": AGENCY_PAGE,
    "reporting.action_form": AGENCY_PAGE,
    "reporting.progress": AGENCY_PAGE,
    "reporting.progress_pdf": AGENCY_PAGE,
    "reporting.progress_xlsx": AGENCY_PAGE,
    "reporting.projects_index": AGENCY_PAGE,
    "reporting.reports": AGENCY_PAGE,
    "reporting.project": row("login", "200", "200", "404", "404", "404", "404", "200"),
    # the owner and partner see the project, extending it is the agency's (403)
    "reporting.extend": row("login", "403", "403", "404", "404", "404", "404", "200"),
    "reporting.report": row("login", "200", "200", "404", "404", "404", "404", "200"),
    "reporting.download_attachment": row("login", "200", "200", "404", "404", "404", "404", "200"),
    # the partner reads only (403); admins review, they do not write the report
    "reporting.edit_section": row("login", "200", "403", "404", "404", "404", "404", "403"),
    "reporting.payment_action": AGENCY_ACTION,
    "reporting.delete_action": AGENCY_ACTION,
    "reporting.upload_attachment": row("login", "ok", "403", "404", "404", "404", "404", "403"),
    "reporting.delete_attachment": row("login", "ok", "403", "404", "404", "404", "404", "403"),
    "reporting.review": row("login", "403", "403", "404", "404", "404", "404", "ok"),
    "reporting.submit": row("login", "ok", "403", "404", "404", "404", "404", "403"),
    "reporting.start_call_projects": AGENCY_ACTION,
    # --- exports
    # calls.queries.load_managed: a call one may not manage does not exist for them (404), as in reporting
    "exports.awards_csv": AGENCY_PAGE,
    "exports.awards_text": AGENCY_PAGE,
    "exports.awards_xlsx": AGENCY_PAGE,
    # --- api
    "api.calls_list": API,
    "api.calls_detail": API,
    "api.call_applications": API,
    "api.call_awards_list": API,
    "api.call_conflicts": API,
    "api.call_ranking": API,
    "api.openapi": API,
    "api.organisations": API,
    "api.projects_list": API,
    # --- audit
    "audit.history": ADMIN_PAGE,
    # --- main
    "main.home": PUBLIC,
    "main.healthz": PUBLIC,
}

# --- the requests ---------------------------------------------------------------------------------

def _observed(response, method: str) -> str:
    status = response.status_code
    if status == 302 and urlparse(response.headers["Location"]).path == "/login":
        return "login"
    if method == "POST" and status in (200, 302, 400, 409):
        return "ok"
    return str(status)


def _expected(cell: str, method: str) -> str:
    get_cell, _, post_cell = cell.partition("|")
    if method == "GET":
        return get_cell
    post_cell = post_cell or get_cell
    return "ok" if post_cell in ("200", "302") else post_cell


# Posting these ends the session (or changes the password): the role logs in again afterwards.
RELOGIN = {"accounts.logout", "accounts.logout_everywhere", "accounts.account_password", "accounts.set_language"}
# Posting these changes the data set for the rows after them: they go last.
LAST = {"applications.withdraw", "applications.submit", "applications.screen", "awards.publish",
        "calls.admin_change_status", "calls.admin_lock", "calls.admin_unlock", "jury.remove_juror",
        "jury.unassign", "jury.assign_automatically", "reporting.start_call_projects", *RELOGIN}
# Failed logins count against the client: posted after every other request (no login needed after them).
THROTTLED = {"accounts.login", "accounts.login_code", "accounts.login_enrol", "accounts.forgot_password",
             "accounts.reset_password"}
LAST |= THROTTLED


def _request(browser: Browser, token: str, method: str, url: str, role: str, world):
    headers = auth(world["token"]) if url.startswith("/api/") and role == "admin" else {}
    if method == "GET":
        return browser.client.get(url, headers=headers)
    return browser.client.post(url, data={"csrf_token": token}, headers=headers)


def test_every_route_has_a_row(app):
    endpoints = {endpoint for endpoint, _rule, _methods in routes(app)}
    assert sorted(endpoints - MATRIX.keys()) == [], "routes without a row in the access matrix"
    assert sorted(MATRIX.keys() - endpoints) == [], "rows of routes that no longer exist"


def test_the_access_matrix(app, world):
    browsers = {role: logged_in_browser(app, world, role) for role in ROLES}
    requests = [(endpoint, rule, method) for endpoint, rule, methods in routes(app) for method in methods]
    # GETs first, then the POSTs that change little, then those that change the data set or end a session,
    # then the failed logins
    requests.sort(key=lambda item: (item[2] == "POST", item[0] in LAST, item[0] in THROTTLED))
    observed: dict[str, dict[str, str]] = {}
    mismatches = []
    for endpoint, rule, method in requests:
        url = url_for_route(rule, endpoint, world)
        for role in ROLES:
            browser, token = browsers[role]
            answer = _observed(_request(browser, token, method, url, role, world), method)
            observed.setdefault(endpoint, {}).setdefault(role, {})[method] = answer
            cell = MATRIX.get(endpoint, {}).get(role)
            if cell is None or answer != _expected(cell, method):
                mismatches.append(f"{method} {url} ({endpoint}) as {role}: expected {cell}, got {answer}")
            if endpoint in RELOGIN:
                browsers[role] = logged_in_browser(app, world, role)
    if os.environ.get("MATRIX_DUMP"):  # MATRIX_DUMP=file writes the observed rows, to review a new route's
        with open(os.environ["MATRIX_DUMP"], "w") as out:
            for endpoint, cells in observed.items():
                parts = []
                for role in ROLES:
                    by_method = cells[role]
                    get, post = by_method.get("GET"), by_method.get("POST")
                    if get and post:
                        same = (post == "ok" and get in ("200", "302")) or post == get
                        parts.append(get if same else f"{get}|{post}")
                    else:
                        parts.append(get or post)
                out.write(f"    {endpoint!r}: row({', '.join(repr(p) for p in parts)}),\n")
    assert not mismatches, "\n".join(mismatches)
