"""The home page is assembled from sections that the parts register for a role, so the main part
imports no other part: applications registers the applicant's section, calls the agency's, jury
the juror's."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..accounts.models import Role


@dataclass(frozen=True)
class HomeSection:
    role: Role | None  # None: the welcome page of a visitor who is not logged in
    template: str
    context: Callable[[Any], dict]
    order: int = 50


_SECTIONS: list[HomeSection] = []


def home_section(role: Role | None, template: str, *, order: int = 50):
    """Register fn(user) -> context as a section of the home page of `role`, rendered with `template`."""
    def register(context: Callable[[Any], dict]) -> Callable[[Any], dict]:
        if not any(s.role == role and s.template == template for s in _SECTIONS):
            _SECTIONS.append(HomeSection(role, template, context, order))
        return context
    return register


def sections_for(user) -> list[tuple[str, dict]]:
    role = user.role if getattr(user, "is_authenticated", False) else None
    return [(s.template, s.context(user)) for s in sorted(_SECTIONS, key=lambda s: s.order) if s.role == role]
