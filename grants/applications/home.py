"""The applicant's section of the home page: their organisations' applications with the next step,
and the open calls with, per organisation, whether it may apply and why not. A fixed number of
queries, whatever the number of applications."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..accounts.models import Role
from ..calls.models import Call
from ..calls.queries import open_calls_query
from ..extensions import db
from ..main.home import home_section
from .access import Capacity, capacity, viewable
from .models import Application
from .operations import current_time
from .queries import eligibility, existing_application_counts, invitations_for
from .rules import next_step
from .states import ApplicationStatus


@home_section(Role.APPLICANT, "applications/_home.html")
def applicant_home(user) -> dict:
    now = current_time()
    organisations = list(user.organisations)
    org_ids = [o.id for o in organisations]
    applications = list(db.session.scalars(
        sa.select(Application).where(viewable(user))
        .options(selectinload(Application.info_requests), selectinload(Application.partnership))
        .order_by(Application.updated_at.desc(), Application.id.desc())).unique()) if org_ids else []
    rows = []
    for app in applications:
        request = app.open_info_request
        rows.append({
            "app": app, "capacity": capacity(user, app),
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
            result = eligibility(call, org, counts.get((call.id, org.id), 0))
            per_org.append({"organisation": org, "eligible": result.ok, "reasons": result.reasons,
                            "application": own.get((call.id, org.id))})
        open_calls.append({"call": call, "organisations": per_org,
                           "can_start": any(p["eligible"] for p in per_org)})
    invitations = [{"app": a, "organisations": [m.organisation for m in a.unconfirmed_members_for(org_ids)]}
                   for a in invitations_for(user)] if org_ids else []
    return {"applications": rows, "open_calls": open_calls, "now": now, "partner": Capacity.PARTNER,
            "invitations": invitations}
