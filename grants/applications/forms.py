"""Forms of the application, one per section, and the agency's screening forms.

Sections save separately and accept incomplete drafts: a field is only refused for
bad input (letters in an amount, a negative figure, a text that is far too long, a
wrong IBAN). Whether the application is complete is the checklist's job. Every
message goes through gettext (labels with lazy_gettext: they are defined at import) and
every typed value comes back on error.
"""
from __future__ import annotations

import re
from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, Form, FormField, HiddenField, RadioField, SelectField
from wtforms.validators import DataRequired, Email, InputRequired, Optional, ValidationError

from .. import forms_common
from ..forms_common import (
    REQUIRED, AmountField, DateField, DecimalField, Line, RowList, WholeNumberField, loaded_version,
)
from ..i18n import _, lazy_gettext
from ..money import format_eur
from ..organisations.identifiers import IdentifierError, parse_belgian_iban

TEXT_MAX = 20_000  # characters per free-text section (about eight pages)
MAX_BUDGET_LINES = 200  # cost lines per application
MAX_THIRD_PARTY_ROWS = 50  # third-party contributions per application


class TextArea(forms_common.TextArea):
    def __init__(self, label=None, validators=None, *, limit: int = TEXT_MAX, **kwargs):
        super().__init__(label, validators, limit=limit, **kwargs)


# --------------------------------------------------------------------------- sections


class SectionForm(FlaskForm):
    """Every section carries the version and the fingerprint of what it was loaded with."""

    version = HiddenField()
    fingerprint = HiddenField()

    def loaded_version(self) -> int | None:
        return loaded_version(self.version.data)


class SummaryForm(SectionForm):
    title = Line(lazy_gettext("Titel van het project"), limit=300,
                 description=lazy_gettext("Kort en herkenbaar, hoogstens 300 tekens."))
    summary = TextArea(lazy_gettext("Samenvatting"),
                       description=lazy_gettext("Wat wilt u bereiken, met wie en hoe? Een halve pagina volstaat."))


class ProblemForm(SectionForm):
    problem_analysis = TextArea(lazy_gettext("Probleemanalyse"),
                                description=lazy_gettext("Welke polarisatie of radicalisering ziet u, waar en bij "
                                                         "wie? Waarop baseert u zich?"))


class ObjectivesForm(SectionForm):
    objectives = TextArea(lazy_gettext("Doelstellingen"),
                          description=lazy_gettext("Wat is er na het project veranderd? Maak het meetbaar."))


class TargetGroupsForm(SectionForm):
    target_groups = TextArea(lazy_gettext("Doelgroepen"),
                             description=lazy_gettext("Wie wilt u bereiken, en hoeveel mensen ongeveer?"))


class ActivitiesForm(SectionForm):
    activities = TextArea(lazy_gettext("Activiteiten en timing"),
                          description=lazy_gettext("Welke acties, wanneer, en wie voert ze uit?"))
    start_date = DateField(lazy_gettext("Begindatum van het project"))
    end_date = DateField(lazy_gettext("Einddatum van het project"))

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_("De einddatum ligt voor de begindatum."))


class BudgetLineForm(Form):
    category = SelectField(lazy_gettext("Kostensoort"), choices=[], validate_choice=False)
    description = Line(lazy_gettext("Omschrijving"), limit=300)
    fte = DecimalField(lazy_gettext("VTE"), places=2, minimum=Decimal("0.01"), maximum=Decimal("10"),
                      description=lazy_gettext("Aandeel van een voltijdse betrekking, bijvoorbeeld 0,5."))
    months = WholeNumberField(lazy_gettext("Maanden"), minimum=1, maximum=120)
    amount = AmountField(lazy_gettext("Bedrag"), allow_empty=True)
    remove = BooleanField(lazy_gettext("Verwijderen"))

    def is_blank(self) -> bool:
        typed = [self.description.data, *(f.raw_data[0] if f.raw_data else "" for f in (self.fte, self.months,
                                                                                          self.amount))]
        return not (self.category.data or "").strip() and not any((t or "").strip() for t in typed)


class BudgetForm(SectionForm):
    lines = RowList(FormField(BudgetLineForm), limit=MAX_BUDGET_LINES)

    allowed_categories: set[str] = set()
    limit_error: str | None = None

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        kept = sum(1 for entry in self.lines if not entry.form.remove.data and not entry.form.is_blank())
        if self.lines.too_many(kept):
            self.limit_error = _("Een begroting heeft hoogstens %(limit)s kostenposten; u gaf er %(count)s. Voeg "
                                 "gelijkaardige kosten samen in één post.", limit=MAX_BUDGET_LINES,
                                 count=self.lines.given(kept))
            ok = False
        for entry in self.lines:
            line = entry.form
            if line.remove.data or line.is_blank():
                continue
            if (line.category.data or "") not in self.allowed_categories:
                line.category.errors = [*line.category.errors, _("Kies een kostensoort uit de lijst.")]
                ok = False
            if line.amount.data is None and not line.amount.errors:
                line.amount.errors = [*line.amount.errors, _("Vul het bedrag van deze kostenpost in.")]
                ok = False
            if line.category.data == "staff":
                for f, message in (
                        (line.fte, _("Vul voor personeelskosten het aandeel van een voltijdse betrekking (VTE) in.")),
                        (line.months, _("Vul voor personeelskosten het aantal maanden in."))):
                    if f.data is None and not f.errors:
                        f.errors = [*f.errors, message]
                        ok = False
            if not line.description.data and not line.description.errors:
                line.description.errors = [*line.description.errors, _("Omschrijf deze kostenpost kort.")]
                ok = False
        return ok


class ContributionLineForm(Form):
    source = Line(lazy_gettext("Van wie"), limit=200)
    amount = AmountField(lazy_gettext("Bedrag"), allow_empty=True)

    def is_blank(self) -> bool:
        return not self.source.data and not (self.amount.raw_data and (self.amount.raw_data[0] or "").strip())


class FinancingForm(SectionForm):
    requested_amount = AmountField(lazy_gettext("Gevraagde subsidie"), allow_empty=True)
    own_financial = AmountField(lazy_gettext("Eigen financiële inbreng"), allow_empty=True)
    own_staff = AmountField(lazy_gettext("Eigen personeelsinzet (gewaardeerd in euro)"), allow_empty=True)
    third_party = RowList(FormField(ContributionLineForm), limit=MAX_THIRD_PARTY_ROWS)
    waiver_motivation = TextArea(lazy_gettext("Motivatie voor een afwijking van de cofinanciering"),
                                 description=lazy_gettext("Enkel invullen als u minder eigen bijdrage vraagt dan de "
                                                          "oproep vereist. Het agentschap beslist over de afwijking."))

    max_amount: Decimal | None = None
    limit_error: str | None = None

    def validate_requested_amount(self, field):
        if field.data is not None and self.max_amount is not None and field.data > self.max_amount:
            raise ValidationError(_("Hoogstens %(maximum)s voor deze oproep.", maximum=format_eur(self.max_amount)))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        kept = sum(1 for entry in self.third_party if not entry.form.is_blank())
        if self.third_party.too_many(kept):
            self.limit_error = _("Hoogstens %(limit)s bijdragen van derden; u gaf er %(count)s. Voeg bijdragen van "
                                 "dezelfde bron samen.", limit=MAX_THIRD_PARTY_ROWS,
                                 count=self.third_party.given(kept))
            ok = False
        for entry in self.third_party:
            line = entry.form
            if line.is_blank():
                continue
            if not line.source.data and not line.source.errors:
                line.source.errors = [*line.source.errors, _("Vermeld van wie deze bijdrage komt.")]
                ok = False
            if line.amount.data is None and not line.amount.errors:
                line.amount.errors = [*line.amount.errors, _("Vul het bedrag van deze bijdrage in.")]
                ok = False
        return ok


class ContactForm(SectionForm):
    contact_name = Line(lazy_gettext("Naam van de contactpersoon"), limit=200)
    contact_email = Line(lazy_gettext("E-mailadres"), limit=254, validators=[
        Optional(), Email(lazy_gettext("Geef een geldig e-mailadres, bijvoorbeeld naam@gemeente.be."),
                          check_deliverability=False)])
    contact_phone = Line(lazy_gettext("Telefoonnummer"), limit=40)

    def validate_contact_phone(self, field):
        if field.data and not re.fullmatch(r"\+?[0-9 ()./-]{6,40}", field.data, re.ASCII):
            raise ValidationError(_("Geef een telefoonnummer met cijfers, bijvoorbeeld 09 266 50 00."))


class PayoutForm(SectionForm):
    iban = Line(lazy_gettext("Rekeningnummer (IBAN) voor de uitbetaling"), limit=60,
                description=lazy_gettext("Een Belgisch rekeningnummer, bijvoorbeeld BE68 5390 0754 7034."))
    bank_letter = FileField(lazy_gettext("Bevestigingsbrief van de bank (PDF, DOCX, XLSX of ODT, hoogstens 10 MB)"))

    def validate_iban(self, field):
        if not field.data:
            return
        try:
            field.data = parse_belgian_iban(field.data)
        except IdentifierError as exc:
            raise ValidationError(str(exc)) from exc


class AttachmentForm(FlaskForm):
    file = FileField(lazy_gettext("Bestand (PDF, DOCX, XLSX of ODT, hoogstens 10 MB)"))


class PartnerForm(FlaskForm):
    code = Line(lazy_gettext("REFNIS-code of ondernemingsnummer van de partner"), limit=30,
                validators=[DataRequired(REQUIRED)],
                description=lazy_gettext("Een gemeente met haar REFNIS-code (bijvoorbeeld 72041), een andere "
                                         "organisatie met haar ondernemingsnummer."))


class StartForm(FlaskForm):
    organisation_id = SelectField(lazy_gettext("Organisatie die de aanvraag indient"), choices=[],
                                  validate_choice=False)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [(str(o.id), o.name) for o in organisations]

    def validate_organisation_id(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_("Kies een van uw organisaties."))

    def chosen_id(self) -> int:
        return int(self.organisation_id.data)


class SubmitForm(FlaskForm):
    version = HiddenField()
    confirm = BooleanField(lazy_gettext("Ik bevestig dat de gegevens in deze aanvraag juist en volledig zijn."),
                           validators=[InputRequired(lazy_gettext("Bevestig dat de gegevens juist en volledig zijn."))])
    response = TextArea(lazy_gettext("Wat hebt u aangevuld of gewijzigd?"), limit=5000,
                        description=lazy_gettext("Enkel bij een vraag om aanvullende informatie."))

    def loaded_version(self) -> int | None:
        return loaded_version(self.version.data)


class WithdrawForm(FlaskForm):
    reason = TextArea(lazy_gettext("Waarom trekt u de aanvraag in? (niet verplicht)"), limit=2000)
    confirm = BooleanField(lazy_gettext("Ik trek deze aanvraag in. Dit kan niet ongedaan worden gemaakt."),
                           validators=[InputRequired(lazy_gettext("Bevestig dat u de aanvraag intrekt."))])


# --------------------------------------------------------------------------- the agency


class ScreeningForm(FlaskForm):
    outcome = RadioField(lazy_gettext("Beslissing over de ontvankelijkheid"),
                         choices=[("admissible", lazy_gettext("ontvankelijk")),
                                  ("inadmissible", lazy_gettext("onontvankelijk"))],
                         validate_choice=False,
                         validators=[InputRequired(lazy_gettext("Kies ontvankelijk of onontvankelijk."))])
    reason = TextArea(lazy_gettext("Motivering"), limit=5000,
                      description=lazy_gettext("Verplicht bij onontvankelijk; de aanvrager ziet ze."))

    def validate_outcome(self, field):
        if field.data not in {"admissible", "inadmissible"}:
            raise ValidationError(_("Kies ontvankelijk of onontvankelijk."))

    def validate_reason(self, field):
        if self.outcome.data == "inadmissible" and not field.data:
            raise ValidationError(_("Geef de reden waarom de aanvraag onontvankelijk is."))


class InformationRequestForm(FlaskForm):
    message = TextArea(lazy_gettext("Welke informatie ontbreekt?"), limit=5000, validators=[DataRequired(REQUIRED)])
    due_date = DateField(lazy_gettext("Aan te vullen tot en met"), validators=[InputRequired(REQUIRED)],
                         description=lazy_gettext("De aanvraag staat open voor de aanvrager tot 23.59 uur op "
                                                  "die dag."))


class AdviceForm(FlaskForm):
    version = HiddenField()
    agency_advice = TextArea(lazy_gettext("Advies van het agentschap"),
                             description=lazy_gettext("Het advies van de dossierbeheerder voor de jury."))

    def loaded_version(self) -> int | None:
        return loaded_version(self.version.data)


class WaiverDecisionForm(FlaskForm):
    decision = RadioField(lazy_gettext("Beslissing over de gevraagde afwijking"),
                          choices=[("accepted", lazy_gettext("afwijking toegestaan")),
                                   ("refused", lazy_gettext("afwijking geweigerd"))],
                          validate_choice=False,
                          validators=[InputRequired(lazy_gettext("Kies toegestaan of geweigerd."))])
    reason = TextArea(lazy_gettext("Motivering"), limit=5000)

    def validate_decision(self, field):
        if field.data not in {"accepted", "refused"}:
            raise ValidationError(_("Kies toegestaan of geweigerd."))
