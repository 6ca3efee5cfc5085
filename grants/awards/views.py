"""Awards pages: the admin's awards page per call (decisions, envelope, committed budget,
publication, decision mails), the decision form per application, the allocation proposal with
its what-if fields; the public award list with its open-data downloads; the award letter.

Handlers are thin: load what the user may see (404 otherwise), call an operation, flash and
redirect; a refusal renders the page again with the message and an error status (400/409), so the
request boundary rolls back. They never commit.
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import sqlalchemy as sa
from flask import (
    Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for,
)
from flask_login import current_user, login_required

from ..accounts.access import admin_required
from ..applications.models import Application
from ..calls.models import Call
from ..calls.queries import get_call
from ..extensions import db
from ..i18n import _, ngettext
from ..money import format_decimal
from ..unit_of_work import on_conflict
from . import access, queries
from . import forms as f
from . import operations as ops
from .models import Decision, DecisionOutcome

bp = Blueprint("awards", __name__)


def _call(call_id: int) -> Call:
    call = get_call(call_id, full=False)
    if call is None:
        abort(404)
    return call


def _admin_application(application_id: int) -> Application:
    app = db.session.get(Application, application_id)
    if app is None or app.dossier_number is None:
        abort(404)
    return app


def export_links(call: Call) -> list[tuple[str, str]]:
    """The exports' downloads (grants/exports, built beside this part): shown once they exist."""
    links = []
    for endpoint, label in (("exports.awards_xlsx", "XLSX"), ("exports.awards_csv", "CSV"),
                            ("exports.awards_text", _("tekstlijst"))):
        if endpoint in current_app.view_functions:
            links.append((url_for(endpoint, call_id=call.id), label))
    return links


@bp.app_template_filter("check_labels")
def check_labels_filter(codes) -> str:
    return ", ".join(ops.check_labels(codes))


@bp.app_template_global()
def visible_decision(app: Application) -> Decision | None:
    """The decision on `app` the current user may see: admins also a draft, applicants only a published one."""
    decision = db.session.scalar(sa.select(Decision).where(Decision.application_id == app.id))
    if decision is None or not access.can_view(current_user, decision):
        return None
    return decision


# =========================================================================== the awards page


def _render_overview(call: Call, status: int = 200, *, committed_form=None, publish_problems=None):
    overview = queries.call_decisions(call)
    if committed_form is None:
        committed_form = f.CommittedForm(formdata=None, data={"committed_amount": call.committed_amount})
    return render_template(
        "awards/overview.html", call=call, overview=overview, committed_form=committed_form,
        confirm_form=f.ConfirmForm(formdata=None), publish_problems=publish_problems,
        exports=export_links(call), outcomes=list(DecisionOutcome),
        mail_templates={o: ops.mail_template_for(call, o) for o in DecisionOutcome}), status


@bp.route("/admin/calls/<int:call_id>/awards")
@admin_required
def overview(call_id: int):
    return _render_overview(_call(call_id))


@bp.route("/admin/calls/<int:call_id>/awards/committed", methods=["POST"])
@admin_required
def committed(call_id: int):
    call = _call(call_id)
    form = f.CommittedForm()
    if not form.validate():
        return _render_overview(call, 400, committed_form=form)
    try:
        ops.set_committed_amount(call, form.committed_amount.data, current_user)
    except ops.AwardsError as exc:
        form.committed_amount.errors = [*form.committed_amount.errors, str(exc)]
        return _render_overview(call, 400, committed_form=form)
    flash(_("Het vastgelegde bedrag is bewaard."), "success")
    return redirect(url_for("awards.overview", call_id=call.id))


@bp.route("/admin/calls/<int:call_id>/awards/publish", methods=["POST"])
@admin_required
def publish(call_id: int):
    call = _call(call_id)
    form = f.ConfirmForm()
    if not form.validate():
        abort(400)
    on_conflict(lambda: _render_overview(_call(call_id), 409, publish_problems=[
        _("Iemand anders wijzigde de beslissingen tegelijk. Er is niets gepubliceerd; bekijk ze opnieuw.")]))
    try:
        result = ops.publish_awards(call, current_user)
    except ops.AwardsError as exc:
        return _render_overview(call, 409, publish_problems=[str(exc), *exc.fields.get("publish", [])])
    flash(ngettext("%(num)s beslissing is gepubliceerd; de aanvragers krijgen een e-mail.",
                   "%(num)s beslissingen zijn gepubliceerd; de aanvragers krijgen een e-mail.", result.decisions),
          "success")
    return redirect(url_for("awards.overview", call_id=call.id))


# --------------------------------------------------------------------------- decision mails


def _outcome(value: str) -> DecisionOutcome:
    try:
        return DecisionOutcome(value)
    except ValueError:
        abort(404)


def _render_mail(call: Call, outcome: DecisionOutcome, form=None, status: int = 200):
    subject, body, own = ops.mail_template_for(call, outcome)
    if form is None:
        form = f.MailTemplateForm(formdata=None, data={"subject": subject, "body": body})
    return render_template("awards/mail_template.html", call=call, outcome=outcome, form=form, own=own,
                           variables=ops.MAIL_VARIABLES), status


@bp.route("/admin/awards/mail/<outcome>", methods=["GET", "POST"], defaults={"call_id": None},
          endpoint="default_mail_template")
@bp.route("/admin/calls/<int:call_id>/awards/mail/<outcome>", methods=["GET", "POST"])
@admin_required
def mail_template(call_id: int | None, outcome: str):
    """The call's own text for an outcome; without a call, the agency's default for every call."""
    call, chosen = (_call(call_id) if call_id is not None else None), _outcome(outcome)
    if request.method == "GET":
        return _render_mail(call, chosen)
    form = f.MailTemplateForm()
    if not form.validate():
        return _render_mail(call, chosen, form, 400)
    try:
        ops.save_mail_template(call, chosen, form.subject.data or "", form.body.data or "", current_user)
    except ops.AwardsError as exc:
        for name, messages in exc.fields.items():
            getattr(form, name).errors = [*getattr(form, name).errors, *messages]
        return _render_mail(call, chosen, form, 400)
    flash(_("De e-mail is bewaard."), "success")
    if call is None:
        return redirect(url_for("awards.default_mail_template", outcome=chosen.value))
    return redirect(url_for("awards.overview", call_id=call.id))


# =========================================================================== one decision


def _render_decision(app: Application, form=None, status: int = 200, *, error=None, problems=None):
    decision = ops.decision_of(app)
    kpis = sorted(app.kpi_values, key=lambda k: (k.kpi.position, k.kpi_id))
    if form is None:
        form = f.decision_form(kpis, decision=decision, application=app)
    amount = form.amount.data if form.amount.data is not None else app.requested_amount
    check = ops.check_decision(app, amount) if amount is not None else None
    from ..jury.models import JuryAdvice
    advice = db.session.scalar(sa.select(JuryAdvice).where(JuryAdvice.application_id == app.id))
    return render_template("awards/decision.html", app=app, call=app.call, decision=decision, form=form,
                           check=check, problems=problems, error=error, advice=advice,
                           published=app.call.awards_published_at is not None,
                           may_override=ops.rules.may_override), status


@bp.route("/admin/applications/<int:application_id>/decision", methods=["GET", "POST"])
@admin_required
def decide(application_id: int):
    app = _admin_application(application_id)
    if request.method == "GET":
        return _render_decision(app)
    kpis = sorted(app.kpi_values, key=lambda k: (k.kpi.position, k.kpi_id))
    form = f.decision_form(kpis, formdata=request.form)
    if not form.validate():
        return _render_decision(app, form, 400)
    on_conflict(lambda: _render_decision(_admin_application(application_id), form, 409, error=_(
        "Iemand anders wijzigde deze beslissing tegelijk. Er is niets overschreven; bekijk ze opnieuw.")))
    try:
        ops.decide(app, form.to_data(), current_user, loaded_version=form.loaded_version())
    except ops.AwardsError as exc:
        if exc.field == "conflict":
            return _render_decision(app, form, 409, error=str(exc))
        for name, messages in exc.fields.items():
            target = getattr(form, name, None)
            if target is not None:
                target.errors = [*target.errors, *messages]
        return _render_decision(app, form, 400, error=str(exc) if not exc.fields else None)
    flash(_("De beslissing over %(number)s is bewaard als ontwerp.", number=app.dossier_number), "success")
    return redirect(url_for("awards.overview", call_id=app.call_id, _anchor=f"app-{app.id}"))


# =========================================================================== the proposal


def _what_if(call: Call) -> tuple[f.WhatIfForm, Decimal | None, Decimal | None, bool]:
    form = f.WhatIfForm(formdata=request.args if request.args else None)
    valid = form.validate() if request.args else True
    envelope = form.envelope.data if valid else None
    threshold = form.threshold.data if valid else None
    return form, envelope, threshold, valid


@bp.route("/admin/calls/<int:call_id>/awards/proposal")
@admin_required
def proposal(call_id: int):
    call = _call(call_id)
    form, envelope, threshold, valid = _what_if(call)
    view = queries.call_proposal(call, envelope=envelope, threshold=threshold)
    base = queries.call_proposal(call) if (envelope is not None or threshold is not None) else None
    changes = ops.rules.compare_proposals(base.proposal, view.proposal) if base is not None else ()
    return render_template("awards/proposal.html", call=call, view=view, form=form, changes=changes,
                           what_if=base is not None, confirm_form=f.ConfirmForm(formdata=None),
                           envelope=envelope, threshold=threshold,
                           published=call.awards_published_at is not None), 200 if valid else 400


@bp.route("/admin/calls/<int:call_id>/awards/proposal/accept", methods=["POST"])
@admin_required
def accept_proposal(call_id: int):
    call = _call(call_id)
    confirm = f.ConfirmForm()
    if not confirm.validate():
        abort(400)
    # The what-if values come back as hidden fields: the proposal is computed again here, never trusted.
    what_if = f.WhatIfForm(formdata=request.form)
    if not what_if.validate():
        abort(400)
    view = queries.call_proposal(call, envelope=what_if.envelope.data, threshold=what_if.threshold.data)
    try:
        result = ops.accept_proposal(call, view.proposal, current_user)
    except ops.AwardsError as exc:
        flash(str(exc), "error")
        return redirect(url_for("awards.proposal", call_id=call.id))
    message = ngettext("%(num)s ontwerpbeslissing aangemaakt.", "%(num)s ontwerpbeslissingen aangemaakt.",
                       len(result.created))
    if result.kept:
        message += " " + _("Al beslist en ongewijzigd gelaten: %(numbers)s.", numbers=", ".join(result.kept))
    flash(message, "success")
    return redirect(url_for("awards.overview", call_id=call.id))


# =========================================================================== the public list


def _public_call(call_id: int) -> Call:
    call = db.session.get(Call, call_id)
    if call is None or not access.call_awards_public(call):
        abort(404)
    return call


@bp.route("/calls/<int:call_id>/awards")
def public_list(call_id: int):
    call = _public_call(call_id)
    awards = queries.public_awards(call)
    return render_template("awards/public_list.html", call=call, awards=awards,
                           total=sum((a.amount for a in awards), Decimal("0.00")))


def _neutralise(value: str) -> str:
    from ..exports.writers import neutralise
    return neutralise(value)


def _comma(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


@bp.route("/calls/<int:call_id>/awards.csv")
def public_csv(call_id: int):
    call = _public_call(call_id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["dossiernummer", "organisatie", "plaats", "projecttitel", "bedrag_euro"])
    for award in queries.public_awards(call):
        writer.writerow([_neutralise(award.dossier_number), _neutralise(award.organisation),
                         _neutralise(award.place), _neutralise(award.title), _comma(award.amount)])
    body = "\ufeff" + out.getvalue()  # the BOM: Excel reads the file as UTF-8
    return Response(body.encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="toekenningen-oproep-{call.id}.csv"'})


@bp.route("/calls/<int:call_id>/awards.json")
def public_json(call_id: int):
    call = _public_call(call_id)
    awards = queries.public_awards(call)
    return jsonify({
        "call": {"id": call.id, "title": call.title,
                 "published_at": call.awards_published_at.isoformat()},
        "items": [{"dossier_number": a.dossier_number, "organisation": a.organisation, "place": a.place,
                   "title": a.title, "amount": f"{a.amount:.2f}"} for a in awards],
        "total": f"{sum((a.amount for a in awards), Decimal('0.00')):.2f}",
        "count": len(awards),
    })


# =========================================================================== the award letter


def _letter_decision(application_id: int) -> Decision:
    app = db.session.get(Application, application_id)
    if app is None:
        abort(404)
    decision = ops.decision_of(app)
    if decision is None or not access.can_read_letter(current_user, decision):
        abort(404)
    return decision


def _letter_html(decision: Decision, *, pdf: bool) -> str:
    return render_template("awards/letter.html", letter=queries.letter_facts(decision), pdf=pdf,
                           points=format_decimal)


@bp.route("/applications/<int:application_id>/award-letter")
@login_required
def letter(application_id: int):
    return _letter_html(_letter_decision(application_id), pdf=False)


@bp.route("/applications/<int:application_id>/award-letter.pdf")
@login_required
def letter_pdf(application_id: int):
    decision = _letter_decision(application_id)
    from weasyprint import HTML
    html = _letter_html(decision, pdf=True)
    document = HTML(string=html).write_pdf()
    number = decision.application.dossier_number or str(decision.application_id)
    return Response(document, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="toekenningsbrief-{number}.pdf"'})
