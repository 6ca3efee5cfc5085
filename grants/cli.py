"""Admin command line: flask --app wsgi <command>.

Refusals an admin reads are Dutch through gettext (the command line has no page language: the
default, Dutch). The progress lines and summaries are the operator's log and stay English, as the
scripts and tests that read them expect.
"""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask

from .extensions import db
from .i18n import _
from .unit_of_work import unit_of_work


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the demo data (idempotent): organisations, demo accounts, calls and applications."""
        from .demo import seed_demo
        with unit_of_work():
            summary = seed_demo(echo=click.echo)
        click.echo("Demo data ready: " + ", ".join(f"{k} {v}" for k, v in summary.items()))

    @app.cli.command("import-municipalities")
    def import_municipalities_command():
        """Load or update the 285 Flemish municipalities from Statbel's list."""
        from .organisations.operations import flemish_municipalities, import_municipalities
        total = len(flemish_municipalities())
        with unit_of_work(), click.progressbar(length=total, label=_("Gemeenten")) as bar:
            added = import_municipalities(progress=bar.update)
        click.echo(f"{added} municipalities added, {total} in the list.")

    @app.cli.command("create-user")
    @click.option("--email", required=True)
    @click.option("--role", required=True, type=click.Choice(["applicant", "juror", "admin"]))
    @click.option("--password", required=True)
    @click.option("--name", default="")
    @click.option("--organisation", "organisation_code", default=None, help="REFNIS code or KBO number")
    def create_user_command(email, role, password, name, organisation_code):
        """Create a user, optionally a member of one organisation."""
        with unit_of_work():
            user = _create_user(email, role, password, name, organisation_code)
        click.echo(f"User {user.email} created with role {user.role.value}.")

    @app.cli.command("create-token")
    @click.option("--email", required=True)
    def create_token_command(email):
        """Create an API token for an admin; the token is printed alone on the last line."""
        from .accounts.models import Role, User
        from .accounts.operations import create_api_token

        user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise click.ClickException(_("Geen gebruiker met e-mailadres %(email)s.", email=email))
        if user.role != Role.ADMIN:
            raise click.ClickException(_("Alleen beheerders (admin) krijgen een API-token."))
        with unit_of_work():
            token = create_api_token(user)
        click.echo(f"API token for {user.email} (shown once):")
        click.echo(token)

    @app.cli.command("send-mail")
    def send_mail_command():
        """Retry mail that could not be delivered."""
        from .mail import deliver, pending_ids
        ids = pending_ids()
        sent = deliver(ids) if ids else 0
        click.echo(f"{sent} of {len(ids)} pending messages sent.")


    @app.cli.command("send-reminders")
    @click.option("--date", "on", default=None, help="Run as if today were this date (YYYY-MM-DD, Brussels).")
    def send_reminders_command(on):
        """Remind organisations of reports due soon or overdue (for cron; never the same reminder twice)."""
        from datetime import date as date_type

        from .reporting.operations import reminders_to_send, send_reminder, today
        try:
            day = date_type.fromisoformat(on) if on else today()
        except ValueError as exc:
            raise click.ClickException(_("Geef de datum als JJJJ-MM-DD.")) from exc
        with unit_of_work():
            due = reminders_to_send(day)
        sent = 0
        for reminder in due:
            # One short transaction per reminder: the claim and its mail commit together, and a run
            # that overlaps this one finds the claim and skips it.
            with unit_of_work():
                sent += send_reminder(reminder)
        click.echo(f"{sent} reminders sent, {len(due) - sent} already sent by another run ({day.isoformat()}).")


    @app.cli.command("export-awards")
    @click.argument("call_id", type=int)
    @click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, writable=True),
                  help="The file to write: .xlsx (three sheets) or .csv (the awards, for Dutch Excel).")
    def export_awards_command(call_id, output):
        """Write a call's award list (draft or published) to an XLSX or CSV file."""
        _export_awards(call_id, output)


def _create_user(email: str, role: str, password: str, name: str, organisation_code: str | None):
    """The user, or a ClickException with the reason (the caller's unit of work then rolls back)."""
    from .accounts.forms import MIN_PASSWORD
    from .accounts.models import Role
    from .accounts.operations import AccountError, create_user
    from .organisations.operations import find_organisation_by_code

    org_ids = []
    if organisation_code:
        org = find_organisation_by_code(organisation_code)
        if org is None:
            raise click.ClickException(_("Onbekende organisatie: %(code)s (geef een REFNIS-code of "
                                         "ondernemingsnummer).", code=organisation_code))
        org_ids = [org.id]
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(_("Het wachtwoord moet minstens %(minimum)s tekens tellen.", minimum=MIN_PASSWORD))
    try:
        return create_user(email=email, role=Role(role), name=name, password=password, organisation_ids=org_ids)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc


# Above this many rows the export shows a progress bar (a smaller call is written in a blink).
EXPORT_PROGRESS_FROM = 1000


def _export_awards(call_id: int, output: str) -> None:
    """The export behind `export-awards`; a ClickException (exit code 1) for an unknown call, an
    unsupported extension or a file that cannot be written, before anything is written."""
    from pathlib import Path

    from .exports.queries import award_export, load_call
    from .exports.writers import awards_csv, awards_xlsx

    path = Path(output)
    extension = path.suffix.lower()
    if extension not in (".xlsx", ".csv"):
        raise click.ClickException(_("Onbekend bestandstype %(extension)s: kies een bestand op .xlsx of .csv.",
                                     extension=extension or _("(geen)")))
    call = load_call(call_id)
    if call is None:
        raise click.ClickException(_("Er is geen oproep met nummer %(id)s.", id=call_id))
    export = award_export(call)
    rows = len(export.awards) + (len(export.applications) + len(export.scores) if extension == ".xlsx" else 0)
    with click.progressbar(length=rows, label=_("Toekenningen exporteren"),
                           hidden=rows < EXPORT_PROGRESS_FROM) as bar:
        done = [0]

        def progress(written: int) -> None:  # the writers report the rows written so far
            bar.update(written - done[0])
            done[0] = written

        if extension == ".xlsx":
            data = awards_xlsx(export.awards, export.applications, export.scores, call_title=export.call_title,
                               progress_callback=progress, budget=export.budget)
        else:
            data = awards_csv(export.awards, progress_callback=progress)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(_("Kan %(path)s niet schrijven: %(reason)s", path=str(path),
                                     reason=exc.strerror or str(exc))) from exc
    state = "published" if export.published else "draft, not published"
    click.echo(f"{len(export.awards)} awards ({state}), total {export.total_awarded:.2f} EUR, written to {path}.")
