"""The follow-up's pages: the project page, the report form in sections, submission and review,
extensions; the agency's lists (reports, projects per call, the payment register and its export) and
the progress report to parliament with its policy plan.

Handlers are thin: load through the access predicates (404 when the user may not see it), check the
named predicate for the action (403), call an operation, flash and redirect. On a refusal they render
the page again with the message and everything that was typed, with an error status, so the request
boundary rolls back. They never commit.
"""
from __future__ import annotations

from functools import wraps
from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..accounts.models import Role
from ..applications import storage
from ..applications.rules import duration_months
from ..calls.models import Call
from ..calls.rules import cost_category_label
from ..converters import enum_arg, int_arg
from ..extensions import db
from ..i18n import _
from ..money import format_eur
from ..unit_of_work import on_conflict
from . import access, exports, progress as progress_part, queries
from . import forms as f
from . import operations as ops
from .models import PolicyAction
from .rules import project_status_label
from .states import PAYMENT_KIND_LABELS, PAYMENT_STATES, REPORT_STATES, PaymentStatus

bp = Blueprint("reporting", __name__)
STATIC = Path(__file__).resolve().parent.parent.parent / "static"


@bp.app_template_global()
def report_status_badge(status) -> str:
    return REPORT_STATES[status].badge


@bp.app_template_global()
def payment_status_badge(status) -> str:
    return PAYMENT_STATES[status].badge


@bp.app_template_filter("payment_kind")
def payment_kind_label(kind) -> str:
    return str(PAYMENT_KIND_LABELS[kind])


@bp.app_template_filter("cost_category_label")
def _cost_category(code: str) -> str:
    return cost_category_label(code)


def admin_only(view):
    """The agency's pages: for anyone else they do not exist (404)."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role != Role.ADMIN:
            abort(404)
        return view(*args, **kwargs)
    return wrapped


def _load(project_id: int, require=None, *, full: bool = True):
    project = queries.load_project(project_id, current_user, full=full)
    if project is None:
        abort(404)
    if require is not None and not require(current_user, project):
        abort(403)
    return project


def _report(project, report_id: int):
    report = queries.report_of(project, report_id)
    if report is None:
        abort(404)
    return report


# =========================================================================== the project


@bp.route("/projects/<int:project_id>")
@login_required
def project(project_id: int):
    project = _load(project_id)
    facts = queries.facts(project)
    return render_template(
        "reporting/project.html", project=project, app=project.application, call=project.application.call,
        facts=facts, capacity=access.capacity(current_user, project), manage=access.can_manage(current_user, project),
        extension_refusal=ops.extension_refusal(project), today=ops.today(), now=ops.current_time(),
        settlements=[r for r in project.reports if r.settlement], action_form=f.PaymentActionForm())


# =========================================================================== reports


def _render_report(project, report, *, status: int = 200, **extra):
    context = {
        "project": project, "app": project.application, "call": project.application.call, "report": report,
        "capacity": access.capacity(current_user, project), "can_report": access.can_report(current_user, project),
        "manage": access.can_manage(current_user, project), "edit_refusal": ops.edit_refusal(report),
        "kpi_rows": ops.kpi_rows(report), "sections": ops.SECTIONS, "storage": storage,
        "problems": ops.submission_problems(report) if report.state.editable else [],
        "preview": ops.settlement_preview(report) if report.is_final and report.status != "approved" else None,
        "submit_form": extra.pop("submit_form", None) or f.SubmitForm(data={"version": report.version}),
        "review_form": extra.pop("review_form", None) or f.ReviewForm(),
        "attachment_form": extra.pop("attachment_form", None) or f.AttachmentForm(),
        "now": ops.current_time(),
    }
    context.update(extra)
    return render_template("reporting/report.html", **context), status


@bp.route("/projects/<int:project_id>/reports/<int:report_id>")
@login_required
def report(project_id: int, report_id: int):
    project = _load(project_id)
    return _render_report(project, _report(project, report_id))


def _section_form(report, section: str):
    if section == "progress":
        return f.ProgressForm
    if section == "kpis":
        return f.kpi_form(ops.kpi_rows(report))
    if section == "finances":
        return f.finance_form([line.category for line in report.cost_lines])
    abort(404)


def _initial(report, section: str) -> dict:
    if section == "progress":
        return {"narrative": report.narrative, "bottlenecks": report.bottlenecks}
    if section == "kpis":
        data = {}
        for row in ops.kpi_rows(report):
            data[f"value_{row['kpi'].id}"] = row["value"]
            data[f"motivation_{row['kpi'].id}"] = row["motivation"]
        return data
    data = {f"spent_{line.category}": line.spent for line in report.cost_lines}
    data.update(own_financial=report.own_financial_realised, own_staff=report.own_staff_realised,
                third_party=report.third_party_realised)
    return data


def _render_section(project, report, section: str, form, *, status: int = 200, error=None, conflict=None):
    return render_template("reporting/section.html", project=project, app=project.application, report=report,
                           section=ops.SECTIONS[section], form=form, error=error, conflict=conflict,
                           kpi_rows=ops.kpi_rows(report) if section == "kpis" else [],
                           sections=ops.SECTIONS), status


@bp.route("/projects/<int:project_id>/reports/<int:report_id>/sections/<section>", methods=["GET", "POST"])
@login_required
def edit_section(project_id: int, report_id: int, section: str):
    project = _load(project_id)
    report = _report(project, report_id)
    if section not in ops.FORM_SECTIONS:
        abort(404)
    if not access.can_report(current_user, project):
        abort(403)
    form_class = _section_form(report, section)
    refusal = ops.edit_refusal(report)
    if request.method == "GET":
        if refusal:
            flash(refusal, "error")
            return redirect(url_for("reporting.report", project_id=project.id, report_id=report.id))
        data = _initial(report, section)
        data.update(version=str(report.version), fingerprint=ops.fingerprint(section, report))
        return _render_section(project, report, section, form_class(data=data))
    form = form_class()
    if refusal:
        # Opened in time, sent too late (the project was closed meanwhile): say so, keep what was typed.
        form.validate()
        return _render_section(project, report, section, form, status=400, error=refusal)
    if not form.validate():
        return _render_section(project, report, section, form, status=400)

    def raced():
        fresh = _load(project_id)
        fresh_report = _report(fresh, report_id)
        form.version.data, form.fingerprint.data = str(fresh_report.version), ops.fingerprint(section, fresh_report)
        return _render_section(fresh, fresh_report, section, form, status=409,
                               conflict=ops.conflict_after_race(fresh_report, section))

    on_conflict(raced)
    try:
        ops.save_report_section(report, section, form.values(), current_user, loaded_version=form.loaded_version(),
                                loaded_fingerprint=form.fingerprint.data or "")
    except ops.ReportConflict as conflict:
        form.version.data, form.fingerprint.data = str(report.version), ops.fingerprint(section, report)
        return _render_section(project, report, section, form, status=409, conflict=conflict)
    except ops.ReportingError as exc:
        for key, message in exc.fields.items():
            target = getattr(form, f"motivation_{key}", None)
            if target is not None:
                target.errors = [*target.errors, message]
        return _render_section(project, report, section, form, status=400, error=str(exc))
    flash(_("'%(title)s' is bewaard.", title=ops.SECTIONS[section].title), "success")
    return redirect(url_for("reporting.report", project_id=project.id, report_id=report.id, _anchor=f"section-{section}"))


@bp.route("/projects/<int:project_id>/reports/<int:report_id>/attachments", methods=["POST"])
@login_required
def upload_attachment(project_id: int, report_id: int):
    project = _load(project_id, access.can_report)
    report = _report(project, report_id)
    form = f.AttachmentForm()
    if not form.validate():
        return _render_report(project, report, status=400, attachment_form=form)
    if form.file.data is None:
        form.file.errors = [_("Kies een bestand om op te laden.")]
        return _render_report(project, report, status=400, attachment_form=form)
    try:
        attachment = ops.upload_report_attachment(report, storage.Upload(form.file.data.stream,
                                                                         form.file.data.filename), current_user)
    except ops.UploadRefused as exc:
        form.file.errors = [str(exc)]
        return _render_report(project, report, status=400, attachment_form=form)
    except ops.ReportingError as exc:
        return _render_report(project, report, status=400, attachment_error=str(exc))
    flash(_("'%(name)s' is toegevoegd.", name=attachment.original_name), "success")
    return redirect(url_for("reporting.report", project_id=project.id, report_id=report.id, _anchor="section-attachments"))


@bp.route("/projects/<int:project_id>/reports/<int:report_id>/attachments/<int:attachment_id>")
@login_required
def download_attachment(project_id: int, report_id: int, attachment_id: int):
    project = _load(project_id)
    attachment = storage.attachment_of(_report(project, report_id), attachment_id)
    return storage.send_stored(attachment)


@bp.route("/projects/<int:project_id>/reports/<int:report_id>/attachments/<int:attachment_id>/delete",
          methods=["POST"])
@login_required
def delete_attachment(project_id: int, report_id: int, attachment_id: int):
    project = _load(project_id, access.can_report)
    report = _report(project, report_id)
    attachment = storage.attachment_of(report, attachment_id)
    try:
        name = ops.delete_report_attachment(report, attachment, current_user)
    except ops.ReportingError as exc:
        return _render_report(project, report, status=400, attachment_error=str(exc))
    flash(_("'%(name)s' is verwijderd.", name=name), "success")
    return redirect(url_for("reporting.report", project_id=project.id, report_id=report.id, _anchor="section-attachments"))


@bp.route("/projects/<int:project_id>/reports/<int:report_id>/submit", methods=["POST"])
@login_required
def submit(project_id: int, report_id: int):
    project, report, form, refuse, invalid = _report_action(project_id, report_id, access.can_report, f.SubmitForm,
                                                            "submit", lambda: _(
        "Het verslag werd op hetzelfde moment door iemand anders gewijzigd. Bekijk het opnieuw en dien het dan in."))
    if invalid is not None:
        return invalid
    try:
        ops.submit_report(report, current_user, loaded_version=form.loaded_version())
    except ops.SubmissionRefused as exc:
        return refuse(submit_error=str(exc), submit_reasons=exc.reasons)
    except ops.ReportingError as exc:
        form.version.data = str(report.version)
        return refuse(submit_error=str(exc))
    flash(_("Het verslag is ingediend. U ontvangt een bevestiging per e-mail."), "success")
    return redirect(url_for("reporting.report", project_id=project.id, report_id=report.id))


def _report_action(project_id: int, report_id: int, require, form_class, name: str, conflict_text):
    """A form posted on the report page, `name` being "submit" or "review": the project and report are
    loaded for who may act (`require`), the form is validated, and a lost race shows the fresh report
    with `conflict_text()` as `<name>_error`. Returns (project, report, form, refuse, invalid):
    `refuse(**extra)` shows the page again with this form and a 400; `invalid` is that page when the
    form did not validate, else None."""
    project = _load(project_id, require)
    report = _report(project, report_id)
    form = form_class()

    def refuse(**extra):
        return _render_report(project, report, status=400, **{f"{name}_form": form}, **extra)

    if not form.validate():
        return project, report, form, refuse, refuse()
    on_conflict(lambda: _render_report(*_fresh(project_id, report_id), status=409,
                                       **{f"{name}_error": conflict_text()}))
    return project, report, form, refuse, None


def _fresh(project_id: int, report_id: int):
    project = _load(project_id)
    return project, _report(project, report_id)


@bp.route("/projects/<int:project_id>/reports/<int:report_id>/review", methods=["POST"])
@login_required
def review(project_id: int, report_id: int):
    project, report, form, refuse, invalid = _report_action(project_id, report_id, access.can_manage, f.ReviewForm,
                                                            "review", lambda: _(
        "Het verslag werd op hetzelfde moment gewijzigd. Bekijk het opnieuw."))
    if invalid is not None:
        return invalid
    try:
        ops.review_report(report, approve=form.decision.data == "approve", remarks=form.remarks.data or "",
                          actor=current_user)
    except ops.ReportingError as exc:
        return refuse(review_error=str(exc))
    if report.status == "approved":
        flash(_("Het verslag is goedgekeurd."), "success")
    else:
        flash(_("Het verslag is heropend: de organisatie krijgt uw opmerkingen."), "success")
    return redirect(url_for("reporting.report", project_id=project.id, report_id=report.id))


# =========================================================================== extensions


@bp.route("/projects/<int:project_id>/extend", methods=["GET", "POST"])
@login_required
def extend(project_id: int):
    project = _load(project_id, access.can_manage)
    refusal = ops.extension_refusal(project)
    call = project.application.call
    if request.method == "GET":
        months = duration_months(project.start_date, project.end_date) if not project.extensions else \
            duration_months(project.extensions[-1].start_date, project.extensions[-1].end_date)
        form = f.ExtensionForm(data={"months": months, "amount": ops.period_amount(project, ops.last_period(project))})
        return render_template("reporting/extend.html", project=project, app=project.application, call=call,
                               form=form, refusal=refusal, error=None)
    form = f.ExtensionForm()
    error = refusal
    if error is None and form.validate():
        try:
            extension = ops.grant_extension(project, form.to_data(), current_user)
        except ops.ReportingError as exc:
            if exc.field and hasattr(form, exc.field):
                getattr(form, exc.field).errors = [*getattr(form, exc.field).errors, str(exc)]
            else:
                error = str(exc)
        else:
            flash(_("Het project is verlengd tot %(date)s (verlenging %(number)s).",
                    date=extension.end_date.strftime("%d-%m-%Y"), number=extension.number), "success")
            return redirect(url_for("reporting.project", project_id=project.id))
    return render_template("reporting/extend.html", project=project, app=project.application, call=call, form=form,
                           refusal=refusal, error=error), 400


# =========================================================================== payments


@bp.route("/admin/payments/<int:payment_id>/<action>", methods=["POST"])
@admin_only
def payment_action(payment_id: int, action: str):
    operation = ops.PAYMENT_ACTIONS.get(action)
    payment = queries.payment_visible(payment_id, current_user)
    if payment is None or operation is None:
        abort(404)
    form = f.PaymentActionForm()
    back = request.form.get("next") or ""
    target = back if back.startswith("/") and not back.startswith("//") else url_for("reporting.payments")
    if not form.validate():
        for message in form.on.errors:
            flash(message, "error")
        return redirect(target), 303
    on_conflict(lambda: (flash(_("De betaling werd tegelijk door iemand anders gewijzigd. Bekijk ze opnieuw."),
                               "error"), redirect(target))[1])
    try:
        if action == "approve":
            operation(payment, current_user)
        else:
            operation(payment, current_user, form.on.data)
    except ops.ReportingError as exc:
        flash(str(exc), "error")
        return render_template("reporting/payment_refused.html", payment=payment, message=str(exc),
                               back=target), 409
    flash(_("%(label)s van %(organisation)s (%(amount)s): %(status)s.", label=payment.label,
            organisation=payment.project.application.organisation.name, amount=format_eur(payment.amount),
            status=payment.status.label), "success")
    return redirect(target)


def _register_filters():
    status = enum_arg("status", PaymentStatus)
    call_id = int_arg("call", 0, minimum=0)
    return status, (call_id or None)


@bp.route("/admin/payments")
@admin_only
def payments():
    status, call_id = _register_filters()
    page = int_arg("page", 1)
    rows, total, totals = queries.payment_register(status, call_id, page)
    return render_template("reporting/payments.html", rows=rows, total=total, totals=totals, status=status,
                           call_id=call_id, page=page, pages=queries.page_count(total),
                           calls=queries.calls_with_projects(), statuses=list(PaymentStatus),
                           action_form=f.PaymentActionForm())


def _payment_rows(status, call_id) -> list[exports.PaymentRow]:
    rows = db.session.scalars(queries.payments_query(status, call_id)).unique()
    return [exports.PaymentRow(
        dossier_number=p.project.application.dossier_number or "", organisation=p.project.application.organisation.name,
        call=p.project.application.call.title,
        period=_("toekenning") if p.period == 0 else _("verlenging %(number)s", number=p.period), label=p.label,
        kind=payment_kind_label(p.kind), status=p.status.label, amount=p.amount, iban=p.iban, due_date=p.due_date,
        approved_at=p.approved_at, settled_at=p.paid_at) for p in rows]


@bp.route("/admin/payments.xlsx")
@admin_only
def payments_xlsx():
    status, call_id = _register_filters()
    body = exports.payments_xlsx(_payment_rows(status, call_id))
    return _download(body, "betalingsregister.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/admin/payments.csv")
@admin_only
def payments_csv():
    status, call_id = _register_filters()
    return _download(exports.payments_csv(_payment_rows(status, call_id)), "betalingsregister.csv",
                     "text/csv; charset=utf-8")


def _download(body: bytes, name: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# =========================================================================== the agency's lists


REPORT_VIEWS = (queries.ReportView.REVIEW, queries.ReportView.OVERDUE, queries.ReportView.REOPENED,
                queries.ReportView.ALL)


@bp.route("/admin/reports")
@admin_only
def reports():
    view = request.args.get("view", queries.ReportView.REVIEW)
    if view not in REPORT_VIEWS:
        abort(400, description=_("Onbekende weergave '%(value)s'; kies uit %(allowed)s.", value=view[:40],
                                 allowed=", ".join(REPORT_VIEWS)))
    call_id = int_arg("call", 0, minimum=0) or None
    page = int_arg("page", 1)
    on = ops.today()
    rows, total = queries.reports_list(view, call_id=call_id, page=page, on=on)
    return render_template("reporting/admin_reports.html", rows=rows, total=total, view=view, views=REPORT_VIEWS,
                           counts=queries.report_counts(on), call_id=call_id, page=page,
                           pages=queries.page_count(total), today=on, calls=queries.calls_with_projects())


@bp.route("/admin/projects")
@admin_only
def projects_index():
    return render_template("reporting/admin_projects.html", calls=queries.calls_with_projects())


@bp.route("/admin/calls/<int:call_id>/projects")
@admin_only
def call_projects(call_id: int):
    call = db.get_or_404(Call, call_id)
    projects = queries.projects_of_call(call.id, current_user)
    on = ops.today()
    return render_template("reporting/call_projects.html", call=call, rows=[queries.facts(p, on) for p in projects],
                           waiting=queries.awarded_without_project(call.id), today=on)


@bp.route("/admin/calls/<int:call_id>/projects/start", methods=["POST"])
@admin_only
def start_call_projects(call_id: int):
    call = db.get_or_404(Call, call_id)
    from flask_wtf import FlaskForm
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        started = ops.start_projects_of_call(call, current_user)
    except ops.ReportingError as exc:
        flash(str(exc), "error")
        return redirect(url_for("reporting.call_projects", call_id=call.id)), 303
    flash(_("%(count)s projecten gestart.", count=len(started)), "success")
    return redirect(url_for("reporting.call_projects", call_id=call.id))


# =========================================================================== the progress report


def _chosen_plan():
    plans = queries.plans()
    plan_id = int_arg("plan", plans[0].id if plans else 0, minimum=0)
    plan = queries.load_plan(plan_id) if plan_id else None
    if plans and plan is None:
        abort(404)
    return plans, plan


@bp.route("/admin/progress-report")
@admin_only
def progress():
    plans, plan = _chosen_plan()
    report = progress_part.progress_report(plan) if plan is not None else None
    return render_template("reporting/progress.html", plans=plans, plan=plan, report=report)


@bp.route("/admin/progress-report.xlsx")
@admin_only
def progress_xlsx():
    plans, plan = _chosen_plan()
    if plan is None:
        abort(404)
    report = progress_part.progress_report(plan)
    actions = [exports.ActionRow(plan=plan.title, number=b.action.number, title=b.action.title, status=b.status_label,
                                 ministers="\n".join(b.action.minister_list), domains=", ".join(b.action.domain_list),
                                 stakeholders=", ".join(b.action.stakeholder_list),
                                 description=progress_part.block_text(b), committed=b.committed, awarded=b.awarded,
                                 paid=b.paid) for b in report.blocks]
    awards = [exports.AwardLineRow(number=b.action.number, call=cb.call.title,
                                   dossier_number=line.application.dossier_number or "", organisation=line.organisation,
                                   place=line.place, awarded=line.amount,
                                   status=project_status_label(line.status) if line.status else "",
                                   paid=line.paid)
              for b in report.blocks for cb in b.calls for line in cb.awards]
    body = exports.progress_xlsx(actions, awards, title=plan.title)
    return _download(body, "voortgangsrapport.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/admin/progress-report.pdf")
@admin_only
def progress_pdf():
    plans, plan = _chosen_plan()
    if plan is None:
        abort(404)
    report = progress_part.progress_report(plan)
    html = render_template("reporting/progress_pdf.html", plan=plan, report=report)
    body = exports.progress_pdf(html, base_url=request.url_root, stylesheet=STATIC / "reporting-print.css")
    return _download(body, "voortgangsrapport.pdf", "application/pdf")


# =========================================================================== the policy plan


@bp.route("/admin/plans", methods=["GET", "POST"])
@admin_only
def plans():
    form = f.PlanForm()
    if request.method == "POST":
        if form.validate():
            try:
                plan = ops.save_plan(None, form.to_data(), current_user)
            except ops.ReportingError as exc:
                form.title.errors = [*form.title.errors, str(exc)]
            else:
                flash(_("Het plan '%(title)s' is aangemaakt.", title=plan.title), "success")
                return redirect(url_for("reporting.plan", plan_id=plan.id))
        return render_template("reporting/plans.html", plans=queries.plans(), form=form), 400
    return render_template("reporting/plans.html", plans=queries.plans(), form=form)


def _plan(plan_id: int):
    plan = queries.load_plan(plan_id)
    if plan is None:
        abort(404)
    return plan


@bp.route("/admin/plans/<int:plan_id>", methods=["GET", "POST"])
@admin_only
def plan(plan_id: int):
    plan = _plan(plan_id)
    form = f.PlanForm(data={"title": plan.title, "description": plan.description} if request.method == "GET" else None)
    if request.method == "POST":
        if form.validate():
            try:
                ops.save_plan(plan, form.to_data(), current_user)
            except ops.ReportingError as exc:
                form.title.errors = [*form.title.errors, str(exc)]
            else:
                flash(_("Het plan is bewaard."), "success")
                return redirect(url_for("reporting.plan", plan_id=plan.id))
        return render_template("reporting/plan.html", plan=plan, form=form), 400
    return render_template("reporting/plan.html", plan=plan, form=form)


def _action_page(plan, action, form, status: int = 200, error=None):
    return render_template("reporting/action_form.html", plan=plan, action=action, form=form, error=error,
                           linked=queries.linked_actions()), status


@bp.route("/admin/plans/<int:plan_id>/actions/new", methods=["GET", "POST"])
@bp.route("/admin/plans/<int:plan_id>/actions/<int:action_id>", methods=["GET", "POST"])
@admin_only
def action_form(plan_id: int, action_id: int | None = None):
    plan = _plan(plan_id)
    action: PolicyAction | None = None
    if action_id is not None:
        action = next((a for a in plan.actions if a.id == action_id), None)
        if action is None:
            abort(404)
    calls = queries.all_calls()
    if request.method == "GET":
        data = {} if action is None else {
            "number": action.number, "title": action.title, "ministers": action.ministers, "domains": action.domains,
            "stakeholders": action.stakeholders, "status_override": action.status_override or "",
            "call_ids": [str(link.call_id) for link in action.call_links]}
        return _action_page(plan, action, f.ActionForm(data=data, calls=calls))
    form = f.ActionForm(calls=calls)
    if not form.validate():
        return _action_page(plan, action, form, 400)
    try:
        saved = ops.save_action(plan, action, form.to_data(), current_user)
    except ops.ReportingError as exc:
        target = getattr(form, exc.field, None) if exc.field else None
        if target is not None:
            target.errors = [*target.errors, str(exc)]
            return _action_page(plan, action, form, 400)
        return _action_page(plan, action, form, 400, error=str(exc))
    flash(_("Actie %(number)s is bewaard.", number=saved.number), "success")
    return redirect(url_for("reporting.plan", plan_id=plan.id))


@bp.route("/admin/plans/<int:plan_id>/actions/<int:action_id>/delete", methods=["POST"])
@admin_only
def delete_action(plan_id: int, action_id: int):
    plan = _plan(plan_id)
    action = next((a for a in plan.actions if a.id == action_id), None)
    if action is None:
        abort(404)
    from flask_wtf import FlaskForm
    if not FlaskForm().validate_on_submit():
        abort(400)
    number = action.number
    ops.delete_action(action, current_user)
    flash(_("Actie %(number)s is verwijderd.", number=number), "success")
    return redirect(url_for("reporting.plan", plan_id=plan.id))


__all__ = ["bp"]

