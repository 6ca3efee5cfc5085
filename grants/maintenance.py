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
