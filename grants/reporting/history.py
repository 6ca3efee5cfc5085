"""What the audit events of the follow-up mean, in the history page's words."""
from __future__ import annotations

import sqlalchemy as sa

from ..audit.describe import enum_label, name_by_id, register_events, register_fields, register_object, register_values
from ..awards.models import Project
from ..extensions import db
from ..states import Text
from .models import PolicyPlan, Report
from .states import PaymentStatus, ReportStatus

register_events({
    "project.start": ("%(actor)s startte het project op", "%(actor)s started the project", "money"),
    "project.extend": ("%(actor)s verlengde het project", "%(actor)s extended the project", "money"),
    "report.update": ("%(actor)s wijzigde het verslag", "%(actor)s changed the report", "content"),
    "report.attachment_add": ("%(actor)s voegde een bijlage aan het verslag toe",
                              "%(actor)s added an attachment to the report", "documents"),
    "report.attachment_delete": ("%(actor)s verwijderde een bijlage van het verslag",
                                 "%(actor)s removed an attachment from the report", "documents"),
    "report.submit": ("%(actor)s diende het verslag in", "%(actor)s submitted the report", "status"),
    "report.resubmit": ("%(actor)s diende het verslag opnieuw in", "%(actor)s submitted the report again", "status"),
    "report.approve": ("%(actor)s keurde het verslag goed", "%(actor)s approved the report", "agency"),
    "report.request_changes": ("%(actor)s vroeg aanpassingen aan het verslag",
                               "%(actor)s asked for changes to the report", "agency"),
    "payment.approve": ("%(actor)s keurde de betaling goed", "%(actor)s approved the payment", "money"),
    "payment.pay": ("%(actor)s markeerde de betaling als betaald", "%(actor)s marked the payment as paid", "money"),
    "payment.reclaim": ("%(actor)s markeerde de terugvordering als terugbetaald",
                        "%(actor)s marked the reclaim as repaid", "money"),
    "plan.save": ("%(actor)s wijzigde het beleidsplan", "%(actor)s changed the policy plan", "content"),
    "plan.action_save": ("%(actor)s wijzigde een actie van het beleidsplan",
                         "%(actor)s changed an action of the policy plan", "content"),
    "plan.action_delete": ("%(actor)s verwijderde een actie van het beleidsplan",
                           "%(actor)s removed an action of the policy plan", "content"),
})

register_fields("projects", {
    "awarded": ("toegekend bedrag", "amount awarded", "money"), "amount": ("bedrag", "amount", "money"),
    "start_date": ("start", "start", "date"), "end_date": ("einde", "end", "date"),
    "reports": ("verslagen", "reports", "list"), "payments": ("betalingen", "payments", "list"),
    "extension": ("verlenging", "extension", "number"), "dossier": ("dossier", "dossier", "text"),
})
register_fields("reports", {
    "status": ("status", "status", "status:report"), "narrative": ("voortgang", "progress", "text"),
    "bottlenecks": ("knelpunten en successen", "bottlenecks and successes", "text"),
    "attachment": ("bijlage", "attachment", "text"),
})
register_fields("payments", {
    "status": ("status", "status", "status:payment"), "approved_at": ("goedgekeurd op", "approved on", "instant"),
    "paid_at": ("betaald op", "paid on", "instant"),
})
register_fields("policy_plans", {"title": ("titel", "title", "text"), "description": ("beschrijving", "description", "text")})


register_values("status:report", enum_label(ReportStatus))
register_values("status:payment", enum_label(PaymentStatus))


def _project_name(project_id: int) -> str | None:
    from ..applications.models import Application
    return db.session.scalar(sa.select(Application.title).join(Project, Project.application_id == Application.id)
                             .where(Project.id == project_id))


register_object("projects", Text("project", "project"), _project_name)


def _report_name(report_id: int) -> str | None:
    report = db.session.get(Report, report_id)
    return None if report is None else f"{report.label}: {report.project.application.title}"


register_object("reports", Text("verslag", "report"), _report_name)
register_object("policy_plans", Text("beleidsplan", "policy plan"), name_by_id(PolicyPlan.title))
