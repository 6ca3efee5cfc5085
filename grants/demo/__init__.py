"""Demo data: idempotent, so seed-demo can run any number of times."""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from ..extensions import db


def seed_demo(echo: Callable[[str], None] = lambda _msg: None) -> dict[str, int]:
    from ..organisations.models import Organisation
    from ..organisations.operations import import_municipalities
    from .accounts import seed_accounts
    from .organisations import seed_organisations

    added = import_municipalities()
    echo(f"Municipalities: {added} added.")
    seed_organisations()
    users = seed_accounts()
    summary = {
        "organisations": db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)),
        "demo users": users,
    }
    from .calls import seed_calls
    from .applications import seed_applications
    summary.update(seed_calls(echo))
    summary.update(seed_applications(echo))
    from .jury import seed_jury
    summary.update(seed_jury(echo))
    from .reporting import seed_reporting
    summary.update(seed_reporting(echo))
    from .awards import seed_awards
    summary.update(seed_awards(echo))
    return summary
