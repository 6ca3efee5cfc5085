"""Call pages: the public list and call page, and the admin pages to set up and run calls."""
from __future__ import annotations


from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from ..accounts.access import admin_required
from ..applications.states import ApplicationStatus
from ..i18n import _
from ..unit_of_work import on_conflict
from ..timeutil import utcnow
from . import queries
from .forms import CallForm, DuplicateForm, ReasonForm, form_data_from_call, form_data_from_preset
from .operations import (
    CallConflict, CallError, CallInvalid, ConfirmationNeeded, RulesLocked, TransitionRefused, change_status,
    conflict_message, create_call, duplicate_call, ensure_editable, lock_rules, publication_problems, unlock_rules,
    update_call,
)
from .presets import PRESET_SUMMARIES, preset_for
from .states import CALL_ACTION_LABELS, CALL_ACTIONS, CALL_STEPS, CallKind, CallStatus, available_actions

bp = Blueprint("calls", __name__)

# Where an applicant starts an application, if the applications part offers such a page.
APPLY_ENDPOINTS = ("applications.start", "applications.new")


# The agency's list of a call's applications, if the applications part offers it.
SCREENING_ENDPOINTS = ("applications.screening_list",)


def _url_if_offered(endpoints: tuple[str, ...], **values) -> str | None:
    """A link to another part's page when that part is installed (the parts are built side by side)."""
    for endpoint in endpoints:
        if endpoint in current_app.view_functions:
            try:
                return url_for(endpoint, **values)
            except BuildError:
                continue
    return None


def _apply_url(call) -> str | None:
    return _url_if_offered(APPLY_ENDPOINTS, call_id=call.id)


# --------------------------------------------------------------------------- public


@bp.route("/calls")
def public_index():
    now = utcnow()
    return render_template("calls/public_index.html", now=now, **queries.public_calls(now))


@bp.route("/calls/<int:call_id>")
def public_show(call_id: int):
    call = queries.load_visible(call_id, current_user)
    if call is None:
        abort(404)
    now = utcnow()
    return render_template("calls/public_show.html", call=call, now=now, preview=not call.is_public,
                           is_open=call.is_open_at(now), apply_url=_apply_url(call) if call.is_open_at(now) else None)


# --------------------------------------------------------------------------- admin: list and create


@bp.route("/admin/calls")
@admin_required
def admin_index():
    calls = queries.admin_calls(current_user)
    counts = queries.application_counts()
    by_status = {status: [c for c in calls if c.status == status] for status in CallStatus}
    return render_template("calls/admin_index.html", by_status=by_status, counts=counts, kinds=list(CallKind),
                           summaries=PRESET_SUMMARIES, total=len(calls))


def _kind_from_request() -> CallKind | None:
    value = request.args.get("kind", "")
    try:
        return CallKind(value)
    except ValueError:
        return None


@bp.route("/admin/calls/new", methods=["GET", "POST"])
@admin_required
def admin_new():
    kind = _kind_from_request()
    if kind is None:
        return render_template("calls/new_choose.html", kinds=list(CallKind), summaries=PRESET_SUMMARIES)
    preset = preset_for(kind)
    if request.method == "GET":
        form = CallForm(data=form_data_from_preset(preset))
        form.add_blank_rows()
        return render_template("calls/form.html", form=form, call=None, kind=kind)
    form = CallForm()
    if _adds_rows(form):
        return render_template("calls/form.html", form=form, call=None, kind=kind)
    status = 400
    if form.validate():
        try:
            call = create_call(form.to_data(), actor=current_user)
        except CallInvalid as exc:
            form.show_operation_errors(exc.errors)
        else:
            flash(_("De oproep '%(title)s' is aangemaakt als ontwerp. Controleer de regels en publiceer haar "
                    "wanneer alles klopt.", title=call.title), "success")
            return redirect(url_for("calls.admin_show", call_id=call.id))
    return render_template("calls/form.html", form=form, call=None, kind=kind), status


def _adds_rows(form: CallForm) -> bool:
    """The 'more rows' buttons re-show the form with extra blank rows, without saving anything."""
    target = request.form.get("add_rows", "")
    if target not in ("criteria", "kpis", "tranches"):
        return False
    form.add_blank_rows(2, only=target)
    return True


# --------------------------------------------------------------------------- admin: one call


def _admin_call(call_id: int):
    """The call if the current user manages it, else 404 (admin_required has already refused the others)."""
    call = queries.load_managed(call_id, current_user)
    if call is None:
        abort(404)
    return call


@bp.route("/admin/calls/<int:call_id>")
@admin_required
def admin_show(call_id: int):
    call = _admin_call(call_id)
    now = utcnow()
    counts = queries.status_counts(call.id)
    submitted = queries.submitted_count(call.id)
    return render_template(
        "calls/admin_show.html", call=call, now=now, counts=counts, submitted=submitted,
        next_dossier=queries.next_dossier_number(call),
        total_applications=sum(counts.values()), locked=submitted > 0, statuses=ApplicationStatus,
        actions=available_actions(call.status), action_labels=CALL_ACTION_LABELS,
        problems=publication_problems(call, now) if call.status == CallStatus.DRAFT else [],
        editable=call.state.editable_rules, closes_early=now < call.closes_at,
        screening_url=_url_if_offered(SCREENING_ENDPOINTS, call_id=call.id), call_statuses=list(CallStatus))


@bp.route("/admin/calls/<int:call_id>/edit", methods=["GET", "POST"])
@admin_required
def admin_edit(call_id: int):
    call = _admin_call(call_id)
    try:
        ensure_editable(call)
    except RulesLocked as exc:
        return _locked_page(call, str(exc), 409 if request.method == "POST" else 200)
    except CallError as exc:
        flash(str(exc), "error")
        return redirect(url_for("calls.admin_show", call_id=call.id))
    if request.method == "GET":
        form = CallForm(data=form_data_from_call(call))
        form.add_blank_rows()
        return render_template("calls/form.html", form=form, call=call, kind=call.kind)
    form = CallForm()
    if _adds_rows(form):
        return render_template("calls/form.html", form=form, call=call, kind=call.kind)
    conflict, status = None, 400
    if form.validate():
        version = (form.version.data or "").strip()
        try:
            on_conflict(lambda: (render_template("calls/form.html", form=form, call=call, kind=call.kind,
                                                 conflict=conflict_message(call)), 409))
            update_call(call, form.to_data(), expected_version=int(version) if version.isdigit() else -1,
                        actor=current_user)
        except CallConflict as exc:
            conflict, status = str(exc), 409
        except CallInvalid as exc:
            form.show_operation_errors(exc.errors)
        except RulesLocked as exc:
            return _locked_page(call, str(exc), 409)
        except CallError as exc:
            flash(str(exc), "error")
            return redirect(url_for("calls.admin_show", call_id=call.id))
        else:
            flash(_("De regels van de oproep zijn opgeslagen."), "success")
            return redirect(url_for("calls.admin_show", call_id=call.id))
    return render_template("calls/form.html", form=form, call=call, kind=call.kind, conflict=conflict), status


def _locked_page(call, message: str, status: int):
    return render_template("calls/locked.html", call=call, message=message, form=ReasonForm(),
                           submitted=queries.submitted_count(call.id)), status


@bp.route("/admin/calls/<int:call_id>/unlock", methods=["POST"])
@admin_required
def admin_unlock(call_id: int):
    call = _admin_call(call_id)
    form = ReasonForm()
    if not form.validate():
        message = " ".join(str(e) for e in form.reason.errors) or _("Geef een reden.")
        return render_template("calls/locked.html", call=call, message=message, form=form,
                               submitted=queries.submitted_count(call.id)), 400
    on_conflict(lambda: _back_to_call(call_id, conflict_message(call)))
    try:
        unlock_rules(call, form.reason.data, actor=current_user)
    except CallError as exc:
        flash(str(exc), "error")
        return redirect(url_for("calls.admin_show", call_id=call_id))
    flash(_("De regels zijn ontgrendeld voor één wijziging. Na het opslaan worden ze opnieuw vergrendeld."), "warning")
    return redirect(url_for("calls.admin_edit", call_id=call.id))


@bp.route("/admin/calls/<int:call_id>/lock", methods=["POST"])
@admin_required
def admin_lock(call_id: int):
    call = _admin_call(call_id)
    on_conflict(lambda: _back_to_call(call_id, conflict_message(call)))
    try:
        lock_rules(call, actor=current_user)
    except CallError as exc:
        flash(str(exc), "error")
    else:
        flash(_("De regels zijn opnieuw vergrendeld."), "success")
    return redirect(url_for("calls.admin_show", call_id=call.id))


@bp.route("/admin/calls/<int:call_id>/status/<action>", methods=["POST"])
@admin_required
def admin_change_status(call_id: int, action: str):
    call = _admin_call(call_id)
    if action not in CALL_ACTIONS:
        abort(404)
    reason = (request.form.get("reason") or "").replace("\x00", "").strip()
    confirm = request.form.get("confirm") in ("1", "y", "on", "true")
    on_conflict(lambda: _back_to_call(call_id, conflict_message(call)))
    try:
        change_status(call, action, actor=current_user, reason=reason, confirm=confirm)
    except ConfirmationNeeded as exc:
        flash(str(exc), "warning")
    except TransitionRefused as exc:
        flash(str(exc), "error")
        for problem in exc.problems:
            if problem != str(exc):
                flash(problem, "error")
    else:
        flash(CALL_STEPS[action].done.format(title=call.title), "success")
    return redirect(url_for("calls.admin_show", call_id=call_id))


def _back_to_call(call_id: int, message: str):
    flash(message, "error")
    return redirect(url_for("calls.admin_show", call_id=call_id))


@bp.route("/admin/calls/<int:call_id>/duplicate", methods=["GET", "POST"])
@admin_required
def admin_duplicate(call_id: int):
    call = _admin_call(call_id)
    form = DuplicateForm()
    if request.method == "GET":
        # Suggestions for stored content (the title, and the reason shown on the public page): Dutch, like the call.
        form.title.data = f"{call.title} (nieuwe ronde)"[:300]
        form.exclusion_reason.data = f"Al gefinancierd in de vorige ronde ({call.title})."[:300]
    funded = len(queries.funded_organisation_ids(call.id))
    if form.validate_on_submit():
        try:
            new = duplicate_call(call, title=form.title.data, exclude_funded=form.exclude_funded.data,
                                 exclusion_reason=form.exclusion_reason.data or "", actor=current_user)
        except CallInvalid as exc:
            form.title.errors.append(exc.errors.get("title", str(exc)))
        else:
            flash(_("De nieuwe ronde '%(title)s' is aangemaakt als ontwerp, met de data een jaar later. "
                    "Controleer de data en de regels voor u publiceert.", title=new.title), "success")
            return redirect(url_for("calls.admin_show", call_id=new.id))
    return render_template("calls/duplicate.html", call=call, form=form, funded=funded), \
        400 if form.errors else 200


