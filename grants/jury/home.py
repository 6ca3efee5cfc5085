"""The juror's section of the home page: the applications assigned to them."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..accounts.models import Role
from ..extensions import db
from ..main.home import home_section
from .models import Assignment


@home_section(Role.JUROR, "jury/_home.html")
def juror_home(user) -> dict:
    assignments = list(db.session.scalars(
        sa.select(Assignment).where(Assignment.juror_id == user.id)
        .options(joinedload(Assignment.application), joinedload(Assignment.sheet))
        .order_by(Assignment.assigned_at)).unique())
    return {"assignments": assignments}
