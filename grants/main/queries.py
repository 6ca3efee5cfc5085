"""Reads for the home pages; each a fixed number of queries whatever the number of rows."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..applications.models import Application
from ..applications.states import ApplicationStatus
from ..calls.models import Call
from ..calls.states import CallStatus
from ..extensions import db
from ..jury.models import Assignment
from ..timeutil import utcnow


def public_open_calls() -> list[Call]:
    now = utcnow()
    return list(db.session.scalars(
        sa.select(Call).where(Call.status == CallStatus.PUBLISHED, Call.closes_at > now).order_by(Call.closes_at)))


def admin_dashboard() -> dict:
    calls = db.session.scalars(sa.select(Call).where(Call.status != CallStatus.ARCHIVED)
                               .order_by(Call.closes_at.desc())).all()
    counts = {(row.call_id, row.status): row.n for row in db.session.execute(
        sa.select(Application.call_id, Application.status, sa.func.count().label("n"))
        .group_by(Application.call_id, Application.status))}
    per_call = {}
    for (call_id, status), n in counts.items():
        entry = per_call.setdefault(call_id, {"total": 0, "submitted": 0, "draft": 0})
        entry["total"] += n
        if status == ApplicationStatus.DRAFT:
            entry["draft"] += n
        else:
            entry["submitted"] += n
    return {"calls": calls, "per_call": per_call}


def juror_assignments(user) -> list[Assignment]:
    return list(db.session.scalars(
        sa.select(Assignment).where(Assignment.juror_id == user.id)
        .options(joinedload(Assignment.application), joinedload(Assignment.sheet))
        .order_by(Assignment.assigned_at)).unique())


def applicant_home(user) -> dict:
    org_ids = [o.id for o in user.organisations]
    applications = list(db.session.scalars(
        sa.select(Application).where(Application.organisation_id.in_(org_ids))
        .order_by(Application.updated_at.desc()))) if org_ids else []
    return {"applications": applications, "open_calls": public_open_calls()}
