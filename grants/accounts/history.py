"""What the audit events of users and organisations mean, in the history page's words."""
from __future__ import annotations

import sqlalchemy as sa

from ..audit.describe import register_events, register_fields, register_object, register_values
from ..extensions import db
from ..organisations.models import Organisation
from ..states import Text
from .models import Role, User

register_events({
    "user.create": ("%(actor)s maakte het account aan", "%(actor)s created the account", "account"),
    "user.update": ("%(actor)s wijzigde het account", "%(actor)s changed the account", "account"),
    "user.login": ("%(actor)s meldde zich aan", "%(actor)s logged in", "account"),
    "user.password_reset_requested": ("%(actor)s vroeg een nieuw wachtwoord aan", "%(actor)s asked for a new password",
                                      "account"),
    "user.password_set": ("%(actor)s koos een nieuw wachtwoord", "%(actor)s chose a new password", "account"),
    "user.api_token_created": ("%(actor)s kreeg een API-token", "%(actor)s received an API token", "account"),
    "organisation.create": ("%(actor)s voegde de organisatie toe", "%(actor)s added the organisation", "content"),
})
register_fields("users", {
    "email": ("e-mailadres", "e-mail address", "text"), "name": ("naam", "name", "text"),
    "role": ("rol", "role", "role"), "active": ("actief", "active", "bool"),
    "organisations": ("organisaties", "organisations", "organisation"), "token_id": ("token", "token", "text"),
})
register_fields("organisations", {
    "name": ("naam", "name", "text"), "kind": ("soort", "kind", "organisation_kind"),
    "kbo": ("ondernemingsnummer", "enterprise number", "text"),
})


def _organisation(value) -> str | None:
    if not str(value).isdigit():
        return None
    return db.session.scalar(sa.select(Organisation.name).where(Organisation.id == int(value)))


register_values("role", lambda value: Role(value).label if value in set(Role) else None)
register_values("organisation", _organisation)
register_object("users", Text("gebruiker", "user"),
                lambda user_id: db.session.scalar(sa.select(User.email).where(User.id == user_id)))
register_object("organisations", Text("organisatie", "organisation"),
                lambda org_id: db.session.scalar(sa.select(Organisation.name).where(Organisation.id == org_id)))
