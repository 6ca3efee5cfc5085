"""The command line: seed-demo, create-user, create-token."""
from __future__ import annotations

import sqlalchemy as sa

from grants.accounts.models import ApiToken, Role, User
from grants.extensions import db
from grants.organisations.models import Organisation, OrganisationKind


def _counts() -> dict[str, int]:
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables if table.name not in {"audit_events", "mail_messages"}}


def test_seed_demo_loads_285_municipalities_and_is_idempotent(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    municipalities = db.session.scalars(
        sa.select(Organisation).where(Organisation.kind == OrganisationKind.MUNICIPALITY)).all()
    assert len(municipalities) == 285
    assert all(m.refnis and len(m.refnis) == 5 and m.refnis.isdigit() for m in municipalities)
    assert {m.refnis: m.name for m in municipalities}["11002"] == "Antwerpen"
    assert {m.refnis: m.province for m in municipalities}["44021"] == "Oost-Vlaanderen"
    assert {m.province for m in municipalities} == {"Antwerpen", "Vlaams-Brabant", "West-Vlaanderen",
                                                     "Oost-Vlaanderen", "Limburg"}
    for role in Role:
        assert db.session.scalar(sa.select(User).where(User.role == role))
    before = _counts()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _counts() == before


def test_demo_accounts_can_log_in(app, browser):
    from grants.demo.accounts import DEMO_PASSWORD
    app.test_cli_runner().invoke(args=["seed-demo"])
    for email in ("admin@abb.demo", "jury@abb.demo", "gent@gemeente.demo"):
        assert browser.login(email, DEMO_PASSWORD).status_code == 302
        assert browser.get("/").status_code == 200
        browser.logout()


def test_create_user_with_an_organisation_by_refnis(app, municipalities):
    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", "Els@Gent.be", "--role", "applicant", "--password", "a-long-password-1",
        "--organisation", "44021"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "els@gent.be"))
    assert user.role == Role.APPLICANT
    assert [o.name for o in user.organisations] == ["Gent"]
    assert user.check_password("a-long-password-1")


def test_create_user_refuses_an_unknown_organisation_and_a_duplicate(app, municipalities):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--email", "x@y.be", "--role", "applicant",
                                 "--password", "a-long-password-1", "--organisation", "99999"])
    assert result.exit_code != 0 and "Onbekende organisatie" in result.output
    assert runner.invoke(args=["create-user", "--email", "x@y.be", "--role", "juror",
                               "--password", "a-long-password-1"]).exit_code == 0
    result = runner.invoke(args=["create-user", "--email", "x@y.be", "--role", "juror",
                                 "--password", "a-long-password-1"])
    assert result.exit_code != 0 and "bestaat al" in result.output
    result = runner.invoke(args=["create-user", "--email", "z@y.be", "--role", "boss", "--password", "x"])
    assert result.exit_code != 0


def test_create_token_prints_a_working_token_on_its_last_line(app, client):
    runner = app.test_cli_runner()
    runner.invoke(args=["create-user", "--email", "ann@abb.be", "--role", "admin", "--password", "a-long-password-1"])
    result = runner.invoke(args=["create-token", "--email", "ann@abb.be"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert len(token) >= 32 and " " not in token
    assert token not in {t.token_hash for t in db.session.scalars(sa.select(ApiToken))}  # only the hash is stored
    response = client.get("/api/v1/organisations", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_create_token_only_for_admins(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["create-user", "--email", "jan@jury.be", "--role", "juror", "--password", "a-long-password-1"])
    result = runner.invoke(args=["create-token", "--email", "jan@jury.be"])
    assert result.exit_code != 0 and "beheerders" in result.output
    assert runner.invoke(args=["create-token", "--email", "nobody@x.be"]).exit_code != 0
