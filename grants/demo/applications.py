"""Demo applications of the historical and open calls."""
from __future__ import annotations


def seed_applications(echo) -> dict[str, int]:
    return {}
