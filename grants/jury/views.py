"""Jury pages: the admin's set-up, conflicts, assignments and dashboard of a call; the juror's
declaration and reading-and-scoring pages; the sheets of an application; the ranking and the
jury's advice (admins and the chair).

Handlers are thin: load what the user may see (404 otherwise, also for a juror who is
conflicted), check the action's predicate, call an operation, flash and redirect; a refusal
renders the page again with the message and an error status (400/409), so the request boundary
rolls back. They never commit. The score form also answers JSON (autosave: a fetch POST with
the header X-Requested-With: fetch).
"""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..accounts.access import admin_required
from ..accounts.models import Role, User
from ..applications import storage
from ..applications.access import can_see_scores
from ..applications.models import Application
from ..applications.queries import load_visible
from ..applications.views.common import figures
from ..calls.models import Call
from ..calls.queries import get_call
from ..converters import int_arg
from ..extensions import db
from ..i18n import _, ngettext
from ..timeutil import describe_remaining, format_local
from ..unit_of_work import on_conflict, unit_of_work
from . import access, queries
from . import forms as f
from . import operations as ops
from .chart import ranking_svg
from .models import AdviceOutcome, ConflictKind, ConflictSource, JuryAdvice, Panel
from .states import SHEET_STATES, SheetStatus, sheet_status

bp = Blueprint("jury", __name__)

from . import api as _api  # noqa: E402,F401  (the jury's API endpoints, on the api blueprint)


@bp.app_template_filter("points")
def points_filter(value) -> str:
    """Points with two decimals, Dutch notation: 72.5 -> '72,50'; None -> an en dash."""
    return "\u2013" if value is None else f"{value:.2f}".replace(".", ",")


@bp.app_template_global()
def sheet_badge(status) -> str:
    return SHEET_STATES[SheetStatus(status)].badge


def _call(call_id: int) -> Call:
    call = get_call(call_id, full=False)
    if call is None:
        abort(404)
    return call


def _wants_json() -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _deadline_facts(panel, now) -> dict:
    deadline = panel.scoring_deadline if panel is not None else None
    return {"deadline": deadline, "remaining": describe_remaining(deadline - now) if deadline else None,
            "closed": bool(ops.sheet_refusal(panel, now))}


# =========================================================================== admin: set-up


def _render_setup(call: Call, status: int = 200, *, form=None, add_form=None, invite_form=None, error=None):
    panel = queries.get_panel(call.id)
    members = list(panel.members) if panel else []
    if form is None:
        form = f.JurySetupForm(formdata=None)
        form.set_members(members)
        form.fill_from(panel, call)
    add_form = add_form or f.AddJurorForm(formdata=None)
    add_form.set_candidates(queries.candidate_jurors(call.id))
    return render_template("jury/setup.html", call=call, panel=panel, members=members, form=form,
                           add_form=add_form, invite_form=invite_form or f.InviteJurorForm(formdata=None),
                           remove_form=f.EmptyForm(formdata=None), error=error), status


@bp.route("/admin/calls/<int:call_id>/jury", methods=["GET", "POST"])
@admin_required
def setup(call_id: int):
    call = _call(call_id)
    if request.method == "GET":
        return _render_setup(call)
    panel = queries.get_panel(call.id)
    form = f.JurySetupForm()
    form.set_members(list(panel.members) if panel else [])
    if not form.validate():
        return _render_setup(call, 400, form=form)
    try:
        settings = form.to_data()
    except ValueError as exc:
        form.deadline_time.errors = [str(exc)]
        return _render_setup(call, 400, form=form)

    def raced():
        fresh = f.JurySetupForm()
        fresh.set_members(list(panel.members) if panel else [])
        return _render_setup(_call(call_id), 409, form=fresh, error=_(
            "De juryinstellingen of de oproep werden tegelijk door iemand anders gewijzigd. Er is niets "
            "overschreven; laad de pagina opnieuw."))

    on_conflict(raced)
    try:
        ops.update_jury_settings(call, settings, current_user, loaded_version=form.loaded_version())
    except ops.JuryConflict as exc:
        return _render_setup(call, 409, form=form, error=str(exc))
    except ops.JuryError as exc:
        target = form[exc.field] if exc.field in form._fields else form.chair_id
        target.errors = [*target.errors, str(exc)]
        return _render_setup(call, 400, form=form)
    flash(_("De juryinstellingen zijn bewaard."), "success")
    return redirect(url_for("jury.setup", call_id=call.id))


@bp.route("/admin/calls/<int:call_id>/jury/jurors", methods=["POST"])
@admin_required
def add_juror(call_id: int):
    call = _call(call_id)
    form = f.AddJurorForm()
    form.set_candidates(queries.candidate_jurors(call.id))
    if not form.validate():
        return _render_setup(call, 400, add_form=form)
    user = db.session.get(User, int(form.user_id.data))
    try:
        ops.add_juror(call, user, current_user)
    except ops.JuryError as exc:
        form.user_id.errors = [str(exc)]
        return _render_setup(call, 400, add_form=form)
    flash(_("%(name)s zit nu in de jury.", name=user.display_name), "success")
    return redirect(url_for("jury.setup", call_id=call.id))


@bp.route("/admin/calls/<int:call_id>/jury/invite", methods=["POST"])
@admin_required
def invite_juror(call_id: int):
    call = _call(call_id)
    form = f.InviteJurorForm()
    if not form.validate():
        return _render_setup(call, 400, invite_form=form)
    try:
        user = ops.invite_juror(call, form.email.data, form.name.data or "", current_user)
    except ops.JuryError as exc:
        form.email.errors = [*form.email.errors, str(exc)]
        return _render_setup(call, 400, invite_form=form)
    flash(_("%(email)s zit nu in de jury; wie nog geen account had, kreeg een uitnodiging per e-mail.",
            email=user.email), "success")
    return redirect(url_for("jury.setup", call_id=call.id))


@bp.route("/admin/calls/<int:call_id>/jury/jurors/<int:user_id>/remove", methods=["POST"])
@admin_required
def remove_juror(call_id: int, user_id: int):
    call = _call(call_id)
    user = db.session.get(User, user_id) or abort(404)
    if not f.EmptyForm().validate():
        return _render_setup(call, 400, error=_("Het formulier is verlopen. Verstuur het opnieuw."))
    try:
        ops.remove_juror(call, user, current_user)
    except ops.JuryError as exc:
        return _render_setup(call, 400, error=str(exc))
    flash(_("%(name)s zit niet meer in de jury.", name=user.display_name), "success")
    return redirect(url_for("jury.setup", call_id=call.id))


# =========================================================================== admin: conflicts


def _render_conflicts(call: Call, status: int = 200, *, form=None, error=None, override_forms=None):
    jurors = queries.jurors_of(call.id)
    apps = queries.jury_applications(call.id)
    if form is None:
        form = f.AdminConflictForm(formdata=None)
    form.set_choices(jurors, apps)
    rows = access.conflict_rows(call.id)
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_({r.juror_id for r in rows})))}
    by_id = {a.id: a for a in apps}
    return render_template("jury/conflicts.html", call=call, rows=rows, users=users, applications=by_id,
                           form=form, error=error, override_forms=override_forms or {},
                           blank_override=f.OverrideForm(formdata=None), empty_form=f.EmptyForm(formdata=None),
                           sources=ConflictSource), status


@bp.route("/admin/calls/<int:call_id>/jury/conflicts", methods=["GET", "POST"])
@admin_required
def conflicts(call_id: int):
    call = _call(call_id)
    if request.method == "GET":
        return _render_conflicts(call)
    form = f.AdminConflictForm()
    form.set_choices(queries.jurors_of(call.id), queries.jury_applications(call.id))
    if not form.validate():
        return _render_conflicts(call, 400, form=form)
    app = db.session.get(Application, int(form.application_id.data))
    juror = db.session.get(User, int(form.juror_id.data))
    try:
        ops.set_conflict(app, juror, ConflictKind(form.kind.data), form.reason.data, current_user)
    except ops.JuryError as exc:
        form.reason.errors = [str(exc)]
        return _render_conflicts(call, 400, form=form)
    flash(_("Het belangenconflict van %(name)s is vastgelegd; het jurylid ziet de aanvraag niet meer.",
            name=juror.display_name), "success")
    return redirect(url_for("jury.conflicts", call_id=call.id))


def _pair(call: Call, application_id: int, user_id: int) -> tuple[Application, User]:
    app = db.session.get(Application, application_id)
    juror = db.session.get(User, user_id)
    if app is None or juror is None or app.call_id != call.id:
        abort(404)
    return app, juror


@bp.route("/admin/calls/<int:call_id>/jury/conflicts/<int:application_id>/<int:user_id>/override",
          methods=["POST"])
@admin_required
def override_conflict(call_id: int, application_id: int, user_id: int):
    call = _call(call_id)
    app, juror = _pair(call, application_id, user_id)
    form = f.OverrideForm()
    if not form.validate():
        return _render_conflicts(call, 400, override_forms={(app.id, juror.id): form})
    try:
        ops.override_conflict(app, juror, form.reason.data, current_user)
    except ops.JuryError as exc:
        form.reason.errors = [*form.reason.errors, str(exc)]
        return _render_conflicts(call, 400, override_forms={(app.id, juror.id): form})
    flash(_("Het belangenconflict van %(name)s is opgeheven; de reden staat in de geschiedenis.",
            name=juror.display_name), "success")
    return redirect(url_for("jury.conflicts", call_id=call.id))


@bp.route("/admin/calls/<int:call_id>/jury/conflicts/<int:application_id>/<int:user_id>/restore",
          methods=["POST"])
@admin_required
def restore_conflict(call_id: int, application_id: int, user_id: int):
    call = _call(call_id)
    app, juror = _pair(call, application_id, user_id)
    if not f.EmptyForm().validate():
        return _render_conflicts(call, 400, error=_("Het formulier is verlopen. Verstuur het opnieuw."))
    try:
        ops.lift_override(app, juror, current_user)
    except ops.JuryError as exc:
        return _render_conflicts(call, 400, error=str(exc))
    flash(_("Het belangenconflict van %(name)s geldt opnieuw.", name=juror.display_name), "success")
    return redirect(url_for("jury.conflicts", call_id=call.id))


# =========================================================================== admin: assignments


def _render_assignments(call: Call, status: int = 200, *, plan=None, n=None, auto_form=None, error=None):
    apps = queries.jury_applications(call.id)
    jurors = queries.jurors_of(call.id)
    conflicts_now = access.conflict_pairs(call.id)
    cells = {(a.application_id, a.juror_id): a for a in queries.assignments_of_call(call.id)}
    if auto_form is None:
        auto_form = f.AutoAssignForm(formdata=None, data={"n": n or call.jurors_per_application})
    if plan is not None:
        auto_form.fingerprint.data = ops.plan_fingerprint(plan)
    return render_template("jury/assignments.html", call=call, applications=apps, jurors=jurors,
                           conflicts=conflicts_now, cells=cells, plan=plan, n=n, auto_form=auto_form,
                           cell_form=f.ManualAssignForm(formdata=None), error=error,
                           names={j.id: j.display_name for j in jurors},
                           titles={a.id: f"{a.dossier_number or ''} {a.title}".strip() for a in apps}), status


@bp.route("/admin/calls/<int:call_id>/jury/assignments")
@admin_required
def assignments(call_id: int):
    call = _call(call_id)
    if "n" not in request.args:
        return _render_assignments(call)
    n = int_arg("n", call.jurors_per_application, minimum=1, maximum=ops.MAX_JURORS_PER_APPLICATION)
    return _render_assignments(call, plan=ops.assignment_plan(call, n), n=n)


@bp.route("/admin/calls/<int:call_id>/jury/assignments/auto", methods=["POST"])
@admin_required
def assign_automatically(call_id: int):
    call = _call(call_id)
    form = f.AutoAssignForm()
    if not form.validate():
        return _render_assignments(call, 400, auto_form=form)
    n = form.n.data
    try:
        plan = ops.apply_assignment_plan(call, n, current_user, fingerprint=form.fingerprint.data or "")
    except ops.JuryConflict as exc:
        return _render_assignments(call, 409, plan=ops.assignment_plan(call, n), n=n, error=str(exc))
    flash(_("De toewijzingen zijn bewaard: %(added)s toegevoegd, %(dropped)s verwijderd.",
            added=len(plan.add), dropped=len(plan.drop)), "success")
    return redirect(url_for("jury.assignments", call_id=call.id))


def _manual(call: Call, run, success: str):
    form = f.ManualAssignForm()
    ids = form.ids() if form.validate() else None
    if ids is None:
        return _render_assignments(call, 400, error=_("Het formulier is verlopen of onvolledig. Probeer opnieuw."))
    app, juror = _pair(call, *ids)
    try:
        run(app, juror)
    except ops.JuryError as exc:
        return _render_assignments(call, 400, error=str(exc))
    flash(success % {"name": juror.display_name, "title": app.title}, "success")
    return redirect(url_for("jury.assignments", call_id=call.id, _anchor=f"application-{app.id}"))


@bp.route("/admin/calls/<int:call_id>/jury/assignments/add", methods=["POST"])
@admin_required
def assign(call_id: int):
    call = _call(call_id)
    return _manual(call, lambda app, juror: ops.assign(call, app, juror, current_user),
                   _("%(name)s beoordeelt nu '%(title)s'."))


@bp.route("/admin/calls/<int:call_id>/jury/assignments/remove", methods=["POST"])
@admin_required
def unassign(call_id: int):
    call = _call(call_id)
    return _manual(call, lambda app, juror: ops.unassign(call, app, juror, current_user),
                   _("%(name)s beoordeelt '%(title)s' niet meer."))


# =========================================================================== admin: dashboard


def _render_dashboard(call: Call, status: int = 200, *, error=None, result=None):
    board = queries.dashboard(call)
    now = ops.current_time()
    return render_template("jury/dashboard.html", call=call, board=board, error=error, result=result,
                           remind_form=f.EmptyForm(formdata=None), statuses=list(SheetStatus),
                           today=queries.brussels_day(now), **_deadline_facts(board.panel, now)), status


@bp.route("/admin/calls/<int:call_id>/jury/dashboard")
@admin_required
def dashboard(call_id: int):
    return _render_dashboard(_call(call_id))


@bp.route("/admin/calls/<int:call_id>/jury/reminders", methods=["POST"])
@admin_required
def send_reminders(call_id: int):
    call = _call(call_id)
    if not f.EmptyForm().validate():
        return _render_dashboard(call, 400, error=_("Het formulier is verlopen. Verstuur het opnieuw."))
    try:
        result = ops.send_reminders(call, current_user)
    except ops.JuryError as exc:
        return _render_dashboard(call, 400, error=str(exc))
    if result.sent:
        flash(_("Herinnering verstuurd naar %(names)s.", names=", ".join(u.display_name for u in result.sent)),
              "success")
    if result.already_today:
        flash(_("Vandaag al herinnerd (hoogstens één herinnering per dag): %(names)s.",
                names=", ".join(u.display_name for u in result.already_today)), "info")
    if not result.sent and not result.already_today:
        flash(_("Geen enkel jurylid heeft nog open beoordelingen."), "info")
    return redirect(url_for("jury.dashboard", call_id=call.id))


# =========================================================================== juror: declaration


def _juror_call(call_id: int) -> Call:
    call = _call(call_id)
    if not access.is_panel_member(current_user, call):
        abort(404)
    return call


def _render_declaration(call: Call, rows, form, status: int = 200, error=None):
    return render_template("jury/declaration.html", call=call, rows=rows, form=form, error=error,
                           kinds=ConflictKind), status


@bp.route("/jury/calls/<int:call_id>/declaration", methods=["GET", "POST"])
@login_required
def declaration(call_id: int):
    call = _juror_call(call_id)
    rows = queries.declaration_rows(call.id, current_user)
    form_class = f.declaration_form_class(rows)
    if request.method == "GET":
        form = form_class(formdata=None)
        for row in rows:
            if row.declared:
                form[f"answer_{row.application_id}"].data = "conflict" if row.own_conflict else "none"
        return _render_declaration(call, rows, form)
    form = form_class()
    if not form.validate():
        return _render_declaration(call, rows, form, 400)
    entries = form.to_data()
    if not entries:
        return _render_declaration(call, rows, form, 400, error=_("Beantwoord de vraag voor minstens één aanvraag."))
    try:
        declared = ops.declare_conflicts(call, current_user, entries)
    except ops.JuryError as exc:
        return _render_declaration(call, rows, form, 400, error=str(exc))
    missing = len(form.unanswered())
    message = _("Uw verklaring is bewaard.")
    if declared:
        message += " " + _("Voor de aanvragen met een belangenconflict krijgt u geen toegang.")
    if missing:
        message += " " + ngettext("Nog %(num)s aanvraag zonder antwoord: die kunt u pas lezen na uw verklaring.",
                                  "Nog %(num)s aanvragen zonder antwoord: die kunt u pas lezen na uw verklaring.",
                                  missing)
    flash(message, "success")
    return redirect(url_for("main.home"))


# =========================================================================== juror: reading and scoring


def _scoring_application(application_id: int) -> Application:
    """The application for its juror: 404 for anyone conflicted or not assigned; a juror who is
    assigned and free of conflict but has not declared yet goes to the declaration first."""
    app = load_visible(application_id, current_user)
    if app is not None:
        if current_user.role != Role.JUROR:
            abort(403)
        return app
    if current_user.role == Role.JUROR:
        candidate = db.session.get(Application, application_id)
        if candidate is not None:
            known = access.standing(current_user, candidate)
            if known.assigned and not access.is_conflicted(current_user, candidate, known) and not known.declared:
                flash(_("Verklaar eerst of u een belangenconflict hebt; daarna kunt u de aanvraag lezen."), "info")
                abort(redirect(url_for("jury.declaration", call_id=candidate.call_id)))
    abort(404)


def _render_sheet(app: Application, form=None, status: int = 200, *, conflict=None, error=None, assignment=None,
                  conflict_form=None):
    assignment = assignment or queries.assignment_of(current_user, app.id)
    sheet = assignment.sheet
    criteria = list(app.call.criteria)
    if form is None:
        form = f.sheet_form_class(criteria)(formdata=None)
        form.fill_from(sheet)
    panel = db.session.scalar(sa.select(Panel).where(Panel.call_id == app.call_id))
    now = ops.current_time()
    status_now = sheet_status(sheet)
    previous_id, next_id = queries.neighbours(current_user, app)
    others = queries.sheets_of(app, viewer=current_user, submitted_only=True) \
        if can_see_scores(current_user, app) else None
    return render_template(
        "jury/sheet.html", app=app, call=app.call, form=form, sheet=sheet, status_now=status_now,
        state=SHEET_STATES[status_now], criteria=criteria, conflict=conflict, error=error, others=others,
        previous_id=previous_id, next_id=next_id, figures=figures(app), storage=storage, editable=False,
        conflict_form=conflict_form or f.OwnConflictForm(formdata=None), reopen_form=f.EmptyForm(formdata=None),
        see_others_allowed=app.call.jurors_see_other_scores, **_deadline_facts(panel, now)), status


def _sheet_json(sheet, status: int = 200):
    saved = format_local(sheet.updated_at, "%H:%M")
    return jsonify({"ok": True, "status": sheet_status(sheet).value, "version": sheet.version,
                    "saved_at": saved, "message": _("opgeslagen om %(time)s", time=saved)}), status


def _json_error(message: str, status: int, **extra):
    return jsonify({"ok": False, "message": message, **extra}), status


@bp.route("/jury/applications/<int:application_id>", methods=["GET", "POST"])
@login_required
def sheet(application_id: int):
    app = _scoring_application(application_id)
    if request.method == "GET":
        return _render_sheet(app)
    assignment = queries.assignment_of(current_user, app.id)
    action = request.form.get("action", "save")
    if action == "reopen":
        return _reopen(app, assignment)
    form = f.sheet_form_class(list(app.call.criteria))()
    as_json = _wants_json()

    def conflict_page():
        fresh = load_visible(application_id, current_user)
        if fresh is None:
            abort(404)
        fresh_assignment = queries.assignment_of(current_user, fresh.id)
        saved = fresh_assignment.sheet
        form.version.data = str(saved.version) if saved is not None else "0"
        message = ops.SheetConflict(saved).args[0]
        if as_json:
            return _json_error(message, 409, conflict=True)
        return _render_sheet(fresh, form, 409, conflict=saved, error=message, assignment=fresh_assignment)

    on_conflict(conflict_page)
    if not form.validate():
        if as_json:
            return _json_error(_("Niet opgeslagen: verbeter de aangeduide velden."), 400,
                               errors={fld.id: " ".join(str(e) for e in fld.errors) for fld in form if fld.errors})
        return _render_sheet(app, form, 400, assignment=assignment)
    try:
        saved = ops.save_sheet(assignment, form.to_data(), current_user, loaded_version=form.loaded_version(),
                               submit=action == "submit")
    except ops.SheetConflict:
        return conflict_page()
    except ops.SheetIncomplete as exc:
        form.show_errors(exc.errors)
        if as_json:
            return _json_error(str(exc), 400, errors={form[n].id if n in form._fields else n: m
                                                     for n, m in exc.errors.items()})
        return _render_sheet(app, form, 400, error=str(exc), assignment=assignment)
    except ops.JuryError as exc:
        if as_json:
            return _json_error(str(exc), 400)
        return _render_sheet(app, form, 400, error=str(exc), assignment=assignment)
    if as_json:
        return _sheet_json(saved)
    if action == "submit":
        flash(_("Uw beoordeling van '%(title)s' is ingediend.", title=app.title), "success")
        _previous, next_id = queries.neighbours(current_user, app)
        if next_id is not None:
            return redirect(url_for("jury.sheet", application_id=next_id))
        return redirect(url_for("main.home"))
    flash(_("Als ontwerp bewaard om %(time)s.", time=format_local(saved.updated_at, "%H:%M")), "success")
    return redirect(url_for("jury.sheet", application_id=app.id, _anchor="score-form"))


def _reopen(app: Application, assignment):
    form = f.EmptyForm()
    if not form.validate():
        return _render_sheet(app, status=400, error=_("Het formulier is verlopen. Verstuur het opnieuw."))
    on_conflict(lambda: _render_sheet(load_visible(app.id, current_user) or abort(404), status=409,
                                      error=_("De beoordeling werd tegelijk gewijzigd. Bekijk ze opnieuw.")))
    try:
        ops.reopen_sheet(assignment, current_user,
                         loaded_version=f.loaded_version(request.form.get("version")))
    except ops.SheetConflict as exc:
        return _render_sheet(app, status=409, error=str(exc))
    except ops.JuryError as exc:
        return _render_sheet(app, status=400, error=str(exc))
    flash(_("De beoordeling is heropend als ontwerp; dien ze opnieuw in voor de deadline."), "success")
    return redirect(url_for("jury.sheet", application_id=app.id, _anchor="score-form"))


@bp.route("/jury/applications/<int:application_id>/conflict", methods=["POST"])
@login_required
def own_conflict(application_id: int):
    app = _scoring_application(application_id)
    form = f.OwnConflictForm()
    # a refusal shows the conflict form again as it was filled in: the juror does not type the reason twice
    if not form.validate():
        return _render_sheet(app, status=400, error=" ".join(str(e) for fld in form for e in fld.errors),
                             conflict_form=form)
    try:
        ops.declare_conflict(app, current_user, ConflictKind(form.kind.data), form.reason.data)
    except ops.JuryError as exc:
        return _render_sheet(app, status=400, error=str(exc), conflict_form=form)
    flash(_("Uw belangenconflict is gemeld. U hebt geen toegang meer tot deze aanvraag; uw beoordeling telt niet "
            "mee."), "success")
    return redirect(url_for("main.home"))


@bp.route("/jury/applications/<int:application_id>/sheets")
@login_required
def sheets(application_id: int):
    """The sheets of an application: the agency sees them all, with names; a juror the other
    jurors' submitted sheets, anonymously, once their own is submitted and if the call allows it."""
    app = load_visible(application_id, current_user)
    if app is None or not can_see_scores(current_user, app):
        abort(404)
    admin = access.is_admin(current_user)
    shown = queries.sheets_of(app, viewer=current_user, submitted_only=not admin)
    return render_template("jury/sheets.html", app=app, call=app.call, shown=shown, admin=admin,
                           criteria=list(app.call.criteria))


# =========================================================================== the ranking and the advice


@bp.route("/jury/calls/<int:call_id>/ranking")
@login_required
def ranking(call_id: int):
    call = get_call(call_id, full=False)
    if call is None or not access.can_see_ranking(current_user, call):
        abort(404)
    panel = queries.get_panel(call.id)
    view = queries.call_ranking(call, panel)
    rows = view.rows_for(current_user)
    result = view.ranking
    chart = ranking_svg(rows, threshold=result.threshold, envelope=result.envelope,
                        title=_("Rangschikking van %(title)s", title=call.title))
    return render_template("jury/ranking.html", call=call, panel=panel, view=view, ranking=result, rows=rows,
                           chart=chart, admin=access.is_admin(current_user),
                           chair=access.chair_of(current_user, call), outcomes=AdviceOutcome)


def _advice_application(application_id: int) -> Application:
    app = db.session.get(Application, application_id)
    if app is None or app.status not in queries.JURY_STATUSES or not access.can_see_ranking_row(current_user, app):
        abort(404)
    return app


def _render_advice(app: Application, form=None, status: int = 200, error=None):
    advice = db.session.scalar(sa.select(JuryAdvice).where(JuryAdvice.application_id == app.id))
    if form is None:
        form = f.AdviceForm(formdata=None, data={
            "outcome": advice.outcome.value if advice else None, "motivation": advice.motivation if advice else "",
            "version": str(advice.version) if advice else ""})
    view = queries.call_ranking(app.call)
    row = next((r for r in view.ranking.rows if r.application_id == app.id), None)
    return render_template("jury/advice.html", app=app, call=app.call, form=form, advice=advice, row=row,
                           can_advise=access.can_advise(current_user, app), error=error), status


@bp.route("/jury/applications/<int:application_id>/advice", methods=["GET", "POST"])
@login_required
def advice(application_id: int):
    app = _advice_application(application_id)
    if request.method == "GET":
        return _render_advice(app)
    if not access.can_advise(current_user, app):
        abort(403)
    form = f.AdviceForm()
    if not form.validate():
        return _render_advice(app, form, 400)
    on_conflict(lambda: _render_advice(_advice_application(application_id), form, 409, error=_(
        "Het advies werd tegelijk door iemand anders gewijzigd. Er is niets overschreven; bekijk het opnieuw.")))
    try:
        ops.record_advice(app, form.outcome_value(), form.motivation.data, current_user,
                          loaded_version=form.loaded_version())
    except ops.JuryConflict as exc:
        return _render_advice(app, form, 409, error=str(exc))
    except ops.JuryError as exc:
        form.motivation.errors = [*form.motivation.errors, str(exc)]
        return _render_advice(app, form, 400)
    flash(_("Het juryadvies over '%(title)s' is bewaard.", title=app.title), "success")
    return redirect(url_for("jury.ranking", call_id=app.call_id, _anchor=f"row-{app.id}"))


# =========================================================================== command line


@bp.cli.command("send-reminders")
@click.option("--call", "call_id", type=int, default=None, help="Only this call (default: every call with a jury).")
def send_reminders_command(call_id):
    """Mail jurors with open sheets (at most once per juror and day), for cron."""
    with unit_of_work():
        query = sa.select(Panel)
        if call_id is not None:
            query = query.where(Panel.call_id == call_id)
        total = 0
        for panel in db.session.scalars(query).all():
            call = db.session.get(Call, panel.call_id)
            if ops.sheet_refusal(panel, ops.current_time()):
                continue
            result = ops.send_reminders(call, None)
            total += len(result.sent)
            click.echo(f"{call.title}: {len(result.sent)} sent, {len(result.already_today)} already reminded today.")
    click.echo(f"{total} reminders sent.")
