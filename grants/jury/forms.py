"""Forms of the jury: set-up, jurors, conflicts, assignments, the score sheet, the advice.

They read and check what was typed (Dutch messages, the typed value shown again on error) and
convert it to the operations' plain values (`to_data()`); the operations check again. The score
sheet and the declaration are built per call (`sheet_form_class`, `declaration_form_class`),
with a field per criterion or per application.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Optional, StopValidation, ValidationError

from ..forms_common import (
    REQUIRED, DateField, DecimalField, Line, TextArea, TypedField, WholeNumberField, loaded_version, read_decimal,
)
from ..i18n import _, lazy_gettext
from ..timeutil import LocalTimeError, from_local, to_local
from .models import DECLARABLE_KINDS, AdviceOutcome, ConflictKind, Recommendation
from .operations import (
    COMMENT_MAX, MAX_JURORS_PER_APPLICATION, REASON_MAX, CriterionScore, Declaration, JurySettings, SheetData,
)

_TIME_FORMATS = ("%H:%M", "%H.%M", "%H:%M:%S")


def _kind_choices() -> list[tuple[str, str]]:
    return [("", _("Kies het soort"))] + [(k.value, k.label) for k in DECLARABLE_KINDS]


class VersionedForm(FlaskForm):
    version = HiddenField()

    def loaded_version(self) -> int | None:
        return loaded_version(self.version.data)


# --------------------------------------------------------------------------- set-up


class JurySetupForm(VersionedForm):
    chair_id = SelectField(lazy_gettext("Voorzitter"), choices=[], validate_choice=False,
                           description=lazy_gettext("Een jurylid van deze oproep; de voorzitter ziet de rangschikking "
                                                    "en legt het juryadvies vast."))
    deadline_date = DateField(lazy_gettext("Deadline voor de beoordelingen: datum"),
                              description=lazy_gettext("Brusselse tijd. Laat leeg voor geen deadline."))
    deadline_time = Line(lazy_gettext("Deadline: uur"), limit=8,
                         description=lazy_gettext("Bijvoorbeeld 17:00. Op dat ogenblik sluit het beoordelen."))
    quality_threshold = DecimalField(lazy_gettext("Kwaliteitsdrempel (punten op 100, optioneel)"), places=2,
                                     minimum=Decimal(0), maximum=Decimal(100),
                                     description=lazy_gettext("Het minimale gewogen totaal om in aanmerking te komen "
                                                              "voor steun, bijvoorbeeld 60."))
    jurors_per_application = WholeNumberField(lazy_gettext("Juryleden per aanvraag"), minimum=1,
                                              maximum=MAX_JURORS_PER_APPLICATION)
    jurors_see_other_scores = BooleanField(lazy_gettext("Juryleden zien elkaars beoordelingen nadat ze hun eigen "
                                                        "beoordeling hebben ingediend"))

    def set_members(self, members) -> None:
        self.chair_id.choices = [("", _("(nog geen voorzitter)"))] + [(str(m.id), m.display_name) for m in members]

    def validate_chair_id(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_("Kies een jurylid van deze oproep."))

    def validate_jurors_per_application(self, field):
        if field.data is None and not field.process_errors:
            raise StopValidation(str(REQUIRED))

    def validate_deadline_time(self, field):
        if field.data and self._time() is None:
            raise ValidationError(_("Geef een uur als uu:mm, bijvoorbeeld 17:00."))
        if field.data and not self.deadline_date.data and not self.deadline_date.errors:
            raise ValidationError(_("Geef ook de datum van de deadline."))

    def _time(self):
        for pattern in _TIME_FORMATS:
            try:
                return datetime.strptime(self.deadline_time.data, pattern).time()
            except (TypeError, ValueError):
                continue
        return None

    def deadline(self) -> datetime | None:
        """The deadline as a UTC instant (ValueError with the Dutch message for a time that does not exist)."""
        if not self.deadline_date.data:
            return None
        moment = self._time() if self.deadline_time.data else datetime.strptime("23:59", "%H:%M").time()
        try:
            return from_local(datetime.combine(self.deadline_date.data, moment))
        except LocalTimeError as exc:
            raise ValueError(str(exc)) from exc

    def fill_from(self, panel, call) -> None:
        self.version.data = str(panel.version) if panel is not None else ""
        self.chair_id.data = str(panel.chair_id) if panel is not None and panel.chair_id else ""
        local = to_local(panel.scoring_deadline) if panel is not None and panel.scoring_deadline else None
        self.deadline_date.data = local.date() if local else None
        self.deadline_time.data = local.strftime("%H:%M") if local else ""
        self.quality_threshold.data = panel.quality_threshold if panel is not None else None
        self.jurors_per_application.data = call.jurors_per_application
        self.jurors_see_other_scores.data = call.jurors_see_other_scores

    def to_data(self) -> JurySettings:
        return JurySettings(chair_id=int(self.chair_id.data) if self.chair_id.data else None,
                            scoring_deadline=self.deadline(), quality_threshold=self.quality_threshold.data,
                            jurors_per_application=self.jurors_per_application.data,
                            jurors_see_other_scores=bool(self.jurors_see_other_scores.data))


class AddJurorForm(FlaskForm):
    user_id = SelectField(lazy_gettext("Jurylid toevoegen"), choices=[], validate_choice=False)

    def set_candidates(self, users) -> None:
        self.user_id.choices = [("", _("Kies een gebruiker met de rol jurylid"))] + [
            (str(u.id), f"{u.display_name} ({u.email})") for u in users]

    def validate_user_id(self, field):
        if not field.data or field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_("Kies een jurylid uit de lijst."))


class InviteJurorForm(FlaskForm):
    email = StringField(lazy_gettext("E-mailadres"), validators=[InputRequired(message=REQUIRED),
                                                                 Email(message=lazy_gettext("Geef een geldig "
                                                                                            "e-mailadres."))],
                        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v])
    name = Line(lazy_gettext("Naam"), limit=200)


class EmptyForm(FlaskForm):
    """Only the CSRF token: for buttons that need nothing else (remove, remind)."""


# --------------------------------------------------------------------------- conflicts


def declaration_form_class(rows):
    """A form with, per application row, a choice "no conflict / conflict", its kind and its reason."""

    class DeclarationForm(FlaskForm):
        def entries(self):
            for row in rows:
                yield row, self[f"answer_{row.application_id}"], self[f"kind_{row.application_id}"], \
                    self[f"reason_{row.application_id}"]

        def validate(self, extra_validators=None):
            ok = super().validate(extra_validators)
            for row, answer, kind, reason in self.entries():
                if row.own_conflict is not None:
                    continue
                if answer.data == "conflict":
                    if kind.data not in {k.value for k in ConflictKind}:  # none chosen, or not one of the list
                        kind.errors.append(_("Kies het soort belangenconflict."))
                        ok = False
                    if not reason.data:
                        reason.errors.append(_("Geef een korte reden."))
                        ok = False
            return ok

        def to_data(self) -> list[Declaration]:
            found = []
            for row, answer, kind, reason in self.entries():
                if row.own_conflict is not None or not answer.data:
                    continue
                conflict = answer.data == "conflict"
                found.append(Declaration(row.application_id, conflict,
                                         ConflictKind(kind.data) if conflict and kind.data else None,
                                         reason.data or "" if conflict else ""))
            return found

        def unanswered(self) -> list:
            return [row for row, answer, _k, _r in self.entries() if row.own_conflict is None and not answer.data]

    for row in rows:
        setattr(DeclarationForm, f"answer_{row.application_id}", RadioField(
            lazy_gettext("Belangenconflict"), choices=[("none", lazy_gettext("geen belangenconflict")),
                                                        ("conflict", lazy_gettext("belangenconflict"))],
            validators=[Optional()], validate_choice=True))
        setattr(DeclarationForm, f"kind_{row.application_id}", SelectField(
            lazy_gettext("Soort"), choices=_kind_choices(), validate_choice=False))
        setattr(DeclarationForm, f"reason_{row.application_id}", TextArea(lazy_gettext("Reden"), limit=REASON_MAX))
    return DeclarationForm


class OwnConflictForm(FlaskForm):
    """A juror declares a conflict later, from the scoring page."""

    kind = SelectField(lazy_gettext("Soort belangenconflict"), choices=[], validate_choice=False)
    reason = TextArea(lazy_gettext("Reden"), limit=REASON_MAX, validators=[InputRequired(message=REQUIRED)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = _kind_choices()

    def validate_kind(self, field):
        if field.data not in {k.value for k in ConflictKind}:
            raise ValidationError(_("Kies het soort belangenconflict."))


class AdminConflictForm(OwnConflictForm):
    juror_id = SelectField(lazy_gettext("Jurylid"), choices=[], validate_choice=False)
    application_id = SelectField(lazy_gettext("Aanvraag"), choices=[], validate_choice=False)

    def set_choices(self, jurors, applications) -> None:
        self.juror_id.choices = [("", _("Kies een jurylid"))] + [(str(j.id), j.display_name) for j in jurors]
        self.application_id.choices = [("", _("Kies een aanvraag"))] + [
            (str(a.id), f"{a.dossier_number or ''} {a.title} ({a.organisation.name})".strip()) for a in applications]

    def validate_juror_id(self, field):
        if not field.data or field.data not in {v for v, _l in field.choices}:
            raise ValidationError(_("Kies een jurylid uit de lijst."))

    def validate_application_id(self, field):
        if not field.data or field.data not in {v for v, _l in field.choices}:
            raise ValidationError(_("Kies een aanvraag uit de lijst."))


class OverrideForm(FlaskForm):
    reason = TextArea(lazy_gettext("Reden om het belangenconflict op te heffen"), limit=REASON_MAX,
                      validators=[InputRequired(message=REQUIRED)])


# --------------------------------------------------------------------------- assignments


class AutoAssignForm(FlaskForm):
    n = WholeNumberField(lazy_gettext("Juryleden per aanvraag"), minimum=1, maximum=MAX_JURORS_PER_APPLICATION)
    fingerprint = HiddenField()

    def validate_n(self, field):
        if field.data is None and not field.process_errors:
            raise StopValidation(str(REQUIRED))


class ManualAssignForm(FlaskForm):
    application_id = HiddenField()
    juror_id = HiddenField()

    def ids(self) -> tuple[int, int] | None:
        a, j = (self.application_id.data or "").strip(), (self.juror_id.data or "").strip()
        if a.isdigit() and j.isdigit() and len(a) < 10 and len(j) < 10:
            return int(a), int(j)
        return None


# --------------------------------------------------------------------------- the score sheet


class ScoreField(TypedField):
    """A score on a criterion's scale: a number (7, 7,5 or 7.5) from scale_min to scale_max, at most
    two decimals. Letters, '1e309', 'NaN' or 'inf' are not a score; nothing is ever a 500."""

    def __init__(self, label=None, validators=None, *, low: int = 0, high: int = 10, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.low, self.high = low, high

    def format(self, value) -> str:
        from ..money import format_decimal
        return format_decimal(value)

    def parse(self, text: str) -> Decimal:
        try:
            value = read_decimal(text)
        except ValueError:
            raise ValueError(_("Geef de score als getal van %(low)s tot en met %(high)s, bijvoorbeeld 7 of 7,5.",
                               low=self.low, high=self.high)) from None
        if -value.as_tuple().exponent > 2:
            raise ValueError(_("Hoogstens 2 cijfers na de komma, bijvoorbeeld 7,25."))
        if not self.low <= value <= self.high:
            raise ValueError(_("De score ligt op deze schaal van %(low)s tot en met %(high)s; %(value)s kan niet.",
                               low=self.low, high=self.high, value=text[:20]))
        return value + 0  # -0 is 0


def sheet_form_class(criteria):
    """The score form of a call: per criterion a score and a comment; the overall comment; the
    recommendation; the version the sheet was loaded with."""

    class SheetForm(VersionedForm):
        comment = TextArea(lazy_gettext("Algemene opmerking"), limit=COMMENT_MAX)
        recommendation = RadioField(lazy_gettext("Aanbeveling"),
                                    choices=[(r.value, Recommendation.LABELS[r]) for r in Recommendation],
                                    validators=[Optional()])

        def criterion_fields(self):
            for criterion in criteria:
                yield criterion, self[f"score_{criterion.id}"], self[f"comment_{criterion.id}"]

        def to_data(self) -> SheetData:
            return SheetData(
                scores=tuple(CriterionScore(c.id, score.data, comment.data or "")
                             for c, score, comment in self.criterion_fields()),
                comment=self.comment.data or "",
                recommendation=Recommendation(self.recommendation.data) if self.recommendation.data else None)

        def fill_from(self, sheet) -> None:
            self.version.data = str(sheet.version) if sheet is not None else "0"
            if sheet is None:
                return
            self.comment.data = sheet.comment
            self.recommendation.data = sheet.recommendation.value if sheet.recommendation else None
            for criterion, score, comment in self.criterion_fields():
                saved = sheet.score_for(criterion.id)
                score.data = saved.value if saved else None
                comment.data = saved.comment if saved else ""

        def show_errors(self, errors: dict[str, str]) -> None:
            for name, message in errors.items():
                target = self[name] if name in self._fields else self.comment
                target.errors = [*target.errors, message]

    for criterion in criteria:
        scale = _("schaal %(low)s tot %(high)s", low=criterion.scale_min, high=criterion.scale_max)
        setattr(SheetForm, f"score_{criterion.id}", ScoreField(
            f"{criterion.name} ({scale})", low=criterion.scale_min, high=criterion.scale_max,
            description=criterion.description or None))
        setattr(SheetForm, f"comment_{criterion.id}", TextArea(
            _("Opmerking bij %(name)s", name=criterion.name), limit=COMMENT_MAX))
    return SheetForm


# --------------------------------------------------------------------------- the advice


class AdviceForm(VersionedForm):
    outcome = RadioField(lazy_gettext("Advies van de jury"),
                         choices=[(o.value, AdviceOutcome.LABELS[o]) for o in AdviceOutcome],
                         validators=[InputRequired(message=REQUIRED)])
    motivation = TextArea(lazy_gettext("Motivering"), limit=REASON_MAX, validators=[InputRequired(message=REQUIRED)])

    def outcome_value(self) -> AdviceOutcome:
        return AdviceOutcome(self.outcome.data)
