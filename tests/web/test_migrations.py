"""The Alembic migrations build exactly the models' schema, and come down again, on both databases."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from grants import create_app
from grants.extensions import db


def _schema_differences(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, db.metadata)


def test_upgrade_matches_the_models_and_downgrade_removes_everything(empty_database_url):
    app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            assert _schema_differences(conn) == []
            tables = set(sa.inspect(conn).get_table_names())
        for expected in ("organisations", "users", "calls", "applications", "budget_lines", "contributions",
                         "attachments", "panels", "assignments", "conflicts_of_interest", "score_sheets",
                         "scores", "decisions", "projects", "reports", "kpi_values", "payments", "audit_events"):
            assert expected in tables
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
        upgrade()  # and up again: the downgrade left nothing behind that blocks it
        db.engine.dispose()
