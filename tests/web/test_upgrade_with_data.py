"""Upgrades keep the data: the counter-voices call of 2017 written in the first revision's schema
(20374d0facc4) with plain inserts, then upgraded to the latest revision, still has its 11 awards
for 437.995,00 EUR through the application's own queries, and its audit trail verifies (the
existing events are hashed by the audit-chain migration). SQLite, or PostgreSQL when
TEST_DATABASE_URL is set."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal as D

import sqlalchemy as sa
from flask_migrate import upgrade

from grants import create_app
from grants.extensions import db
from grants.money import format_eur


FIRST_REVISION = "20374d0facc4"
# DOMAIN.md: the 11 projects the jury selected out of 29 applications (deadline 29 September 2017).
AWARDS = [("CIBO Antwerpen", "nonprofit", D("42464.00")), ("Stad Roeselare", "municipality", D("49146.00")),
          ("KU Leuven", "university", D("49000.00")), ("Samo pravo Bissegem", "nonprofit", D("30575.00")),
          ("Ceapire Antwerpen", "nonprofit", D("50000.00")),
          ("Gemeente Molenbeek", "other_local_government", D("14810.00")),
          ("Vroemvroem Gent", "nonprofit", D("35000.00")), ("Partage en couleurs Molenbeek", "nonprofit", D("50000.00")),
          ("Averroes Gent", "nonprofit", D("50000.00")), ("Stad Vilvoorde", "municipality", D("17000.00")),
          ("PAJ Antwerpen", "nonprofit", D("50000.00"))]
NOT_AWARDED = [("Jeugdhuis Kortrijk", "nonprofit", D("48000.00"), "rejected"),
               ("Stad Mechelen", "municipality", D("45000.00"), "rejected"),
               ("Vzw Brug Leuven", "nonprofit", D("25000.00"), "waitlisted")]
T0 = datetime(2017, 9, 20, 10, 0)  # naive UTC, as the columns store it


def _insert(conn, meta, name, rows):
    table = meta.tables[name]
    return [conn.execute(table.insert().values(**row)).inserted_primary_key[0] for row in rows]


def _counter_voices_2017(conn) -> int:
    meta = sa.MetaData()
    meta.reflect(conn)
    assert "projects" in meta.tables and "published_at" not in meta.tables["decisions"].c  # the first schema
    (admin,) = _insert(conn, meta, "users", [dict(email="admin@abb.example", name="Dossierbeheerder", role="admin",
                                                  active=True, created_at=T0, session_token="a" * 64)])
    (call,) = _insert(conn, meta, "calls", [dict(
        title="Maatschappelijke tegengeluiden mobiliseren 2017", description="Projectoproep (actie 14.2).",
        kind="counter_voices", status="decided", selection_mode="competitive", dossier_prefix="TG",
        opens_at=datetime(2017, 7, 3, 8, 0), closes_at=datetime(2017, 9, 29, 21, 59), envelope=D("500000.00"),
        max_amount=D("50000.00"), max_duration_months=24, renewable_times=0, project_start=datetime(2018, 3, 1).date(),
        allowed_kinds=["municipality", "nonprofit", "school", "university", "other_local_government"],
        partnerships_allowed=False, one_application_per_organisation=True, cofinancing_kind="none",
        waiver_allowed=False, eligible_cost_categories=["staff", "operating"], jurors_per_application=3,
        jurors_see_other_scores=False, report_months=[12, 24], created_at=T0, updated_at=T0, version=1)])
    everyone = [(n, k, a, "awarded") for n, k, a in AWARDS] + NOT_AWARDED
    for number, (name, kind, amount, outcome) in enumerate(everyone, start=1):
        (org,) = _insert(conn, meta, "organisations", [dict(name=name, kind=kind, created_at=T0)])
        (app,) = _insert(conn, meta, "applications", [dict(
            call_id=call, organisation_id=org, status=outcome, dossier_number=f"TG-2017-{number:04d}",
            dossier_sequence=number, title=f"Tegengeluid {name}", summary="Samenvatting.", problem_analysis="Analyse.",
            objectives="Doelen.", target_groups="Jongeren.", activities="Activiteiten.", requested_amount=amount,
            waiver="none", waiver_motivation="", contact_name="Contact", contact_email="contact@example.be",
            contact_phone="", iban="BE68539007547034", created_at=T0, created_by_id=None, updated_at=T0,
            submitted_at=T0, screening_reason="", screened_at=T0, screened_by_id=admin,
            agency_advice="Advies van het agentschap.", version=3)])
        _insert(conn, meta, "decisions", [dict(
            application_id=app, outcome=outcome, amount=amount if outcome == "awarded" else None,
            motivation="Beslissing van de minister.", decided_at=datetime(2017, 12, 15, 10, 0), decided_by_id=admin)])
        _insert(conn, meta, "audit_events", [
            dict(created_at=T0, actor_id=None, action="application.submit", object_type="applications", object_id=app,
                 changes={"status": ["draft", "submitted"], "dossier_number": [None, f"TG-2017-{number:04d}"]}),
            dict(created_at=datetime(2017, 12, 15, 10, 0, 0, 250000), actor_id=admin, action="application.decide",
                 object_type="applications", object_id=app, changes={"status": ["under_review", outcome]},
                 reason="Jury 2017 – ‘tegengeluiden’")])
    return call


def test_the_2017_awards_survive_every_migration(empty_database_url):
    app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision=FIRST_REVISION)
        with db.engine.begin() as conn:
            call_id = _counter_voices_2017(conn)
        upgrade()

        from grants.audit.models import AuditEvent
        from grants.reporting.queries import awards_for_calls
        awards = awards_for_calls([call_id])
        assert len(awards) == 11
        assert {app.organisation.name: decision.amount for app, decision in awards} == {n: a for n, _k, a in AWARDS}
        total = sum((decision.amount for _app, decision in awards), D("0"))
        assert total == D("437995.00") and format_eur(total) == "437.995,00 EUR"
        assert all(decision.published for _app, decision in awards)  # earlier decisions count as published
        assert [app.dossier_number for app, _d in awards] == [f"TG-2017-{n:04d}" for n in range(1, 12)]

        events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
        result = app.test_cli_runner().invoke(args=["verify-audit"])
        assert (result.exit_code, result.output.strip()) == (0, f"OK, {events} events")
        assert events == 2 * 14
        db.session.remove()
        db.engine.dispose()
