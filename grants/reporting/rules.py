"""The rules of the follow-up of a funded project, as pure functions.

Plain values in, frozen dataclasses out: no Flask app, no database. The pages, operations and
the reminder job call these functions with what they loaded. Money is exact Decimal in whole
cents; every computation is exact and only the final amounts are rounded to the cent.

Months (used by the schedule and by extensions)
    ``add_months(day, n)`` is the same day of the month n months later; when that month is
    shorter, the last day of that month ("end of month clamps"): 31 August + 6 months is
    28 February (29 in a leap year), 29 February 2024 + 12 months is 28 February 2025,
    31 January 2024 + 1 month is 29 February 2024 and + 2 months is 31 March 2024. Each
    count is taken from the original day, never chained, so a short month does not make
    later dates drift.

    A period of n months from a start day ends the day before ``add_months(start, n)``:
    1 October 2022 + 6 months ends on 31 March 2023, 1 July 2021 + 12 months on 30 June 2022.
    All dates are inclusive calendar days.

Reporting schedule
    One interim report per month count of the call (6 and 12 for the action plan): the report
    "after n months" covers the stretch since the previous report up to the end of the n-month
    period from the project start. A report whose period would end on or after the project end
    is not scheduled: the final report covers it. The final report covers the whole project
    (start to end), because the balance is computed on the realised figures of the whole
    project. A report is due a grace period after its period ends (30 days for an interim,
    60 for the final by default), at 23:59:59 Brussels time on that day (``due_instant``).

Project status (the labels of the half-yearly progress report to parliament)
    *Op te starten* before the start date; *Opgestart* from the start until the first report
    is submitted (a fact the agency records, rather than an arbitrary number of months);
    *Lopende* once a report has been submitted; *Afgerond* once the final report is approved
    (the end date alone never finishes a project). A project past its end date without an
    approved final report is *Lopende*, even if it never reported: its final report is
    overdue, which the reminders handle.

KPIs
    Each KPI is measured against the target confirmed in the award (not the one requested).
    A realised value below its target needs a motivation; a missing value is a problem in a
    final report only (an interim report may not have measured everything yet).

Balance payment (``compute_balance``), line by line for the auditor
    1. Spending: when the eligible spending realised falls short of the budget the award was
       based on, the subsidy is reduced in the same proportion:
       awarded x spent / budget, never more than awarded.
    2. Co-financing: when the own contribution realised falls short of what the award
       required, the subsidy is reduced in the same proportion as well:
       awarded x own realised / own required, never more than awarded. Keeping the award's
       ratio between subsidy and own contribution is the call's own rule applied to the
       realised figures: for 1:1 (action plan) the subsidy is at most the own contribution
       realised; for 20% of the total cost (regie-role) at most 4 x the own contribution;
       for a subsidy of at most 75% of the cost at most 3 x. Because both limits are
       proportional, a project that spends less and contributes proportionally less is
       reduced once, not twice. No requirement (no rule, or an accepted waiver) means no
       limit.
    3. Due: the lower of both limits, rounded to the cent (half up) at this step only.
    4. Balance: due minus what was already paid. When negative, nothing more is paid and the
       difference is reclaimed; in a partnership the lead organisation, which received the
       money, pays it back.

Reminders
    Two before the due date (14 and 3 days before) and two after (1 and 14 days after). A
    report is reminded of at most once per kind, submitted reports never. A run that comes
    late (the job did not run for some days) sends only the latest kind that applies on its
    side of the due date, never the missed earlier ones: one reminder is enough, and an
    outdated "due in 14 days" three days before the date would mislead.

Extensions
    A project may be extended as many times as the call allows (regie-role: 3); the new
    period starts the day after the current end and lasts the given number of months.
"""
from __future__ import annotations

import calendar
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Literal, NamedTuple

from grants.i18n import _, lazy_gettext, ngettext
from grants.money import CENT, exact, exact_cents, format_decimal, format_eur
from grants.timeutil import local_end_of_day

__all__ = [
    "PROJECT_STATUS_LABELS",
    "REMINDER_KINDS",
    "BalanceInput",
    "BalanceResult",
    "ProjectStatus",
    "Reminder",
    "ReminderKind",
    "ReportDue",
    "ScheduledReport",
    "add_months",
    "compute_balance",
    "due_instant",
    "extension_allowed",
    "kpi_shortfalls",
    "next_period",
    "period_end",
    "project_status",
    "project_status_label",
    "reminders_due",
    "report_schedule",
]

ZERO = Decimal(0)
_PRECISION = 50  # far beyond cents: products and quotients of amounts stay exact
_ONE_DAY = timedelta(days=1)


_decimal = exact  # money and KPI values are exact; a float here is a programming error


def _amount(value: Decimal | int | str, what: str) -> Decimal:
    """A non-negative amount in whole cents, as the Money columns hold it."""
    amount = exact_cents(value, what)
    if amount < 0:
        raise ValueError(f"{what} mag niet negatief zijn.")
    return amount


# --------------------------------------------------------------------------- months


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later; the last day of that month when it is shorter."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def period_end(start: date, months: int) -> date:
    """Last day (inclusive) of a period of `months` months from `start`: the day before add_months."""
    if months < 1:
        raise ValueError(_("Een periode duurt minstens één maand."))
    return add_months(start, months) - _ONE_DAY


# --------------------------------------------------------------------------- schedule

ReportKindName = Literal["interim", "final"]


@dataclass(frozen=True)
class ScheduledReport:
    """A report the recipient owes: which, over which days (inclusive) and by when."""

    kind: ReportKindName
    months: int | None  # the month count of an interim report; None for the final report
    period_start: date
    period_end: date
    due_date: date

    @property
    def label(self) -> str:
        """'Tussentijds verslag na 6 maanden' or 'Eindverslag'."""
        if self.kind == "final":
            return _("Eindverslag")
        return _("Tussentijds verslag na %(months)s maanden", months=self.months)

    @property
    def due_at(self) -> datetime:
        """The deadline as an instant: 23:59:59 Brussels time on the due date, in UTC."""
        return due_instant(self.due_date)


def report_schedule(start: date, end: date, report_months: Iterable[int], *,
                    interim_after_days: int = 30, final_after_days: int = 60) -> list[ScheduledReport]:
    """The interim reports of the call's month counts that end before the project does, then the final one.

    Month counts are sorted and duplicates dropped. Interim periods follow each other without
    gap or overlap from the start; the final report covers the whole project. The final grace
    period may not be shorter than the interim one, so due dates strictly increase.
    """
    if end < start:
        raise ValueError(_("Het einde van het project ligt vóór het begin."))
    months_list = sorted(set(report_months))
    if any(months < 1 for months in months_list):
        raise ValueError(_("Een rapportering valt minstens één maand na de start."))
    if interim_after_days < 0 or final_after_days < interim_after_days:
        raise ValueError(_("De termijn voor het eindverslag mag niet korter zijn dan die voor een "
                           "tussentijds verslag."))
    reports: list[ScheduledReport] = []
    next_start = start
    for months in months_list:
        last_day = period_end(start, months)
        if last_day >= end:
            break  # this and later counts fall at or after the end: the final report covers them
        reports.append(ScheduledReport("interim", months, next_start, last_day,
                                       last_day + timedelta(days=interim_after_days)))
        next_start = last_day + _ONE_DAY
    reports.append(ScheduledReport("final", None, start, end, end + timedelta(days=final_after_days)))
    return reports


def due_instant(due_date: date) -> datetime:
    """23:59:59 Brussels time on the due date, as an aware UTC instant (21:59:59 UTC in summer)."""
    return local_end_of_day(due_date)


# --------------------------------------------------------------------------- project status


class ProjectStatus(enum.StrEnum):
    """Where a funded project stands, as the progress report to parliament names it."""

    TO_START = "to_start"
    STARTED = "started"
    RUNNING = "running"
    FINISHED = "finished"


PROJECT_STATUS_LABELS = {
    ProjectStatus.TO_START: lazy_gettext("Op te starten"),
    ProjectStatus.STARTED: lazy_gettext("Opgestart"),
    ProjectStatus.RUNNING: lazy_gettext("Lopende"),
    ProjectStatus.FINISHED: lazy_gettext("Afgerond"),
}


def project_status(today: date, start: date, end: date, final_report_approved: bool,
                   any_report_submitted: bool) -> ProjectStatus:
    """The status from the dates and the reports (see the module docstring).

    An approved final report finishes the project even before its planned end (a project
    can be closed early); the end date alone never does.
    """
    if end < start:
        raise ValueError(_("Het einde van het project ligt vóór het begin."))
    if final_report_approved:
        return ProjectStatus.FINISHED
    if today < start:
        return ProjectStatus.TO_START
    if not any_report_submitted and today <= end:
        return ProjectStatus.STARTED
    return ProjectStatus.RUNNING


def project_status_label(status: ProjectStatus | str) -> str:
    """'Op te starten', 'Opgestart', 'Lopende' or 'Afgerond', in the user's language."""
    return str(PROJECT_STATUS_LABELS[ProjectStatus(status)])


# --------------------------------------------------------------------------- KPIs


def kpi_shortfalls(targets: Mapping[int, Decimal], realised: Mapping[int, Decimal | None],
                   motivations: Mapping[int, str], *, final: bool = False) -> dict[int, str]:
    """Problems per KPI id, in Dutch; an empty dict when the report's KPIs are in order.

    Only the KPIs with a target confirmed in the award are checked; other realised values are
    not part of the award and are ignored. A value below its target needs a non-blank
    motivation; a missing value (absent or None) is a problem only in a final report.
    """
    problems: dict[int, str] = {}
    for kpi_id, raw_target in targets.items():
        target = _decimal(raw_target, "Een doelstelling")
        raw_value = realised.get(kpi_id)
        if raw_value is None:
            if final:
                problems[kpi_id] = _("Vul de gerealiseerde waarde in: het eindverslag vraagt elke KPI "
                                     "uit de toekenning.")
            continue
        value = _decimal(raw_value, "Een gerealiseerde waarde")
        if value < target and not (motivations.get(kpi_id) or "").strip():
            problems[kpi_id] = _("De gerealiseerde waarde (%(value)s) ligt onder de doelstelling uit de "
                                 "toekenning (%(target)s): motiveer waarom.",
                                 value=format_decimal(value), target=format_decimal(target))
    return problems


# --------------------------------------------------------------------------- balance


@dataclass(frozen=True)
class BalanceInput:
    """The approved final figures of a project and what was paid so far (amounts in cents).

    `own_required` is the co-financing the award required: the call's rule at the awarded
    amount (grants.calls.rules.minimum_own_contribution), 0 when there is no rule or the
    agency accepted a waiver. `recipient` is the organisation that received the subsidy; in a
    partnership (`partnership=True`) the lead organisation.
    """

    awarded: Decimal
    budget_total: Decimal
    spent: Decimal
    own_required: Decimal
    own_realised: Decimal
    recipient: str
    paid: tuple[Decimal, ...] = ()
    partnership: bool = False

    def __post_init__(self) -> None:
        """Refuse figures the computation cannot explain, before anything is computed."""
        for name, what in (("awarded", "De toegekende subsidie"), ("budget_total", "De aanvaarde begroting"),
                           ("spent", "De gerealiseerde uitgaven"), ("own_required", "De vereiste eigen bijdrage"),
                           ("own_realised", "De gerealiseerde eigen bijdrage")):
            object.__setattr__(self, name, _amount(getattr(self, name), what))
        object.__setattr__(self, "paid", tuple(_amount(p, "Een betaling") for p in self.paid))
        if not self.recipient.strip():
            raise ValueError(_("Vermeld de organisatie die de subsidie ontvangt of terugbetaalt."))
        if self.budget_total <= 0 and self.awarded > 0:
            raise ValueError(_("De aanvaarde begroting moet groter dan nul zijn."))


@dataclass(frozen=True)
class BalanceResult:
    """The outcome of the final settlement, with the lines that explain it.

    Exactly one of `balance` (paid to `counterparty`) and `reclaim` (repaid by `counterparty`)
    can be above zero; balance + paid_total - reclaim == due.
    """

    awarded: Decimal
    due: Decimal
    spending_limit: Decimal  # awarded x spent / budget, at most awarded (to the cent)
    cofinancing_limit: Decimal | None  # awarded x own realised / own required; None without requirement
    paid_total: Decimal
    balance: Decimal
    reclaim: Decimal
    counterparty: str
    lines: tuple[str, ...]

    @property
    def reduced(self) -> bool:
        """Is less due than was awarded?"""
        return self.due < self.awarded


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def compute_balance(data: BalanceInput) -> BalanceResult:
    """The subsidy due on the final figures, and the balance to pay or the amount to reclaim.

    See the module docstring for the rule; every figure is exact until the due amount is
    rounded to the cent (half up), and the lines say in Dutch how each figure came about.
    """
    eur = format_eur
    lines: list[str] = []
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        awarded = data.awarded
        lines.append(_("Toegekende subsidie: %(awarded)s, op basis van een aanvaarde begroting van %(budget)s.",
                       awarded=eur(awarded), budget=eur(data.budget_total)))

        # 1. spending
        if data.spent >= data.budget_total:
            spending_exact = awarded
            lines.append(_("Gerealiseerde subsidiabele uitgaven: %(spent)s, niet minder dan de aanvaarde "
                           "begroting: geen vermindering.", spent=eur(data.spent)))
        else:
            spending_exact = awarded * data.spent / data.budget_total
            lines.append(_("Gerealiseerde subsidiabele uitgaven: %(spent)s, minder dan de aanvaarde begroting. "
                           "De subsidie wordt in dezelfde verhouding verminderd: %(awarded)s x %(spent_n)s / "
                           "%(budget_n)s = %(limit)s.", spent=eur(data.spent), awarded=eur(awarded),
                           spent_n=eur(data.spent, unit=False), budget_n=eur(data.budget_total, unit=False),
                           limit=eur(spending_exact)))

        # 2. co-financing
        cofinancing_exact: Decimal | None
        if data.own_required == 0:
            cofinancing_exact = None
            lines.append(_("De toekenning vereist geen eigen bijdrage: geen vermindering voor cofinanciering."))
        elif data.own_realised >= data.own_required:
            cofinancing_exact = awarded
            lines.append(_("Gerealiseerde eigen bijdrage: %(own)s, minstens de vereiste %(required)s: "
                           "geen vermindering.", own=eur(data.own_realised), required=eur(data.own_required)))
        else:
            cofinancing_exact = awarded * data.own_realised / data.own_required
            lines.append(_("Gerealiseerde eigen bijdrage: %(own)s, minder dan de vereiste %(required)s. "
                           "De subsidie wordt in dezelfde verhouding beperkt: %(awarded)s x %(own_n)s / "
                           "%(required_n)s = %(limit)s.", own=eur(data.own_realised),
                           required=eur(data.own_required), own_n=eur(data.own_realised, unit=False),
                           required_n=eur(data.own_required, unit=False), awarded=eur(awarded),
                           limit=eur(cofinancing_exact)))

        # 3. due: the lower limit, rounded once (rounding is monotone, so the lines agree with it)
        due_exact = spending_exact if cofinancing_exact is None else min(spending_exact, cofinancing_exact)
    due = _round(due_exact)
    both_reduced = cofinancing_exact is not None and spending_exact < awarded and cofinancing_exact < awarded
    if both_reduced and spending_exact != cofinancing_exact:
        lines.append(_("Verschuldigde subsidie: het laagste van beide bedragen, afgerond op de cent: %(due)s.",
                       due=eur(due)))
    elif due != due_exact:
        lines.append(_("Verschuldigde subsidie, afgerond op de cent: %(due)s.", due=eur(due)))
    else:
        lines.append(_("Verschuldigde subsidie: %(due)s.", due=eur(due)))

    # 4. balance or reclaim
    paid_total = sum(data.paid, ZERO)
    if len(data.paid) > 1:
        lines.append(_("Reeds uitbetaald: %(parts)s = %(total)s.",
                       parts=" + ".join(eur(p) for p in data.paid), total=eur(paid_total)))
    else:
        lines.append(_("Reeds uitbetaald: %(total)s.", total=eur(paid_total)))

    difference = due - paid_total
    balance = max(difference, ZERO)
    reclaim = max(-difference, ZERO)
    who = data.recipient
    if balance > 0:
        if data.partnership:
            lines.append(_("Saldo: %(due)s - %(paid)s = %(balance)s, te betalen aan %(who)s, trekker van het "
                           "samenwerkingsverband.", due=eur(due), paid=eur(paid_total), balance=eur(balance), who=who))
        else:
            lines.append(_("Saldo: %(due)s - %(paid)s = %(balance)s, te betalen aan %(who)s.",
                           due=eur(due), paid=eur(paid_total), balance=eur(balance), who=who))
    elif reclaim > 0:
        if data.partnership:
            lines.append(_("Er werd %(reclaim)s te veel betaald (%(paid)s - %(due)s). %(who)s betaalt dit als "
                           "trekker van het samenwerkingsverband terug.", reclaim=eur(reclaim),
                           paid=eur(paid_total), due=eur(due), who=who))
        else:
            lines.append(_("Er werd %(reclaim)s te veel betaald (%(paid)s - %(due)s). %(who)s betaalt dit terug.",
                           reclaim=eur(reclaim), paid=eur(paid_total), due=eur(due), who=who))
    else:
        lines.append(_("Het verschuldigde bedrag is volledig betaald: er is geen saldo en niets terug te vorderen."))

    return BalanceResult(
        awarded=awarded,
        due=due,
        spending_limit=_round(spending_exact),
        cofinancing_limit=None if cofinancing_exact is None else _round(cofinancing_exact),
        paid_total=paid_total,
        balance=balance,
        reclaim=reclaim,
        counterparty=who,
        lines=tuple(lines),
    )


# --------------------------------------------------------------------------- reminders


class ReminderKind(enum.StrEnum):
    BEFORE_14 = "before_14"
    BEFORE_3 = "before_3"
    OVERDUE_1 = "overdue_1"
    OVERDUE_14 = "overdue_14"


# Days relative to the due date from which each kind applies; one side per sign. Within a
# side the later kind supersedes the earlier one.
REMINDER_KINDS: dict[ReminderKind, int] = {
    ReminderKind.BEFORE_14: -14,
    ReminderKind.BEFORE_3: -3,
    ReminderKind.OVERDUE_1: 1,
    ReminderKind.OVERDUE_14: 14,
}


class ReportDue(NamedTuple):
    report_id: int
    due_date: date
    submitted: bool


class Reminder(NamedTuple):
    """A reminder to send; equal to the plain tuple (report_id, kind) the unique key holds."""

    report_id: int
    kind: ReminderKind


def _applicable_kind(today: date, due_date: date) -> ReminderKind | None:
    """The latest kind on today's side of the due date, or None (too early, or between sides)."""
    offset = (today - due_date).days
    if offset <= 0:
        # before (and on) the due date: the deadline is 23:59:59 that day
        candidates = [k for k, days in REMINDER_KINDS.items() if days <= 0 and days <= offset]
    else:
        candidates = [k for k, days in REMINDER_KINDS.items() if days > 0 and days <= offset]
    return max(candidates, key=REMINDER_KINDS.__getitem__, default=None)


def reminders_due(today: date, reports: Iterable[ReportDue],
                  already_sent: set[tuple[int, str]]) -> list[Reminder]:
    """The reminders to send today, at most one per report, in the order of `reports`.

    `today` is the date in Brussels. Submitted reports are skipped; a (report, kind) in
    `already_sent` is never proposed again; on each side of the due date only the latest
    applicable kind is proposed, so a late run does not send the ones it missed.
    """
    proposals: list[Reminder] = []
    seen: set[int] = set()
    for report in reports:
        if report.submitted or report.report_id in seen:
            continue
        seen.add(report.report_id)
        kind = _applicable_kind(today, report.due_date)
        if kind is not None and (report.report_id, kind.value) not in already_sent:
            proposals.append(Reminder(report.report_id, kind))
    return proposals


# --------------------------------------------------------------------------- extensions


def extension_allowed(renewals_so_far: int, renewable_times: int) -> str | None:
    """None when one more extension is allowed; else the Dutch reason why not."""
    if renewals_so_far < 0 or renewable_times < 0:
        raise ValueError(_("Het aantal verlengingen kan niet negatief zijn."))
    if renewals_so_far < renewable_times:
        return None
    if renewable_times == 0:
        return _("De oproep laat geen verlenging van het project toe.")
    return ngettext("Het project werd al %(done)s keer verlengd; de oproep laat hoogstens %(num)s verlenging toe.",
                    "Het project werd al %(done)s keer verlengd; de oproep laat hoogstens %(num)s verlengingen toe.",
                    renewable_times, done=renewals_so_far)


def next_period(end: date, months: int) -> tuple[date, date]:
    """The period of an extension: from the day after `end`, for `months` months (inclusive dates)."""
    start = end + _ONE_DAY
    return start, period_end(start, months)
