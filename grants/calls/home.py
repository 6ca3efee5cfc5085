"""The agency's section of the home page: the calls that are not archived, with their applications
counted in one query."""
from __future__ import annotations

import sqlalchemy as sa

from ..accounts.models import Role
from ..applications.models import Application
from ..applications.states import ApplicationStatus
from ..extensions import db
from ..main.home import home_section
from ..timeutil import utcnow
from .models import Call
from .queries import list_columns, open_calls_query
from .states import CallStatus


@home_section(None, "calls/_welcome.html")
def welcome(user) -> dict:
    return {"open_calls": list(db.session.scalars(open_calls_query(utcnow()).options(list_columns())))}


@home_section(Role.ADMIN, "calls/_home.html")
def admin_dashboard(user) -> dict:
    calls = db.session.scalars(sa.select(Call).where(Call.status != CallStatus.ARCHIVED).options(list_columns())
                               .order_by(Call.closes_at.desc(), Call.id.desc())).all()
    per_call: dict[int, dict[str, int]] = {}
    for call_id, status, n in db.session.execute(
            sa.select(Application.call_id, Application.status, sa.func.count())
            .group_by(Application.call_id, Application.status)):
        entry = per_call.setdefault(call_id, {"total": 0, "submitted": 0, "draft": 0})
        entry["total"] += n
        entry["draft" if status == ApplicationStatus.DRAFT else "submitted"] += n
    return {"calls": calls, "per_call": per_call}
