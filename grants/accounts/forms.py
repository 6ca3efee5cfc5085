from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..forms_common import REQUIRED
from .models import Role

EMAIL_MESSAGE = "Geef een geldig e-mailadres, bijvoorbeeld naam@gemeente.be."
MIN_PASSWORD = 10


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    email = StringField("E-mailadres", filters=[_lower],
                        validators=[DataRequired(REQUIRED), Length(max=254, message="Hoogstens 254 tekens."),
                                    Email(EMAIL_MESSAGE, check_deliverability=False)],
                        render_kw={"autocomplete": "username"})
    password = PasswordField("Wachtwoord", validators=[DataRequired(REQUIRED), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Aangemeld blijven op dit toestel")


class ForgotPasswordForm(FlaskForm):
    email = StringField("E-mailadres", filters=[_lower],
                        validators=[DataRequired(REQUIRED), Length(max=254, message="Hoogstens 254 tekens."),
                                    Email(EMAIL_MESSAGE, check_deliverability=False)])


def strong_enough(form, field) -> None:
    value = field.data or ""
    if len(value) < MIN_PASSWORD:
        raise ValidationError(f"Kies een wachtwoord van minstens {MIN_PASSWORD} tekens.")
    if value.isdigit() or value.isalpha():
        raise ValidationError("Gebruik in uw wachtwoord zowel letters als cijfers of leestekens.")


class ResetPasswordForm(FlaskForm):
    password = PasswordField("Nieuw wachtwoord", validators=[DataRequired(REQUIRED), Length(max=200), strong_enough],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Herhaal het nieuwe wachtwoord",
                            validators=[DataRequired(REQUIRED), EqualTo("password", "De wachtwoorden verschillen.")],
                            render_kw={"autocomplete": "new-password"})


ROLE_CHOICES = [(r.value, r.label) for r in Role]


class UserForm(FlaskForm):
    email = StringField("E-mailadres", filters=[_lower],
                        validators=[DataRequired(REQUIRED), Length(max=254, message="Hoogstens 254 tekens."),
                                    Email(EMAIL_MESSAGE, check_deliverability=False)])
    name = StringField("Naam", filters=[lambda v: v.strip() if v else v],
                       validators=[Length(max=200, message="Hoogstens 200 tekens.")])
    role = SelectField("Rol", choices=ROLE_CHOICES, validators=[DataRequired(REQUIRED)])
    organisation_codes = TextAreaField(
        "Organisaties", validators=[Length(max=2000, message="Hoogstens 2000 tekens.")],
        description="Eén REFNIS-code (gemeente, bv. 44021 voor Gent) of ondernemingsnummer per regel. "
                    "Een jurylid dat lid is van een aanvragende organisatie heeft een belangenconflict.")
    active = BooleanField("Actief", default=True)
    send_invitation = BooleanField("Uitnodiging per e-mail versturen", default=True)

    organisation_ids: list[int]

    def validate_organisation_codes(self, field) -> None:
        from ..organisations.operations import find_organisation_by_code

        self.organisation_ids = []
        unknown = []
        for code in (field.data or "").replace(",", "\n").splitlines():
            code = code.strip()
            if not code:
                continue
            org = find_organisation_by_code(code)
            if org is None:
                unknown.append(code[:20])
            elif org.id not in self.organisation_ids:
                self.organisation_ids.append(org.id)
        if unknown:
            raise ValidationError("Onbekende organisatie: " + ", ".join(unknown) +
                                  ". Geef een REFNIS-code van 5 cijfers of een ondernemingsnummer.")
