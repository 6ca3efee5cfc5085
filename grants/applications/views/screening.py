"""The agency's pages: a call's list of applications, and the decisions on one application
(screening, information requests, advice, waiver).

A decision on one application is loaded like any application page (404 when not visible) and then
needs `can_screen` (403), so an applicant learns nothing about someone else's application.
"""
from __future__ import annotations

from datetime import datetime, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ...accounts.access import admin_required
from ...calls.queries import get_call
from ...forms_common import clean_line
from ...i18n import _
from ...links import external_url
from ...organisations.labels import ORGANISATION_KIND_LABELS
from ...pagination import page_label, page_of, requested_page
from ...timeutil import from_local
from ...unit_of_work import on_conflict
from .. import access, queries
from .. import forms as f
from .. import operations as ops
from .. import sections as sec
from ..models import Application
from ..states import APPLICATION_STATES, ApplicationStatus
from .common import bp, load, render_show


@bp.route("/admin/calls/<int:call_id>/applications")
@admin_required
def screening_list(call_id: int):
    call = get_call(call_id, full=False) or abort(404)
    status = request.args.get("status", "")
    filters = queries.ScreeningFilters(
        status=status if status == "all" or status in set(ApplicationStatus) else "",
        q=clean_line(request.args.get("q", ""))[:100],
        province=clean_line(request.args.get("province", ""))[:60],
        kind=request.args.get("kind", "") if request.args.get("kind", "") in ORGANISATION_KIND_LABELS else "",
        sort=request.args.get("sort", "dossier") if request.args.get("sort") in queries.SORTS else "dossier",
    )
    number = requested_page()  # a bad ?page= is a 400 before the list is read
    summary = queries.screening_summary(call, filters)
    page = page_of(number, queries.SCREENING_PAGE_SIZE, summary.count)
    rows = queries.screening_rows(call, filters, page)
    # The page links keep the filters as given (cleaned), only the page number changes.
    link_args = {key: value for key, value in (("status", filters.status), ("q", filters.q),
                                               ("province", filters.province), ("kind", filters.kind),
                                               ("sort", filters.sort if filters.sort != "dossier" else ""))
                 if value}
    return render_template("applications/admin_list.html", call=call, rows=rows, filters=filters, page=page,
                           page_label=page_label(page), link_args=link_args,
                           counts=queries.status_counts(call), provinces=queries.provinces(),
                           # Labels and badges once per page, not once per row.
                           kinds={value: str(label) for value, label in ORGANISATION_KIND_LABELS.items()},
                           statuses=APPLICATION_STATES.labels(),
                           badges={status: APPLICATION_STATES[status].badge for status in ApplicationStatus},
                           sorts=queries.SORT_LABELS, total_count=summary.count,
                           total_requested=summary.requested)


def _agency_decision(application_id: int, form, form_key: str, run, *, error_field, success,
                     stale: str | None = None):
    """The agency's decisions on an application share one course: validate, run the operation; a refusal
    is shown next to error_field(message), a concurrent change is told, and success(app) is flashed."""
    app = load(application_id, require=access.can_screen)
    if not form.validate():
        return render_show(app, 400, **{form_key: form})

    def raced():
        flash(stale or _("De aanvraag werd tegelijk gewijzigd. Bekijk ze opnieuw."), "error")
        return redirect(url_for("applications.show", application_id=application_id))

    on_conflict(raced)
    try:
        run(app)
    except ops.ApplicationError as exc:
        target = error_field(exc)
        target.errors = [*target.errors, str(exc)]
        return render_show(app, 400, **{form_key: form})
    flash(success(app), "success")
    return redirect(url_for("applications.show", application_id=application_id))


def _view_url(app: Application) -> str:
    return external_url("applications.show", application_id=app.id)


@bp.route("/applications/<int:application_id>/screening", methods=["POST"])
@login_required
def screen(application_id: int):
    form = f.ScreeningForm()
    return _agency_decision(
        application_id, form, "screening_form",
        lambda app: ops.screen_application(app, ApplicationStatus(form.outcome.data), form.reason.data or "",
                                           current_user),
        error_field=lambda _exc: form.outcome,
        success=lambda app: _("De aanvraag is %(status)s.", status=app.status.label),
        stale=_("De aanvraag werd tegelijk gewijzigd. Bekijk ze opnieuw en beslis dan."))


@bp.route("/applications/<int:application_id>/information-request", methods=["POST"])
@login_required
def request_information(application_id: int):
    form = f.InformationRequestForm()

    def run(app: Application) -> None:
        due_at = from_local(datetime.combine(form.due_date.data, time(23, 59)))  # 23:59 exists every day
        ops.request_information(app, form.message.data, due_at, current_user, view_url=_view_url(app))

    return _agency_decision(
        application_id, form, "info_form", run,
        error_field=lambda exc: form.due_date if exc.field == "due_date" else form.message,
        success=lambda app: _("De vraag om aanvullende informatie is verstuurd; de aanvraag staat open voor de "
                              "aanvrager."))


@bp.route("/applications/<int:application_id>/advice", methods=["POST"])
@login_required
def advice(application_id: int):
    app = load(application_id, require=access.can_screen)
    form = f.AdviceForm()
    loaded_fingerprint = request.form.get("fingerprint", "")[:64]
    if not form.validate():
        return render_show(app, 400, advice_form=form, advice_fingerprint=loaded_fingerprint)

    def conflict_page(conflict: ops.EditConflict):
        fresh = load(application_id)
        form.version.data = str(fresh.version)
        return render_show(fresh, 409, advice_form=form, advice_conflict=conflict,
                           advice_fingerprint=sec.fingerprint("advice", fresh))

    on_conflict(lambda: conflict_page(ops.conflict_after_race(load(application_id), "advice")))
    try:
        ops.set_agency_advice(app, form.agency_advice.data or "", current_user,
                              loaded_version=form.loaded_version(), loaded_fingerprint=loaded_fingerprint)
    except ops.EditConflict as conflict:
        return conflict_page(conflict)
    except ops.ApplicationError as exc:
        form.agency_advice.errors = [str(exc)]
        return render_show(app, 400, advice_form=form, advice_fingerprint=loaded_fingerprint)
    flash(_("Het advies is bewaard."), "success")
    return redirect(url_for("applications.show", application_id=app.id, _anchor="advice"))


@bp.route("/applications/<int:application_id>/waiver", methods=["POST"])
@login_required
def waiver(application_id: int):
    form = f.WaiverDecisionForm()
    return _agency_decision(
        application_id, form, "waiver_form",
        lambda app: ops.decide_waiver(app, form.decision.data == "accepted", form.reason.data or "", current_user),
        error_field=lambda _exc: form.decision, success=lambda app: _("De beslissing over de afwijking is bewaard."))
