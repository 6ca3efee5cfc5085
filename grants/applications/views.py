"""Applications: the applicant's form, submission and follow-up; the agency's screening.

Thin handlers: load what the user may see (404 otherwise), call an operation, commit,
flash and redirect; on a refusal the page comes back with the Dutch message next to
the field and everything typed still there.
"""
from __future__ import annotations

from datetime import datetime, time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from ..accounts.access import admin_required
from ..accounts.models import Role
from ..calls.models import Call
from ..calls.rules import deadline_message
from ..calls.states import CallStatus, SelectionMode
from ..extensions import db
from ..organisations.labels import ORGANISATION_KIND_LABELS
from ..timeutil import from_local
from . import forms as f
from . import operations as ops
from . import queries, storage
from . import sections as sec
from .models import Application, AttachmentKind, ContributionKind
from .rules import budget_totals, cost_category_label, next_step, ready_to_submit
from .states import (
    APPLICATION_STATUS_LABELS, STATUS_BADGES, WITHDRAWABLE_STATUSES, ApplicationStatus, can_transition,
)

bp = Blueprint("applications", __name__)


@bp.app_template_global()
def application_status_badge(status) -> str:
    return STATUS_BADGES.get(status, "")


@bp.app_template_global()
def application_form_errors(form) -> list[tuple[str, str, list[str]]]:
    """(field id, label, messages) for every error of a form, rows of a table included."""
    found: list[tuple[str, str, list[str]]] = []

    def walk(fields, prefix: str = "") -> None:
        for fld in fields:
            if fld.type == "FieldList":
                for number, entry in enumerate(fld, start=1):
                    walk(entry.form, f"{prefix}rij {number}: ")
            elif fld.type == "FormField":
                walk(fld.form, prefix)
            elif fld.errors:
                if fld.type == "CSRFTokenField":
                    found.append((fld.id, "Formulier", ["Het formulier is verlopen. Verstuur het opnieuw."]))
                else:
                    found.append((fld.id, prefix + fld.label.text, list(fld.errors)))

    walk(form)
    return found


@bp.app_template_filter("status_label")
def status_label(value) -> str:
    try:
        return ApplicationStatus(value).label
    except ValueError:
        return "" if value is None else str(value)


@bp.app_template_filter("cost_category")
def cost_category_filter(code: str) -> str:
    return cost_category_label(code)


# --------------------------------------------------------------------------- loading


def _load(application_id: int) -> Application:
    app = queries.load_visible(application_id, current_user)
    if app is None:
        abort(404)
    return app


def _access(app: Application) -> str:
    return app.access_for(current_user) or ""


def _require_lead(app: Application) -> None:
    """Only members of the applying organisation act for it (partners and staff see it read-only)."""
    if _access(app) != "lead":
        abort(403)


def _require_admin(app: Application) -> None:
    if _access(app) != "admin":
        abort(403)


def _view_url(app: Application) -> str:
    base = (current_app.config.get("BASE_URL") or "").rstrip("/")
    path = url_for("applications.show", application_id=app.id)
    return base + path if base else url_for("applications.show", application_id=app.id, _external=True)


def _figures(app: Application) -> dict:
    totals = budget_totals(_lines(app), app.call.eligible_cost_categories or ())
    return {
        "totals": totals,
        "own_financial": app.contribution_total(ContributionKind.OWN_FINANCIAL),
        "own_staff": app.contribution_total(ContributionKind.OWN_STAFF),
        "third_party": [c for c in app.contributions if c.kind == ContributionKind.THIRD_PARTY],
        "third_party_total": app.contribution_total(ContributionKind.THIRD_PARTY),
        "financing": app.requested_amount + app.contribution_total(),
    }


def _lines(app: Application):
    from .rules import BudgetLineFigures
    return [BudgetLineFigures(line.category, line.amount, line.description, line.fte, line.months)
            for line in app.budget_lines]


def _section_filled(app: Application, key: str) -> bool:
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


def _render_show(app: Application, status: int = 200, **overrides):
    now = ops.current_time()
    access = _access(app)
    refusal = ops.edit_refusal(app, now)
    editable = access == "lead" and refusal is None
    checklist = queries.checklist_for(app, now) if access in {"lead", "admin"} and app.status in (
        ApplicationStatus.DRAFT, ApplicationStatus.INFO_REQUESTED) else []
    submit_form = overrides.pop("submit_form", None) or f.SubmitForm(data={"version": app.version})
    context = {
        "app": app, "call": app.call, "access": access, "editable": editable, "edit_refusal": refusal,
        "sections": sec.sections_for(app), "filled": {s.key: _section_filled(app, s.key) for s in sec.SECTION_LIST},
        "checklist": checklist, "ready": ready_to_submit(checklist) if checklist else False,
        "submit_form": submit_form, "figures": _figures(app),
        "history": queries.status_history(app),
        "next_step": next_step(app.status, closes_at=app.call.closes_at, call_open=app.call.is_open_at(now),
                               due_at=app.open_info_request.due_at if app.open_info_request else None, now=now,
                               reason=app.screening_reason),
        "deadline": deadline_message(app.call.opens_at, app.call.closes_at, now),
        "can_withdraw": access == "lead" and app.status in WITHDRAWABLE_STATUSES,
        "bank_letter_needed": queries.bank_letter_needed(app),
        "storage": storage,
    }
    if access == "admin":
        context.update(
            screening_form=overrides.pop("screening_form", None) or f.ScreeningForm(
                data={"reason": app.screening_reason}),
            info_form=overrides.pop("info_form", None) or f.InformationRequestForm(),
            advice_form=overrides.pop("advice_form", None) or f.AdviceForm(
                data={"agency_advice": app.agency_advice, "version": app.version}),
            advice_fingerprint=overrides.pop("advice_fingerprint", None) or sec.fingerprint("advice", app),
            waiver_form=overrides.pop("waiver_form", None) or f.WaiverDecisionForm(),
            can_screen=any(can_transition(app.status, s) and app.status != s
                           for s in (ApplicationStatus.ADMISSIBLE, ApplicationStatus.INADMISSIBLE)),
            can_request_info=can_transition(app.status, ApplicationStatus.INFO_REQUESTED),
        )
    context.update(overrides)
    return render_template("applications/show.html", **context), status


# --------------------------------------------------------------------------- start


@bp.route("/applications/new/<int:call_id>", methods=["GET", "POST"])
@login_required
def start(call_id: int):
    if current_user.role != Role.APPLICANT:
        abort(403)
    call = db.session.get(Call, call_id)
    if call is None or call.status == CallStatus.DRAFT:
        abort(404)
    organisations = list(current_user.organisations)
    counts = queries.existing_application_counts([call.id], [o.id for o in organisations])
    options = [(org, queries.eligibility(call, org, counts.get((call.id, org.id), 0))) for org in organisations]
    eligible = [org for org, result in options if result.ok]
    form = f.StartForm(organisations=eligible)
    if len(eligible) == 1 and request.method == "GET":
        form.organisation_id.data = str(eligible[0].id)
    error = None
    if form.validate_on_submit():
        org = next(o for o in eligible if o.id == form.chosen_id())
        try:
            app = ops.start_application(call, org, current_user)
        except ops.ApplicationError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            flash(f"De aanvraag voor '{call.title}' is aangemaakt. Vul de onderdelen in; elk onderdeel bewaart "
                  "u apart.", "success")
            return redirect(url_for("applications.show", application_id=app.id))
    now = ops.current_time()
    status = 400 if (form.errors or error) else 200
    return render_template("applications/start.html", call=call, form=form, options=options, eligible=eligible,
                           error=error, open_now=call.is_open_at(now),
                           deadline=deadline_message(call.opens_at, call.closes_at, now)), status


# --------------------------------------------------------------------------- overview


@bp.route("/applications/<int:application_id>")
@login_required
def show(application_id: int):
    return _render_show(_load(application_id))


@bp.route("/applications/<int:application_id>/print")
@login_required
def print_view(application_id: int):
    app = _load(application_id)
    return render_template("applications/print.html", app=app, call=app.call, access=_access(app),
                           figures=_figures(app), history=queries.status_history(app), storage=storage,
                           printed_at=ops.current_time())


@bp.route("/applications/<int:application_id>/receipt")
@login_required
def receipt(application_id: int):
    app = _load(application_id)
    if not app.dossier_number or app.submitted_at is None:
        return redirect(url_for("applications.show", application_id=app.id))
    return render_template("applications/receipt.html", app=app, call=app.call, figures=_figures(app))


# --------------------------------------------------------------------------- sections


@bp.route("/applications/<int:application_id>/sections/<section>", methods=["GET", "POST"])
@login_required
def edit_section(application_id: int, section: str):
    app = _load(application_id)
    spec = sec.SECTIONS.get(section)
    if spec is None or section == "advice" or not spec.applies(app):
        abort(404)
    if section == "partners":
        return _partners_page(app)
    if section == "attachments":
        return _attachments_page(app)
    _require_lead(app)
    refusal = ops.edit_refusal(app, ops.current_time())
    form_class = spec.form_factory(app)
    if refusal and request.method == "GET":
        flash(refusal, "error")
        return redirect(url_for("applications.show", application_id=app.id))
    if refusal:
        # Opened in time, sent too late: say so, and give back everything that was typed.
        form = form_class()
        sec.prepare_form(section, form, app)
        return _render_section(app, section, form, status=400, error=refusal)
    if request.method == "GET":
        data = sec.initial_data(section, app)
        data.update(version=str(app.version), fingerprint=sec.fingerprint(section, app))
        form = form_class(data=data)
        sec.prepare_form(section, form, app)
        return _render_section(app, section, form)
    form = form_class()
    sec.prepare_form(section, form, app)
    if not form.validate():
        return _render_section(app, section, form, status=400)
    upload = form.bank_letter.data if section == "payout" else None
    stored = None
    if upload is not None:
        try:
            stored = storage.save_upload(upload.stream, upload.filename, upload_dir=ops.upload_dir(),
                                         max_bytes=current_app.config["MAX_ATTACHMENT_BYTES"])
        except storage.UploadError as exc:
            form.bank_letter.errors = [str(exc)]
            return _render_section(app, section, form, status=400)
    try:
        ops.save_section(app, section, form, current_user, loaded_version=form.loaded_version(),
                         loaded_fingerprint=form.fingerprint.data or "")
        if stored is not None:
            ops.add_attachment(app, stored, AttachmentKind.BANK_CONFIRMATION, current_user)
        db.session.commit()
    except ops.EditConflict as conflict:
        db.session.rollback()
        _discard(stored)
        return _render_conflict(application_id, section, form, conflict)
    except StaleDataError:
        db.session.rollback()
        _discard(stored)
        fresh = _load(application_id)
        return _render_conflict(application_id, section, form, ops.conflict_after_race(fresh, section))
    except ops.ApplicationError as exc:
        db.session.rollback()
        _discard(stored)
        return _render_section(app, section, form, status=400, error=str(exc))
    flash(f"'{spec.title}' is bewaard.", "success")
    return redirect(url_for("applications.show", application_id=app.id, _anchor=f"section-{section}"))


def _discard(stored) -> None:
    if stored is not None:
        storage.remove(ops.upload_dir(), stored.stored_name)


def _render_conflict(application_id: int, section: str, form, conflict: ops.EditConflict):
    app = _load(application_id)
    # The next save is a deliberate choice with both versions in view: it starts from what is saved now.
    form.version.data = str(app.version)
    form.fingerprint.data = sec.fingerprint(section, app)
    return _render_section(app, section, form, status=409, conflict=conflict)


def _render_section(app: Application, section: str, form, *, status: int = 200, conflict=None, error=None):
    spec = sec.SECTIONS[section]
    context = {"app": app, "call": app.call, "section": spec, "form": form, "conflict": conflict,
               "error": error, "sections": sec.sections_for(app)}
    if section == "budget":
        context["choices_note"] = ", ".join(cost_category_label(c) for c in app.call.eligible_cost_categories or [])
        context["figures"] = _figures(app)
    if section == "financing":
        context["figures"] = _figures(app)
        context["rule"] = app.call.cofinancing_rule
    if section == "payout":
        context["bank_letter_needed"] = queries.bank_letter_needed(app)
        context["letters"] = app.attachments_of(AttachmentKind.BANK_CONFIRMATION)
        context["storage"] = storage
    return render_template("applications/section.html", **context), status


# --------------------------------------------------------------------------- partners


def _partners_page(app: Application, form=None, status: int = 200, error: str | None = None):
    if request.method == "POST":
        abort(405)
    now = ops.current_time()
    editable = _access(app) == "lead" and ops.edit_refusal(app, now) is None
    return render_template("applications/partners.html", app=app, call=app.call, editable=editable,
                           form=form or f.PartnerForm(), error=error, section=sec.SECTIONS["partners"],
                           sections=sec.sections_for(app)), status


@bp.route("/applications/<int:application_id>/partners", methods=["POST"])
@login_required
def add_partner(application_id: int):
    app = _load(application_id)
    _require_lead(app)
    form = f.PartnerForm()
    if not form.validate():
        return _partners_page_post(app, form, 400)
    try:
        org = ops.add_partner(app, form.code.data, current_user)
    except ops.ApplicationError as exc:
        db.session.rollback()
        app = _load(application_id)
        form.code.errors = [*form.code.errors, str(exc)]
        return _partners_page_post(app, form, 400)
    db.session.commit()
    flash(f"{org.name} is toegevoegd als partner.", "success")
    return redirect(url_for("applications.edit_section", application_id=app.id, section="partners"))


def _partners_page_post(app, form, status):
    now = ops.current_time()
    editable = ops.edit_refusal(app, now) is None
    return render_template("applications/partners.html", app=app, call=app.call, editable=editable, form=form,
                           error=None, section=sec.SECTIONS["partners"], sections=sec.sections_for(app)), status


@bp.route("/applications/<int:application_id>/partners/<int:organisation_id>/remove", methods=["POST"])
@login_required
def remove_partner(application_id: int, organisation_id: int):
    app = _load(application_id)
    _require_lead(app)
    try:
        org = ops.remove_partner(app, organisation_id, current_user)
    except ops.ApplicationError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"{org.name} is geen partner meer.", "success")
    return redirect(url_for("applications.edit_section", application_id=application_id, section="partners"))


# --------------------------------------------------------------------------- attachments


def _attachments_page(app: Application, form=None, status: int = 200):
    if request.method == "POST":
        abort(405)
    now = ops.current_time()
    editable = _access(app) == "lead" and ops.edit_refusal(app, now) is None
    return render_template("applications/attachments.html", app=app, call=app.call, editable=editable,
                           form=form or f.AttachmentForm(), section=sec.SECTIONS["attachments"],
                           sections=sec.sections_for(app), storage=storage), status


@bp.route("/applications/<int:application_id>/attachments", methods=["POST"])
@login_required
def upload_attachment(application_id: int):
    app = _load(application_id)
    _require_lead(app)
    form = f.AttachmentForm()
    refusal = ops.edit_refusal(app, ops.current_time())
    if refusal:
        flash(refusal, "error")
        return redirect(url_for("applications.show", application_id=app.id))
    if not form.validate():
        return _attachments_form_error(app, form)
    upload = form.file.data
    if upload is None:
        form.file.errors = ["Kies een bestand om op te laden."]
        return _attachments_form_error(app, form)
    try:
        stored = storage.save_upload(upload.stream, upload.filename, upload_dir=ops.upload_dir(),
                                     max_bytes=current_app.config["MAX_ATTACHMENT_BYTES"])
    except storage.UploadError as exc:
        form.file.errors = [str(exc)]
        return _attachments_form_error(app, form)
    try:
        ops.add_attachment(app, stored, AttachmentKind.GENERAL, current_user)
        db.session.commit()
    except ops.ApplicationError as exc:
        db.session.rollback()
        _discard(stored)
        flash(str(exc), "error")
        return redirect(url_for("applications.show", application_id=application_id))
    except StaleDataError:
        db.session.rollback()
        _discard(stored)
        flash("De aanvraag werd tegelijk door iemand anders gewijzigd. Laad de bijlage opnieuw op.", "error")
        return redirect(url_for("applications.edit_section", application_id=application_id, section="attachments"))
    flash(f"'{stored.original_name}' is toegevoegd.", "success")
    return redirect(url_for("applications.edit_section", application_id=app.id, section="attachments"))


def _attachments_form_error(app, form):
    return render_template("applications/attachments.html", app=app, call=app.call, editable=True, form=form,
                           section=sec.SECTIONS["attachments"], sections=sec.sections_for(app),
                           storage=storage), 400


def _attachment_of(app: Application, attachment_id: int):
    attachment = next((a for a in app.attachments if a.id == attachment_id), None)
    if attachment is None:
        abort(404)
    return attachment


@bp.route("/applications/<int:application_id>/attachments/<int:attachment_id>")
@login_required
def download_attachment(application_id: int, attachment_id: int):
    app = _load(application_id)
    attachment = _attachment_of(app, attachment_id)
    try:
        path = storage.path_for(ops.upload_dir(), attachment.stored_name)
    except FileNotFoundError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.original_name, max_age=0, conditional=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/applications/<int:application_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def delete_attachment(application_id: int, attachment_id: int):
    app = _load(application_id)
    _require_lead(app)
    attachment = _attachment_of(app, attachment_id)
    name = attachment.original_name
    try:
        stored_name = ops.delete_attachment(app, attachment, current_user)
        db.session.commit()
    except ops.ApplicationError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("applications.show", application_id=application_id))
    storage.remove(ops.upload_dir(), stored_name)
    flash(f"'{name}' is verwijderd.", "success")
    return redirect(url_for("applications.edit_section", application_id=application_id, section="attachments"))


# --------------------------------------------------------------------------- submit and withdraw


@bp.route("/applications/<int:application_id>/submit", methods=["POST"])
@login_required
def submit(application_id: int):
    app = _load(application_id)
    _require_lead(app)
    form = f.SubmitForm()
    if not form.validate():
        return _render_show(app, 400, submit_form=form)
    try:
        ops.submit_application(app, current_user, loaded_version=form.loaded_version(),
                               response=form.response.data or "", view_url=_view_url(app))
        db.session.commit()
    except ops.SubmissionRefused as exc:
        db.session.rollback()
        app = _load(application_id)
        return _render_show(app, 400, submit_form=form, submit_error=str(exc), submit_reasons=exc.reasons)
    except ops.ApplicationError as exc:
        db.session.rollback()
        app = _load(application_id)
        form.version.data = str(app.version)
        return _render_show(app, 409 if isinstance(exc, ops.ChangedSinceLoaded) else 400, submit_form=form,
                            submit_error=str(exc))
    except StaleDataError:
        db.session.rollback()
        app = _load(application_id)
        form.version.data = str(app.version)
        return _render_show(app, 409, submit_form=form,
                            submit_error="De aanvraag werd op hetzelfde moment door iemand anders gewijzigd. "
                                         "Bekijk de controlelijst opnieuw en dien dan in.")
    flash(f"De aanvraag is ingediend met dossiernummer {app.dossier_number}. U ontvangt een ontvangstbevestiging "
          "per e-mail.", "success")
    return redirect(url_for("applications.receipt", application_id=app.id))


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(application_id: int):
    app = _load(application_id)
    _require_lead(app)
    form = f.WithdrawForm()
    error = None
    if form.validate_on_submit():
        try:
            ops.withdraw_application(app, current_user, form.reason.data or "")
            db.session.commit()
        except (ops.ApplicationError, StaleDataError) as exc:
            db.session.rollback()
            app = _load(application_id)
            error = str(exc) if isinstance(exc, ops.ApplicationError) else \
                "De aanvraag werd tegelijk gewijzigd. Probeer opnieuw."
        else:
            flash("De aanvraag is ingetrokken.", "success")
            return redirect(url_for("applications.show", application_id=app.id))
    elif request.method == "GET" and app.status not in WITHDRAWABLE_STATUSES:
        error = (f"Een aanvraag met status '{app.status.label}' kan niet meer ingetrokken worden: intrekken kan "
                 "tot er over de aanvraag beslist is.")
    status = 400 if (form.errors or error) and request.method == "POST" else 200
    return render_template("applications/withdraw.html", app=app, call=app.call, form=form, error=error,
                           can_withdraw=app.status in WITHDRAWABLE_STATUSES), status


# --------------------------------------------------------------------------- the agency


@bp.route("/admin/calls/<int:call_id>/applications")
@admin_required
def screening_list(call_id: int):
    call = db.session.get(Call, call_id) or abort(404)
    status = request.args.get("status", "")
    filters = queries.ScreeningFilters(
        status=status if status == "all" or status in APPLICATION_STATUS_LABELS else "",
        q=f.clean_line(request.args.get("q", ""))[:100],
        province=f.clean_line(request.args.get("province", ""))[:60],
        kind=request.args.get("kind", "") if request.args.get("kind", "") in ORGANISATION_KIND_LABELS else "",
        sort=request.args.get("sort", "dossier") if request.args.get("sort") in queries.SORTS else "dossier",
    )
    rows = queries.screening_list(call, filters)
    figures = queries.figures_for([a.id for a in rows])
    return render_template("applications/admin_list.html", call=call, rows=rows, figures=figures, filters=filters,
                           counts=queries.status_counts(call), provinces=queries.provinces(),
                           kinds=ORGANISATION_KIND_LABELS, statuses=APPLICATION_STATUS_LABELS,
                           sorts=queries.SORT_LABELS,
                           total_requested=sum((a.requested_amount for a in rows), start=0))


def _agency_decision(application_id: int, form, form_key: str, run, *, error_field, success: str,
                     stale: str = "De aanvraag werd tegelijk gewijzigd. Bekijk ze opnieuw."):
    """The agency's decisions on an application share one course: validate, run the operation,
    commit; a refusal is shown next to error_field(message), a concurrent change is told."""
    app = _load(application_id)
    _require_admin(app)
    if not form.validate():
        return _render_show(app, 400, **{form_key: form})
    try:
        run(app)
        db.session.commit()
    except ops.ApplicationError as exc:
        db.session.rollback()
        app = _load(application_id)
        target = error_field(str(exc))
        target.errors = [*target.errors, str(exc)]
        return _render_show(app, 400, **{form_key: form})
    except StaleDataError:
        db.session.rollback()
        flash(stale, "error")
        return redirect(url_for("applications.show", application_id=application_id))
    flash(success.format(status=app.status.label), "success")
    return redirect(url_for("applications.show", application_id=application_id))


@bp.route("/applications/<int:application_id>/screening", methods=["POST"])
@login_required
def screen(application_id: int):
    form = f.ScreeningForm()
    return _agency_decision(
        application_id, form, "screening_form",
        lambda app: ops.screen_application(app, ApplicationStatus(form.outcome.data), form.reason.data or "",
                                           current_user),
        error_field=lambda _msg: form.outcome, success="De aanvraag is {status}.",
        stale="De aanvraag werd tegelijk gewijzigd. Bekijk ze opnieuw en beslis dan.")


@bp.route("/applications/<int:application_id>/information-request", methods=["POST"])
@login_required
def request_information(application_id: int):
    form = f.InformationRequestForm()

    def run(app: Application) -> None:
        due_at = from_local(datetime.combine(form.due_date.data, time(23, 59)))  # 23:59 exists every day
        ops.request_information(app, form.message.data, due_at, current_user, view_url=_view_url(app))

    return _agency_decision(
        application_id, form, "info_form", run,
        error_field=lambda msg: form.due_date if "datum" in msg else form.message,
        success="De vraag om aanvullende informatie is verstuurd; de aanvraag staat open voor de aanvrager.")


@bp.route("/applications/<int:application_id>/advice", methods=["POST"])
@login_required
def advice(application_id: int):
    app = _load(application_id)
    _require_admin(app)
    form = f.AdviceForm()
    loaded_fingerprint = request.form.get("fingerprint", "")[:64]
    if not form.validate():
        return _render_show(app, 400, advice_form=form, advice_fingerprint=loaded_fingerprint)
    try:
        ops.set_agency_advice(app, form.agency_advice.data or "", current_user,
                              loaded_version=form.loaded_version(), loaded_fingerprint=loaded_fingerprint)
        db.session.commit()
    except ops.EditConflict as conflict:
        db.session.rollback()
        app = _load(application_id)
        form.version.data = str(app.version)
        return _render_show(app, 409, advice_form=form, advice_conflict=conflict,
                            advice_fingerprint=sec.fingerprint("advice", app))
    except ops.ApplicationError as exc:
        db.session.rollback()
        app = _load(application_id)
        form.agency_advice.errors = [str(exc)]
        return _render_show(app, 400, advice_form=form, advice_fingerprint=loaded_fingerprint)
    except StaleDataError:
        db.session.rollback()
        app = _load(application_id)
        form.version.data = str(app.version)
        return _render_show(app, 409, advice_form=form, advice_conflict=ops.conflict_after_race(app, "advice"),
                            advice_fingerprint=sec.fingerprint("advice", app))
    flash("Het advies is bewaard.", "success")
    return redirect(url_for("applications.show", application_id=app.id, _anchor="advice"))


@bp.route("/applications/<int:application_id>/waiver", methods=["POST"])
@login_required
def waiver(application_id: int):
    form = f.WaiverDecisionForm()
    return _agency_decision(
        application_id, form, "waiver_form",
        lambda app: ops.decide_waiver(app, form.decision.data == "accepted", form.reason.data or "", current_user),
        error_field=lambda _msg: form.decision, success="De beslissing over de afwijking is bewaard.")
