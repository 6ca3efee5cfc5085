"""The applicant's home page: the published decisions on their organisations' applications (drafts
never appear: the query goes through grants.awards.access.viewable)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..accounts.models import Role
from ..applications.models import Application
from ..extensions import db
from ..main.home import home_section
from .access import viewable
from .models import Decision


@home_section(Role.APPLICANT, "awards/_home.html", order=40)
def applicant_decisions(user) -> dict:
    decisions = list(db.session.scalars(
        sa.select(Decision).where(viewable(user)).join(Application, Application.id == Decision.application_id)
        .options(joinedload(Decision.application)).order_by(Decision.published_at.desc(), Decision.id.desc())
        .limit(50))) if user.organisation_ids else []
    return {"decisions": decisions}
