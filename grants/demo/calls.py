"""Demo calls: the historical calls as they were and one open call of each kind.

Figures come from DOMAIN.md and the source documents (the action plan 2020-2024, the progress
report to parliament). Where the sources give no figure, the demo says so in the description
(marked "demo") instead of pretending. Idempotent: a call is looked up by its title first.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal as D

import sqlalchemy as sa

from ..calls.models import Call
from ..calls.operations import CallData, create_call
from ..calls.presets import ACTION_PLAN, COUNTER_VOICES, REGIE_ROLE, CallPreset
from ..calls.rules import CofinancingKind
from ..calls.states import CallStatus
from ..extensions import db
from ..timeutil import from_local, to_local, utcnow

def _note(text: str) -> str:
    return f"\n\n*Demo: {text}*"



def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return from_local(datetime.combine(day, time(hour, minute)))


def _open_window(now: datetime) -> tuple[datetime, datetime]:
    """Open now: from 2 November 2026 until 26 February 2027 (23:59, Brussels); later, around today."""
    opens, closes = _at(date(2026, 11, 2), 9), _at(date(2027, 2, 26), 23, 59)
    if now >= closes - timedelta(days=14):
        today = to_local(now).date()
        opens, closes = _at(today - timedelta(days=21), 9), _at(today + timedelta(days=90), 23, 59)
    return opens, closes


def _spec(title: str, preset: CallPreset, status: CallStatus, opens: datetime, closes: datetime,
          previous: str | None = None, **overrides) -> dict:
    return {"title": title, "preset": preset, "status": status, "opens": opens, "closes": closes,
            "previous": previous, "overrides": overrides}


def demo_call_specs(now: datetime | None = None) -> list[dict]:
    opens_now, closes_now = _open_window(now or utcnow())
    open_note = _note("een oproep om het hele verloop uit te proberen; de data en het budget zijn fictief.")
    return [
        _spec("Lokaal actieplan polarisatie 2022", ACTION_PLAN, CallStatus.DECIDED,
              _at(date(2022, 4, 1), 9), _at(date(2022, 7, 1), 23, 59),
              envelope=D("2500000.00"), project_start=date(2022, 10, 1),
              description=ACTION_PLAN.description + (
                  "\n\nPlan Samenleven 2022: intekenen tot 1 juli 2022, financiering vanaf 1 oktober 2022 voor "
                  "hoogstens 3 jaar. Extra financiële stimulans voor het mentorschap van een actie "
                  "(mentorbestuur) en voor samenwerking met kleinere besturen.")
              + _note("de openingsdatum en het budget zijn voor de demo gekozen; de bronnen vermelden ze niet.")),
        _spec("Maatschappelijke tegengeluiden mobiliseren 2017", COUNTER_VOICES, CallStatus.DECIDED,
              _at(date(2017, 7, 1), 9), _at(date(2017, 9, 29), 23, 59),
              project_start=date(2018, 3, 1),
              description=COUNTER_VOICES.description + (
                  "\n\nGelanceerd in juli 2017 (actieplan 2017, actie 14.2); indienen tot 29 september 2017. "
                  "Er kwamen 29 aanvragen binnen; de medewerkers van het agentschap gaven over elke aanvraag "
                  "een advies, daarna selecteerde de jury 11 projecten. De projecten startten op 1 maart 2018 "
                  "en liepen hoogstens 2 jaar.")),
        _spec("Lokale regierol 2015", REGIE_ROLE, CallStatus.DECIDED,
              _at(date(2015, 6, 1), 9), _at(date(2015, 9, 30), 23, 59),
              envelope=D("568311.00"), max_amount=D("85000.00"), max_amount_per_year=None, renewable_times=2,
              cofinancing_kind=CofinancingKind.NONE, cofinancing_value=None, waiver_allowed=False,
              project_start=date(2016, 3, 1),
              description=(
                  "Projectoproep ter ondersteuning van lokale besturen in de **preventie van radicalisering** "
                  "(actie 4.1: financiële ondersteuning van gemeenten met een hoog risicopotentieel, met het oog "
                  "op het opnemen van de regierol in het ordenen en afstemmen van het lokale aanbod).\n\n"
                  "Eind 2015 kregen 9 gemeenten een subsidie, samen 568.311 euro. De projecten startten op "
                  "1 maart 2016 en werden, zoals de oproep voorzag, tweemaal verlengd voor hetzelfde bedrag, "
                  "telkens na een nieuw dossier.")
              + _note("de indieningsperiode, het maximum per aanvraag (het hoogste toegekende bedrag) en de "
                      "cofinanciering zijn voor de demo gekozen; als budget geldt het toegekende totaal.")),
        _spec("Lokale regierol 2021-2022", REGIE_ROLE, CallStatus.DECIDED,
              _at(date(2021, 3, 15), 9), _at(date(2021, 5, 14), 23, 59), previous="Lokale regierol 2015",
              project_start=date(2021, 7, 1),
              description=REGIE_ROLE.description + (
                  "\n\nPeriode 1 juli 2021 - 30 juni 2022. In een tweede ronde werden de besturen die al "
                  "financiering kregen uitgesloten. Er werden 14 projecten goedgekeurd voor samen 818.573 euro.")
              + _note("de indieningsperiode is voor de demo gekozen; de bronnen vermelden haar niet.")),
        _spec("Lokaal actieplan polarisatie 2027", ACTION_PLAN, CallStatus.PUBLISHED, opens_now, closes_now,
              previous="Lokaal actieplan polarisatie 2022", envelope=D("2500000.00"),
              project_start=date(2027, 6, 1), description=ACTION_PLAN.description + open_note),
        _spec("Maatschappelijke tegengeluiden 2027", COUNTER_VOICES, CallStatus.PUBLISHED, opens_now, closes_now,
              previous="Maatschappelijke tegengeluiden mobiliseren 2017", project_start=date(2027, 9, 1),
              description=COUNTER_VOICES.description + open_note),
        _spec("Lokale regierol 2027", REGIE_ROLE, CallStatus.PUBLISHED, opens_now, closes_now,
              previous="Lokale regierol 2021-2022", project_start=date(2027, 7, 1),
              description=REGIE_ROLE.description + open_note),
    ]


def seed_calls(echo=lambda _msg: None) -> dict[str, int]:
    """Create the demo calls that are missing (by title); never change existing ones."""
    specs = demo_call_specs()
    titles = [spec["title"] for spec in specs]
    existing = {c.title: c for c in db.session.scalars(sa.select(Call).where(Call.title.in_(titles)))}
    added = 0
    for spec in specs:
        if spec["title"] in existing:
            continue
        overrides = dict(spec["overrides"])
        previous = existing.get(spec["previous"]) if spec["previous"] else None
        data = CallData.from_preset(spec["preset"], title=spec["title"], opens_at=spec["opens"],
                                    closes_at=spec["closes"], **overrides)
        call = create_call(data, status=spec["status"])
        if previous is not None:
            call.previous_round_id = previous.id
        existing[call.title] = call
        added += 1
    db.session.flush()
    echo(f"Calls: {added} added, {len(specs)} demo calls in total.")
    return {"calls": len(specs)}
