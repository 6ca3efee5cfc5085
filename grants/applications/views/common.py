"""What the applicant's and the agency's pages share: the blueprint, loading an application through
the access predicates, and the overview page.

Handlers are thin: load what the user may see (404 otherwise), check the named predicate for the
action (403), call an operation, flash and redirect; on a refusal they render the page again with
the message and everything typed, and answer with an error status, so the request boundary rolls
back. They never commit.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, render_template
from flask_login import current_user

from ...calls.rules import deadline_message
from ...calls.states import SelectionMode
from .. import access, queries, storage
from .. import forms as f
from .. import operations as ops
from .. import sections as sec
from ..models import Application, AttachmentKind, ContributionKind
from ..rules import (
    BudgetLineFigures, agency_next_step, budget_totals, cost_category_label, failing, next_step, ready_to_submit,
)
from ..states import APPLICATION_STATES, ApplicationStatus

bp = Blueprint("applications", __name__)


@bp.app_template_global()
def application_status_badge(status) -> str:
    return APPLICATION_STATES[ApplicationStatus(status)].badge


@bp.app_template_filter("status_label")
def status_label(value) -> str:
    try:
        return ApplicationStatus(value).label
    except ValueError:
        return "" if value is None else str(value)


@bp.app_template_global()
def section_title(key: str, app: Application) -> str:
    """A section's title for this application's call (the KPI section says what it holds)."""
    return str(sec.section_for(key, app).title)


@bp.app_template_filter("cost_category")
def cost_category_filter(code: str) -> str:
    return cost_category_label(code)


# --------------------------------------------------------------------------- loading


def load(application_id: int, require: Callable | None = None) -> Application:
    """The application if the current user may see it (else 404) and, if given, do this (else 403)."""
    app = queries.load_visible(application_id, current_user)
    if app is None:
        abort(404)
    if require is not None and not require(current_user, app):
        abort(403)
    return app


def capacity(app: Application) -> access.Capacity | None:
    return access.capacity(current_user, app)


# --------------------------------------------------------------------------- figures and the overview


def figures(app: Application) -> dict:
    lines = [BudgetLineFigures(line.category, line.amount, line.description, line.fte, line.months)
             for line in app.budget_lines]
    return {
        "totals": budget_totals(lines, app.call.eligible_cost_categories or ()),
        "own_financial": app.contribution_total(ContributionKind.OWN_FINANCIAL),
        "own_staff": app.contribution_total(ContributionKind.OWN_STAFF),
        "third_party": [c for c in app.contributions if c.kind == ContributionKind.THIRD_PARTY],
        "third_party_total": app.contribution_total(ContributionKind.THIRD_PARTY),
        "financing": app.requested_amount + app.contribution_total(),
    }


def section_filled(app: Application, key: str) -> bool:
    spec = sec.SECTIONS[key]
    if spec.fields:
        return all(getattr(app, name) for name in spec.fields if name != "contact_phone")
    if key == "budget":
        return bool(app.budget_lines)
    if key == "financing":
        return bool(app.requested_amount)
    if key == "kpis":
        planned = {v.kpi_id for v in app.kpi_values if v.planned_value is not None}
        priority_needed = app.call.selection_mode == SelectionMode.SIGN_UP
        return all(k.id in planned for k in app.call.kpis) and (app.priority is not None or not priority_needed)
    if key == "partners":
        return app.partnership is not None
    if key == "attachments":
        return bool(app.attachments_of(AttachmentKind.GENERAL))
    return False


OPTIONAL_SECTIONS = frozenset({"partners", "attachments"})  # no checklist item asks for them


@bp.app_template_global("application_section_state")  # the step navigation beside the section forms
def section_state(app: Application, key: str) -> str:
    """'filled', 'todo', or 'optional' for an empty section that nothing requires (a sole applicant
    without partners, no attachments): such a section is not "still to fill in"."""
    if section_filled(app, key):
        return "filled"
    return "optional" if key in OPTIONAL_SECTIONS else "todo"


def render_show(app: Application, status: int = 200, **overrides):
    now = ops.current_time()
    seen_as = capacity(app)
    refusal = ops.edit_refusal(app, now)
    editable = access.can_edit(current_user, app) and refusal is None
    checklist = queries.checklist_for(app, now) if seen_as == access.Capacity.LEAD and \
        APPLICATION_STATES[app.status].editable else []
    submit_form = overrides.pop("submit_form", None) or f.SubmitForm(data={"version": app.version})
    request = app.open_info_request
    context = {
        "app": app, "call": app.call, "access": seen_as, "editable": editable, "edit_refusal": refusal,
        "sections": sec.sections_for(app),
        "section_states": {s.key: section_state(app, s.key) for s in sec.SECTION_LIST},
        "checklist": checklist, "ready": ready_to_submit(checklist) if checklist else False,
        "submit_form": submit_form, "figures": figures(app),
        "history": queries.status_history(app),
        "next_step": next_step(app.status, closes_at=app.call.closes_at, call_open=app.call.is_open_at(now),
                               due_at=request.due_at if request else None, now=now, reason=app.screening_reason),
        "deadline": deadline_message(app.call.opens_at, app.call.closes_at, now),
        "can_withdraw": access.can_withdraw(current_user, app),
        "can_leave": access.can_leave(current_user, app),
        "bank_letter_needed": queries.bank_letter_needed(app),
        "storage": storage,
    }
    if seen_as == access.Capacity.ADMIN:
        # The agency's panel: the applicant's checks as the agency sees them, and the agency's next step.
        checks = queries.screening_checklist_for(app, now)
        context.update(agency_checks=checks, agency_failing=failing(checks),
                       next_step=agency_next_step(app.status, due_at=request.due_at if request else None, now=now))
    if access.can_screen(current_user, app):
        context.update(
            screening_form=overrides.pop("screening_form", None) or f.ScreeningForm(
                data={"reason": app.screening_reason}),
            info_form=overrides.pop("info_form", None) or f.InformationRequestForm(),
            advice_form=overrides.pop("advice_form", None) or f.AdviceForm(
                data={"agency_advice": app.agency_advice, "version": app.version}),
            advice_fingerprint=overrides.pop("advice_fingerprint", None) or sec.fingerprint("advice", app),
            waiver_form=overrides.pop("waiver_form", None) or f.WaiverDecisionForm(),
            can_screen=any(APPLICATION_STATES.can(app.status, s) and app.status != s
                           for s in (ApplicationStatus.ADMISSIBLE, ApplicationStatus.INADMISSIBLE)),
            can_request_info=APPLICATION_STATES.can(app.status, ApplicationStatus.INFO_REQUESTED),
        )
    context.update(overrides)
    return render_template("applications/show.html", **context), status
