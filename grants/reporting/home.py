"""Home page sections of the follow-up: for the applicant, the projects of their organisations with the
reports due and the payments received and expected; for the agency, what waits in the follow-up.
A fixed number of queries, whatever the number of projects."""
from __future__ import annotations

from ..accounts.models import Role
from ..main.home import home_section
from . import access, queries
from .operations import today


@home_section(Role.APPLICANT, "reporting/_home.html", order=60)
def applicant_projects(user) -> dict:
    on = today()
    rows = [queries.facts(p, on) for p in queries.projects_of_user(user)]
    return {"rows": rows, "today": on, "owner": access.Capacity.OWNER,
            "capacities": {f.project.id: access.capacity(user, f.project) for f in rows}}


@home_section(Role.ADMIN, "reporting/_admin_home.html", order=60)
def agency_follow_up(user) -> dict:
    return {"counts": queries.report_counts(), "views": queries.ReportView}
