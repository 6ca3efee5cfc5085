"""The rules each kind of call starts with (DOMAIN.md): plain values, no database.

A new call of a kind is filled in from its preset; the admin can change all of it before
publishing. The demo data builds the historical and open calls from the same presets.
The texts that become the call's own data (title, description, criteria, KPIs, tranche labels)
are content in Dutch, not UI: they stay as they are. Only the summaries shown on the page that
offers the presets go through gettext.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from ..i18n import lazy_gettext
from .rules import CofinancingKind
from .states import CallKind, SelectionMode, TriggerKind

D = Decimal


@dataclass(frozen=True)
class CriterionPreset:
    name: str
    description: str
    weight: Decimal
    scale_min: int = 0
    scale_max: int = 10
    required: bool = True


@dataclass(frozen=True)
class KpiPreset:
    name: str
    unit: str = ""
    maximum: Decimal | None = None


@dataclass(frozen=True)
class TranchePreset:
    label: str
    percent: Decimal
    trigger: TriggerKind


# Advance at the award, balance after the final report (what ABB pays, DOMAIN.md).
STANDARD_TRANCHES = (
    TranchePreset("Voorschot", D(60), TriggerKind.AWARD),
    TranchePreset("Saldo", D(40), TriggerKind.FINAL_REPORT),
)


@dataclass(frozen=True)
class CallPreset:
    """Every rule of a call except its dates, status and the organisation lists."""

    kind: CallKind
    title: str
    description: str
    selection_mode: SelectionMode
    dossier_prefix: str
    envelope: Decimal | None
    max_amount: Decimal | None
    max_amount_per_year: Decimal | None = None
    min_duration_months: int | None = None
    max_duration_months: int | None = None
    renewable_times: int = 0
    allowed_kinds: tuple[str, ...] = ()
    partnerships_allowed: bool = True
    one_application_per_organisation: bool = True
    cofinancing_kind: CofinancingKind = CofinancingKind.NONE
    cofinancing_value: Decimal | None = None
    waiver_allowed: bool = False
    one_award_per_organisation: bool = False
    partial_awards: bool = False
    eligible_cost_categories: tuple[str, ...] = ()
    jurors_per_application: int = 3
    jurors_see_other_scores: bool = False
    report_months: tuple[int, ...] = ()
    criteria: tuple[CriterionPreset, ...] = ()
    kpis: tuple[KpiPreset, ...] = ()
    tranches: tuple[TranchePreset, ...] = STANDARD_TRANCHES

    def call_values(self) -> dict:
        """The scalar columns of a Call (lists as fresh lists)."""
        return {
            "kind": self.kind, "title": self.title, "description": self.description,
            "selection_mode": self.selection_mode, "dossier_prefix": self.dossier_prefix,
            "envelope": self.envelope, "max_amount": self.max_amount,
            "max_amount_per_year": self.max_amount_per_year,
            "min_duration_months": self.min_duration_months, "max_duration_months": self.max_duration_months,
            "renewable_times": self.renewable_times, "allowed_kinds": list(self.allowed_kinds),
            "partnerships_allowed": self.partnerships_allowed,
            "one_application_per_organisation": self.one_application_per_organisation,
            "cofinancing_kind": self.cofinancing_kind, "cofinancing_value": self.cofinancing_value,
            "waiver_allowed": self.waiver_allowed, "eligible_cost_categories": list(self.eligible_cost_categories),
            "one_award_per_organisation": self.one_award_per_organisation, "partial_awards": self.partial_awards,
            "jurors_per_application": self.jurors_per_application,
            "jurors_see_other_scores": self.jurors_see_other_scores, "report_months": list(self.report_months),
        }

    def but(self, **changes) -> CallPreset:
        """A copy with some rules changed (the demo's historical calls)."""
        return replace(self, **changes)


LOCAL_GOVERNMENTS_OF_PLAN_SAMENLEVEN = ("municipality", "vgc", "vzw_de_rand")

ACTION_PLAN = CallPreset(
    kind=CallKind.ACTION_PLAN,
    title="Lokaal actieplan polarisatie",
    description=(
        "Plan Samenleven, actie 2: **lokaal actieplan polarisatie ontwikkelen en uitrollen** "
        "(thema veiligheid en leefbaarheid).\n\n"
        "Lokale besturen die in aanmerking komen voor het Plan Samenleven (meer dan 7.500 inwoners van "
        "niet-EU-herkomst, of een samenwerkingsverband in een referentieregio dat die grens samen haalt), "
        "de Vlaamse Gemeenschapscommissie en vzw De Rand tekenen in op deze actie. Ze ontvangen hoogstens "
        "25.000 euro, mits een gelijkaardige cofinanciering (financieel of in personeelsinzet).\n\n"
        "Minimale verwachtingen: het actieplan wordt opgemaakt en uitgevoerd. Voor de uitwerking kunt u "
        "gratis ondersteuning vragen aan het Hannah Arendt Instituut (PolarProf), het Wij-Zij Netwerk en "
        "het Agentschap Integratie en Inburgering.\n\n"
        "Elke ontvankelijke, volledige en gecofinancierde aanvraag wordt toegekend. Schiet het budget "
        "tekort, dan beslissen de prioriteiten die u zelf opgeeft."
    ),
    selection_mode=SelectionMode.SIGN_UP,
    dossier_prefix="AP",
    envelope=None,  # the sources give no envelope for this action: the admin fills it in
    max_amount=D("25000.00"),
    max_duration_months=36,
    allowed_kinds=LOCAL_GOVERNMENTS_OF_PLAN_SAMENLEVEN,
    partnerships_allowed=True,
    cofinancing_kind=CofinancingKind.MULTIPLE_OF_SUBSIDY,
    cofinancing_value=D(1),
    eligible_cost_categories=("staff", "operating", "external_services", "communication"),
    report_months=(6, 12, 24),
    kpis=(
        KpiPreset("Actieplan opgemaakt", "ja (1) / nee (0)", D(1)),
        KpiPreset("Actieplan uitgevoerd", "% van de geplande acties", D(100)),
    ),
)

COUNTER_VOICES = CallPreset(
    kind=CallKind.COUNTER_VOICES,
    title="Maatschappelijke tegengeluiden mobiliseren",
    description=(
        "Projectoproep om **maatschappelijke tegengeluiden** te mobiliseren.\n\n"
        "We zoeken kleinschalige initiatieven die boodschappen verspreiden die het extremistische discours "
        "ondermijnen, zowel via lokale netwerken en bijeenkomsten als via sociale media.\n\n"
        "Organisaties zonder winstoogmerk, scholen, universiteiten en lokale besturen kunnen indienen. "
        "Een project krijgt hoogstens 50.000 euro en loopt hoogstens twee jaar. Een jury rangschikt de "
        "aanvragen op basis van de criteria hieronder, na een advies van de medewerkers van het agentschap."
    ),
    selection_mode=SelectionMode.COMPETITIVE,
    dossier_prefix="TG",
    envelope=D("500000.00"),
    max_amount=D("50000.00"),
    max_duration_months=24,
    allowed_kinds=("municipality", "other_local_government", "nonprofit", "school", "university"),
    partnerships_allowed=True,
    eligible_cost_categories=("staff", "operating", "external_services", "communication"),
    jurors_per_application=3,
    report_months=(12,),
    criteria=(
        CriterionPreset("Relevantie van het tegengeluid",
                        "Ondermijnt het project het extremistische discours met een geloofwaardige, positieve "
                        "boodschap?", D(30)),
        CriterionPreset("Bereik van de doelgroep",
                        "Bereikt het project de beoogde doelgroep via lokale netwerken, bijeenkomsten en "
                        "sociale media?", D(25)),
        CriterionPreset("Aanpak en haalbaarheid",
                        "Zijn de acties concreet, realistisch gepland en haalbaar binnen twee jaar?", D(20)),
        CriterionPreset("Samenwerking en verankering",
                        "Werkt het project samen met lokale partners en blijft het effect na afloop?", D(15)),
        CriterionPreset("Verhouding tussen kosten en resultaten",
                        "Is de begroting redelijk en in verhouding tot de verwachte resultaten?", D(10)),
    ),
    kpis=(
        KpiPreset("Bereikte deelnemers", "personen"),
        KpiPreset("Georganiseerde bijeenkomsten", "activiteiten"),
        KpiPreset("Bereik op sociale media", "weergaven"),
    ),
)

REGIE_ROLE = CallPreset(
    kind=CallKind.REGIE_ROLE,
    title="Lokale regierol",
    description=(
        "Projectoproep ter **ondersteuning van de lokale regierol** in de preventie van gewelddadige "
        "radicalisering, extremisme en polarisatie (actieplan 2020-2024, actie 4.2).\n\n"
        "Voor gemeenten en samenwerkingsverbanden van gemeenten die hun lokale regierol opnemen, netwerken "
        "uitbouwen en versterken (bestuur, politie, burgers, partners van de LIVC-R), krachten bundelen over "
        "de gemeentegrenzen heen en gericht inspelen op pijnpunten uit een probleemanalyse (een wijk, een "
        "groep, een thema zoals online haatspraak).\n\n"
        "Hoogstens 60.000 euro per jaar, voor één jaar, tot drie keer verlengbaar. De eigen bijdrage is "
        "minstens 20% van de totale projectkost; afwijken kan alleen met een grondige motivering. "
        "Subsidiabel zijn personeelskosten pro rata de bestede tijd en projectspecifieke, controleerbare "
        "werkingskosten; geen structurele kosten of overheadkosten."
    ),
    selection_mode=SelectionMode.COMPETITIVE,
    dossier_prefix="RR",
    envelope=D("1500000.00"),
    max_amount=D("60000.00"),
    max_amount_per_year=D("60000.00"),
    max_duration_months=12,
    renewable_times=3,
    allowed_kinds=("municipality",),
    partnerships_allowed=True,
    cofinancing_kind=CofinancingKind.SHARE_OF_TOTAL_COST,
    cofinancing_value=D(20),
    waiver_allowed=True,
    eligible_cost_categories=("staff", "operating"),
    jurors_per_application=3,
    report_months=(6,),
    criteria=(
        CriterionPreset("Probleemanalyse",
                        "Steunt het project op een duidelijke analyse van de lokale pijnpunten?", D(30)),
        CriterionPreset("Opnemen van de regierol",
                        "Neemt het bestuur de regie op en bouwt het netwerken uit met politie, burgers en "
                        "partners van de LIVC-R?", D(30)),
        CriterionPreset("Gerichte interventies",
                        "Zijn de acties gericht op de vastgestelde pijnpunten en is het resultaat meetbaar?",
                        D(25)),
        CriterionPreset("Bovenlokale samenwerking",
                        "Bundelt het project krachten over de gemeentegrenzen heen?", D(15)),
    ),
    kpis=(
        KpiPreset("Betrokken netwerkpartners", "partners"),
        KpiPreset("Casusoverleggen LIVC-R", "overleggen"),
        KpiPreset("Gerichte interventies uitgevoerd", "interventies"),
    ),
)

OTHER = CallPreset(
    kind=CallKind.OTHER,
    title="",
    description="",
    selection_mode=SelectionMode.COMPETITIVE,
    dossier_prefix="PS",
    envelope=None,
    max_amount=None,
    allowed_kinds=("municipality",),
    eligible_cost_categories=("staff", "operating"),
    report_months=(12,),
)

PRESETS: dict[CallKind, CallPreset] = {
    CallKind.ACTION_PLAN: ACTION_PLAN,
    CallKind.COUNTER_VOICES: COUNTER_VOICES,
    CallKind.REGIE_ROLE: REGIE_ROLE,
    CallKind.OTHER: OTHER,
}

PRESET_SUMMARIES = {
    CallKind.ACTION_PLAN: lazy_gettext("Intekening; hoogstens 25.000 euro; cofinanciering minstens gelijk aan de "
                                       "subsidie; KPI's actieplan opgemaakt en uitgevoerd."),
    CallKind.COUNTER_VOICES: lazy_gettext("Competitief met jury; hoogstens 50.000 euro per project, budget 500.000 "
                                          "euro; projecten van hoogstens 2 jaar."),
    CallKind.REGIE_ROLE: lazy_gettext("Competitief; hoogstens 60.000 euro per jaar, budget 1.500.000 euro; eigen "
                                      "bijdrage minstens 20% (gemotiveerde afwijking mogelijk); tot 3 keer "
                                      "verlengbaar."),
    CallKind.OTHER: lazy_gettext("Een lege oproep: u vult zelf alle regels in."),
}


def preset_for(kind: CallKind | str) -> CallPreset:
    return PRESETS[CallKind(kind)]
