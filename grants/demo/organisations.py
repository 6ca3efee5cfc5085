"""Non-municipal organisations of the demo (the counter-voices call's applicants among them)."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..organisations.identifiers import normalise_kbo
from ..organisations.models import Organisation, OrganisationKind as K


def _kbo(seed: int) -> str:
    """A made-up enterprise number with valid check digits (demo organisations are not real KBO entries)."""
    base = 10000000 + seed * 7919
    return normalise_kbo(f"0{base:08d}{97 - base % 97:02d}"[-10:])


# name, kind, place, province
DEMO_ORGANISATIONS = [
    ("CIBO", K.NONPROFIT, "Antwerpen", "Antwerpen"),
    ("KU Leuven", K.UNIVERSITY, "Leuven", "Vlaams-Brabant"),
    ("Samo pravo", K.NONPROFIT, "Bissegem", "West-Vlaanderen"),
    ("Ceapire", K.NONPROFIT, "Antwerpen", "Antwerpen"),
    ("Gemeente Molenbeek", K.OTHER_LOCAL_GOVERNMENT, "Sint-Jans-Molenbeek", None),
    ("Vroemvroem", K.NONPROFIT, "Gent", "Oost-Vlaanderen"),
    ("Partage en couleurs", K.NONPROFIT, "Sint-Jans-Molenbeek", None),
    ("Averroes", K.NONPROFIT, "Gent", "Oost-Vlaanderen"),
    ("PAJ", K.NONPROFIT, "Antwerpen", "Antwerpen"),
    # plausible other applicants of 2017 (not awarded)
    ("Jongerenwerking De Brug", K.NONPROFIT, "Mechelen", "Antwerpen"),
    ("Vormingplus Limburg", K.NONPROFIT, "Hasselt", "Limburg"),
    ("Atheneum Brussel-Noord", K.SCHOOL, "Brussel", None),
    ("Hogeschool Gent", K.UNIVERSITY, "Gent", "Oost-Vlaanderen"),
    ("Buurtwerk Oost", K.NONPROFIT, "Genk", "Limburg"),
    ("Dialoog en Samenleven", K.NONPROFIT, "Kortrijk", "West-Vlaanderen"),
    ("Sportclub Verbinding", K.NONPROFIT, "Oostende", "West-Vlaanderen"),
    ("Mediawerkplaats Tegenstem", K.NONPROFIT, "Leuven", "Vlaams-Brabant"),
    ("Vrouwenplatform Samen", K.NONPROFIT, "Antwerpen", "Antwerpen"),
    ("Sint-Jozefscollege", K.SCHOOL, "Aalst", "Oost-Vlaanderen"),
    ("Theater Tussenruimte", K.NONPROFIT, "Brussel", None),
    ("Online Respect", K.NONPROFIT, "Mechelen", "Antwerpen"),
    ("Moskee-overleg Vlaanderen", K.NONPROFIT, "Gent", "Oost-Vlaanderen"),
]


def seed_organisations() -> None:
    existing = set(db.session.scalars(sa.select(Organisation.name).where(Organisation.refnis.is_(None))))
    for index, (name, kind, place, province) in enumerate(DEMO_ORGANISATIONS, start=1):
        if name not in existing:
            db.session.add(Organisation(name=name, kind=kind, kbo=_kbo(index), place=place, province=province))
    db.session.flush()
