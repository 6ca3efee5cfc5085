"""The one forms toolkit: a text cleaner, text fields with a limit, and typed fields (money, decimal,
whole number, date) that read Dutch notation with the same rules everywhere.

The rules, shared by every form of every part:
- Text: no NUL or other control characters (PostgreSQL refuses NUL), Unix line ends, no outer
  blanks; a one-line text also loses its line breaks.
- Numbers: a dot followed by groups of exactly three digits is a thousands separator (1.000,5),
  a comma or a lone dot is the decimal mark (12,5 or 12.5). A negative number is refused unless
  the field allows values below zero. Too many decimals, or a value outside the field's bounds,
  gets a message that names the bound.
- Dates: dd-mm-jjjj (also d/m/jjjj and d.m.jjjj) or the ISO form a date picker sends.
- A typed value that cannot be read is shown again as it was typed, with the message beside it.
- Rows of a table: a limit that a save is checked against, with a message; posted rows are never
  dropped silently (RowList).
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from wtforms import Field, FieldList, StringField, TextAreaField
from wtforms.utils import unset_value
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import TextInput

from .i18n import _, lazy_gettext
from .money import AmountError, format_decimal, format_eur, parse_amount

REQUIRED = lazy_gettext("Dit veld is verplicht.")
TYPED_MAX = 50  # characters of a typed number or date: anything longer is not one

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_GROUPED = re.compile(r"^-?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$", re.ASCII)
_PLAIN = re.compile(r"^-?\d+([.,]\d+)?$", re.ASCII)


# --------------------------------------------------------------------------- text


def clean_text(value):
    """No control characters, Unix line ends, no outer blanks."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def clean_line(value):
    """A one-line text: control characters go, line breaks and runs of blanks become one space."""
    if not isinstance(value, str):
        return value
    return " ".join(_CONTROL.sub("", value).split())


# A name (of a person, of an organisation) is one line: it is put into mails and lists as it is.
_NAME_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
NAME_CONTROL_MESSAGE = lazy_gettext("Een naam past op één regel: regeleinden, tabs en andere stuurtekens zijn niet "
                                    "toegelaten.")


def has_control_characters(value) -> bool:
    """Line breaks, tabs and other control characters (also Unicode's line and paragraph separators)."""
    return isinstance(value, str) and bool(_NAME_CONTROL.search(value))


def single_line(form, field) -> None:
    """Validator for names: refused (with a message) rather than silently changed."""
    if has_control_characters(field.data):
        raise ValidationError(NAME_CONTROL_MESSAGE)


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def max_length(limit: int):
    def _check(form, field):
        if field.data and len(field.data) > limit:
            raise ValidationError(_("Hoogstens %(limit)s tekens (nu %(count)s).", limit=thousands(limit),
                                    count=thousands(len(field.data))))
    return _check


class TextArea(TextAreaField):
    def __init__(self, label=None, validators=None, *, limit: int = 20_000, **kwargs):
        super().__init__(label, [max_length(limit), *(validators or [])], filters=[clean_text], **kwargs)
        self.limit = limit


class Line(StringField):
    def __init__(self, label=None, validators=None, *, limit: int = 300, **kwargs):
        super().__init__(label, [max_length(limit), *(validators or [])], filters=[clean_line], **kwargs)
        self.limit = limit


# --------------------------------------------------------------------------- typed fields


class TypedField(Field):
    """A value typed as text and parsed in Python; the typed text is shown again on error."""

    widget = TextInput()
    max_typed = TYPED_MAX

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else self.format(self.data)

    def format(self, value) -> str:
        return str(value)

    def parse(self, text: str):
        raise NotImplementedError

    def process_formdata(self, valuelist):
        text = clean_line(valuelist[0] if valuelist else "") or ""
        if not text:
            self.data = None
            return
        if len(text) > self.max_typed:
            self.data = None
            raise ValueError(_("Deze waarde is te lang."))
        try:
            self.data = self.parse(text)
        except ValueError:
            self.data = None
            raise


def read_decimal(text: str) -> Decimal:
    """'1.000,5' -> 1000.5, '12,5' and '12.5' -> 12.5; ValueError with the Dutch message otherwise."""
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if _GROUPED.match(cleaned):
        cleaned = cleaned.replace(".", "")
    if not _PLAIN.match(cleaned):
        raise ValueError(_("Geef een getal, bijvoorbeeld 12,5."))
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the patterns exclude this
        raise ValueError(_("Geef een getal, bijvoorbeeld 12,5.")) from exc


class DecimalField(TypedField):
    """An exact number in Dutch notation ('0,5', '1.000,25') within bounds, with at most `places` decimals.

    `minimum=None` allows any value (a validator may then say more precisely what is wrong)."""

    def __init__(self, label=None, validators=None, *, places: int = 2, minimum: Decimal | None = Decimal(0),
                 maximum: Decimal | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.places, self.minimum, self.maximum = places, minimum, maximum

    def format(self, value) -> str:
        return format_decimal(value)

    def parse(self, text: str) -> Decimal:
        value = read_decimal(text)
        if value < 0 and self.minimum is not None and self.minimum >= 0:
            raise ValueError(_("Een negatief getal is hier niet mogelijk."))
        if -value.as_tuple().exponent > self.places:
            raise ValueError(_("Hoogstens %(places)s cijfers na de komma.", places=self.places))
        if self.minimum is not None and value < self.minimum:
            raise ValueError(_("Het getal moet minstens %(minimum)s zijn.", minimum=self.format(self.minimum)))
        if self.maximum is not None and value > self.maximum:
            raise ValueError(_("Het getal mag hoogstens %(maximum)s zijn.", maximum=self.format(self.maximum)))
        return value


class WholeNumberField(TypedField):
    """A whole number within a range (so it always fits its column)."""

    def __init__(self, label=None, validators=None, *, minimum: int = 0, maximum: int = 999, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def parse(self, text: str) -> int:
        if re.fullmatch(r"-\d+", text, re.ASCII) and self.minimum >= 0:
            raise ValueError(_("Een negatief getal is hier niet mogelijk."))
        if not re.fullmatch(r"-?\d{1,9}", text, re.ASCII) or not self.minimum <= int(text) <= self.maximum:
            raise ValueError(_("Geef een geheel getal van %(minimum)s tot en met %(maximum)s.",
                               minimum=self.minimum, maximum=self.maximum))
        return int(text)


DATE_PATTERNS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")


def read_date(text: str) -> date:
    for pattern in DATE_PATTERNS:
        try:
            value = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if not 2000 <= value.year <= 2100:
            raise ValueError(_("Geef een datum tussen 2000 en 2100."))
        return value
    raise ValueError(_("Geef een datum als dd-mm-jjjj, bijvoorbeeld 26-02-2027."))


DATE_PATTERN = r"\s*(\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{4}-\d{2}-\d{2})\s*"


class DateField(TypedField):
    """A calendar date typed as text, dd-mm-jjjj (26-02-2027, 26/2/2027, 26.2.2027; 2027-02-26 too).

    A text input, not type=date: a browser's date picker follows the browser's language (mm/dd/yyyy in
    an English one) while every page says dd-mm-jjjj. The field macro shows the format as a hint; the
    pattern only helps browsers and assistive technology (the forms are novalidate: the server decides)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "numeric", "autocomplete": "off", "pattern": DATE_PATTERN,
                     "class": "date-input", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def format(self, value) -> str:
        return value.strftime("%d-%m-%Y")

    def parse(self, text: str) -> date:
        return read_date(text)


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
        self.raw = clean_line(valuelist[0] if valuelist else "") or ""
        if not self.raw:
            self.data = None
            if not self.allow_empty and self.flags.required:
                raise ValueError(str(REQUIRED))
            return
        if len(self.raw) > TYPED_MAX:
            self.data = None
            raise ValueError(_("Deze waarde is te lang."))
        try:
            self.data = parse_amount(self.raw)
        except AmountError as exc:
            self.data = None
            raise ValueError(str(exc)) from exc


# --------------------------------------------------------------------------- validators


def positive_amount(form, field) -> None:
    if field.data is not None and field.data <= Decimal("0"):
        raise ValidationError(_("Het bedrag moet groter zijn dan nul."))


def positive_number(form, field) -> None:
    if field.data is not None and field.data <= 0:
        raise ValidationError(_("Het getal moet groter dan nul zijn."))


def required_value(form, field) -> None:
    """Required for typed fields: 0 is a value (so the right message can say it is too low)."""
    if field.data is None and not field.process_errors:
        field.errors[:] = []
        raise StopValidation(str(REQUIRED))


required_value.field_flags = {"required": True}  # marked required on the page like DataRequired fields


def loaded_version(raw: str | None) -> int | None:
    """The version a form was loaded with (a hidden field), or None when it is missing or mangled."""
    text = (raw or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


# --------------------------------------------------------------------------- rows

class RowList(FieldList):
    """The rows of a table (budget lines, contributions, a call's criteria) with a limit that is checked,
    never assumed.

    WTForms' max_entries cuts posted rows beyond it silently and fails with an AssertionError when
    the saved rows and the blank ones offered for new entries exceed it. Here nothing breaks on what
    was saved: a page shows every saved row, and a save is checked by the form (`too_many`) with a
    message that names the limit. Posted rows beyond a generous hard cap are not even read."""

    def __init__(self, unbound_field, *, limit: int, **kwargs):
        super().__init__(unbound_field, min_entries=0, max_entries=None, **kwargs)
        self.type = "FieldList"  # what templates and the error summary look for
        self.limit = limit
        self.hard_cap = 2 * limit + 20  # rows that may be blank or marked for removal
        self.posted = 0

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.posted = len(set(self._extract_indices(self.name, formdata))) if formdata else 0
        self.max_entries = self.hard_cap if formdata else None  # only posted rows are capped
        try:
            super().process(formdata, data, extra_filters)
        finally:
            self.max_entries = None

    def too_many(self, kept: int) -> bool:
        return kept > self.limit or self.posted > self.hard_cap

    def given(self, kept: int) -> int:
        """How many rows to name in the refusal: those kept, or all posted if the hard cap cut some."""
        return max(kept, self.posted)
