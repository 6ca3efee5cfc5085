"""What the audit events of a call mean, in the history page's words."""
from __future__ import annotations

from ..audit.describe import (
    enum_label, name_by_id, name_by_stored_id, register_events, register_fields, register_object, register_values,
)
from ..states import Text
from .models import Call
from .rules import CofinancingKind, cost_category_label, organisation_kind_label
from .states import CALL_KIND_LABELS, SELECTION_MODE_LABELS, CallKind, CallStatus, SelectionMode

register_events({
    "call.create": ("%(actor)s maakte de oproep aan", "%(actor)s created the call", "content"),
    "call.update": ("%(actor)s wijzigde de regels van de oproep", "%(actor)s changed the call's rules", "content"),
    "call.duplicate": ("%(actor)s maakte deze oproep aan als nieuwe ronde", "%(actor)s created this call as a new round",
                       "content"),
    "call.rules_unlock": ("%(actor)s ontgrendelde de regels", "%(actor)s unlocked the rules", "content"),
    "call.rules_lock": ("%(actor)s vergrendelde de regels opnieuw", "%(actor)s locked the rules again", "content"),
    "call.publish": ("%(actor)s publiceerde de oproep", "%(actor)s published the call", "status"),
    "call.close": ("%(actor)s sloot de indiening af", "%(actor)s closed submissions", "status"),
    "call.reopen": ("%(actor)s opende de oproep opnieuw", "%(actor)s reopened the call", "status"),
    "call.start_review": ("%(actor)s startte de beoordeling", "%(actor)s started the assessment", "status"),
    "call.decide": ("%(actor)s markeerde de oproep als beslist", "%(actor)s marked the call as decided", "status"),
    "call.archive": ("%(actor)s archiveerde de oproep", "%(actor)s archived the call", "status"),
})

register_fields("calls", {
    "status": ("status", "status", "status:call"),
    "title": ("titel", "title", "text"),
    "description": ("beschrijving", "description", "text"),
    "kind": ("soort oproep", "kind of call", "call_kind"),
    "selection_mode": ("selectie", "selection", "selection_mode"),
    "dossier_prefix": ("voorvoegsel dossiernummer", "dossier number prefix", "text"),
    "opens_at": ("opening", "opens", "instant"),
    "closes_at": ("sluiting", "closes", "instant"),
    "envelope": ("budget van de oproep", "budget of the call", "money"),
    "max_amount": ("maximumbedrag per aanvraag", "maximum per application", "money"),
    "max_amount_per_year": ("maximumbedrag per jaar", "maximum per year", "money"),
    "min_duration_months": ("minimale looptijd (maanden)", "minimum duration (months)", "number"),
    "max_duration_months": ("maximale looptijd (maanden)", "maximum duration (months)", "number"),
    "renewable_times": ("aantal keer verlengbaar", "times renewable", "number"),
    "project_start": ("start van de projecten", "projects start", "date"),
    "allowed_kinds": ("wie mag indienen", "who may apply", "organisation_kind"),
    "partnerships_allowed": ("samenwerkingsverbanden toegelaten", "partnerships allowed", "bool"),
    "one_application_per_organisation": ("één aanvraag per organisatie", "one application per organisation", "bool"),
    "cofinancing_kind": ("cofinancieringsregel", "co-financing rule", "cofinancing_kind"),
    "cofinancing_value": ("waarde van de cofinancieringsregel", "value of the co-financing rule", "number"),
    "waiver_allowed": ("afwijking mogelijk", "waiver possible", "bool"),
    "one_award_per_organisation": ("één toekenning per organisatie", "one award per organisation", "bool"),
    "partial_awards": ("gedeeltelijke toekenning mogelijk", "partial awards possible", "bool"),
    "eligible_cost_categories": ("subsidiabele kosten", "eligible costs", "cost_category"),
    "jurors_per_application": ("juryleden per aanvraag", "jurors per application", "number"),
    "jurors_see_other_scores": ("juryleden zien elkaars scores", "jurors see each other's scores", "bool"),
    "report_months": ("rapportering (maanden na de start)", "reporting (months after the start)", "list"),
    "criteria": ("beoordelingscriteria", "criteria", "list"),
    "kpis": ("indicatoren", "indicators", "list"),
    "tranches": ("betalingsschijven", "payment tranches", "list"),
    "allowed_organisations": ("enkel deze organisaties", "only these organisations", "list"),
    "exclusions": ("uitgesloten organisaties", "excluded organisations", "list"),
    "rules_unlocked": ("regels ontgrendeld", "rules unlocked", "bool"),
    "closed_before_deadline": ("afgesloten vóór de deadline van", "closed before the deadline of", "text"),
    "previous_round_id": ("vorige ronde", "previous round", "call"),
})

_COFINANCING = {
    CofinancingKind.NONE: Text("geen cofinanciering", "no co-financing"),
    CofinancingKind.MULTIPLE_OF_SUBSIDY: Text("eigen bijdrage minstens een veelvoud van de subsidie",
                                              "own contribution at least a multiple of the grant"),
    CofinancingKind.SHARE_OF_TOTAL_COST: Text("eigen bijdrage minstens een aandeel van de totale kost",
                                              "own contribution at least a share of the total cost"),
    CofinancingKind.SUBSIDY_MAX_SHARE: Text("subsidie hoogstens een aandeel van de subsidiabele kost",
                                            "grant at most a share of the eligible cost"),
}


register_values("status:call", enum_label(CallStatus))
register_values("call_kind", enum_label(CallKind, CALL_KIND_LABELS))
register_values("selection_mode", enum_label(SelectionMode, SELECTION_MODE_LABELS))
register_values("cofinancing_kind", enum_label(CofinancingKind, _COFINANCING))
register_values("organisation_kind", lambda value: organisation_kind_label(value) if isinstance(value, str) else None)
register_values("cost_category", lambda value: cost_category_label(value) if isinstance(value, str) else None)
register_values("call", name_by_stored_id(Call.title))
register_object("calls", Text("oproep", "call"), name_by_id(Call.title))
