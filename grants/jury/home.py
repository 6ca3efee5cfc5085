"""The jury's sections of the home page.

- The juror: per call whose jury they are on, the deadline and the time left, how many
  applications still wait for their conflict declaration, and the applications assigned to them
  (those they are conflicted on are not shown at all) with the progress of each sheet: not
  started, draft, submitted. A fixed number of queries, whatever the number of assignments.
- The agency: the calls past their draft, with their jury (if set up) and links to set-up,
  conflicts, assignments, dashboard and ranking (one query).
"""
from __future__ import annotations

import sqlalchemy as sa

from ..accounts.models import Role
from ..extensions import db
from ..main.home import home_section
from ..timeutil import describe_remaining
from ..calls.models import Call
from ..calls.states import CallStatus
from .models import Panel, panel_members
from . import operations
from .queries import juror_home as juror_calls
from .states import SHEET_STATES, SheetStatus


@home_section(Role.JUROR, "jury/_home.html")
def juror_home(user) -> dict:
    now = operations.current_time()
    calls = []
    for entry in juror_calls(user):
        deadline = entry.panel.scoring_deadline
        calls.append({"entry": entry, "deadline": deadline,
                      "closed": bool(operations.sheet_refusal(entry.panel, now)),
                      "remaining": describe_remaining(deadline - now) if deadline else None})
    return {"calls": calls, "states": SHEET_STATES, "statuses": list(SheetStatus)}


@home_section(Role.ADMIN, "jury/_admin_home.html", order=60)
def agency_juries(user) -> dict:
    """Calls past their draft and not archived, each with its panel (if set up) and its number of jurors."""
    jurors = (sa.select(panel_members.c.panel_id, sa.func.count().label("n"))
              .group_by(panel_members.c.panel_id).subquery())
    rows = db.session.execute(
        sa.select(Call, Panel, jurors.c.n).outerjoin(Panel, Panel.call_id == Call.id)
        .outerjoin(jurors, jurors.c.panel_id == Panel.id)
        .where(Call.status.not_in([CallStatus.DRAFT, CallStatus.ARCHIVED]))
        .order_by(Call.closes_at.desc(), Call.id.desc())).all()
    return {"juries": [{"call": call, "panel": panel, "jurors": n or 0} for call, panel, n in rows]}
