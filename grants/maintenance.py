"""Maintenance commands for the operator: flask --app wsgi verify-audit | backup FILE | restore FILE.

- verify-audit walks the audit trail's hash chain (grants/audit/chain.py) and names the first event
  that was changed or removed (exit code 1), or says "OK, N events" (exit code 0).
- backup and restore: see grants/backup.py.

The lines printed are the operator's log and stay English, as the other commands' summaries.
"""
from __future__ import annotations

import click
from flask import Flask

from .extensions import db


def register_maintenance_cli(app: Flask) -> None:
    @app.cli.command("verify-audit")
    def verify_audit_command():
        """Check the audit trail's hash chain: the first event changed or removed, or OK."""
        from .audit.chain import verify
        verdict = verify(db.session)
        db.session.rollback()
        if not verdict.ok:
            click.echo(f"BROKEN at event {verdict.event_id}: {verdict.problem} "
                       f"({verdict.count - 1} events before it are intact)")
            raise SystemExit(1)
        click.echo(f"OK, {verdict.count} events")

    @app.cli.command("backup")
    @click.argument("file", type=click.Path(dir_okay=False))
    def backup_command(file):
        """Write the database and the attachments to FILE (a tar.gz archive)."""
        from .backup import BackupError, backup
        try:
            summary = backup(file)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Backup written to {file}: {summary.database} database ({summary.tables} tables), "
                   f"{summary.files} attachments ({summary.bytes} bytes).")

    @app.cli.command("restore")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--force", is_flag=True, help="Replace a database or upload folder that is not empty.")
    def restore_command(file, force):
        """Restore the database and the attachments from FILE into the configured ones (empty, or --force)."""
        from .backup import BackupError, restore
        try:
            summary = restore(file, force=force)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Restored from {file}: {summary.database} database ({summary.tables} tables), "
                   f"{summary.files} attachments ({summary.bytes} bytes).")
