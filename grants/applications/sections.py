"""The sections of the application form: what each one shows, loads, saves and compares.

A section save is checked against what the section held when the form was loaded
(its fingerprint). A save on top of someone else's newer save of the same section is a
conflict and is shown with both versions; a newer save of another section is no
conflict, so two colleagues can fill in different sections at the same time.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from ..calls.states import SelectionMode
from ..i18n import _, lazy_gettext
from ..money import format_decimal, format_eur
from ..organisations.identifiers import format_iban
from . import forms as f
from .models import Application, ApplicationKpi, BudgetLine, Contribution, ContributionKind
from .rules import cost_category_choices, cost_category_label

BLANK_BUDGET_ROWS = 3
BLANK_CONTRIBUTION_ROWS = 2


@dataclass(frozen=True)
class Section:
    key: str
    title: Any  # a lazy_gettext: translated when shown (str() it for a message)
    fields: tuple[str, ...] = ()  # plain attributes of the application
    form_factory: Callable[[Application], type] | None = None
    applies: Callable[[Application], bool] = field(default=lambda app: True)
    action_only: bool = False  # partners and attachments: add/remove actions, no section form
    multipart: bool = False
    title_for: Callable[[Application], Any] | None = None  # a title that depends on the call


def _money(value: Decimal | None) -> str:
    return "" if value is None else format_eur(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# --------------------------------------------------------------------------- snapshots


def snapshot(section: str, app: Application) -> Any:
    """What a section holds now, as plain JSON-able values (for fingerprints and audit diffs)."""
    spec = SECTIONS[section]
    if spec.fields:
        return {name: _plain(getattr(app, name)) for name in spec.fields}
    if section == "budget":
        return [[line.category, line.description, _plain(line.fte), line.months, _plain(line.amount)]
                for line in app.budget_lines]
    if section == "financing":
        return {
            "requested_amount": _plain(app.requested_amount),
            "own_financial": _plain(app.contribution_total(ContributionKind.OWN_FINANCIAL)),
            "own_staff": _plain(app.contribution_total(ContributionKind.OWN_STAFF)),
            "third_party": [[c.source, _plain(c.amount)] for c in app.contributions
                            if c.kind == ContributionKind.THIRD_PARTY],
            "waiver_motivation": app.waiver_motivation,
        }
    if section == "kpis":
        values = {str(v.kpi_id): _plain(v.planned_value) for v in app.kpi_values}
        return {"kpis": dict(sorted(values.items())), "priority": app.priority}
    if section == "advice":
        return {"agency_advice": app.agency_advice}
    return {}


def fingerprint(section: str, app: Application) -> str:
    data = json.dumps(snapshot(section, app), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def shown(section: str, app: Application) -> list[tuple[str, str]]:
    """The saved content of a section as (label, text) pairs: the 'their version' side of a conflict."""
    spec = SECTIONS[section]
    if section == "budget":
        return [(f"{cost_category_label(line.category)}: {line.description}",
                 _money(line.amount) + (" " + _("(%(fte)s VTE, %(months)s maanden)", fte=format_decimal(line.fte),
                                                months=line.months)
                                        if line.fte is not None else "")) for line in app.budget_lines] \
            or [(_("Begroting"), _("(geen kostenposten)"))]
    if section == "financing":
        rows = [(_("Gevraagde subsidie"), _money(app.requested_amount)),
                (_("Eigen financiële inbreng"), _money(app.contribution_total(ContributionKind.OWN_FINANCIAL))),
                (_("Eigen personeelsinzet"), _money(app.contribution_total(ContributionKind.OWN_STAFF)))]
        rows += [(_("Bijdrage van %(source)s", source=c.source), _money(c.amount)) for c in app.contributions
                 if c.kind == ContributionKind.THIRD_PARTY]
        if app.waiver_motivation:
            rows.append((_("Motivatie afwijking"), app.waiver_motivation))
        return rows
    if section == "kpis":
        rows = [(f"{v.kpi.name}", format_decimal(v.planned_value)) for v in app.kpi_values]
        if app.priority is not None:
            rows.append((_("Prioriteit"), str(app.priority)))
        return rows
    if section == "payout":
        return [(_("Rekeningnummer"), format_iban(app.iban) if app.iban else "")]
    form_class = spec.form_factory(app) if spec.form_factory else None
    labels = {}
    if form_class is not None:
        for name in spec.fields:
            unbound = getattr(form_class, name, None)
            labels[name] = str(unbound.args[0]) if unbound is not None and unbound.args else name
    return [(labels.get(name, name), _display(getattr(app, name))) for name in spec.fields]


def _display(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d-%m-%Y")
    return str(value)


# --------------------------------------------------------------------------- forms


def _kpi_form(app: Application) -> type:
    call = app.call

    class KpiForm(f.SectionForm):
        pass

    # Built for each request, so _() gives the page's language here.
    for kpi in call.kpis:
        label = kpi.name + (f" ({kpi.unit})" if kpi.unit else "")
        setattr(KpiForm, f"kpi_{kpi.id}", f.DecimalField(
            label, places=2, minimum=Decimal(0), maximum=kpi.maximum or Decimal("9999999999.99"),
            description=_("Uw streefwaarde, hoogstens %(maximum)s.", maximum=format_decimal(kpi.maximum))
            if kpi.maximum else _("Uw streefwaarde.")))
    if call.selection_mode == SelectionMode.SIGN_UP:
        KpiForm.priority = f.WholeNumberField(
            _("Uw prioriteit"), minimum=1, maximum=99,
            description=_("Bij een intekening beslist uw eigen prioriteit wanneer het budget niet volstaat "
                          "(1 = hoogste prioriteit)."))
    return KpiForm


def _kpi_title(app: Application):
    """Only what the section holds: indicators, the sign-up priority, or both."""
    sign_up = app.call.selection_mode == SelectionMode.SIGN_UP
    if sign_up and app.call.kpis:
        return _("Indicatoren en prioriteit")
    return _("Prioriteit") if sign_up else _("Indicatoren")


def _budget_form(app: Application) -> type:
    return f.BudgetForm


SECTION_LIST = [
    Section("summary", lazy_gettext("Samenvatting"), ("title", "summary"), lambda app: f.SummaryForm),
    Section("problem", lazy_gettext("Probleemanalyse"), ("problem_analysis",), lambda app: f.ProblemForm),
    Section("objectives", lazy_gettext("Doelstellingen"), ("objectives",), lambda app: f.ObjectivesForm),
    Section("target_groups", lazy_gettext("Doelgroepen"), ("target_groups",), lambda app: f.TargetGroupsForm),
    Section("activities", lazy_gettext("Activiteiten en timing"), ("activities", "start_date", "end_date"),
            lambda app: f.ActivitiesForm),
    Section("partners", lazy_gettext("Partners"), action_only=True,
            applies=lambda app: bool(app.call.partnerships_allowed) or app.partnership is not None),
    Section("kpis", lazy_gettext("Indicatoren en prioriteit"), form_factory=_kpi_form,
            applies=lambda app: bool(app.call.kpis) or app.call.selection_mode == SelectionMode.SIGN_UP,
            title_for=_kpi_title),
    Section("budget", lazy_gettext("Begroting"), form_factory=_budget_form),
    Section("financing", lazy_gettext("Financiering"), form_factory=lambda app: f.FinancingForm),
    Section("contact", lazy_gettext("Contactpersoon"), ("contact_name", "contact_email", "contact_phone"),
            lambda app: f.ContactForm),
    Section("payout", lazy_gettext("Uitbetaling"), ("iban",), lambda app: f.PayoutForm, multipart=True),
    Section("attachments", lazy_gettext("Bijlagen"), action_only=True, multipart=True),
]
SECTIONS = {s.key: s for s in SECTION_LIST}
# The agency's advice uses the same conflict check, but is not part of the applicant's form.
SECTIONS["advice"] = Section("advice", lazy_gettext("Advies van het agentschap"), ("agency_advice",),
                             lambda app: f.AdviceForm, applies=lambda app: False)


def section_for(key: str, app: Application) -> Section | None:
    """The section with its title for this application's call (None for an unknown key)."""
    spec = SECTIONS.get(key)
    if spec is not None and spec.title_for is not None:
        return replace(spec, title=spec.title_for(app))
    return spec


def sections_for(app: Application) -> list[Section]:
    return [section_for(s.key, app) for s in SECTION_LIST if s.applies(app)]


def initial_data(section: str, app: Application) -> dict:
    """What the form shows on first load."""
    spec = SECTIONS[section]
    if spec.fields:
        data = {name: getattr(app, name) for name in spec.fields}
        if section == "payout" and app.iban:
            data["iban"] = format_iban(app.iban)
        return data
    if section == "budget":
        lines = [{"category": line.category, "description": line.description, "fte": line.fte,
                  "months": line.months, "amount": line.amount} for line in app.budget_lines]
        # Blank rows for new lines only up to the limit; saved lines are all shown, whatever their number.
        blank = max(0, min(BLANK_BUDGET_ROWS, f.MAX_BUDGET_LINES - len(lines)))
        return {"lines": lines + [{} for _row in range(blank)]}
    if section == "financing":
        own_fin = [c for c in app.contributions if c.kind == ContributionKind.OWN_FINANCIAL]
        own_staff = [c for c in app.contributions if c.kind == ContributionKind.OWN_STAFF]
        third = [{"source": c.source, "amount": c.amount} for c in app.contributions
                 if c.kind == ContributionKind.THIRD_PARTY]
        return {
            "requested_amount": app.requested_amount if app.requested_amount else None,
            "own_financial": sum((c.amount for c in own_fin), Decimal("0.00")) if own_fin else None,
            "own_staff": sum((c.amount for c in own_staff), Decimal("0.00")) if own_staff else None,
            "third_party": third + [{} for _row in range(max(0, min(BLANK_CONTRIBUTION_ROWS,
                                                                    f.MAX_THIRD_PARTY_ROWS - len(third))))],
            "waiver_motivation": app.waiver_motivation,
        }
    if section == "kpis":
        data = {f"kpi_{v.kpi_id}": v.planned_value for v in app.kpi_values}
        data["priority"] = app.priority
        return data
    return {}


def prepare_form(section: str, form, app: Application) -> None:
    """Runtime choices and limits that depend on the call."""
    if section == "budget":
        current = [line.category for line in app.budget_lines]
        choices = cost_category_choices(app.call.eligible_cost_categories or [])
        known = {code for code, _label in choices}
        extra = [(c, _("%(category)s (niet subsidiabel in deze oproep)", category=cost_category_label(c)))
                 for c in dict.fromkeys(current) if c not in known]
        form.allowed_categories = known | {c for c, _label in extra}
        for entry in form.lines:
            entry.form.category.choices = [("", _("-- kies --")), *choices, *extra]
    if section == "financing":
        form.max_amount = app.call.max_amount


# --------------------------------------------------------------------------- plain values


@dataclass(frozen=True)
class BudgetLineValues:
    category: str
    description: str
    amount: Decimal
    fte: Decimal | None = None
    months: int | None = None


@dataclass(frozen=True)
class ContributionValues:
    source: str
    amount: Decimal


def values_from_form(section: str, form) -> dict[str, Any]:
    """What a validated section form holds, as plain values for the operation (no form objects there)."""
    spec = SECTIONS[section]
    if spec.fields:
        return {name: getattr(form, name).data for name in spec.fields}
    if section == "budget":
        return {"lines": [BudgetLineValues(category=line.category.data, description=line.description.data or "",
                                           amount=line.amount.data, fte=line.fte.data, months=line.months.data)
                          for line in (entry.form for entry in form.lines)
                          if not line.remove.data and not line.is_blank()]}
    if section == "financing":
        return {"requested_amount": form.requested_amount.data, "own_financial": form.own_financial.data,
                "own_staff": form.own_staff.data, "waiver_motivation": form.waiver_motivation.data or "",
                "third_party": [ContributionValues(line.source.data, line.amount.data)
                                for line in (entry.form for entry in form.third_party) if not line.is_blank()]}
    if section == "kpis":
        kpis = {int(name[4:]): field.data for name, field in form._fields.items() if name.startswith("kpi_")}
        values: dict[str, Any] = {"kpis": kpis}
        if "priority" in form._fields:
            values["priority"] = form.priority.data
        return values
    raise ValueError(f"section {section} has no form")


def apply(section: str, values: dict[str, Any], app: Application) -> None:
    """Write a section's plain values into the application (the operation audits and checks conflicts)."""
    spec = SECTIONS[section]
    if spec.fields:
        for name in spec.fields:
            value = values.get(name)
            if value is None and name not in {"start_date", "end_date"}:
                value = ""
            setattr(app, name, value)
        return
    if section == "budget":
        app.budget_lines = [BudgetLine(position=n, category=line.category, description=line.description,
                                       fte=line.fte, months=line.months, amount=line.amount)
                            for n, line in enumerate(values["lines"], start=1)]
        return
    if section == "financing":
        app.requested_amount = values.get("requested_amount") or Decimal("0.00")
        rows = []
        if values.get("own_financial") is not None:
            rows.append(Contribution(kind=ContributionKind.OWN_FINANCIAL, source="", amount=values["own_financial"]))
        if values.get("own_staff") is not None:
            rows.append(Contribution(kind=ContributionKind.OWN_STAFF, source="", amount=values["own_staff"]))
        rows += [Contribution(kind=ContributionKind.THIRD_PARTY, source=row.source, amount=row.amount)
                 for row in values.get("third_party", [])]
        app.contributions = rows
        _apply_waiver(app, values.get("waiver_motivation", "") if app.call.waiver_allowed else "")
        return
    if section == "kpis":
        existing = {v.kpi_id: v for v in app.kpi_values}
        planned = values.get("kpis", {})
        for kpi in app.call.kpis:
            value = planned.get(kpi.id)
            row = existing.get(kpi.id)
            if row is None and value is not None:
                app.kpi_values.append(ApplicationKpi(kpi_id=kpi.id, planned_value=value, kpi=kpi))
            elif row is not None:
                row.planned_value = value
        if "priority" in values:
            app.priority = values["priority"]
        return
    raise ValueError(f"unknown section {section}")


def waiver_after(current, saved_motivation: str, motivation: str):
    """The waiver status after a save of the financing with this motivation: a new or changed motivation
    is a new request, an emptied one withdraws a pending request, a decided waiver stays decided."""
    from ..calls.rules import WaiverStatus
    if not motivation:
        return WaiverStatus.NONE if current == WaiverStatus.REQUESTED else current
    if motivation != saved_motivation or current == WaiverStatus.NONE:
        return WaiverStatus.REQUESTED
    return current


def _apply_waiver(app: Application, motivation: str) -> None:
    status = waiver_after(app.waiver, app.waiver_motivation or "", motivation)
    if status != app.waiver:
        app.waiver = status
    app.waiver_motivation = motivation
