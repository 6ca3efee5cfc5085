"""Forms of the application, one per section, and the agency's screening forms.

Sections save separately and accept incomplete drafts: a field is only refused for
bad input (letters in an amount, a negative figure, a text that is far too long, a
wrong IBAN). Whether the application is complete is the checklist's job. Every
message is Dutch and every typed value comes back on error.
"""
from __future__ import annotations

import re
from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, RadioField, SelectField
from wtforms.validators import DataRequired, Email, InputRequired, Optional, ValidationError

from .. import forms_common
from ..forms_common import REQUIRED, AmountField, DateField, DecimalField, Line, WholeNumberField, loaded_version
from ..money import format_eur
from ..organisations.identifiers import IdentifierError, parse_belgian_iban

TEXT_MAX = 20_000  # characters per free-text section (about eight pages)


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
    title = Line("Titel van het project", limit=300, description="Kort en herkenbaar, hoogstens 300 tekens.")
    summary = TextArea("Samenvatting", description="Wat wilt u bereiken, met wie en hoe? Een halve pagina volstaat.")


class ProblemForm(SectionForm):
    problem_analysis = TextArea("Probleemanalyse",
                                description="Welke polarisatie of radicalisering ziet u, waar en bij wie? "
                                            "Waarop baseert u zich?")


class ObjectivesForm(SectionForm):
    objectives = TextArea("Doelstellingen", description="Wat is er na het project veranderd? Maak het meetbaar.")


class TargetGroupsForm(SectionForm):
    target_groups = TextArea("Doelgroepen", description="Wie wilt u bereiken, en hoeveel mensen ongeveer?")


class ActivitiesForm(SectionForm):
    activities = TextArea("Activiteiten en timing", description="Welke acties, wanneer, en wie voert ze uit?")
    start_date = DateField("Begindatum van het project")
    end_date = DateField("Einddatum van het project")

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError("De einddatum ligt voor de begindatum.")


class BudgetLineForm(Form):
    category = SelectField("Kostensoort", choices=[], validate_choice=False)
    description = Line("Omschrijving", limit=300)
    fte = DecimalField("VTE", places=2, minimum=Decimal("0.01"), maximum=Decimal("10"),
                      description="Aandeel van een voltijdse betrekking, bijvoorbeeld 0,5.")
    months = WholeNumberField("Maanden", minimum=1, maximum=120)
    amount = AmountField("Bedrag", allow_empty=True)
    remove = BooleanField("Verwijderen")

    def is_blank(self) -> bool:
        typed = [self.description.data, *(f.raw_data[0] if f.raw_data else "" for f in (self.fte, self.months,
                                                                                          self.amount))]
        return not (self.category.data or "").strip() and not any((t or "").strip() for t in typed)


class BudgetForm(SectionForm):
    lines = FieldList(FormField(BudgetLineForm), min_entries=0, max_entries=200)

    allowed_categories: set[str] = set()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for entry in self.lines:
            line = entry.form
            if line.remove.data or line.is_blank():
                continue
            if (line.category.data or "") not in self.allowed_categories:
                line.category.errors = [*line.category.errors, "Kies een kostensoort uit de lijst."]
                ok = False
            if line.amount.data is None and not line.amount.errors:
                line.amount.errors = [*line.amount.errors, "Vul het bedrag van deze kostenpost in."]
                ok = False
            if line.category.data == "staff":
                for f, what in ((line.fte, "het aandeel van een voltijdse betrekking (VTE)"),
                                (line.months, "het aantal maanden")):
                    if f.data is None and not f.errors:
                        f.errors = [*f.errors, f"Vul voor personeelskosten {what} in."]
                        ok = False
            if not line.description.data and not line.description.errors:
                line.description.errors = [*line.description.errors, "Omschrijf deze kostenpost kort."]
                ok = False
        return ok


class ContributionLineForm(Form):
    source = Line("Van wie", limit=200)
    amount = AmountField("Bedrag", allow_empty=True)

    def is_blank(self) -> bool:
        return not self.source.data and not (self.amount.raw_data and (self.amount.raw_data[0] or "").strip())


class FinancingForm(SectionForm):
    requested_amount = AmountField("Gevraagde subsidie", allow_empty=True)
    own_financial = AmountField("Eigen financiële inbreng", allow_empty=True)
    own_staff = AmountField("Eigen personeelsinzet (gewaardeerd in euro)", allow_empty=True)
    third_party = FieldList(FormField(ContributionLineForm), min_entries=0, max_entries=50)
    waiver_motivation = TextArea("Motivatie voor een afwijking van de cofinanciering",
                                 description="Enkel invullen als u minder eigen bijdrage vraagt dan de oproep "
                                             "vereist. Het agentschap beslist over de afwijking.")

    max_amount: Decimal | None = None

    def validate_requested_amount(self, field):
        if field.data is not None and self.max_amount is not None and field.data > self.max_amount:
            raise ValidationError(f"Hoogstens {format_eur(self.max_amount)} voor deze oproep.")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for entry in self.third_party:
            line = entry.form
            if line.is_blank():
                continue
            if not line.source.data and not line.source.errors:
                line.source.errors = [*line.source.errors, "Vermeld van wie deze bijdrage komt."]
                ok = False
            if line.amount.data is None and not line.amount.errors:
                line.amount.errors = [*line.amount.errors, "Vul het bedrag van deze bijdrage in."]
                ok = False
        return ok


class ContactForm(SectionForm):
    contact_name = Line("Naam van de contactpersoon", limit=200)
    contact_email = Line("E-mailadres", limit=254, validators=[
        Optional(), Email("Geef een geldig e-mailadres, bijvoorbeeld naam@gemeente.be.", check_deliverability=False)])
    contact_phone = Line("Telefoonnummer", limit=40)

    def validate_contact_phone(self, field):
        if field.data and not re.fullmatch(r"\+?[0-9 ()./-]{6,40}", field.data, re.ASCII):
            raise ValidationError("Geef een telefoonnummer met cijfers, bijvoorbeeld 09 266 50 00.")


class PayoutForm(SectionForm):
    iban = Line("Rekeningnummer (IBAN) voor de uitbetaling", limit=60,
                description="Een Belgisch rekeningnummer, bijvoorbeeld BE68 5390 0754 7034.")
    bank_letter = FileField("Bevestigingsbrief van de bank (PDF, DOCX, XLSX of ODT, hoogstens 10 MB)")

    def validate_iban(self, field):
        if not field.data:
            return
        try:
            field.data = parse_belgian_iban(field.data)
        except IdentifierError as exc:
            raise ValidationError(str(exc)) from exc


class AttachmentForm(FlaskForm):
    file = FileField("Bestand (PDF, DOCX, XLSX of ODT, hoogstens 10 MB)")


class PartnerForm(FlaskForm):
    code = Line("REFNIS-code of ondernemingsnummer van de partner", limit=30,
                validators=[DataRequired(REQUIRED)],
                description="Een gemeente met haar REFNIS-code (bijvoorbeeld 72041), een andere organisatie "
                            "met haar ondernemingsnummer.")


class StartForm(FlaskForm):
    organisation_id = SelectField("Organisatie die de aanvraag indient", choices=[], validate_choice=False)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = [(str(o.id), o.name) for o in organisations]

    def validate_organisation_id(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError("Kies een van uw organisaties.")

    def chosen_id(self) -> int:
        return int(self.organisation_id.data)


class SubmitForm(FlaskForm):
    version = HiddenField()
    confirm = BooleanField("Ik bevestig dat de gegevens in deze aanvraag juist en volledig zijn.",
                           validators=[InputRequired("Bevestig dat de gegevens juist en volledig zijn.")])
    response = TextArea("Wat hebt u aangevuld of gewijzigd?", limit=5000,
                        description="Enkel bij een vraag om aanvullende informatie.")

    def loaded_version(self) -> int | None:
        return loaded_version(self.version.data)


class WithdrawForm(FlaskForm):
    reason = TextArea("Waarom trekt u de aanvraag in? (niet verplicht)", limit=2000)
    confirm = BooleanField("Ik trek deze aanvraag in. Dit kan niet ongedaan worden gemaakt.",
                           validators=[InputRequired("Bevestig dat u de aanvraag intrekt.")])


# --------------------------------------------------------------------------- the agency


class ScreeningForm(FlaskForm):
    outcome = RadioField("Beslissing over de ontvankelijkheid",
                         choices=[("admissible", "ontvankelijk"), ("inadmissible", "onontvankelijk")],
                         validate_choice=False, validators=[InputRequired("Kies ontvankelijk of onontvankelijk.")])
    reason = TextArea("Motivering", limit=5000, description="Verplicht bij onontvankelijk; de aanvrager ziet ze.")

    def validate_outcome(self, field):
        if field.data not in {"admissible", "inadmissible"}:
            raise ValidationError("Kies ontvankelijk of onontvankelijk.")

    def validate_reason(self, field):
        if self.outcome.data == "inadmissible" and not field.data:
            raise ValidationError("Geef de reden waarom de aanvraag onontvankelijk is.")


class InformationRequestForm(FlaskForm):
    message = TextArea("Welke informatie ontbreekt?", limit=5000, validators=[DataRequired(REQUIRED)])
    due_date = DateField("Aan te vullen tot en met", validators=[InputRequired(REQUIRED)],
                              description="De aanvraag staat open voor de aanvrager tot 23.59 uur op die dag.")


class AdviceForm(FlaskForm):
    version = HiddenField()
    agency_advice = TextArea("Advies van het agentschap",
                             description="Het advies van de dossierbeheerder voor de jury.")

    def loaded_version(self) -> int | None:
        return loaded_version(self.version.data)


class WaiverDecisionForm(FlaskForm):
    decision = RadioField("Beslissing over de gevraagde afwijking",
                          choices=[("accepted", "afwijking toegestaan"), ("refused", "afwijking geweigerd")],
                          validate_choice=False, validators=[InputRequired("Kies toegestaan of geweigerd.")])
    reason = TextArea("Motivering", limit=5000)

    def validate_decision(self, field):
        if field.data not in {"accepted", "refused"}:
            raise ValidationError("Kies toegestaan of geweigerd.")
