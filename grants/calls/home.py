"""The agency's section of the home page: the calls still running (not decided, not archived), with
their applications counted in one query; decided calls are only counted (their follow-up has its own
pages), so a call decided years ago does not pass for a running one."""
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
    finished = (CallStatus.DECIDED, CallStatus.ARCHIVED)
    calls = db.session.scalars(sa.select(Call).where(Call.status.not_in(finished)).options(list_columns())
                               .order_by(Call.closes_at.desc(), Call.id.desc())).all()
    decided = db.session.scalar(sa.select(sa.func.count()).select_from(Call)
                                .where(Call.status == CallStatus.DECIDED)) or 0
    per_call: dict[int, dict[str, int]] = {}
    for call_id, status, n in db.session.execute(
            sa.select(Application.call_id, Application.status, sa.func.count())
            .where(Application.call_id.in_([call.id for call in calls]))
            .group_by(Application.call_id, Application.status)):
        entry = per_call.setdefault(call_id, {"total": 0, "submitted": 0, "draft": 0})
        entry["total"] += n
        entry["draft" if status == ApplicationStatus.DRAFT else "submitted"] += n
    return {"calls": calls, "per_call": per_call, "decided": decided}
