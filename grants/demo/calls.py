"""Demo calls: the historical calls as they were and one open call of each kind."""
from __future__ import annotations


def seed_calls(echo) -> dict[str, int]:
    return {}
