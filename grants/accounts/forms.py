from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..forms_common import REQUIRED, single_line
from ..i18n import _, lazy_gettext
from .models import Role

EMAIL_MESSAGE = lazy_gettext("Geef een geldig e-mailadres, bijvoorbeeld naam@gemeente.be.")
MIN_PASSWORD = 10


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


def _email_field(**kwargs):
    return StringField(lazy_gettext("E-mailadres"), filters=[_lower],
                       validators=[DataRequired(REQUIRED),
                                   Length(max=254, message=lazy_gettext("Hoogstens 254 tekens.")),
                                   Email(EMAIL_MESSAGE, check_deliverability=False)], **kwargs)


class LoginForm(FlaskForm):
    email = _email_field(render_kw={"autocomplete": "username"})
    password = PasswordField(lazy_gettext("Wachtwoord"), validators=[DataRequired(REQUIRED), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(lazy_gettext("Aangemeld blijven op dit toestel"))


class ForgotPasswordForm(FlaskForm):
    email = _email_field()


def strong_enough(form, field) -> None:
    value = field.data or ""
    if len(value) < MIN_PASSWORD:
        raise ValidationError(_("Kies een wachtwoord van minstens %(minimum)s tekens.", minimum=MIN_PASSWORD))
    if value.isdigit() or value.isalpha():
        raise ValidationError(_("Gebruik in uw wachtwoord zowel letters als cijfers of leestekens."))


def _new_password() -> PasswordField:
    """A new password (reset or change): strong enough, and the browser may offer to generate one."""
    return PasswordField(lazy_gettext("Nieuw wachtwoord"),
                         validators=[DataRequired(REQUIRED), Length(max=200), strong_enough],
                         render_kw={"autocomplete": "new-password"})


def _confirm_new_password() -> PasswordField:
    """The new password again; it must equal the field named "password"."""
    return PasswordField(lazy_gettext("Herhaal het nieuwe wachtwoord"),
                         validators=[DataRequired(REQUIRED),
                                     EqualTo("password", lazy_gettext("De wachtwoorden verschillen."))],
                         render_kw={"autocomplete": "new-password"})


class ResetPasswordForm(FlaskForm):
    password = _new_password()
    confirm = _confirm_new_password()


# The labels are Text pairs: the select shows them in the language of the page.
ROLE_CHOICES = [(r.value, r.text) for r in Role]


def _name_field(**kwargs):
    return StringField(lazy_gettext("Naam"), filters=[lambda v: v.strip() if v else v],
                       validators=[Length(max=200, message=lazy_gettext("Hoogstens 200 tekens.")), single_line],
                       **kwargs)


class UserForm(FlaskForm):
    email = _email_field()
    name = _name_field()
    role = SelectField(lazy_gettext("Rol"), choices=ROLE_CHOICES, validators=[DataRequired(REQUIRED)])
    organisation_codes = TextAreaField(
        lazy_gettext("Organisaties"), validators=[Length(max=2000, message=lazy_gettext("Hoogstens 2000 tekens."))],
        description=lazy_gettext("Eén REFNIS-code (gemeente, bv. 44021 voor Gent) of ondernemingsnummer per regel. "
                                 "Een jurylid dat lid is van een aanvragende organisatie heeft een belangenconflict."))
    active = BooleanField(lazy_gettext("Actief"), default=True)
    send_invitation = BooleanField(lazy_gettext("Uitnodiging per e-mail versturen"), default=True)

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
            raise ValidationError(_("Onbekende organisatie: %(codes)s. Geef een REFNIS-code van 5 cijfers of een "
                                    "ondernemingsnummer.", codes=", ".join(unknown)))


# --- the second factor and the user's own account ---------------------------------------------


class CodeForm(FlaskForm):
    """The login's second step: the code from the app, or a recovery code."""

    code = StringField(lazy_gettext("Code"), filters=[lambda v: v.strip() if v else v],
                       validators=[DataRequired(REQUIRED), Length(max=40, message=lazy_gettext("Hoogstens 40 tekens."))],
                       description=lazy_gettext("De zes cijfers die uw authenticator-app nu toont, of een van uw "
                                                "herstelcodes."),
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"})


class TotpConfirmForm(FlaskForm):
    """Enrolment: the first code from the app proves it was set up."""

    code = StringField(lazy_gettext("Code uit de app"), filters=[lambda v: v.strip() if v else v],
                       validators=[DataRequired(REQUIRED), Length(max=20, message=lazy_gettext("Hoogstens 20 tekens."))],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class NameForm(FlaskForm):
    name = _name_field(render_kw={"autocomplete": "name"})


class ChangePasswordForm(FlaskForm):
    current = PasswordField(lazy_gettext("Huidig wachtwoord"), validators=[DataRequired(REQUIRED), Length(max=200)],
                            render_kw={"autocomplete": "current-password"})
    password = _new_password()
    confirm = _confirm_new_password()


class PasswordConfirmForm(FlaskForm):
    """Switching the second factor off: the password once more."""

    password = PasswordField(lazy_gettext("Wachtwoord"), validators=[DataRequired(REQUIRED), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token (log out everywhere, reset a second factor)."""
