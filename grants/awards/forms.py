"""The awards' forms. They read and check what was typed (grants/forms_common.py rules) and hand plain
values to the operations (`to_data()`); the award checks themselves are the operations' business."""
from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField
from wtforms.validators import InputRequired

from ..forms_common import AmountField, DecimalField, Line, TextArea, loaded_version
from ..i18n import lazy_gettext
from ..money import MAX_AMOUNT
from .models import DecisionOutcome
from .operations import DecisionData

OUTCOME_CHOICES = [
    (DecisionOutcome.AWARDED.value, lazy_gettext("Toekennen")),
    (DecisionOutcome.REJECTED.value, lazy_gettext("Afwijzen")),
    (DecisionOutcome.WAITLISTED.value, lazy_gettext("Op de reservelijst")),
]


class DecisionForm(FlaskForm):
    outcome = RadioField(lazy_gettext("Beslissing"), choices=OUTCOME_CHOICES,
                         validators=[InputRequired(message=lazy_gettext("Kies een beslissing."))])
    amount = AmountField(lazy_gettext("Toegekend bedrag (euro)"), allow_empty=True,
                         description=lazy_gettext("Hoogstens het gevraagde bedrag en het maximum van de oproep."))
    motivation = TextArea(lazy_gettext("Motivering"), limit=10_000,
                          description=lazy_gettext("De aanvrager leest deze motivering na de publicatie."))
    override_reason = TextArea(lazy_gettext("Reden om ondanks de opmerkingen toe te kennen"), limit=5_000,
                               description=lazy_gettext("Alleen nodig wanneer een controle faalt; deze reden "
                                                        "wordt bijgehouden en staat in elke export."))
    version = HiddenField()

    kpi_ids: list[int] = []

    def kpi_fields(self):
        return [(kpi_id, getattr(self, f"kpi_{kpi_id}")) for kpi_id in self.kpi_ids]

    def to_data(self) -> DecisionData:
        return DecisionData(outcome=DecisionOutcome(self.outcome.data), amount=self.amount.data,
                            motivation=self.motivation.data or "", override_reason=self.override_reason.data or "",
                            confirmed_kpis={kpi_id: f.data for kpi_id, f in self.kpi_fields()})

    def loaded_version(self) -> int | None:
        return loaded_version(self.version.data)


def decision_form(kpis, *, formdata=None, decision=None, application=None) -> DecisionForm:
    """A decision form with one field per KPI of the application (the confirmed target)."""

    class _Form(DecisionForm):
        pass

    ids = []
    for kpi_value in kpis:
        ids.append(kpi_value.kpi_id)
        unit = f" ({kpi_value.kpi.unit})" if kpi_value.kpi.unit else ""
        setattr(_Form, f"kpi_{kpi_value.kpi_id}", DecimalField(
            f"{kpi_value.kpi.name}{unit}", places=2, maximum=kpi_value.kpi.maximum or MAX_AMOUNT))
    _Form.kpi_ids = ids
    kwargs = {} if formdata is None else {"formdata": formdata}
    if formdata is None:
        kwargs["formdata"] = None
    form = _Form(**kwargs)
    if formdata is None:
        if decision is not None:
            form.outcome.data = decision.outcome.value
            form.amount.data = decision.amount
            form.motivation.data = decision.motivation
            form.override_reason.data = decision.override_reason or ""
            form.version.data = str(decision.version)
        elif application is not None:
            form.outcome.data = DecisionOutcome.AWARDED.value
            form.amount.data = application.requested_amount
        for kpi_value in kpis:
            getattr(form, f"kpi_{kpi_value.kpi_id}").data = (
                kpi_value.confirmed_value if kpi_value.confirmed_value is not None else kpi_value.planned_value)
    return form


class CommittedForm(FlaskForm):
    committed_amount = AmountField(lazy_gettext("Vastgelegd bedrag (euro)"), allow_empty=True,
                                   description=lazy_gettext("Het bedrag dat in de begroting is vastgelegd; leeg "
                                                            "laten als het nog niet vastligt."))


class MailTemplateForm(FlaskForm):
    subject = Line(lazy_gettext("Onderwerp"), limit=300)
    body = TextArea(lazy_gettext("Tekst"), limit=20_000)


class WhatIfForm(FlaskForm):
    """The what-if fields of the proposal (GET parameters, no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    envelope = AmountField(lazy_gettext("Budget (euro)"), allow_empty=True)
    threshold = DecimalField(lazy_gettext("Drempel (gewogen totaalscore)"), places=2, maximum=Decimal(100000))


class ConfirmForm(FlaskForm):
    """A bare form for a button (CSRF only)."""
