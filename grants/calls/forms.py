"""The call form: every rule of a call on one page, with a message next to each field.

Lists (criteria, KPIs, payment tranches) are edited without JavaScript: each row has a
"remove" checkbox and an order number, and a few blank rows are offered for new entries
(plus a button that adds more). Blank rows are ignored.
"""
from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, FieldList, FormField, HiddenField, RadioField, SelectField, SelectMultipleField,
    StringField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..i18n import _, lazy_gettext
from ..forms_common import (
    REQUIRED, AmountField, DateField, DecimalField, RowList, TypedField, WholeNumberField, clean_line, clean_text,
    positive_amount, positive_number, required_value,
)
from ..organisations.identifiers import IdentifierError, normalise_kbo
from ..organisations.labels import ORGANISATION_KIND_LABELS
from ..timeutil import LocalTimeError, from_local, to_local
from .operations import CallData, CriterionData, KpiData, TrancheData
from .rules import (
    COST_CATEGORY_LABELS, CofinancingKind, CofinancingRule, amounts_problem, format_dossier_number, period_problem,
    report_months_problem, tranches_problem, weights_problem,
)
from .states import CALL_KIND_LABELS, SELECTION_MODE_LABELS, TRIGGER_LABELS, CallKind, SelectionMode, TriggerKind

MAX_LINES = 1000
BLANK_ROWS = 2
MAX_CRITERIA = 60
MAX_KPIS = 60
MAX_TRANCHES = 20


def _ascii_digits(text: str, length: int) -> bool:
    return re.fullmatch(rf"[0-9]{{{length}}}", text) is not None


# --------------------------------------------------------------------------- fields of the call form only


class ClockTime(TypedField):
    """A time of day in Brussels: 23:59, 9:00, 9.30 or 9u30."""

    def format(self, value) -> str:
        return value.strftime("%H:%M")

    def parse(self, text: str) -> time:
        match = re.fullmatch(r"([0-9]{1,2})(?:[:.hu]([0-9]{2}))?", text.lower())
        if not match or int(match.group(1)) > 23 or int(match.group(2) or 0) > 59:
            raise ValueError(_("Geef een uur tussen 00:00 en 23:59, bijvoorbeeld 23:59."))
        return time(int(match.group(1)), int(match.group(2) or 0))


class MonthsList(TypedField):
    """Months after the project start, e.g. '6, 12, 24'."""

    max_typed = 200

    def format(self, value) -> str:
        return ", ".join(str(m) for m in value)

    def parse(self, text: str) -> list[int]:
        parts = [p for p in re.split(r"[\s,;]+", text) if p]
        if len(parts) > 40 or not all(re.fullmatch(r"[0-9]{1,3}", p) for p in parts):
            raise ValueError(_("Geef het aantal maanden als gehele getallen, gescheiden door komma's, "
                               "bijvoorbeeld 6, 12, 24."))
        months = [int(p) for p in parts]
        if any(not 1 <= m <= 120 for m in months):
            raise ValueError(_("Elk aantal maanden ligt tussen 1 en 120."))
        if len(set(months)) != len(months):
            raise ValueError(_("Elk aantal maanden mag maar één keer voorkomen."))
        return sorted(months)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        values = {str(v) for v, _ in self.choices}
        if any(str(d) not in values for d in (self.data or [])):
            raise ValidationError(_("Ongeldige keuze."))


def required_text(form, field) -> None:
    """Required in a row that is filled in (no 'required' attribute: blank rows may stay blank)."""
    if not field.data:
        field.errors[:] = []
        raise StopValidation(REQUIRED)


_text = [clean_line]


# --------------------------------------------------------------------------- rows


class _Row(FlaskForm):
    """A row of a list: skipped entirely when left blank or marked for removal."""

    class Meta:
        csrf = False

    BLANK_FIELDS: tuple[str, ...] = ()

    id = HiddenField()
    position = WholeNumberField(lazy_gettext("Volgorde"), minimum=1, maximum=999)
    delete = BooleanField(lazy_gettext("Verwijderen"))

    @property
    def skipped(self) -> bool:
        return bool(self.delete.data) or self.is_blank()

    def is_blank(self) -> bool:
        return all(not (self[name].raw_data and str(self[name].raw_data[0]).strip()) and not self[name].data
                   for name in self.BLANK_FIELDS)

    def validate(self, extra_validators=None):
        if self.skipped:
            for f in self:
                f.errors = []
            return True
        return super().validate(extra_validators)

    def row_id(self) -> int | None:
        value = (self.id.data or "").strip()
        return int(value) if re.fullmatch(r"[0-9]{1,9}", value) else None


class CriterionRow(_Row):
    BLANK_FIELDS = ("name", "description", "weight")

    name = StringField(lazy_gettext("Naam"), filters=_text,
                       validators=[required_text, Length(max=200, message=lazy_gettext("Hoogstens 200 tekens."))])
    description = TextAreaField(lazy_gettext("Omschrijving"), filters=[clean_text],
                                validators=[Length(max=2000, message=lazy_gettext("Hoogstens 2000 tekens."))])
    weight = DecimalField(lazy_gettext("Gewicht"), places=2, minimum=None, maximum=Decimal("1000"),
                          validators=[required_value, positive_number])
    scale_min = WholeNumberField(lazy_gettext("Schaal van"), minimum=0, maximum=100, default=0,
                                 validators=[required_value])
    scale_max = WholeNumberField(lazy_gettext("Schaal tot"), minimum=1, maximum=100, default=10,
                                 validators=[required_value])
    required = BooleanField(lazy_gettext("Verplicht te scoren"), default=True)

    def validate_scale_max(self, field):
        if field.data is not None and self.scale_min.data is not None and field.data <= self.scale_min.data:
            raise ValidationError(_("Het hoogste punt van de schaal moet boven het laagste liggen."))


class KpiRow(_Row):
    BLANK_FIELDS = ("name", "unit", "maximum")

    name = StringField(lazy_gettext("Naam"), filters=_text,
                       validators=[required_text, Length(max=200, message=lazy_gettext("Hoogstens 200 tekens."))])
    unit = StringField(lazy_gettext("Eenheid"), filters=_text,
                       validators=[Length(max=60, message=lazy_gettext("Hoogstens 60 tekens."))])
    maximum = DecimalField(lazy_gettext("Maximum"), places=2, minimum=Decimal(0), maximum=Decimal("9999999999"),
                           validators=[Optional()])


class TrancheRow(_Row):
    BLANK_FIELDS = ("label", "percent")

    label = StringField(lazy_gettext("Omschrijving"), filters=_text,
                        validators=[required_text, Length(max=100, message=lazy_gettext("Hoogstens 100 tekens."))])
    percent = DecimalField(lazy_gettext("Percentage"), places=2, minimum=None, maximum=Decimal(100),
                           validators=[required_value, positive_number])
    trigger = SelectField(lazy_gettext("Betaald"), choices=[(t.value, TRIGGER_LABELS[t]) for t in TriggerKind],
                          default=TriggerKind.AWARD.value)


# --------------------------------------------------------------------------- the call form

COFINANCING_CHOICES = [
    (CofinancingKind.NONE.value, lazy_gettext("Geen cofinanciering")),
    (CofinancingKind.MULTIPLE_OF_SUBSIDY.value,
     lazy_gettext("Eigen bijdrage minstens k keer de subsidie (actieplan: k = 1)")),
    (CofinancingKind.SHARE_OF_TOTAL_COST.value,
     lazy_gettext("Eigen bijdrage minstens p% van de totale projectkost (regierol: 20)")),
    (CofinancingKind.SUBSIDY_MAX_SHARE.value,
     lazy_gettext("Subsidie hoogstens p% van de totale subsidiabele kost (bv. EU-fonds: 75)")),
]

# Where a message of the operation's check lands in the form.
ERROR_FIELDS = {"closes_at": "closes_date", "opens_at": "opens_date"}


class CallForm(FlaskForm):
    version = HiddenField()

    title = StringField(lazy_gettext("Titel"), filters=_text,
                        validators=[DataRequired(REQUIRED),
                                    Length(max=300, message=lazy_gettext("Hoogstens 300 tekens."))])
    description = TextAreaField(
        lazy_gettext("Beschrijving"), filters=[clean_text],
        validators=[Length(max=20000, message=lazy_gettext("Hoogstens 20.000 tekens."))],
        description=lazy_gettext("Wordt op de publieke pagina getoond. U kunt Markdown gebruiken: **vet**, "
                                 "*cursief*, lijstjes met - en tussentitels met ##."))
    kind = SelectField(lazy_gettext("Soort oproep"), choices=[(k.value, CALL_KIND_LABELS[k]) for k in CallKind])
    dossier_prefix = StringField(
        lazy_gettext("Voorvoegsel van het dossiernummer"), filters=[lambda v: clean_line(v).upper() if v else v],
        validators=[DataRequired(REQUIRED), Length(max=10, message=lazy_gettext("Hoogstens 10 tekens."))],
        description=lazy_gettext("Bijvoorbeeld TG: dossiers krijgen dan een nummer als TG-2027-0001."))

    opens_date = DateField(lazy_gettext("Opening: datum"), validators=[required_value])
    opens_time = ClockTime(lazy_gettext("Opening: uur (Brusselse tijd)"), default=time(9, 0),
                           validators=[required_value])
    closes_date = DateField(lazy_gettext("Sluiting: datum"), validators=[required_value],
                            description=lazy_gettext("Tot dit tijdstip kan worden ingediend; op het tijdstip zelf is "
                                                     "de oproep gesloten."))
    closes_time = ClockTime(lazy_gettext("Sluiting: uur (Brusselse tijd)"), default=time(23, 59),
                            validators=[required_value])

    envelope = AmountField(lazy_gettext("Budget van de oproep (EUR)"),
                           validators=[InputRequired(REQUIRED), positive_amount],
                           description=lazy_gettext("Bijvoorbeeld 500.000,00."))
    max_amount = AmountField(lazy_gettext("Maximumbedrag per aanvraag (EUR)"),
                             validators=[InputRequired(REQUIRED), positive_amount])
    max_amount_per_year = AmountField(lazy_gettext("Maximumbedrag per jaar (EUR, optioneel)"), allow_empty=True,
                                      validators=[Optional(), positive_amount],
                                      description=lazy_gettext("Voor projecten over meerdere jaren."))
    min_duration_months = WholeNumberField(lazy_gettext("Minimale looptijd (maanden, optioneel)"), minimum=1,
                                           maximum=120, validators=[Optional()])
    max_duration_months = WholeNumberField(lazy_gettext("Maximale looptijd (maanden, optioneel)"), minimum=1,
                                           maximum=120, validators=[Optional()])
    renewable_times = WholeNumberField(lazy_gettext("Aantal keer verlengbaar"), minimum=0, maximum=10, default=0,
                                       validators=[required_value])
    project_start = DateField(lazy_gettext("Projecten starten op (optioneel)"), validators=[Optional()])

    allowed_kinds = MultiCheckboxField(lazy_gettext("Soorten organisaties die mogen indienen"),
                                       choices=list(ORGANISATION_KIND_LABELS.items()))
    allow_list = TextAreaField(
        lazy_gettext("Alleen deze organisaties (optioneel)"), filters=[clean_text],
        validators=[Length(max=100000, message=lazy_gettext("Deze lijst is te lang."))],
        description=lazy_gettext("Eén organisatie per regel: REFNIS-code (44021), ondernemingsnummer (0123.456.749) "
                                 "of de exacte naam. Wat na de code staat, mag (bijvoorbeeld '44021 Gent'). Leeg: "
                                 "elke organisatie van de gekozen soorten."))
    exclusions = TextAreaField(
        lazy_gettext("Uitgesloten organisaties (optioneel)"), filters=[clean_text],
        validators=[Length(max=100000, message=lazy_gettext("Deze lijst is te lang."))],
        description=lazy_gettext("Eén per regel: code of naam, een puntkomma en de reden. Bijvoorbeeld: "
                                 "'44021 Gent; al gefinancierd in de vorige ronde'."))
    partnerships_allowed = BooleanField(lazy_gettext("Samenwerkingsverbanden mogen samen indienen"))
    one_application_per_organisation = BooleanField(lazy_gettext("Eén aanvraag per organisatie"))

    cofinancing_kind = RadioField(lazy_gettext("Cofinancieringsregel"), choices=COFINANCING_CHOICES,
                                  default=CofinancingKind.NONE.value)
    cofinancing_value = DecimalField(
        lazy_gettext("Waarde van de regel (k of p)"), places=4, minimum=None, maximum=Decimal(1000),
        validators=[Optional()],
        description=lazy_gettext("k voor 'k keer de subsidie' (bijvoorbeeld 1), p voor een percentage "
                                 "(bijvoorbeeld 20)."))
    waiver_allowed = BooleanField(lazy_gettext("Een gemotiveerde afwijking van de cofinanciering mag worden "
                                               "aangevraagd"))
    one_award_per_organisation = BooleanField(lazy_gettext("Hoogstens één toekenning per organisatie"))
    partial_awards = BooleanField(
        lazy_gettext("Een gedeeltelijke toekenning mag, wanneer het budget halverwege een aanvraag opraakt"))
    eligible_cost_categories = MultiCheckboxField(lazy_gettext("Subsidiabele kosten"),
                                                  choices=list(COST_CATEGORY_LABELS.items()))

    selection_mode = RadioField(lazy_gettext("Selectie"),
                                choices=[(m.value, SELECTION_MODE_LABELS[m]) for m in SelectionMode],
                                default=SelectionMode.COMPETITIVE.value)
    jurors_per_application = WholeNumberField(lazy_gettext("Juryleden per aanvraag"), minimum=1, maximum=20,
                                              default=3, validators=[required_value])
    jurors_see_other_scores = BooleanField(lazy_gettext("Juryleden zien de scores van de anderen nadat ze hun eigen "
                                                        "scores hebben ingediend"))
    report_months = MonthsList(lazy_gettext("Tussentijdse rapportering (maanden na de start)"),
                               validators=[Optional()],
                               description=lazy_gettext("Bijvoorbeeld 6, 12, 24. Een eindverslag is altijd "
                                                        "verplicht."))

    criteria = RowList(FormField(CriterionRow), limit=MAX_CRITERIA)
    kpis = RowList(FormField(KpiRow), limit=MAX_KPIS)
    tranches = RowList(FormField(TrancheRow), limit=MAX_TRANCHES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.list_errors: dict[str, list[str]] = {"criteria": [], "kpis": [], "tranches": []}
        self.list_warnings: dict[str, list[str]] = {"criteria": [], "kpis": [], "tranches": []}
        self.allowed_organisation_ids: list[int] = []
        self.exclusion_pairs: list[tuple[int, str]] = []
        self.opens_at: datetime | None = None
        self.closes_at: datetime | None = None

    # -- blank rows

    def add_blank_rows(self, count: int = BLANK_ROWS, only: str | None = None) -> None:
        for name in ("criteria", "kpis", "tranches"):
            if only and name != only:
                continue
            rows = getattr(self, name)
            for _blank in range(count):
                if len(rows.entries) >= rows.limit:
                    break
                positions = [r.form.position.data for r in rows.entries if r.form.position.data]
                entry = rows.append_entry()
                entry.form.position.data = (max(positions) if positions else 0) + 1
                entry.form.position.raw_data = None

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(self.list_errors.values())

    # -- validation

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        self.opens_at = self._instant(self.opens_date, self.opens_time)
        self.closes_at = self._instant(self.closes_date, self.closes_time)
        if self.opens_at and self.closes_at:
            problem = period_problem(self.opens_at, self.closes_at)
            if problem:
                self.closes_date.errors.append(problem)
        if not self.envelope.errors and not self.max_amount.errors and not self.max_amount_per_year.errors:
            for name, message in amounts_problem(self.envelope.data, self.max_amount.data,
                                                 self.max_amount_per_year.data).items():
                self[name].errors.append(message)
        if not self.dossier_prefix.errors and self.dossier_prefix.data:
            try:
                format_dossier_number(self.dossier_prefix.data, 2000, 1)
            except ValueError as exc:
                self.dossier_prefix.errors.append(str(exc))
        if not self.min_duration_months.errors and not self.max_duration_months.errors \
                and self.min_duration_months.data and self.max_duration_months.data \
                and self.min_duration_months.data > self.max_duration_months.data:
            self.max_duration_months.errors.append(
                _("De maximale looptijd moet minstens even lang zijn als de minimale looptijd."))
        if not self.report_months.errors and self.report_months.data and self.max_duration_months.data:
            problem = report_months_problem(self.report_months.data, self.max_duration_months.data)
            if problem:
                self.report_months.errors.append(problem)
        if not self.cofinancing_kind.errors and not self.cofinancing_value.errors:
            try:
                CofinancingRule(CofinancingKind(self.cofinancing_kind.data), self.cofinancing_value.data,
                                self.waiver_allowed.data)
            except (ValueError, TypeError) as exc:
                self.cofinancing_value.errors.append(str(exc))
        self.allowed_organisation_ids = self._organisations(self.allow_list, with_reason=False)
        self.exclusion_pairs = self._organisations(self.exclusions, with_reason=True)
        if not self.allowed_kinds.data and not self.allowed_organisation_ids and not self.allow_list.errors:
            self.allowed_kinds.errors.append(_("Kies minstens één soort organisatie die mag indienen."))
        self._check_lists()
        return ok and not self.has_errors

    def _instant(self, day_field, time_field) -> datetime | None:
        if day_field.data is None or time_field.data is None:
            return None
        try:
            return from_local(datetime.combine(day_field.data, time_field.data))
        except LocalTimeError as exc:
            time_field.errors.append(_("%(problem)s Op %(day)s springt de klok van 02:00 naar 03:00; kies een "
                                       "ander uur.", problem=str(exc), day=f"{day_field.data:%d-%m-%Y}"))
            return None

    def _check_lists(self) -> None:
        kept = {name: self.kept_rows(getattr(self, name)) for name in ("criteria", "kpis", "tranches")}
        too_many = {
            "criteria": lambda **n: _("Een oproep heeft hoogstens %(limit)s beoordelingscriteria; u gaf er "
                                      "%(count)s.", **n),
            "kpis": lambda **n: _("Een oproep heeft hoogstens %(limit)s indicatoren (KPI's); u gaf er %(count)s.", **n),
            "tranches": lambda **n: _("Een oproep heeft hoogstens %(limit)s betalingsschijven; u gaf er %(count)s.",
                                      **n),
        }
        for name, message in too_many.items():
            rows = getattr(self, name)
            if rows.too_many(len(kept[name])):  # refused with every row shown again, never cut off silently
                self.list_errors[name].append(message(limit=rows.limit, count=rows.given(len(kept[name]))))
        criteria = kept["criteria"]
        if all(not r.form.weight.errors for r in criteria):
            problem = weights_problem([r.form.weight.data for r in criteria if r.form.weight.data is not None])
            if problem:
                self.list_errors["criteria"].append(problem)
        names = [(r.form.name.data or "").lower() for r in criteria]
        if len(set(names)) != len(names):
            self.list_errors["criteria"].append(
                _("Twee criteria hebben dezelfde naam; geef elk criterium een eigen naam."))
        if self.selection_mode.data == SelectionMode.COMPETITIVE.value and not criteria:
            # allowed in a draft, refused when publishing: say it now, without refusing the save
            self.list_warnings["criteria"].append(
                _("Let op: een competitieve oproep heeft beoordelingscriteria nodig voor ze gepubliceerd kan worden."))
        kpi_names = [(r.form.name.data or "").lower() for r in kept["kpis"]]
        if len(set(kpi_names)) != len(kpi_names):
            self.list_errors["kpis"].append(_("Twee KPI's hebben dezelfde naam."))
        tranches = kept["tranches"]
        if all(not r.form.percent.errors for r in tranches):
            problem = tranches_problem([r.form.percent.data for r in tranches if r.form.percent.data is not None])
            if problem:
                self.list_errors["tranches"].append(problem)

    @staticmethod
    def kept_rows(rows: FieldList) -> list:
        """The rows that count, in the order the admin gave (order number, then place on the page)."""
        kept = [(i, r) for i, r in enumerate(rows.entries) if not r.form.skipped]
        kept.sort(key=lambda pair: (pair[1].form.position.data or 10**6, pair[0]))
        return [r for _, r in kept]

    def _organisations(self, field, *, with_reason: bool) -> list:
        """Read 'one organisation per line' (code or exact name; '; reason' for exclusions)."""
        from .queries import organisations_by_code_or_name

        lines = [(n, line.strip()) for n, line in enumerate((field.data or "").split("\n"), start=1) if line.strip()]
        if len(lines) > MAX_LINES:
            field.errors.append(_("Hoogstens %(lines)s regels.", lines=MAX_LINES))
            return []
        parsed: list[tuple[int, str, str, str]] = []  # line number, text, lookup key, reason
        for n, line in lines:
            text, reason = line, ""
            if with_reason:
                text, sep, reason = line.partition(";")
                text, reason = text.strip(), reason.strip()
                if not sep or not reason:
                    field.errors.append(_("Regel %(line)s: geef na een puntkomma de reden van de uitsluiting "
                                          "(bijvoorbeeld '%(text)s; al gefinancierd in de vorige ronde').",
                                          line=n, text=_short(text)))
                    continue
                if len(reason) > 300:
                    field.errors.append(_("Regel %(line)s: de reden mag hoogstens 300 tekens tellen.", line=n))
                    continue
            parsed.append((n, text, lookup_key(text), reason))
        found = organisations_by_code_or_name(list(dict.fromkeys(key for _, _, key, _ in parsed)))
        result, seen = [], set()
        for n, text, key, reason in parsed:
            matches = found.get(key, [])
            if not matches:
                field.errors.append(_("Regel %(line)s: onbekende organisatie '%(text)s'. Geef een REFNIS-code "
                                      "(5 cijfers), een ondernemingsnummer of de exacte naam.",
                                      line=n, text=_short(text)))
            elif len(matches) > 1:
                field.errors.append(_("Regel %(line)s: er zijn meerdere organisaties met de naam '%(text)s'; "
                                      "geef de REFNIS-code of het ondernemingsnummer.", line=n, text=_short(text)))
            elif matches[0].id in seen:
                field.errors.append(_("Regel %(line)s: %(name)s staat al eerder in de lijst.",
                                      line=n, name=matches[0].name))
            else:
                seen.add(matches[0].id)
                result.append((matches[0].id, reason) if with_reason else matches[0].id)
        return result

    # -- to the operation

    def to_data(self) -> CallData:
        return CallData(
            title=self.title.data, description=self.description.data or "", kind=CallKind(self.kind.data),
            selection_mode=SelectionMode(self.selection_mode.data), dossier_prefix=self.dossier_prefix.data,
            opens_at=self.opens_at, closes_at=self.closes_at, envelope=self.envelope.data,
            max_amount=self.max_amount.data, max_amount_per_year=self.max_amount_per_year.data,
            min_duration_months=self.min_duration_months.data, max_duration_months=self.max_duration_months.data,
            renewable_times=self.renewable_times.data or 0, project_start=self.project_start.data,
            allowed_kinds=list(self.allowed_kinds.data or []), partnerships_allowed=self.partnerships_allowed.data,
            one_application_per_organisation=self.one_application_per_organisation.data,
            cofinancing_kind=CofinancingKind(self.cofinancing_kind.data),
            cofinancing_value=self.cofinancing_value.data, waiver_allowed=self.waiver_allowed.data,
            one_award_per_organisation=self.one_award_per_organisation.data,
            partial_awards=self.partial_awards.data,
            eligible_cost_categories=list(self.eligible_cost_categories.data or []),
            jurors_per_application=self.jurors_per_application.data or 1,
            jurors_see_other_scores=self.jurors_see_other_scores.data,
            report_months=list(self.report_months.data or []),
            criteria=[CriterionData(id=r.form.row_id(), name=r.form.name.data,
                                    description=r.form.description.data or "", weight=r.form.weight.data,
                                    scale_min=r.form.scale_min.data, scale_max=r.form.scale_max.data,
                                    required=r.form.required.data) for r in self.kept_rows(self.criteria)],
            kpis=[KpiData(id=r.form.row_id(), name=r.form.name.data, unit=r.form.unit.data or "",
                          maximum=r.form.maximum.data) for r in self.kept_rows(self.kpis)],
            tranches=[TrancheData(id=r.form.row_id(), label=r.form.label.data, percent=r.form.percent.data,
                                  trigger=TriggerKind(r.form.trigger.data)) for r in self.kept_rows(self.tranches)],
            allowed_organisation_ids=list(self.allowed_organisation_ids),
            exclusions=list(self.exclusion_pairs),
        )

    def show_operation_errors(self, errors: dict[str, str]) -> None:
        """Messages of the operation's own check, next to the right field."""
        for name, message in errors.items():
            if name in self.list_errors:
                self.list_errors[name].append(message)
                continue
            target = ERROR_FIELDS.get(name, name)
            field = self._fields.get(target) or self.title
            if isinstance(field.errors, tuple):
                field.errors = list(field.errors)
            field.errors.append(message)


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def lookup_key(text: str) -> str:
    """'44021 Gent' -> '44021'; '0123.456.749 CIBO' -> '0123456749'; otherwise the name as typed."""
    text = text.strip()
    compact = re.sub(r"[\s.]", "", text)
    if _ascii_digits(compact, 5):
        return compact
    try:
        return normalise_kbo(text)
    except IdentifierError:
        pass
    first = text.split(None, 1)[0] if text.split() else ""
    first_compact = first.replace(".", "")
    if _ascii_digits(first_compact, 5):
        return first_compact
    try:
        return normalise_kbo(first)
    except IdentifierError:
        return text


def organisation_line(org) -> str:
    """How an organisation is written in the list fields (read back by lookup_key)."""
    if org.refnis:
        return f"{org.refnis} {org.name}"
    if org.kbo:
        return f"{org.kbo[:4]}.{org.kbo[4:7]}.{org.kbo[7:]} {org.name}"
    return org.name


# --------------------------------------------------------------------------- filling the form


def form_data_from_call(call) -> dict:
    opens, closes = to_local(call.opens_at), to_local(call.closes_at)
    return {
        "version": str(call.version),
        "title": call.title, "description": call.description, "kind": call.kind.value,
        "dossier_prefix": call.dossier_prefix,
        "opens_date": opens.date() if opens else None, "opens_time": opens.time() if opens else None,
        "closes_date": closes.date() if closes else None, "closes_time": closes.time() if closes else None,
        "envelope": call.envelope, "max_amount": call.max_amount, "max_amount_per_year": call.max_amount_per_year,
        "min_duration_months": call.min_duration_months, "max_duration_months": call.max_duration_months,
        "renewable_times": call.renewable_times, "project_start": call.project_start,
        "allowed_kinds": list(call.allowed_kinds or []),
        "allow_list": "\n".join(organisation_line(o) for o in call.allowed_organisations),
        "exclusions": "\n".join(f"{organisation_line(e.organisation)}; {e.reason}"
                                for e in sorted(call.exclusions, key=lambda e: e.organisation.name)),
        "partnerships_allowed": call.partnerships_allowed,
        "one_application_per_organisation": call.one_application_per_organisation,
        "cofinancing_kind": call.cofinancing_kind.value, "cofinancing_value": call.cofinancing_value,
        "waiver_allowed": call.waiver_allowed, "eligible_cost_categories": list(call.eligible_cost_categories or []),
        "one_award_per_organisation": call.one_award_per_organisation, "partial_awards": call.partial_awards,
        "selection_mode": call.selection_mode.value, "jurors_per_application": call.jurors_per_application,
        "jurors_see_other_scores": call.jurors_see_other_scores, "report_months": list(call.report_months or []),
        "criteria": [{"id": str(c.id), "position": i, "name": c.name, "description": c.description,
                      "weight": c.weight, "scale_min": c.scale_min, "scale_max": c.scale_max,
                      "required": c.required} for i, c in enumerate(call.criteria, start=1)],
        "kpis": [{"id": str(k.id), "position": i, "name": k.name, "unit": k.unit, "maximum": k.maximum}
                 for i, k in enumerate(call.kpis, start=1)],
        "tranches": [{"id": str(t.id), "position": i, "label": t.label, "percent": t.percent,
                      "trigger": t.trigger.value} for i, t in enumerate(call.tranches, start=1)],
    }


def form_data_from_preset(preset) -> dict:
    values = preset.call_values()
    return {
        "title": values["title"], "description": values["description"], "kind": preset.kind.value,
        "dossier_prefix": values["dossier_prefix"], "opens_time": time(9, 0), "closes_time": time(23, 59),
        "envelope": values["envelope"], "max_amount": values["max_amount"],
        "max_amount_per_year": values["max_amount_per_year"],
        "min_duration_months": values["min_duration_months"], "max_duration_months": values["max_duration_months"],
        "renewable_times": values["renewable_times"], "allowed_kinds": values["allowed_kinds"],
        "partnerships_allowed": values["partnerships_allowed"],
        "one_application_per_organisation": values["one_application_per_organisation"],
        "cofinancing_kind": values["cofinancing_kind"].value, "cofinancing_value": values["cofinancing_value"],
        "waiver_allowed": values["waiver_allowed"], "eligible_cost_categories": values["eligible_cost_categories"],
        "one_award_per_organisation": values["one_award_per_organisation"],
        "partial_awards": values["partial_awards"],
        "selection_mode": values["selection_mode"].value, "jurors_per_application": values["jurors_per_application"],
        "jurors_see_other_scores": values["jurors_see_other_scores"], "report_months": values["report_months"],
        "criteria": [{"position": i, "name": c.name, "description": c.description, "weight": c.weight,
                      "scale_min": c.scale_min, "scale_max": c.scale_max, "required": c.required}
                     for i, c in enumerate(preset.criteria, start=1)],
        "kpis": [{"position": i, "name": k.name, "unit": k.unit, "maximum": k.maximum}
                 for i, k in enumerate(preset.kpis, start=1)],
        "tranches": [{"position": i, "label": t.label, "percent": t.percent, "trigger": t.trigger.value}
                     for i, t in enumerate(preset.tranches, start=1)],
    }


# --------------------------------------------------------------------------- small forms


class ReasonForm(FlaskForm):
    reason = TextAreaField(lazy_gettext("Reden"), filters=[clean_text],
                           validators=[InputRequired(REQUIRED),
                                       Length(min=10, max=2000,
                                              message=lazy_gettext("Geef een reden van 10 tot 2000 tekens."))])


class DuplicateForm(FlaskForm):
    title = StringField(lazy_gettext("Titel van de nieuwe ronde"), filters=_text,
                        validators=[DataRequired(REQUIRED),
                                    Length(max=300, message=lazy_gettext("Hoogstens 300 tekens."))])
    exclude_funded = BooleanField(lazy_gettext("Sluit de organisaties uit die in deze ronde gefinancierd werden"))
    exclusion_reason = StringField(lazy_gettext("Reden van de uitsluiting"), filters=_text,
                                   validators=[Length(max=300, message=lazy_gettext("Hoogstens 300 tekens."))])
