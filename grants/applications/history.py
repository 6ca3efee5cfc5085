"""What the audit events of an application mean, in the history page's words."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from ..audit.describe import enum_label, register_events, register_fields, register_object, register_values
from ..calls.rules import WaiverStatus, cost_category_label
from ..extensions import db
from ..money import format_decimal, format_eur
from ..states import Text
from .models import Application
from .states import ApplicationStatus

register_events({
    "application.create": ("%(actor)s maakte de aanvraag aan", "%(actor)s created the application", "content"),
    "application.update": ("%(actor)s wijzigde de aanvraag", "%(actor)s changed the application", "content"),
    "application.partner_add": ("%(actor)s voegde een partner toe", "%(actor)s added a partner", "partners"),
    "application.partner_remove": ("%(actor)s verwijderde een partner", "%(actor)s removed a partner", "partners"),
    "application.partner_invite": ("%(actor)s nodigde een partner uit", "%(actor)s invited a partner", "partners"),
    "application.partner_confirm": ("%(actor)s bevestigde de deelname als partner",
                                    "%(actor)s confirmed taking part as a partner", "partners"),
    "application.partner_decline": ("%(actor)s weigerde de uitnodiging als partner",
                                    "%(actor)s declined the invitation to be a partner", "partners"),
    "application.partner_leave": ("%(actor)s haalde de eigen organisatie uit het samenwerkingsverband",
                                  "%(actor)s took their organisation out of the partnership", "partners"),
    "application.attachment_add": ("%(actor)s voegde een bijlage toe", "%(actor)s added an attachment",
                                   "documents"),
    "application.attachment_delete": ("%(actor)s verwijderde een bijlage", "%(actor)s removed an attachment",
                                      "documents"),
    "application.submit": ("%(actor)s diende de aanvraag in", "%(actor)s submitted the application", "status"),
    "application.resubmit": ("%(actor)s diende de aangevulde aanvraag opnieuw in",
                             "%(actor)s submitted the completed application again", "status"),
    "application.withdraw": ("%(actor)s trok de aanvraag in", "%(actor)s withdrew the application", "status"),
    "application.status": ("%(actor)s wijzigde de status van de aanvraag", "%(actor)s changed the application's status",
                           "status"),
    "application.screen": ("%(actor)s besliste over de ontvankelijkheid", "%(actor)s decided on admissibility",
                           "agency"),
    "application.request_information": ("%(actor)s vroeg aanvullende informatie",
                                        "%(actor)s asked for additional information", "agency"),
    "application.advice": ("%(actor)s schreef het advies van het agentschap", "%(actor)s wrote the agency's advice",
                           "agency"),
    "application.waiver": ("%(actor)s besliste over de afwijking van de cofinanciering",
                           "%(actor)s decided on the co-financing waiver", "agency"),
})

register_fields("applications", {
    "status": ("status", "status", "status:application"),
    "dossier_number": ("dossiernummer", "dossier number", "text"),
    "call": ("oproep", "call", "text"),
    "organisation": ("aanvrager", "applicant", "text"),
    "title": ("titel", "title", "text"),
    "summary": ("samenvatting", "summary", "text"),
    "problem_analysis": ("probleemanalyse", "problem analysis", "text"),
    "objectives": ("doelstellingen", "objectives", "text"),
    "target_groups": ("doelgroepen", "target groups", "text"),
    "activities": ("activiteiten", "activities", "text"),
    "start_date": ("begindatum", "start date", "date"),
    "end_date": ("einddatum", "end date", "date"),
    "budget": ("begroting", "budget", "budget_line"),
    "requested_amount": ("gevraagde subsidie", "grant requested", "money"),
    "own_financial": ("eigen financiële inbreng", "own financial contribution", "money"),
    "own_staff": ("eigen personeelsinzet", "own staff contribution", "money"),
    "third_party": ("bijdragen van derden", "third-party contributions", "contribution"),
    "waiver_motivation": ("motivatie afwijking cofinanciering", "co-financing waiver motivation", "text"),
    "waiver": ("afwijking cofinanciering", "co-financing waiver", "status:waiver"),
    "kpis": ("streefwaarden", "targets", "kpi_values"),
    "priority": ("prioriteit", "priority", "number"),
    "contact_name": ("contactpersoon", "contact person", "text"),
    "contact_email": ("e-mailadres contactpersoon", "contact e-mail", "text"),
    "contact_phone": ("telefoon contactpersoon", "contact phone", "text"),
    "iban": ("rekeningnummer", "bank account", "text"),
    "partners": ("partners", "partners", "list"),
    "attachments": ("bijlage", "attachment", "text"),
    "screening_reason": ("motivering screening", "screening reason", "text"),
    "agency_advice": ("advies van het agentschap", "agency's advice", "text"),
    "information_due": ("aan te vullen tot", "to be completed by", "instant"),
})

_WAIVER = {WaiverStatus.NONE: Text("niet gevraagd", "not requested"), WaiverStatus.REQUESTED: Text("gevraagd", "requested"),
           WaiverStatus.ACCEPTED: Text("toegestaan", "accepted"), WaiverStatus.REFUSED: Text("geweigerd", "refused")}


def _budget_line(line) -> str | None:
    """[category, description, fte, months, amount] as the budget shows it."""
    if not isinstance(line, list) or len(line) != 5:
        return None
    category, description, fte, months, amount = line
    parts = [f"{cost_category_label(category)}: {description}"]
    if fte is not None:
        parts.append(f"{format_decimal(fte)} VTE")
    if months is not None:
        parts.append(f"{months} m.")
    parts.append(format_eur(Decimal(str(amount))))
    return ", ".join(parts)


def _contribution(row) -> str | None:
    if not isinstance(row, list) or len(row) != 2:
        return None
    return f"{row[0]}: {format_eur(Decimal(str(row[1])))}"


def _kpi_values(values) -> list[str] | None:
    if not isinstance(values, dict):
        return None
    from ..calls.models import CallKpi
    ids = [int(k) for k in values if str(k).isdigit()]
    names = dict(db.session.execute(sa.select(CallKpi.id, CallKpi.name).where(CallKpi.id.in_(ids))).all()) if ids else {}
    return [f"{names.get(int(k), k) if str(k).isdigit() else k}: {format_decimal(v) if v is not None else '-'}"
            for k, v in values.items()]


register_values("status:application", enum_label(ApplicationStatus))
register_values("status:waiver", enum_label(WaiverStatus, _WAIVER))
register_values("budget_line", _budget_line)
register_values("contribution", _contribution)
register_values("kpi_values", _kpi_values)


def application_name(application_id) -> str | None:
    """'dossier number – title' (either may be missing); `application_id` may be a scalar subquery."""
    row = db.session.execute(sa.select(Application.dossier_number, Application.title)
                             .where(Application.id == application_id)).first()
    if row is None:
        return None
    return " – ".join(part for part in row if part)


register_object("applications", Text("aanvraag", "application"), application_name)
