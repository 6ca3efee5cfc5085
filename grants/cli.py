"""Admin command line: flask --app wsgi <command>."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask

from .extensions import db


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the demo data (idempotent): organisations, demo accounts, calls and applications."""
        from .demo import seed_demo
        summary = seed_demo(echo=click.echo)
        db.session.commit()
        click.echo("Demo data ready: " + ", ".join(f"{k} {v}" for k, v in summary.items()))

    @app.cli.command("import-municipalities")
    def import_municipalities_command():
        """Load or update the 285 Flemish municipalities from Statbel's list."""
        from .organisations.operations import flemish_municipalities, import_municipalities
        total = len(flemish_municipalities())
        with click.progressbar(length=total, label="Gemeenten") as bar:
            added = import_municipalities(progress=bar.update)
        db.session.commit()
        click.echo(f"{added} municipalities added, {total} in the list.")

    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--role", required=True, type=click.Choice(["applicant", "juror", "admin"]))
    @click.option("--password", required=True)
    @click.option("--name", default="")
    @click.option("--organisation", "organisation_code", default=None, help="REFNIS code or KBO number")
    def create_user_command(email, role, password, name, organisation_code):
        """Create a user, optionally a member of one organisation."""
        from .accounts.forms import MIN_PASSWORD
        from .accounts.models import Role
        from .accounts.operations import AccountError, create_user
        from .organisations.operations import find_organisation_by_code

        org_ids = []
        if organisation_code:
            org = find_organisation_by_code(organisation_code)
            if org is None:
                raise click.ClickException(f"Onbekende organisatie: {organisation_code} (geef een REFNIS-code of "
                                           "ondernemingsnummer).")
            org_ids = [org.id]
        if len(password) < MIN_PASSWORD:
            raise click.ClickException(f"Het wachtwoord moet minstens {MIN_PASSWORD} tekens tellen.")
        try:
            user = create_user(email=email, role=Role(role), name=name, password=password, organisation_ids=org_ids)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"User {user.email} created with role {user.role.value}.")

    @app.cli.command("create-token")
    @click.option("--email", required=True)
    def create_token_command(email):
        """Create an API token for an admin; the token is printed alone on the last line."""
        from .accounts.models import Role, User
        from .accounts.operations import create_api_token

        user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise click.ClickException(f"Geen gebruiker met e-mailadres {email}.")
        if user.role != Role.ADMIN:
            raise click.ClickException("Alleen beheerders (admin) krijgen een API-token.")
        token = create_api_token(user)
        db.session.commit()
        click.echo(f"API token for {user.email} (shown once):")
        click.echo(token)

    @app.cli.command("send-mail")
    def send_mail_command():
        """Retry mail that could not be delivered."""
        from .mail import deliver, pending_ids
        ids = pending_ids()
        sent = deliver(ids) if ids else 0
        click.echo(f"{sent} of {len(ids)} pending messages sent.")
