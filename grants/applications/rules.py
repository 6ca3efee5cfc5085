"""The rules of an application, as pure functions over plain values.

Budget totals, the project duration, the checklist an applicant sees before
submitting, and the next step per status. Nothing here touches Flask or the
database: the overview page, the submit operation, the receipt and the tests all
use the same functions, so what the checklist promises is what the server enforces.
Texts go through grants.i18n, which gives the Dutch text outside a request.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from grants.calls.rules import (
    CofinancingKind, CofinancingRule, WaiverStatus, check_cofinancing, deadline_message, submission_open,
)
from grants.money import format_eur
from grants.i18n import _, ngettext
from grants.timeutil import as_utc, describe_remaining, format_local

from grants.calls.rules import COST_CATEGORY_LABELS, cost_category_label  # noqa: F401  (one list, shared)

from .states import APPLICATION_STATES
from .states import ApplicationStatus as S

ZERO = Decimal("0.00")

STAFF = "staff"


def cost_category_choices(eligible: Iterable[str]) -> list[tuple[str, str]]:
    """The categories an applicant may pick: the call's eligible ones (all known ones if it names none)."""
    codes = [c for c in eligible if c] or list(COST_CATEGORY_LABELS)
    return [(code, cost_category_label(code)) for code in codes]


# --------------------------------------------------------------------------- duration


def duration_months(start: date | None, end: date | None) -> int | None:
    """Calendar months the project runs, a started month counted in full (1 March - 28 Feb = 12)."""
    if start is None or end is None or end < start:
        return None
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day > start.day:
        months += 1
    return max(months, 1)


def project_years(months: int) -> int:
    """Years (started years count) for a maximum per year: 13 months are two years."""
    return max(math.ceil(months / 12), 1)


# --------------------------------------------------------------------------- budget


@dataclass(frozen=True)
class BudgetLineFigures:
    category: str
    amount: Decimal
    description: str = ""
    fte: Decimal | None = None
    months: int | None = None


@dataclass(frozen=True)
class BudgetTotals:
    per_category: dict[str, Decimal]
    total: Decimal
    eligible_total: Decimal
    ineligible: dict[str, Decimal]  # category -> amount outside the call's eligible categories


def budget_totals(lines: Sequence[BudgetLineFigures], eligible: Iterable[str] = ()) -> BudgetTotals:
    """Subtotals per category (in the order they first occur) and the total, exactly."""
    eligible_set = {c for c in eligible if c}
    per_category: dict[str, Decimal] = {}
    for line in lines:
        per_category[line.category] = per_category.get(line.category, ZERO) + line.amount
    total = sum(per_category.values(), ZERO)
    ineligible = {c: a for c, a in per_category.items() if eligible_set and c not in eligible_set}
    return BudgetTotals(per_category, total, total - sum(ineligible.values(), ZERO), ineligible)


def financing_total(requested: Decimal, contributions: Iterable[Decimal]) -> Decimal:
    return requested + sum(contributions, ZERO)


def totals_difference_message(financing: Decimal, total_cost: Decimal) -> str:
    """The sentence on whether financing and cost agree, with the difference to the cent."""
    difference = financing - total_cost
    values = {"financing": format_eur(financing), "cost": format_eur(total_cost),
              "difference": format_eur(abs(difference))}
    if difference == 0:
        return _("De financiering (%(financing)s) is gelijk aan de totale kost van de begroting (%(cost)s).",
                 **values)
    if difference > 0:
        return _("De financiering (%(financing)s) is %(difference)s meer dan de totale kost van de begroting "
                 "(%(cost)s). Subsidie en bijdragen moeten samen precies de totale kost dekken.", **values)
    return _("De financiering (%(financing)s) is %(difference)s minder dan de totale kost van de begroting "
             "(%(cost)s). Subsidie en bijdragen moeten samen precies de totale kost dekken.", **values)


# --------------------------------------------------------------------------- checklist


@dataclass(frozen=True)
class ChecklistInput:
    """Everything the checklist looks at, as plain values."""

    missing: tuple[str, ...]  # names of required fields that are still empty (in the page's language)
    requested: Decimal
    own_financial: Decimal
    own_staff: Decimal
    third_party: Decimal
    lines: tuple[BudgetLineFigures, ...]
    eligible_categories: frozenset[str]
    max_amount: Decimal
    cofinancing: CofinancingRule
    opens_at: datetime
    closes_at: datetime
    now: datetime
    call_published: bool = True
    max_amount_per_year: Decimal | None = None
    duration_months: int | None = None
    min_duration_months: int | None = None
    max_duration_months: int | None = None
    waiver: WaiverStatus = WaiverStatus.NONE
    waiver_motivation: str = ""
    reopened_until: datetime | None = None  # the agency asked for more information, until then
    bank_letter_needed: bool = False
    bank_letter_present: bool = False
    confirmed_partners: tuple[str, ...] = ()  # names of the partner organisations that confirmed
    unconfirmed_partners: tuple[str, ...] = ()  # invited, not confirmed yet: they stop the submission
    declined_partners: tuple[str, ...] = ()  # declined: to be removed or invited again first


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: str
    state: str  # "ok", "fail" or "warn" (a warning does not stop the submission)
    detail: str
    figures: dict[str, Decimal] = field(default_factory=dict, compare=False)

    @property
    def ok(self) -> bool:
        return self.state != "fail"


def build_checklist(data: ChecklistInput) -> list[ChecklistItem]:
    """The checklist, in the order an applicant works through it."""
    totals = budget_totals(data.lines, data.eligible_categories)
    items = [_required(data), _max_amount(data)]
    if data.max_amount_per_year is not None:
        items.append(_max_per_year(data))
    if data.min_duration_months is not None or data.max_duration_months is not None:
        items.append(_duration(data))
    items += [_cofinancing(data, totals), _eligible_costs(data, totals), _totals(data, totals)]
    if data.bank_letter_needed:
        items.append(ChecklistItem(
            "bank_letter", _("Bevestiging van het rekeningnummer"), "ok" if data.bank_letter_present else "fail",
            _("De bevestigingsbrief van de bank is toegevoegd.") if data.bank_letter_present else
            _("Het rekeningnummer verschilt van het gekende rekeningnummer van uw organisatie: voeg een "
              "bevestigingsbrief van de bank toe (bij 'Uitbetaling').")))
    if data.confirmed_partners or data.unconfirmed_partners or data.declined_partners:
        items.append(_partners(data))
    items.append(_deadline(data))
    return items


def _partners(data: ChecklistInput) -> ChecklistItem:
    """Every invited partner has to confirm before the lead submits on its behalf."""
    title = _("Partners")
    if data.declined_partners:
        return ChecklistItem("partners", title, "fail", _(
            "%(names)s weigerde de uitnodiging. Verwijder de partner of nodig opnieuw uit (bij 'Partners').",
            names=", ".join(data.declined_partners)))
    if data.unconfirmed_partners:
        return ChecklistItem("partners", title, "fail", ngettext(
            "Nog niet bevestigd door %(names)s. De aanvraag kan pas ingediend worden als elke partner bevestigd "
            "heeft; verwijder anders de partner (bij 'Partners').",
            "Nog niet bevestigd door %(num)s partners: %(names)s. De aanvraag kan pas ingediend worden als elke "
            "partner bevestigd heeft; verwijder anders de partner (bij 'Partners').",
            len(data.unconfirmed_partners), names=", ".join(data.unconfirmed_partners)))
    return ChecklistItem("partners", title, "ok", ngettext(
        "De partner heeft bevestigd: %(names)s.", "Alle %(num)s partners hebben bevestigd: %(names)s.",
        len(data.confirmed_partners), names=", ".join(data.confirmed_partners)))


def ready_to_submit(items: Sequence[ChecklistItem]) -> bool:
    return all(item.ok for item in items)


def failing(items: Sequence[ChecklistItem]) -> list[ChecklistItem]:
    return [item for item in items if not item.ok]


def _required(data: ChecklistInput) -> ChecklistItem:
    title = _("Verplichte velden")
    if not data.missing:
        return ChecklistItem("required", title, "ok", _("Alle verplichte velden zijn ingevuld."))
    return ChecklistItem("required", title, "fail", _("Nog in te vullen: %(fields)s.", fields=", ".join(data.missing)))


def _max_amount(data: ChecklistInput) -> ChecklistItem:
    over = data.requested - data.max_amount
    values = {"requested": format_eur(data.requested), "maximum": format_eur(data.max_amount)}
    if over > 0:
        return ChecklistItem("max_amount", _("Maximumbedrag"), "fail",
                             _("De gevraagde subsidie van %(requested)s is hoger dan het maximum van %(maximum)s "
                               "(%(over)s te veel).", over=format_eur(over), **values),
                             {"over": over})
    return ChecklistItem("max_amount", _("Maximumbedrag"), "ok",
                         _("De gevraagde subsidie van %(requested)s blijft binnen het maximum van %(maximum)s.",
                           **values))


def _max_per_year(data: ChecklistInput) -> ChecklistItem:
    per_year = data.max_amount_per_year
    assert per_year is not None
    title = _("Maximumbedrag per jaar")
    if data.duration_months is None:
        return ChecklistItem("max_per_year", title, "fail",
                             _("Vul de projectperiode in: de subsidie is hoogstens %(per_year)s per jaar.",
                               per_year=format_eur(per_year)))
    years = project_years(data.duration_months)
    limit = per_year * years
    values = {"limit": format_eur(limit), "per_year": format_eur(per_year)}
    if data.requested > limit:
        return ChecklistItem("max_per_year", title, "fail", ngettext(
            "Voor %(num)s jaar is hoogstens %(limit)s mogelijk (%(per_year)s per jaar); u vraagt %(requested)s "
            "(%(over)s te veel).",
            "Voor %(num)s jaren is hoogstens %(limit)s mogelijk (%(per_year)s per jaar); u vraagt %(requested)s "
            "(%(over)s te veel).", years,
            requested=format_eur(data.requested), over=format_eur(data.requested - limit), **values))
    return ChecklistItem("max_per_year", title, "ok", ngettext(
        "Voor %(num)s jaar is hoogstens %(limit)s mogelijk (%(per_year)s per jaar).",
        "Voor %(num)s jaren is hoogstens %(limit)s mogelijk (%(per_year)s per jaar).", years, **values))


def _allowed_duration(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return _("minstens %(low)s en hoogstens %(high)s maanden", low=low, high=high)
    if low is not None:
        return _("minstens %(low)s maanden", low=low)
    return _("hoogstens %(high)s maanden", high=high)


def _duration(data: ChecklistInput) -> ChecklistItem:
    months, low, high = data.duration_months, data.min_duration_months, data.max_duration_months
    allowed = _allowed_duration(low, high)
    title = _("Projectduur")
    if months is None:
        return ChecklistItem("duration", title, "fail",
                             _("Vul een begin- en einddatum in (de projectduur is %(allowed)s).", allowed=allowed))
    if (low is not None and months < low) or (high is not None and months > high):
        return ChecklistItem("duration", title, "fail", ngettext(
            "Het project duurt %(num)s maand; toegelaten is %(allowed)s.",
            "Het project duurt %(num)s maanden; toegelaten is %(allowed)s.", months, allowed=allowed))
    return ChecklistItem("duration", title, "ok", ngettext(
        "Het project duurt %(num)s maand (%(allowed)s).", "Het project duurt %(num)s maanden (%(allowed)s).", months,
        allowed=allowed))


def _cofinancing(data: ChecklistInput, totals: BudgetTotals) -> ChecklistItem:
    rule = data.cofinancing
    own = data.own_financial + data.own_staff
    check = check_cofinancing(rule, subsidy=data.requested, own_contribution=own, other_funding=data.third_party,
                              total_cost=totals.total if data.lines else None, waiver=data.waiver)
    figures = {"minimum_own": check.minimum_own, "own": own, "shortfall": check.shortfall}
    title = _("Cofinanciering")
    if rule.kind is CofinancingKind.NONE:
        return ChecklistItem("cofinancing", title, "ok", check.message, figures)
    detail = _("%(message)s Minimale eigen bijdrage bij deze subsidie: %(minimum)s.", message=check.message,
               minimum=format_eur(check.minimum_own))
    if check.ok:
        return ChecklistItem("cofinancing", title, "ok", detail, figures)
    if rule.waiver_allowed and data.waiver is WaiverStatus.REQUESTED and data.waiver_motivation.strip():
        return ChecklistItem("cofinancing", title, "warn",
                             _("%(detail)s U kunt indienen; het agentschap beslist over de afwijking.", detail=detail),
                             figures)
    return ChecklistItem("cofinancing", title, "fail", detail, figures)


def _eligible_costs(data: ChecklistInput, totals: BudgetTotals) -> ChecklistItem:
    title = _("Subsidiabele kosten")
    if not data.lines:
        return ChecklistItem("eligible_costs", title, "fail", _("Voeg minstens één kostenpost toe aan de begroting."))
    if totals.ineligible:
        listed = ", ".join(f"{cost_category_label(c)} ({format_eur(a)})" for c, a in totals.ineligible.items())
        return ChecklistItem("eligible_costs", title, "fail",
                             _("Deze kosten komen niet in aanmerking in deze oproep: %(costs)s.", costs=listed))
    names = ", ".join(cost_category_label(c) for c in totals.per_category)
    return ChecklistItem("eligible_costs", title, "ok", ngettext(
        "De kostenpost valt onder een toegelaten kostensoort (%(names)s).",
        "Alle %(num)s kostenposten vallen onder de toegelaten kostensoorten (%(names)s).", len(data.lines),
        names=names))


def _totals(data: ChecklistInput, totals: BudgetTotals) -> ChecklistItem:
    financing = financing_total(data.requested, (data.own_financial, data.own_staff, data.third_party))
    difference = financing - totals.total
    figures = {"financing": financing, "total_cost": totals.total, "difference": difference}
    detail = totals_difference_message(financing, totals.total)
    title = _("Sluitende begroting")
    if difference == 0 and totals.total > 0:
        detail = _("Gevraagde subsidie %(requested)s + eigen financiële inbreng %(own_financial)s + eigen "
                   "personeelsinzet %(own_staff)s + bijdragen van derden %(third_party)s = totale kost %(total)s.",
                   requested=format_eur(data.requested), own_financial=format_eur(data.own_financial),
                   own_staff=format_eur(data.own_staff), third_party=format_eur(data.third_party),
                   total=format_eur(totals.total))
        return ChecklistItem("totals", title, "ok", detail, figures)
    return ChecklistItem("totals", title, "fail", detail, figures)


def _deadline(data: ChecklistInput) -> ChecklistItem:
    now = as_utc(data.now)
    title = _("Indieningstermijn")
    if data.reopened_until is not None:
        until = as_utc(data.reopened_until)
        moment = _("%(date)s om %(time)s", date=format_local(until, "%d-%m-%Y"), time=format_local(until, "%H:%M"))
        if now < until:
            left = describe_remaining(max(until - now, timedelta(seconds=1)))
            return ChecklistItem("deadline", title, "ok",
                                 _("Aanvullen en opnieuw indienen kan tot %(moment)s (%(left)s).", moment=moment,
                                   left=left))
        return ChecklistItem("deadline", title, "fail",
                             _("De termijn om aan te vullen is afgelopen op %(moment)s.", moment=moment))
    message = deadline_message(data.opens_at, data.closes_at, now)
    open_now = data.call_published and submission_open(data.opens_at, data.closes_at, now)
    if not data.call_published and now < as_utc(data.closes_at):
        message = _("De oproep staat niet open voor indiening.")
    return ChecklistItem("deadline", title, "ok" if open_now else "fail", message)


def screening_checklist(data: ChecklistInput, submitted_at: datetime | None) -> list[ChecklistItem]:
    """The applicant's checklist as the agency sees it: the same items by the same rules, except that once
    the application is handed in, the deadline item says when it was submitted (the applicant's "you can
    still submit until" or "the deadline has passed" says nothing to the agency about a handed-in file)."""
    items = build_checklist(data)
    if submitted_at is None:
        return items
    return [_submitted_in_time(data, submitted_at) if item.key == "deadline" else item for item in items]


def _submitted_in_time(data: ChecklistInput, submitted_at: datetime) -> ChecklistItem:
    submitted, closes = as_utc(submitted_at), as_utc(data.closes_at)
    values = {"submitted": _("%(date)s om %(time)s", date=format_local(submitted, "%d-%m-%Y"),
                             time=format_local(submitted, "%H:%M")),
              "closes": _("%(date)s om %(time)s", date=format_local(closes, "%d-%m-%Y"),
                          time=format_local(closes, "%H:%M"))}
    title = _("Indieningstermijn")
    if submitted <= closes:
        return ChecklistItem("deadline", title, "ok",
                             _("Ingediend op %(submitted)s, vóór de sluiting van de oproep (%(closes)s).", **values))
    # Only a resubmission after a request for more information comes in after the closing.
    return ChecklistItem("deadline", title, "warn",
                         _("Laatst ingediend op %(submitted)s, na de sluiting van de oproep (%(closes)s): "
                           "na een vraag om aanvullende informatie.", **values))


# --------------------------------------------------------------------------- next step


def next_step(status: S, *, closes_at: datetime | None = None, call_open: bool = False,
              due_at: datetime | None = None, now: datetime | None = None, reason: str = "") -> str:
    """What the applicant should expect or do now, in one sentence (the status record's next step)."""
    record = APPLICATION_STATES[status]
    if status is S.DRAFT:
        if call_open and closes_at is not None:
            return record.next_step.format(date=format_local(closes_at, "%d-%m-%Y"), time=format_local(closes_at, "%H:%M"))
        return _("Niet ingediend: de indieningstermijn is voorbij.")
    if status is S.INFO_REQUESTED:
        if due_at is not None and (now is None or as_utc(now) < as_utc(due_at)):
            return record.next_step.format(date=format_local(due_at, "%d-%m-%Y"), time=format_local(due_at, "%H:%M"))
        return _("De termijn om aan te vullen is voorbij; het agentschap beslist over de ontvankelijkheid.")
    if status is S.INADMISSIBLE and reason.strip():
        return _("Onontvankelijk: %(reason)s", reason=reason.strip())
    return str(record.next_step)


def agency_next_step(status: S, *, due_at: datetime | None = None, now: datetime | None = None) -> str:
    """What the agency should do now, in one sentence (the status record's agency step)."""
    record = APPLICATION_STATES[status]
    if status is S.INFO_REQUESTED:
        if due_at is not None and (now is None or as_utc(now) < as_utc(due_at)):
            return record.agency_step.format(date=format_local(due_at, "%d-%m-%Y"), time=format_local(due_at, "%H:%M"))
        return _("De termijn om aan te vullen is voorbij: beslis over de ontvankelijkheid.")
    return str(record.agency_step)
