"""Application pages, by audience: `applicant` (the form, submission, follow-up) and `screening`
(the agency's list and decisions). One blueprint, so every page keeps its endpoint name."""
from __future__ import annotations

from .common import bp
from . import applicant, screening  # noqa: E402,F401  (register the routes)

__all__ = ["bp"]
