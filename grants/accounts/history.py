"""What the audit events of users and organisations mean, in the history page's words."""
from __future__ import annotations

from ..audit.describe import (
    enum_label, name_by_id, name_by_stored_id, register_events, register_fields, register_object, register_values,
)
from ..organisations.models import Organisation
from ..states import Text
from .models import Role, User

register_events({
    "user.create": ("%(actor)s maakte het account aan", "%(actor)s created the account", "account"),
    "user.update": ("%(actor)s wijzigde het account", "%(actor)s changed the account", "account"),
    "user.login": ("%(actor)s meldde zich aan", "%(actor)s logged in", "account"),
    "user.logout": ("%(actor)s meldde zich af", "%(actor)s logged out", "account"),
    "user.password_reset_requested": ("%(actor)s vroeg een nieuw wachtwoord aan", "%(actor)s asked for a new password",
                                      "account"),
    "user.password_set": ("%(actor)s koos een nieuw wachtwoord", "%(actor)s chose a new password", "account"),
    "user.api_token_created": ("%(actor)s kreeg een API-token", "%(actor)s received an API token", "account"),
    "user.totp_enabled": ("%(actor)s schakelde de tweede factor in", "%(actor)s turned on the second factor", "account"),
    "user.totp_disabled": ("%(actor)s schakelde de tweede factor uit", "%(actor)s turned off the second factor",
                           "account"),
    "user.totp_reset": ("%(actor)s herstelde de tweede factor van het account",
                        "%(actor)s reset the account's second factor", "account"),
    "user.recovery_code_used": ("%(actor)s meldde zich aan met een herstelcode", "%(actor)s logged in with a recovery code",
                                "account"),
    "user.recovery_codes_renewed": ("%(actor)s maakte nieuwe herstelcodes aan", "%(actor)s created new recovery codes",
                                    "account"),
    "organisation.create": ("%(actor)s voegde de organisatie toe", "%(actor)s added the organisation", "content"),
})
register_fields("users", {
    "email": ("e-mailadres", "e-mail address", "text"), "name": ("naam", "name", "text"),
    "role": ("rol", "role", "role"), "active": ("actief", "active", "bool"),
    "organisations": ("organisaties", "organisations", "organisation"), "token_id": ("token", "token", "text"),
    "second_factor": ("tweede factor", "second factor", "bool"),
    "recovery_codes_left": ("herstelcodes over", "recovery codes left", "number"),
    "method": ("aangemeld met", "logged in with", "text"),
})
register_fields("organisations", {
    "name": ("naam", "name", "text"), "kind": ("soort", "kind", "organisation_kind"),
    "kbo": ("ondernemingsnummer", "enterprise number", "text"),
})


register_values("role", enum_label(Role))
register_values("organisation", name_by_stored_id(Organisation.name))
register_object("users", Text("gebruiker", "user"), name_by_id(User.email))
register_object("organisations", Text("organisatie", "organisation"), name_by_id(Organisation.name))
