"""What the audit events of the awards mean, in the history page's words."""
from __future__ import annotations

import sqlalchemy as sa

from ..audit.describe import enum_label, register_events, register_fields, register_object, register_values
from ..extensions import db
from ..states import Text
from .models import Decision, DecisionMailTemplate, DecisionOutcome

OUTCOME_TEXT = {DecisionOutcome.AWARDED: Text("toekenning", "award"),
                DecisionOutcome.REJECTED: Text("afwijzing", "rejection"),
                DecisionOutcome.WAITLISTED: Text("reservelijst", "waiting list")}

register_events({
    "award.decide": ("%(actor)s legde de (ontwerp)beslissing vast", "%(actor)s recorded the (draft) decision",
                     "money"),
    "award.accept_proposal": ("%(actor)s aanvaardde het toekenningsvoorstel als ontwerpbeslissingen",
                              "%(actor)s accepted the allocation proposal as draft decisions", "money"),
    "award.committed": ("%(actor)s wijzigde het vastgelegde bedrag", "%(actor)s changed the committed amount",
                        "money"),
    "award.publish": ("%(actor)s publiceerde de beslissingen", "%(actor)s published the decisions", "status"),
    "award.mail_template": ("%(actor)s wijzigde de e-mail over de beslissing",
                            "%(actor)s changed the decision e-mail", "content"),
    "application.decide": ("%(actor)s maakte de beslissing bekend", "%(actor)s announced the decision", "status"),
})

register_fields("decisions", {
    "outcome": ("beslissing", "decision", "outcome"),
    "amount": ("toegekend bedrag", "amount awarded", "money"),
    "motivation": ("motivering", "motivation", "text"),
    "required_own_contribution": ("vereiste eigen bijdrage", "required own contribution", "money"),
    "override_reason": ("reden om af te wijken", "override reason", "text"),
    "overridden_checks": ("genegeerde controles", "overridden checks", "list"),
    "confirmed_kpis": ("bevestigde streefwaarden", "confirmed targets", "text"),
})
register_fields("calls", {
    "committed_amount": ("vastgelegd bedrag", "committed amount", "money"),
    "decisions": ("beslissingen", "decisions", "list"),
    "threshold": ("drempel", "threshold", "number"),
    "awarded": ("toekenningen", "awards", "number"),
    "rejected": ("afwijzingen", "rejections", "number"),
    "waitlisted": ("reservelijst", "waiting list", "number"),
    "total_awarded": ("totaal toegekend", "total awarded", "money"),
    "awards_published_at": ("gepubliceerd", "published", "instant"),
})
register_fields("decision_mail_templates", {
    "subject": ("onderwerp", "subject", "text"),
    "body": ("tekst", "text", "text"),
})


register_values("outcome", enum_label(DecisionOutcome, OUTCOME_TEXT))


def _decision_name(decision_id: int) -> str | None:
    from ..applications.history import application_name
    return application_name(sa.select(Decision.application_id).where(Decision.id == decision_id).scalar_subquery())


def _template_name(template_id: int) -> str | None:
    row = db.session.get(DecisionMailTemplate, template_id)
    return str(OUTCOME_TEXT[row.outcome]) if row else None


register_object("decisions", Text("beslissing", "decision"), _decision_name)
register_object("decision_mail_templates", Text("e-mail over de beslissing", "decision e-mail"), _template_name)
