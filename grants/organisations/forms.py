from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..forms_common import REQUIRED, single_line
from ..i18n import lazy_gettext
from .identifiers import IdentifierError, parse_kbo
from .labels import ORGANISATION_KIND_LABELS

# Municipalities come from Statbel's list; admins add the other kinds.
ADDABLE_KINDS = ["nonprofit", "school", "university", "ocmw", "other_local_government", "other"]


class OrganisationForm(FlaskForm):
    name = StringField(lazy_gettext("Naam"), filters=[lambda v: v.strip() if v else v],
                       validators=[DataRequired(REQUIRED),
                                   Length(max=200, message=lazy_gettext("Hoogstens 200 tekens.")), single_line])
    kind = SelectField(lazy_gettext("Soort organisatie"),
                       choices=[(k, ORGANISATION_KIND_LABELS[k]) for k in ADDABLE_KINDS],
                       validators=[DataRequired(REQUIRED)])
    kbo = StringField(lazy_gettext("Ondernemingsnummer (KBO)"),
                      validators=[DataRequired(REQUIRED), Length(max=20, message=lazy_gettext("Hoogstens 20 tekens."))],
                      description=lazy_gettext("Bijvoorbeeld 0123.456.749."))
    place = StringField(lazy_gettext("Gemeente (vestiging)"),
                        validators=[Optional(), Length(max=100, message=lazy_gettext("Hoogstens 100 tekens."))])
    province = StringField(lazy_gettext("Provincie"),
                           validators=[Optional(), Length(max=60, message=lazy_gettext("Hoogstens 60 tekens."))])
    contact_email = StringField(lazy_gettext("Algemeen e-mailadres"), filters=[lambda v: v.strip().lower() if v else v],
                                validators=[Optional(), Length(max=254, message=lazy_gettext("Hoogstens 254 tekens.")),
                                            Email(lazy_gettext("Geef een geldig e-mailadres."),
                                                  check_deliverability=False)])

    def validate_kbo(self, field) -> None:
        try:
            field.data = parse_kbo(field.data)
        except IdentifierError as exc:
            raise ValidationError(str(exc)) from exc
