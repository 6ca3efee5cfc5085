"""Forms of the follow-up: the report's sections, the agency's review, payments, extensions and the
policy plan. Fields come from the one toolkit (grants/forms_common.py): a typed value that cannot be
read (letters in an amount, a negative figure) is refused with a Dutch message beside the field and
shown again as typed. Forms convert themselves into the plain values the operations take."""
from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, ValidationError

from ..calls.rules import cost_category_label
from ..forms_common import (
    REQUIRED, AmountField, DateField, DecimalField, Line, TextArea, WholeNumberField, loaded_version,
)
from ..i18n import _, lazy_gettext
from ..money import format_decimal
from .operations import ActionData, ExtensionData, FinanceValues, KpiEntry, PlanData
from .rules import ProjectStatus, project_status_label

MAX_VALUE = Decimal("9999999999.99")


class SectionForm(FlaskForm):
    version = HiddenField()
    fingerprint = HiddenField()

    def loaded_version(self) -> int | None:
        return loaded_version(self.version.data)


class ProgressForm(SectionForm):
    narrative = TextArea(lazy_gettext("Voortgang van het project"), limit=20_000,
                         description=lazy_gettext("Wat is er in deze periode gebeurd? Welke acties liepen, met wie, "
                                                  "en wie werd bereikt?"))
    bottlenecks = TextArea(lazy_gettext("Knelpunten en successen"), limit=20_000,
                           description=lazy_gettext("Wat liep moeilijk, wat liep goed, en wat leert u eruit?"))

    def values(self) -> dict:
        return {"narrative": self.narrative.data or "", "bottlenecks": self.bottlenecks.data or ""}


def kpi_form(kpi_rows: list[dict]) -> type:
    """One realised value and one motivation per KPI of the call; built per request (labels in the page's
    language). `kpi_rows` are operations.kpi_rows(report)."""

    class KpiForm(SectionForm):
        kpi_ids: list[int] = []

        def values(self) -> dict[int, KpiEntry]:
            return {kpi_id: KpiEntry(self[f"value_{kpi_id}"].data, self[f"motivation_{kpi_id}"].data or "")
                    for kpi_id in self.kpi_ids}

    KpiForm.kpi_ids = [row["kpi"].id for row in kpi_rows]
    for row in kpi_rows:
        kpi = row["kpi"]
        label = kpi.name + (f" ({kpi.unit})" if kpi.unit else "")
        if row["target"] is None:
            hint = _("De toekenning vermeldt geen doelstelling voor deze indicator.")
        elif row["confirmed"]:
            hint = _("Doelstelling bevestigd in de toekenning: %(target)s.", target=format_decimal(row["target"]))
        else:
            hint = _("De toekenning bevestigde geen waarde: gemeten tegen de geplande waarde uit de aanvraag, "
                     "%(target)s.", target=format_decimal(row["target"]))
        setattr(KpiForm, f"value_{kpi.id}", DecimalField(label, places=2, minimum=Decimal(0),
                                                         maximum=kpi.maximum or MAX_VALUE, description=hint))
        setattr(KpiForm, f"motivation_{kpi.id}", TextArea(
            _("Motivering bij %(name)s", name=kpi.name), limit=5_000,
            description=_("Verplicht als de gerealiseerde waarde onder de doelstelling blijft.")))
    return KpiForm


def finance_form(categories: list[str]) -> type:
    """Spent per eligible cost category of the report, and the co-financing realised."""

    class FinanceForm(SectionForm):
        own_financial = AmountField(lazy_gettext("Gerealiseerde eigen financiële inbreng"), allow_empty=True)
        own_staff = AmountField(lazy_gettext("Gerealiseerde eigen personeelsinzet (gewaardeerd in euro)"),
                                allow_empty=True)
        third_party = AmountField(lazy_gettext("Gerealiseerde bijdragen van derden"), allow_empty=True)
        categories_: list[str] = []

        def values(self) -> FinanceValues:
            return FinanceValues(spent={c: self[f"spent_{c}"].data for c in self.categories_},
                                 own_financial=self.own_financial.data, own_staff=self.own_staff.data,
                                 third_party=self.third_party.data)

    FinanceForm.categories_ = list(categories)
    for category in categories:
        setattr(FinanceForm, f"spent_{category}", AmountField(
            _("Uitgegeven: %(category)s", category=cost_category_label(category)), allow_empty=True))
    return FinanceForm


class AttachmentForm(FlaskForm):
    file = FileField(lazy_gettext("Bestand (PDF, DOCX, XLSX of ODT, hoogstens 10 MB)"))


class SubmitForm(FlaskForm):
    version = HiddenField()

    def loaded_version(self) -> int | None:
        return loaded_version(self.version.data)


class ReviewForm(FlaskForm):
    decision = RadioField(lazy_gettext("Beslissing"), choices=[
        ("approve", lazy_gettext("Goedkeuren")), ("changes", lazy_gettext("Aanpassingen vragen (heropent het verslag)"))],
        validate_choice=False)
    remarks = TextArea(lazy_gettext("Opmerkingen voor de organisatie"), limit=10_000,
                       description=lazy_gettext("Verplicht als u aanpassingen vraagt."))

    def validate_decision(self, field):
        if field.data not in ("approve", "changes"):
            raise ValidationError(_("Kies goedkeuren of aanpassingen vragen."))

    def validate_remarks(self, field):
        if self.decision.data == "changes" and not (field.data or "").strip():
            raise ValidationError(_("Schrijf welke aanpassingen nodig zijn: de organisatie krijgt uw opmerkingen."))


class PaymentActionForm(FlaskForm):
    on = DateField(lazy_gettext("Datum"), description=lazy_gettext("Leeg: vandaag."))


class ExtensionForm(FlaskForm):
    dossier = Line(lazy_gettext("Nieuw dossier (referentie)"), limit=60, validators=[DataRequired(REQUIRED)],
                   description=lazy_gettext("De verlenging steunt op een nieuw dossier, bijvoorbeeld RR-2015-0003-V1."))
    months = WholeNumberField(lazy_gettext("Duur van de verlenging (maanden)"), minimum=1, maximum=60)
    amount = AmountField(lazy_gettext("Bedrag van de verlenging"))
    budget_total = AmountField(lazy_gettext("Begroting van het nieuwe dossier"), allow_empty=True,
                               description=lazy_gettext("Leeg: dezelfde begroting als de oorspronkelijke aanvraag."))
    motivation = TextArea(lazy_gettext("Motivering"), limit=5_000)

    def validate_months(self, field):
        if field.data is None and not field.errors:
            raise ValidationError(str(REQUIRED))

    def to_data(self) -> ExtensionData:
        return ExtensionData(dossier=self.dossier.data or "", months=self.months.data, amount=self.amount.data,
                             budget_total=self.budget_total.data, motivation=self.motivation.data or "")


class PlanForm(FlaskForm):
    title = Line(lazy_gettext("Titel van het plan"), limit=300, validators=[DataRequired(REQUIRED)])
    description = TextArea(lazy_gettext("Omschrijving"), limit=10_000)

    def to_data(self) -> PlanData:
        return PlanData(title=self.title.data or "", description=self.description.data or "")


class ActionForm(FlaskForm):
    number = Line(lazy_gettext("Nummer van de actie"), limit=20, validators=[DataRequired(REQUIRED)],
                  description=lazy_gettext("Bijvoorbeeld 14.2."))
    title = TextArea(lazy_gettext("Titel en omschrijving van de actie"), limit=5_000,
                     validators=[DataRequired(REQUIRED)])
    ministers = TextArea(lazy_gettext("Verantwoordelijke ministers"), limit=2_000,
                         description=lazy_gettext("Eén per regel."))
    domains = TextArea(lazy_gettext("Beleidsdomeinen"), limit=2_000, description=lazy_gettext("Eén per regel."))
    stakeholders = TextArea(lazy_gettext("Andere betrokkenen"), limit=2_000,
                            description=lazy_gettext("Eén per regel."))
    status_override = SelectField(lazy_gettext("Status"), choices=[], validate_choice=False,
                                  description=lazy_gettext("Leeg: volgt uit de projecten van de gekoppelde oproepen."))
    call_ids = SelectMultipleField(lazy_gettext("Gekoppelde oproepen"), choices=[], validate_choice=False,
                                   description=lazy_gettext("Een oproep hoort bij hoogstens één actie."))

    def __init__(self, *args, calls=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.status_override.choices = [("", _("volgt uit de projecten"))] + [
            (s.value, project_status_label(s)) for s in ProjectStatus]
        self.call_ids.choices = [(str(c.id), c.title) for c in calls]

    def validate_status_override(self, field):
        if field.data not in {"", *(s.value for s in ProjectStatus)}:
            raise ValidationError(_("Kies een status uit de lijst."))

    def validate_call_ids(self, field):
        known = {value for value, _label in field.choices}
        if any(value not in known for value in field.data or []):
            raise ValidationError(_("Kies oproepen uit de lijst."))

    def to_data(self) -> ActionData:
        return ActionData(number=self.number.data or "", title=self.title.data or "",
                          ministers=self.ministers.data or "", domains=self.domains.data or "",
                          stakeholders=self.stakeholders.data or "", status_override=self.status_override.data or None,
                          call_ids=tuple(int(v) for v in self.call_ids.data or []))
