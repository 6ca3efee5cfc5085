"""The half-yearly progress report to parliament, written from the data (seeds/001_*).

One block per action of a policy plan, in the seed's shape: the action's number and title, its
status (Op te starten, Opgestart, Lopende, Afgerond: from the projects of the linked calls, unless
the agency set it), the responsible ministers, the policy domains, the other stakeholders; then the
description, assembled from the linked calls' facts (launched, deadline, number of applications,
selected projects with the award list "Organisation – Place (amount euro)", start and duration,
extensions) and from the approved project reports (how many projects finished, the bottlenecks and
successes they reported); and the budget: committed (the calls' envelopes and the extensions), awarded (awards and
extensions) and paid (paid out less what was repaid).

The same ProgressReport feeds the printable page, the XLSX and the PDF.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date

from ..applications.models import Application
from ..awards.models import Decision
from ..calls.models import Call
from ..calls.states import CallStatus, SelectionMode
from ..exports.writers import AwardRow, award_text_list
from ..i18n import _, ngettext
from ..states import current_language
from ..timeutil import to_local, utcnow
from . import queries
from .figures import action_status, duration_text
from .models import PolicyAction, PolicyPlan
from .rules import ProjectStatus, project_status_label
from .states import ReportStatus

ZERO = Decimal("0.00")
EXCERPT = 300  # characters of a report's bottlenecks and successes quoted in the description


def long_date(day: date) -> str:
    """1 maart 2018 (1 March 2018 in English)."""
    return format_date(day, "d MMMM y", locale=current_language())


def month_year(day: date) -> str:
    """juli 2017."""
    return format_date(day, "MMMM y", locale=current_language())


def _times(n: int) -> str:
    words = {1: _("eenmaal"), 2: _("tweemaal"), 3: _("driemaal")}
    return words.get(n) or _("%(num)s keer", num=n)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[:EXCERPT].rsplit(" ", 1)[0] + " …"


def award_name(app: Application) -> tuple[str, str]:
    """(organisation, place) for the award list: 'Maaseik i.s.m. Dilsen-Stokkem' for a partnership; a local
    government is its own place, another organisation is followed by its place."""
    org = app.organisation
    name = org.name
    if app.partnership is not None:
        partners = sorted(m.organisation.name for m in app.partnership.members if m.organisation_id != org.id)
        if partners:
            name = _("%(lead)s i.s.m. %(partners)s", lead=org.name, partners=", ".join(partners))
    place = "" if org.kind.is_local_government else (org.place or "")
    return name, place


@dataclass
class AwardLine:
    application: Application
    amount: Decimal
    organisation: str
    place: str
    status: ProjectStatus | None  # None: no project yet
    paid: Decimal


@dataclass
class CallBlock:
    call: Call
    paragraphs: list[str]
    award_list: str  # "- CIBO – Antwerpen (42.464 euro);\n..."
    closing: list[str]  # after the list: start and duration, extensions, follow-up
    bottlenecks: list[tuple[str, str]]  # (organisation, excerpt) from approved reports
    awards: list[AwardLine]


@dataclass
class ActionBlock:
    action: PolicyAction
    status: ProjectStatus
    calls: list[CallBlock]
    committed: Decimal
    awarded: Decimal
    paid: Decimal

    @property
    def status_label(self) -> str:
        return project_status_label(self.status)


@dataclass
class ProgressReport:
    plan: PolicyPlan
    blocks: list[ActionBlock]
    generated_at: datetime
    totals: dict[str, Decimal] = field(default_factory=dict)


def _call_block(call: Call, handed_in: int, awards: list[tuple[Application, Decision]], projects: list,
                on: date) -> CallBlock:
    by_app = {p.application_id: p for p in projects}
    paragraphs = [_("De projectoproep '%(title)s' werd in %(month)s gelanceerd.", title=call.title,
                    month=month_year(to_local(call.opens_at).date()))]
    closes = to_local(call.closes_at).date()
    if call.status == CallStatus.PUBLISHED and utcnow() < call.closes_at:
        paragraphs.append(_("Aanvragen kunnen ingediend worden tot %(date)s.", date=long_date(closes)))
    else:
        paragraphs.append(_("Geïnteresseerden konden tot %(date)s een aanvraag indienen.", date=long_date(closes)))
    paragraphs.append(ngettext("Er werd %(num)s aanvraag ingediend.", "Er werden %(num)s aanvragen ingediend.",
                               handed_in))
    lines: list[AwardLine] = []
    for app, decision in awards:
        name, place = award_name(app)
        project = by_app.get(app.id)
        facts = queries.facts(project, on) if project is not None else None
        lines.append(AwardLine(app, decision.amount or ZERO, name, place, facts.status if facts else None,
                               facts.figures.paid_net if facts else ZERO))
    if lines:
        if call.selection_mode == SelectionMode.COMPETITIVE:
            paragraphs.append(_("De aanvragen werden geadviseerd door medewerkers van het agentschap en voorgelegd "
                                "aan een jury."))
            paragraphs.append(ngettext("Er werd %(num)s project geselecteerd:", "Er werden %(num)s projecten "
                                       "geselecteerd:", len(lines)))
        else:
            paragraphs.append(ngettext("Er werd %(num)s project toegekend:", "Er werden %(num)s projecten "
                                       "toegekend:", len(lines)))
    else:
        paragraphs.append(_("Er werden nog geen projecten geselecteerd."))
    rows = [AwardRow(dossier_number=line.application.dossier_number or "", organisation=line.organisation,
                     refnis=line.application.organisation.refnis, province=line.application.organisation.province or "",
                     project_title=line.application.title, requested=line.application.requested_amount,
                     awarded=line.amount, own_contribution=ZERO, place=line.place) for line in lines]
    closing: list[str] = []
    if projects:
        start = min(p.start_date for p in projects)
        started = start <= on
        if call.max_duration_months:
            duration = duration_text(call.max_duration_months)
            closing.append(_("De projecten gingen van start op %(date)s en lopen maximaal %(duration)s.",
                             date=long_date(start), duration=duration) if started else
                           _("De projecten gaan van start op %(date)s en lopen maximaal %(duration)s.",
                             date=long_date(start), duration=duration))
        else:
            closing.append(_("De projecten gingen van start op %(date)s.", date=long_date(start)) if started
                           else _("De projecten gaan van start op %(date)s.", date=long_date(start)))
        counts = {len(p.extensions) for p in projects}
        extended = [p for p in projects if p.extensions]
        if extended:
            same = all(e.amount == p.awarded_amount for p in extended for e in p.extensions)
            if len(counts) == 1 and len(extended) == len(projects):
                times = _times(counts.pop())
                closing.append(_("De %(count)s projecten werden %(times)s verlengd voor hetzelfde bedrag, telkens na "
                                 "een nieuw dossier.", count=len(projects), times=times) if same else
                               _("De %(count)s projecten werden %(times)s verlengd, telkens na een nieuw dossier.",
                                 count=len(projects), times=times))
            else:
                closing.append(ngettext("%(num)s project werd verlengd na een nieuw dossier.",
                                        "%(num)s projecten werden verlengd na een nieuw dossier.", len(extended)))
        statuses = [queries.facts(p, on).status for p in projects]
        finished = statuses.count(ProjectStatus.FINISHED)
        approved = sum(1 for p in projects for r in p.reports if r.status == ReportStatus.APPROVED)
        if finished == len(projects):
            closing.append(_("Alle projecten zijn afgerond en afgerekend."))
        elif finished:
            closing.append(_("%(finished)s van de %(count)s projecten zijn afgerond.", finished=finished,
                             count=len(projects)))
        if approved:
            closing.append(ngettext("Het agentschap keurde %(num)s verslag goed.",
                                    "Het agentschap keurde %(num)s verslagen goed.", approved))
        closing.append(_("Het agentschap voorziet in opvolging en begeleiding van de projecten. Knelpunten en "
                         "successen worden geïnventariseerd."))
    bottlenecks = []
    for project in sorted(projects, key=lambda p: p.application.organisation.name):
        approved_reports = [r for r in project.reports if r.status == ReportStatus.APPROVED and r.bottlenecks.strip()]
        if approved_reports:
            latest = max(approved_reports, key=lambda r: (r.period, r.due_date, r.id))
            bottlenecks.append((award_name(project.application)[0], _excerpt(latest.bottlenecks)))
    return CallBlock(call=call, paragraphs=paragraphs, award_list=award_text_list(rows), closing=closing,
                     bottlenecks=bottlenecks, awards=lines)


def progress_report(plan: PolicyPlan, on: date | None = None) -> ProgressReport:
    """The progress report of a plan loaded with queries.load_plan (actions, linked calls)."""
    on = on or queries.today()
    call_ids = [link.call_id for action in plan.actions for link in action.call_links]
    handed_in = queries.handed_in_counts(call_ids)
    awards = queries.awards_for_calls(call_ids)
    projects = queries.projects_for_calls(call_ids)
    awards_by_call: dict[int, list] = {}
    for app, decision in awards:
        awards_by_call.setdefault(app.call_id, []).append((app, decision))
    projects_by_call: dict[int, list] = {}
    for project in projects:
        projects_by_call.setdefault(project.application.call_id, []).append(project)
    blocks = []
    for action in plan.actions:
        calls = [link.call for link in action.call_links]
        call_blocks = [_call_block(call, handed_in.get(call.id, 0), awards_by_call.get(call.id, []),
                                   projects_by_call.get(call.id, []), on) for call in calls]
        action_projects = [p for call in calls for p in projects_by_call.get(call.id, [])]
        all_facts = [queries.facts(p, on) for p in action_projects]
        if action.status_override:
            status = ProjectStatus(action.status_override)
        else:
            status = action_status(f.status for f in all_facts)
        # An extension commits money beyond the call's envelope: it counts as committed too.
        committed = sum((call.envelope for call in calls), ZERO) + sum(
            (e.amount for p in action_projects for e in p.extensions), ZERO)
        awarded = sum((d.amount or ZERO for call in calls for _app, d in awards_by_call.get(call.id, [])), ZERO)
        awarded += sum((e.amount for p in action_projects for e in p.extensions), ZERO)
        paid = sum((f.figures.paid_net for f in all_facts), ZERO)
        blocks.append(ActionBlock(action=action, status=status, calls=call_blocks, committed=committed,
                                  awarded=awarded, paid=paid))
    totals = {"committed": sum((b.committed for b in blocks), ZERO), "awarded": sum((b.awarded for b in blocks), ZERO),
              "paid": sum((b.paid for b in blocks), ZERO)}
    return ProgressReport(plan=plan, blocks=blocks, generated_at=utcnow(), totals=totals)


def block_text(block: ActionBlock) -> str:
    """The description of an action as one text (for the XLSX): paragraphs, the award list, the closing."""
    parts = []
    for call_block in block.calls:
        parts.append(" ".join(call_block.paragraphs))
        if call_block.award_list:
            parts.append(call_block.award_list)
        if call_block.closing:
            parts.append(" ".join(call_block.closing))
        for organisation, excerpt in call_block.bottlenecks:
            parts.append(f"{organisation}: {excerpt}")
    return "\n\n".join(parts)
