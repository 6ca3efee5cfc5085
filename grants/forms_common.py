"""Shared form pieces: Dutch messages and an amount field that reads Dutch notation."""
from __future__ import annotations

from decimal import Decimal

from wtforms import Field, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from .money import AmountError, format_eur, parse_amount

REQUIRED = "Dit veld is verplicht."


class AmountField(Field):
    """A euro amount typed as text ('25.000,00'); the typed text is kept on error."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, allow_empty: bool = False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.allow_empty = allow_empty
        self.raw = ""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format_eur(self.data, unit=False)

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "") or ""
        if not self.raw.strip():
            self.data = None
            if not self.allow_empty and self.flags.required:
                raise ValueError(REQUIRED)
            return
        try:
            self.data = parse_amount(self.raw)
        except AmountError as exc:
            self.data = None
            raise ValueError(str(exc)) from exc


def positive_amount(form, field) -> None:
    if field.data is not None and field.data <= Decimal("0"):
        raise ValidationError("Het bedrag moet groter zijn dan nul.")


class StrippedStringField(StringField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = self.data.strip()
