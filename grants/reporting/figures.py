"""Small pure computations of the follow-up that the rules module does not hold: plain values in,
plain values out (no Flask, no database), tested by the hundred.

- `split_in_proportion`: an amount over weights, exact to the cent, adding up to the amount.
- `kpi_targets`: the target of each KPI is the value confirmed in the award; where the award
  confirmed none, the planned value of the application stands in, and that is said.
- `ProjectFigures`: what was awarded, paid, reclaimed and is still expected, from the payments.
- `action_status`: the status of a plan's action from the statuses of its projects.
- `duration_text`: "2 jaar", "18 maanden".
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from grants.i18n import _, ngettext
from grants.money import exact_cents, split_cumulative

from .rules import ProjectStatus

ZERO = Decimal("0.00")


def split_in_proportion(total: Decimal, weights: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """`total` over `weights`: each share the exact cumulative share rounded half up minus the previous,
    so the shares add up to the total exactly and each is within a cent of its exact share. Weights
    that are all zero share equally."""
    total = exact_cents(total, "Het bedrag")
    if not weights:
        return ()
    if any(Decimal(w) < 0 for w in weights):
        raise ValueError("Een gewicht kan niet negatief zijn.")
    if sum((Decimal(w) for w in weights), Decimal(0)) == 0:
        weights = [Decimal(1)] * len(weights)
    return split_cumulative(total, weights)


@dataclass(frozen=True)
class KpiTarget:
    kpi_id: int
    target: Decimal | None
    confirmed: bool  # False: the award confirmed no value, the planned value stands in (or none at all)


def kpi_targets(rows: Iterable[tuple[int, Decimal | None, Decimal | None]]) -> dict[int, KpiTarget]:
    """(kpi_id, confirmed_value, planned_value) -> the target per KPI, the confirmed value first."""
    targets = {}
    for kpi_id, confirmed, planned in rows:
        if confirmed is not None:
            targets[kpi_id] = KpiTarget(kpi_id, confirmed, True)
        else:
            targets[kpi_id] = KpiTarget(kpi_id, planned, False)
    return targets


@dataclass(frozen=True)
class PaymentLine:
    """A payment as the figures need it: kind and status values of grants.reporting.states."""

    kind: str
    status: str
    amount: Decimal


@dataclass(frozen=True)
class ProjectFigures:
    awarded: Decimal  # the award plus its extensions
    paid: Decimal  # paid out
    payable: Decimal  # due or approved, not paid yet
    expected: Decimal  # tranches still waiting for their report
    reclaim_open: Decimal  # to be repaid by the organisation
    reclaimed: Decimal  # repaid

    @property
    def paid_net(self) -> Decimal:
        return self.paid - self.reclaimed

    @property
    def reclaim_total(self) -> Decimal:
        return self.reclaim_open + self.reclaimed


def project_figures(awarded: Decimal, payments: Iterable[PaymentLine]) -> ProjectFigures:
    sums = {"paid": ZERO, "payable": ZERO, "expected": ZERO, "reclaim_open": ZERO, "reclaimed": ZERO}
    for p in payments:
        amount = exact_cents(p.amount, "Een betaling")
        if p.kind == "reclaim":
            if p.status == "reclaimed":
                sums["reclaimed"] += amount
            elif p.status in ("due", "approved"):
                sums["reclaim_open"] += amount
        elif p.status == "paid":
            sums["paid"] += amount
        elif p.status in ("due", "approved"):
            sums["payable"] += amount
        elif p.status == "planned":
            sums["expected"] += amount
    return ProjectFigures(awarded=exact_cents(awarded, "Het toegekende bedrag"), **sums)


def action_status(statuses: Iterable[ProjectStatus | str]) -> ProjectStatus:
    """Afgerond when every project is; Lopende as soon as one runs (or some are done and others not);
    Opgestart when one has started; Op te starten otherwise (also without projects)."""
    found = [ProjectStatus(s) for s in statuses]
    if found and all(s is ProjectStatus.FINISHED for s in found):
        return ProjectStatus.FINISHED
    if any(s in (ProjectStatus.RUNNING, ProjectStatus.FINISHED) for s in found):
        return ProjectStatus.RUNNING
    if any(s is ProjectStatus.STARTED for s in found):
        return ProjectStatus.STARTED
    return ProjectStatus.TO_START


def duration_text(months: int) -> str:
    """24 -> '2 jaar', 12 -> '1 jaar', 18 -> '18 maanden'."""
    if months % 12 == 0:
        years = months // 12
        return ngettext("%(num)s jaar", "%(num)s jaar", years)
    return ngettext("%(num)s maand", "%(num)s maanden", months)


def category_budgets(lines: Iterable[tuple[str, Decimal]], eligible: Sequence[str]) -> dict[str, Decimal]:
    """The budget per eligible cost category, in the call's order; categories the call does not fund
    are left out (they are not part of the subsidised budget). Without any eligible line, every
    eligible category is listed at zero."""
    totals: dict[str, Decimal] = {}
    for category, amount in lines:
        if category in eligible:
            totals[category] = totals.get(category, ZERO) + exact_cents(amount, "Een begrotingslijn")
    if not totals:
        return {category: ZERO for category in eligible}
    return {category: totals[category] for category in eligible if category in totals}


def scaled_budgets(budgets: Mapping[str, Decimal], total: Decimal) -> dict[str, Decimal]:
    """The same categories in the same proportions, for another total (an extension's budget)."""
    categories = list(budgets)
    return dict(zip(categories, split_in_proportion(total, [budgets[c] for c in categories])))


def reasons_text(problems: Iterable[str]) -> str:
    return " ".join(problems) or _("Het verslag is in orde.")
