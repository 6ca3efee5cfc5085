"""The rules of a project call, as pure functions.

Co-financing, eligibility, submission deadlines and dossier numbers. Nothing
here touches Flask or the database, so every rule can be tested with the real
figures of the agency's calls. Money is exact Decimal; comparisons are made on
the exact values and only the amounts shown to people are rounded to the cent.
Messages go through gettext (grants.i18n): Dutch outside a request, the page's
language inside one. Guards against programming errors (a float for money, a
naive datetime) stay untranslated: no user ever reads them.
"""
from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from types import MappingProxyType

from grants.i18n import _, lazy_gettext, ngettext
from grants.money import CENT, format_decimal, format_eur
from grants.organisations.labels import ORGANISATION_KIND_LABELS
from grants.timeutil import as_utc, describe_remaining, format_local

__all__ = [
    "ORGANISATION_KIND_LABELS",
    "Applicant",
    "CofinancingCheck",
    "CofinancingKind",
    "CofinancingRule",
    "EligibilityResult",
    "EligibilityRule",
    "WaiverStatus",
    "check_cofinancing",
    "check_eligibility",
    "check_totals_add_up",
    "day_and_time",
    "deadline_message",
    "format_dossier_number",
    "format_percentage",
    "maximum_subsidy_for",
    "minimum_own_contribution",
    "organisation_kind_label",
    "submission_open",
    "totals_mismatch_message",
    # describing and checking a call's set-up
    "COST_CATEGORY_LABELS",
    "amounts_problem",
    "cost_category_label",
    "describe_allowed_kinds",
    "describe_report_months",
    "join_nl",
    "period_problem",
    "report_months_problem",
    "tranches_problem",
    "weights_problem",
]

ZERO = Decimal(0)
HUNDRED = Decimal(100)
_PRECISION = 50  # far beyond cents, so divisions are exact where it matters


# --------------------------------------------------------------------------- co-financing


class CofinancingKind(enum.StrEnum):
    """How a call asks the applicant to pay part of the project."""

    NONE = "none"
    MULTIPLE_OF_SUBSIDY = "multiple_of_subsidy"  # own >= k x subsidy (action plan: k = 1)
    SHARE_OF_TOTAL_COST = "share_of_total_cost"  # own >= p% of total cost (regie-role: p = 20)
    SUBSIDY_MAX_SHARE = "subsidy_max_share"  # subsidy <= p% of total eligible cost (EU fund: p = 75)


class WaiverStatus(enum.StrEnum):
    """Where a request to deviate from the co-financing rule stands."""

    NONE = "none"
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    REFUSED = "refused"


def _decimal(value: Decimal | int | str, what) -> Decimal:
    """Money and percentages are exact; a float here is a programming error."""
    if isinstance(value, float | bool):
        raise TypeError(f"{what} moet een Decimal zijn, geen {type(value).__name__}.")
    return value if isinstance(value, Decimal) else Decimal(value)


# What an amount is, in the messages about it.
_SUBSIDY = lazy_gettext("de subsidie")
_OTHER_FUNDING = lazy_gettext("de andere financiering")
_OWN_CONTRIBUTION = lazy_gettext("de eigen bijdrage")
_TOTAL_COST = lazy_gettext("de totale kost")


def _amount(value: Decimal | int | str, what) -> Decimal:
    amount = _decimal(value, what)
    if not amount.is_finite() or amount < 0:
        raise ValueError(_("%(what)s mag niet negatief zijn.", what=str(what).capitalize()))
    return amount


def _round_up(value: Decimal) -> Decimal:
    """A minimum shown in cents must still satisfy the rule: round towards +inf."""
    return value.quantize(CENT, rounding=ROUND_CEILING)


def _round_down(value: Decimal) -> Decimal:
    """A maximum shown in cents must still satisfy the rule: round towards -inf."""
    return value.quantize(CENT, rounding=ROUND_FLOOR)


def format_percentage(value: Decimal) -> str:
    """20 -> '20%', 33.5 -> '33,5%' (no exponent, Dutch decimal comma)."""
    return format_decimal(value) + "%"


@dataclass(frozen=True)
class CofinancingRule:
    """The co-financing rule of a call; `value` is k (multiple) or p (percent)."""

    kind: CofinancingKind
    value: Decimal | None = None
    waiver_allowed: bool = False

    def __post_init__(self) -> None:
        """Refuse rules that cannot be applied, so a bad call is caught when it is set up."""
        kind = CofinancingKind(self.kind)
        object.__setattr__(self, "kind", kind)
        if kind is CofinancingKind.NONE:
            return
        if self.value is None:
            raise ValueError(_("Vul de waarde van de cofinancieringsregel in."))
        value = _decimal(self.value, "De waarde van de cofinancieringsregel")
        object.__setattr__(self, "value", value)
        if not value.is_finite() or value <= 0:
            raise ValueError(_("De waarde van de cofinancieringsregel moet groter dan nul zijn."))
        if kind is CofinancingKind.SHARE_OF_TOTAL_COST and value >= HUNDRED:
            raise ValueError(_("Het aandeel van de eigen bijdrage moet kleiner dan 100% zijn."))
        if kind is CofinancingKind.SUBSIDY_MAX_SHARE and value > HUNDRED:
            raise ValueError(_("Het aandeel van de subsidie kan niet meer dan 100% zijn."))

    @property
    def _v(self) -> Decimal:
        assert self.value is not None  # guaranteed by __post_init__ for every kind but NONE
        return self.value

    def describe(self) -> str:
        """One plain sentence for the call page and the application form."""
        if self.kind is CofinancingKind.NONE:
            return _("Geen cofinanciering vereist.")
        sentence = self._describe_rule()
        if self.waiver_allowed:
            sentence += " " + _("Een gemotiveerde afwijking kan worden aangevraagd.")
        return sentence

    def _describe_rule(self) -> str:
        value = self._v
        if self.kind is CofinancingKind.MULTIPLE_OF_SUBSIDY:
            if value == 1:
                return _("Uw eigen bijdrage is minstens gelijk aan de gevraagde subsidie.")
            if value < 1:
                return _("Uw eigen bijdrage is minstens %(share)s van de gevraagde subsidie.",
                         share=format_percentage(value * HUNDRED))
            return _("Uw eigen bijdrage is minstens %(times)s keer de gevraagde subsidie.",
                     times=format_decimal(value))
        if self.kind is CofinancingKind.SHARE_OF_TOTAL_COST:
            return _("Uw eigen bijdrage is minstens %(share)s van de totale projectkost.",
                     share=format_percentage(value))
        return _("De subsidie bedraagt hoogstens %(share)s van de totale subsidiabele kost.",
                 share=format_percentage(value))


@dataclass(frozen=True)
class CofinancingCheck:
    """Outcome of a co-financing check, with the figures the form shows."""

    ok: bool
    minimum_own: Decimal
    maximum_subsidy: Decimal | None
    shortfall: Decimal
    waived: bool
    message: str


def minimum_own_contribution(
    rule: CofinancingRule,
    subsidy: Decimal,
    other_funding: Decimal = ZERO,
    *,
    total_cost: Decimal | None = None,
) -> Decimal:
    """Smallest own contribution that satisfies the rule, rounded up to the cent.

    Without a stated total, the total is subsidy + other funding + own
    contribution, so for a share of the total own >= p(subsidy + other)/(100 - p)
    (60.000 at 20% -> 15.000). A stated total only matters for a share of the
    total cost; for a maximum subsidy share the subsidy itself is what is limited.
    """
    subsidy = _amount(subsidy, _SUBSIDY)
    other = _amount(other_funding, _OTHER_FUNDING)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        exact = _exact_minimum_own(rule, subsidy, other, total_cost)
    return _round_up(max(exact, ZERO))


def _exact_minimum_own(rule: CofinancingRule, subsidy: Decimal, other: Decimal,
                       total_cost: Decimal | None) -> Decimal:
    if rule.kind is CofinancingKind.NONE:
        return ZERO
    value = rule._v
    if rule.kind is CofinancingKind.MULTIPLE_OF_SUBSIDY:
        return value * subsidy
    if rule.kind is CofinancingKind.SHARE_OF_TOTAL_COST:
        if total_cost is not None:
            return value * _amount(total_cost, _TOTAL_COST) / HUNDRED
        return value * (subsidy + other) / (HUNDRED - value)
    return subsidy * (HUNDRED - value) / value - other


def maximum_subsidy_for(rule: CofinancingRule, total_cost: Decimal) -> Decimal:
    """Largest subsidy for a project of this total cost without other funding (rounded down)."""
    total = _amount(total_cost, _TOTAL_COST)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        if rule.kind is CofinancingKind.NONE:
            exact = total
        elif rule.kind is CofinancingKind.MULTIPLE_OF_SUBSIDY:
            exact = total / (1 + rule._v)  # subsidy + k x subsidy <= total
        elif rule.kind is CofinancingKind.SHARE_OF_TOTAL_COST:
            exact = total * (HUNDRED - rule._v) / HUNDRED
        else:
            exact = total * rule._v / HUNDRED
    return _round_down(exact)


def _rule_met(rule: CofinancingRule, subsidy: Decimal, own: Decimal, total: Decimal) -> bool:
    """Exact comparison, multiplied out so that nothing is divided or rounded."""
    if rule.kind is CofinancingKind.NONE:
        return True
    value = rule._v
    if rule.kind is CofinancingKind.MULTIPLE_OF_SUBSIDY:
        return own >= value * subsidy
    if rule.kind is CofinancingKind.SHARE_OF_TOTAL_COST:
        return own * HUNDRED >= value * total
    return subsidy * HUNDRED <= value * total


def _maximum_subsidy_in_check(rule: CofinancingRule, own: Decimal, total: Decimal) -> Decimal | None:
    """The subsidy limit where the rule fixes one: total share, or own contribution / k."""
    if rule.kind is CofinancingKind.SUBSIDY_MAX_SHARE:
        return maximum_subsidy_for(rule, total)
    if rule.kind is CofinancingKind.MULTIPLE_OF_SUBSIDY:
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            return _round_down(own / rule._v)
    return None


def check_cofinancing(
    rule: CofinancingRule,
    *,
    subsidy: Decimal,
    own_contribution: Decimal,
    other_funding: Decimal = ZERO,
    total_cost: Decimal | None = None,
    waiver: WaiverStatus = WaiverStatus.NONE,
) -> CofinancingCheck:
    """Does the budget meet the call's co-financing rule? Exact, with an explanation in words.

    An accepted waiver makes a failing check pass (only where the rule allows
    waivers); a requested one does not yet. Waivers on other rules are ignored.
    """
    subsidy = _amount(subsidy, _SUBSIDY)
    own = _amount(own_contribution, _OWN_CONTRIBUTION)
    other = _amount(other_funding, _OTHER_FUNDING)
    total = subsidy + own + other if total_cost is None else _amount(total_cost, _TOTAL_COST)
    waiver = WaiverStatus(waiver)

    met = _rule_met(rule, subsidy, own, total)
    minimum = minimum_own_contribution(rule, subsidy, other, total_cost=total_cost)
    maximum = _maximum_subsidy_in_check(rule, own, total)
    shortfall = ZERO if met else max(minimum - own, ZERO)
    waived = not met and rule.waiver_allowed and waiver is WaiverStatus.ACCEPTED

    message = _outcome_message(rule, met, subsidy=subsidy, own=own, total=total,
                               minimum=minimum, maximum=maximum, shortfall=shortfall)
    if not met and rule.waiver_allowed:
        message += " " + str(_WAIVER_SENTENCES[waiver])
    return CofinancingCheck(ok=met or waived, minimum_own=minimum, maximum_subsidy=maximum,
                            shortfall=shortfall, waived=waived, message=message)


_WAIVER_SENTENCES = {
    WaiverStatus.NONE: lazy_gettext("U kunt een gemotiveerde afwijking aanvragen."),
    WaiverStatus.REQUESTED: lazy_gettext("De gevraagde afwijking wacht op de beslissing van het agentschap."),
    WaiverStatus.ACCEPTED: lazy_gettext("Het agentschap heeft een afwijking toegestaan."),
    WaiverStatus.REFUSED: lazy_gettext("Het agentschap heeft de gevraagde afwijking geweigerd."),
}


def _outcome_message(rule: CofinancingRule, met: bool, *, subsidy: Decimal, own: Decimal, total: Decimal,
                     minimum: Decimal, maximum: Decimal | None, shortfall: Decimal) -> str:
    """The sentence for the form, with the amounts that explain the outcome."""
    if rule.kind is CofinancingKind.NONE:
        return _("Geen cofinanciering vereist.")
    figures = {"subsidy": format_eur(subsidy), "own": format_eur(own), "total": format_eur(total),
               "minimum": format_eur(minimum), "maximum": format_eur(maximum), "shortfall": format_eur(shortfall)}
    if rule.kind is CofinancingKind.SUBSIDY_MAX_SHARE:
        share = format_percentage(rule._v)
        if met:
            return _("De gevraagde subsidie van %(subsidy)s is hoogstens %(share)s van de totale subsidiabele kost "
                     "van %(total)s (maximaal %(maximum)s).", share=share, **figures)
        return _("De gevraagde subsidie van %(subsidy)s is meer dan %(share)s van de totale subsidiabele kost "
                 "van %(total)s: hoogstens %(maximum)s is toegelaten.", share=share, **figures)
    if rule.kind is CofinancingKind.SHARE_OF_TOTAL_COST:
        share = format_percentage(rule._v)
        if met:
            return _("De eigen bijdrage van %(own)s is minstens %(share)s van de totale projectkost van %(total)s.",
                     share=share, **figures)
        return _("De eigen bijdrage van %(own)s is minder dan %(share)s van de totale projectkost van %(total)s: "
                 "minstens %(minimum)s is vereist (tekort: %(shortfall)s).", share=share, **figures)
    if met:
        return _("De eigen bijdrage van %(own)s volstaat: minstens %(minimum)s is vereist.", **figures)
    return _("De eigen bijdrage van %(own)s is te laag: minstens %(minimum)s is vereist (tekort: %(shortfall)s).",
             **figures)


# --------------------------------------------------------------------------- totals


def check_totals_add_up(parts: Sequence[Decimal], stated_total: Decimal) -> Decimal:
    """Sum of the parts minus the stated total, exactly (0 when they agree).

    Agency texts contain typing errors (1.606.641,63 for 1.606.647,63); the
    difference is shown rather than silently trusting either figure.
    """
    total = _decimal(stated_total, "Het totaal")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return sum((_decimal(part, "Een bedrag") for part in parts), ZERO) - total


def totals_mismatch_message(parts: Sequence[Decimal], stated_total: Decimal) -> str | None:
    """A warning when the parts do not add up to the stated total, else None."""
    difference = check_totals_add_up(parts, stated_total)
    if difference == 0:
        return None
    figures = {"sum": format_eur(difference + _decimal(stated_total, "Het totaal")),
               "total": format_eur(stated_total), "difference": format_eur(abs(difference))}
    if difference > 0:
        return _("De bedragen tellen op tot %(sum)s, niet tot het vermelde totaal van %(total)s "
                 "(%(difference)s te veel).", **figures)
    return _("De bedragen tellen op tot %(sum)s, niet tot het vermelde totaal van %(total)s "
             "(%(difference)s te weinig).", **figures)


# --------------------------------------------------------------------------- eligibility


def organisation_kind_label(kind: str) -> str:
    """The name of an organisation kind; an unknown code is shown as it is."""
    return str(ORGANISATION_KIND_LABELS.get(kind, kind))


@dataclass(frozen=True)
class EligibilityRule:
    """Who may apply to a call."""

    allowed_kinds: frozenset[str]
    allow_list: frozenset[int] = frozenset()  # organisation ids; empty means no list
    exclusions: Mapping[int, str] = field(default_factory=dict, hash=False)  # id -> reason (as the admin typed it)
    partnerships_allowed: bool = True
    one_application_per_organisation: bool = True

    def __post_init__(self) -> None:
        """Freeze the collections, so a rule cannot change after it has been checked."""
        object.__setattr__(self, "allowed_kinds", frozenset(self.allowed_kinds))
        object.__setattr__(self, "allow_list", frozenset(self.allow_list))
        object.__setattr__(self, "exclusions", MappingProxyType(dict(self.exclusions)))


@dataclass(frozen=True)
class Applicant:
    """The organisation that wants to apply."""

    organisation_id: int
    kind: str
    name: str


@dataclass(frozen=True)
class EligibilityResult:
    """ok, or the reasons why not (all of them, not just the first)."""

    ok: bool
    reasons: tuple[str, ...]


def check_eligibility(
    rule: EligibilityRule,
    applicant: Applicant,
    *,
    existing_applications: int = 0,
    as_partnership: bool = False,
) -> EligibilityResult:
    """May this organisation apply? Every failing condition gives its own reason."""
    if existing_applications < 0:
        raise ValueError("Het aantal bestaande aanvragen kan niet negatief zijn.")
    reasons: list[str] = []
    if applicant.kind not in rule.allowed_kinds:
        reasons.append(_kind_reason(rule, applicant.kind))
    if rule.allow_list and applicant.organisation_id not in rule.allow_list:
        reasons.append(_("%(name)s staat niet op de lijst van organisaties die voor deze oproep mogen indienen.",
                         name=applicant.name))
    if applicant.organisation_id in rule.exclusions:
        reason = rule.exclusions[applicant.organisation_id].strip().rstrip(".")
        reasons.append(_("%(name)s is uitgesloten van deze oproep: %(reason)s.", name=applicant.name, reason=reason))
    if rule.one_application_per_organisation and existing_applications > 0:
        reasons.append(_("%(name)s heeft al een aanvraag voor deze oproep; per organisatie is maar één aanvraag "
                         "toegelaten.", name=applicant.name))
    if as_partnership and not rule.partnerships_allowed:
        reasons.append(_("Deze oproep staat geen aanvragen in samenwerkingsverband toe."))
    return EligibilityResult(ok=not reasons, reasons=tuple(reasons))


def _kind_reason(rule: EligibilityRule, kind: str) -> str:
    """Name the refused kind and the allowed ones, in the order of the label list."""
    allowed = [str(label) for code, label in ORGANISATION_KIND_LABELS.items() if code in rule.allowed_kinds]
    allowed += sorted(code for code in rule.allowed_kinds if code not in ORGANISATION_KIND_LABELS)
    sentence = _("Deze oproep staat niet open voor het type organisatie '%(kind)s'.",
                 kind=organisation_kind_label(kind))
    if allowed:
        sentence += " " + _("Toegelaten: %(kinds)s.", kinds=", ".join(allowed))
    return sentence


# --------------------------------------------------------------------------- deadlines


def _require_aware(moment: datetime, what: str) -> datetime:
    """A naive datetime is ambiguous (UTC or Brussels?), so deadlines refuse it."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} moet een tijdzone hebben.")
    return as_utc(moment)


def submission_open(opens_at: datetime, closes_at: datetime, now: datetime) -> bool:
    """Open iff opens_at <= now < closes_at: at the closing instant itself it is closed."""
    opens = _require_aware(opens_at, "Het openingstijdstip")
    closes = _require_aware(closes_at, "Het sluitingstijdstip")
    return opens <= _require_aware(now, "Het huidige tijdstip") < closes


def day_and_time(moment: datetime) -> str:
    """'28-03-2027 om 12:00': a moment in Brussels time, as the messages write it."""
    return _("%(day)s om %(time)s", day=format_local(moment, "%d-%m-%Y"), time=format_local(moment, "%H:%M"))


def deadline_message(opens_at: datetime, closes_at: datetime, now: datetime) -> str:
    """Where the submission period stands, in words and Brussels time.

    The time left is real elapsed time (computed in UTC), so a deadline across
    the switch to or from summer time is counted correctly.
    """
    opens = _require_aware(opens_at, "Het openingstijdstip")
    closes = _require_aware(closes_at, "Het sluitingstijdstip")
    current = _require_aware(now, "Het huidige tijdstip")
    if current < opens:
        return _("De oproep opent op %(when)s.", when=day_and_time(opens))
    if current >= closes:
        return _("De indieningstermijn is afgelopen op %(when)s.", when=day_and_time(closes))
    # under a second left still reads as 'nog 1 min.', never as 'afgelopen' while open
    sentence = _("%(remaining)s om in te dienen.",
                 remaining=describe_remaining(max(closes - current, timedelta(seconds=1))))
    return sentence[:1].upper() + sentence[1:]


# --------------------------------------------------------------------------- dossier numbers


def format_dossier_number(prefix: str, year: int, sequence: int) -> str:
    """'TG', 2017, 7 -> 'TG-2017-0007': sortable within a year, readable on the phone."""
    prefix = prefix.strip()
    if not prefix or any(char.isspace() or char == "-" for char in prefix):
        raise ValueError(_("Het voorvoegsel van het dossiernummer moet één woord zonder streepjes zijn."))
    if not 1000 <= year <= 9999:
        raise ValueError(_("Het jaar van het dossiernummer moet vier cijfers hebben."))
    if sequence < 1:
        raise ValueError(_("Het volgnummer van een dossier begint bij 1."))
    return f"{prefix}-{year}-{sequence:04d}"


# --------------------------------------------------------------------------- describing a call in plain words

# Cost categories a call can declare eligible (codes stored on the call, labels shown).
COST_CATEGORY_LABELS = {
    # budget lines of applications use the same codes
    "staff": lazy_gettext("personeelskosten"),
    "operating": lazy_gettext("werkingskosten"),
    "communication": lazy_gettext("communicatie en promotie"),
    "external_services": lazy_gettext("externe dienstverlening"),
    "travel": lazy_gettext("verplaatsingskosten"),
    "investment": lazy_gettext("investeringen"),
    "overhead": lazy_gettext("overhead- en structurele kosten"),
}


def cost_category_label(code: str) -> str:
    """The name of a cost category; an unknown code is shown as it is."""
    return str(COST_CATEGORY_LABELS.get(code, code))


def join_nl(items: Sequence[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b en c' (the last two joined by the page's word for 'and')."""
    items = [str(item) for item in items if item]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return _("%(first)s en %(last)s", first=", ".join(items[:-1]), last=items[-1])


def describe_allowed_kinds(kinds: Sequence[str]) -> str:
    """Who may apply, in the order of the label list: 'gemeente, vzw De Rand en ...'."""
    ordered = [str(label) for code, label in ORGANISATION_KIND_LABELS.items() if code in set(kinds)]
    ordered += sorted(code for code in kinds if code not in ORGANISATION_KIND_LABELS)
    return join_nl(ordered)


def describe_report_months(months: Sequence[int]) -> str:
    """[6, 12] -> 'na 6 en 12 maanden, en een eindverslag' ('maand' after a lone 1)."""
    if not months:
        return _("een eindverslag na afloop van het project")
    ordered = sorted(months)
    return ngettext("na %(months)s maand, en een eindverslag na afloop van het project",
                    "na %(months)s maanden, en een eindverslag na afloop van het project",
                    ordered[-1], months=join_nl([str(m) for m in ordered]))


def report_months_problem(months: Sequence[int], max_duration_months: int | None) -> str | None:
    """A report due after the longest a project may run is a report that never comes; a message if so."""
    if not max_duration_months:
        return None
    late = [m for m in sorted(months) if m > max_duration_months]
    if not late:
        return None
    return ngettext("Een rapportering na %(late)s maanden valt na de maximale looptijd van %(num)s maand.",
                    "Een rapportering na %(late)s maanden valt na de maximale looptijd van %(num)s maanden.",
                    max_duration_months, late=late[0])


def weights_problem(weights: Sequence[Decimal]) -> str | None:
    """Criteria weights are positive and add up to 100 (percent); a message if not."""
    if any(_decimal(w, "Een gewicht") <= 0 for w in weights):
        return _("Elk gewicht moet groter dan nul zijn.")
    total = sum((_decimal(w, "Een gewicht") for w in weights), ZERO)
    if weights and total != HUNDRED:
        return _("De gewichten tellen op tot %(total)s; samen moeten ze 100 zijn.", total=format_decimal(total))
    return None


def tranches_problem(percentages: Sequence[Decimal]) -> str | None:
    """Payment tranches are each in (0, 100] and add up to exactly 100%; a message if not."""
    values = [_decimal(p, "Een percentage") for p in percentages]
    if any(p <= 0 or p > HUNDRED for p in values):
        return _("Elk percentage moet groter dan 0 en hoogstens 100 zijn.")
    total = sum(values, ZERO)
    if values and total != HUNDRED:
        return _("De betalingsschijven tellen op tot %(total)s; samen moeten ze 100%% zijn.",
                 total=format_percentage(total))
    return None


def amounts_problem(envelope: Decimal | None, max_amount: Decimal | None,
                    max_amount_per_year: Decimal | None = None) -> dict[str, str]:
    """Budget figures that do not fit together, by field name."""
    problems: dict[str, str] = {}
    if envelope is not None and envelope <= 0:
        problems["envelope"] = _("Het budget van de oproep moet groter dan nul zijn.")
    if max_amount is not None and max_amount <= 0:
        problems["max_amount"] = _("Het maximumbedrag per aanvraag moet groter dan nul zijn.")
    if max_amount_per_year is not None and max_amount_per_year <= 0:
        problems["max_amount_per_year"] = _("Het maximumbedrag per jaar moet groter dan nul zijn.")
    if "envelope" not in problems and "max_amount" not in problems and envelope is not None \
            and max_amount is not None and envelope < max_amount:
        problems["envelope"] = _("Het budget van de oproep (%(envelope)s) is kleiner dan het maximumbedrag per "
                                 "aanvraag (%(maximum)s).", envelope=format_eur(envelope),
                                 maximum=format_eur(max_amount))
    if "max_amount_per_year" not in problems and max_amount_per_year is not None and max_amount is not None \
            and max_amount > 0 and max_amount_per_year > max_amount:
        problems["max_amount_per_year"] = _("Het maximum per jaar (%(per_year)s) kan niet hoger zijn dan het "
                                            "maximum per aanvraag (%(maximum)s).",
                                            per_year=format_eur(max_amount_per_year), maximum=format_eur(max_amount))
    return problems


def period_problem(opens_at: datetime, closes_at: datetime) -> str | None:
    """The submission period must end after it starts (compared as instants)."""
    opens = _require_aware(opens_at, "Het openingstijdstip")
    closes = _require_aware(closes_at, "Het sluitingstijdstip")
    if closes <= opens:
        return _("De sluiting (%(closes)s) moet na de opening (%(opens)s) liggen.",
                 closes=day_and_time(closes), opens=day_and_time(opens))
    return None
