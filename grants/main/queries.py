"""Reads for the home pages; each a fixed number of queries whatever the number of rows."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..applications.models import Application
from ..applications.states import ApplicationStatus
from ..calls.models import Call
from ..calls.queries import open_calls_query
from ..calls.states import CallStatus
from ..extensions import db
from ..jury.models import Assignment
from ..timeutil import utcnow


def public_open_calls() -> list[Call]:
    return list(db.session.scalars(open_calls_query(utcnow())))


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
    """The applications of the user's organisations (also as partner) with their next step, and the open
    calls with, per organisation, whether it may apply and why not. A fixed number of queries."""
    from sqlalchemy.orm import selectinload

    from ..applications.operations import current_time
    from ..applications.queries import eligibility, existing_application_counts, visible_clause
    from ..applications.rules import next_step

    now = current_time()
    organisations = list(user.organisations)
    org_ids = [o.id for o in organisations]
    applications = list(db.session.scalars(
        sa.select(Application).where(visible_clause(user))
        .options(selectinload(Application.info_requests), selectinload(Application.partnership))
        .order_by(Application.updated_at.desc(), Application.id.desc())).unique()) if org_ids else []
    rows = []
    for app in applications:
        request = app.open_info_request
        rows.append({
            "app": app, "role": "lead" if app.organisation_id in org_ids else "partner",
            "next_step": next_step(app.status, closes_at=app.call.closes_at, call_open=app.call.is_open_at(now),
                                   due_at=request.due_at if request else None, now=now,
                                   reason=app.screening_reason),
        })
    calls = list(db.session.scalars(
        open_calls_query(now).options(selectinload(Call.allowed_organisations), selectinload(Call.exclusions))))
    counts = existing_application_counts([c.id for c in calls], org_ids)
    own = {(a.call_id, a.organisation_id): a for a in applications
           if a.organisation_id in org_ids and a.status != ApplicationStatus.WITHDRAWN}
    open_calls = []
    for call in calls:
        per_org = []
        for org in organisations:
            existing = own.get((call.id, org.id))
            result = eligibility(call, org, counts.get((call.id, org.id), 0))
            per_org.append({"organisation": org, "eligible": result.ok, "reasons": result.reasons,
                            "application": existing})
        open_calls.append({"call": call, "organisations": per_org,
                           "can_start": any(p["eligible"] for p in per_org)})
    return {"applications": rows, "open_calls": open_calls, "now": now}
