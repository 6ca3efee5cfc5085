"""Exact euro amounts: Decimal in, Decimal out, never float."""
from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from .i18n import _

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")  # what Numeric(12, 2) holds

_DUTCH_GROUPED = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+(,\d{1,2})?$", re.ASCII)
_DOT_DECIMAL = re.compile(r"^\d+(\.\d{1,2})?$", re.ASCII)
_COMMA_DECIMAL = re.compile(r"^\d+(,\d{1,2})?$", re.ASCII)
_EN_GROUPED = re.compile(r"^[1-9]\d{0,2}(,\d{3})+(\.\d{1,2})?$", re.ASCII)


class AmountError(ValueError):
    """The text is not an amount in euro; the message (in the page's language) is shown to the user."""


def exact(value: Decimal | int | str, what: str) -> Decimal:
    """A finite exact number for the pure rules; a float (or bool) reaching them is a programming error."""
    if isinstance(value, float | bool):
        raise TypeError(f"{what} moet een Decimal zijn, geen {type(value).__name__}.")
    number = value if isinstance(value, Decimal) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{what} moet een eindig getal zijn.")
    return number


def exact_cents(value: Decimal | int | str, what: str) -> Decimal:
    """An amount in whole cents, as the Money columns hold it (programming errors otherwise)."""
    amount = exact(value, what)
    if amount != amount.quantize(CENT):
        raise ValueError(f"{what} moet in hele centen zijn, niet {amount}.")
    return amount.quantize(CENT)


def split_cumulative(total: Decimal, weights: Sequence[Decimal | int | str]) -> tuple[Decimal, ...]:
    """`total` (whole cents) over `weights` (at least one, none negative, not all zero): the amount up
    to and including each share is the exact cumulative share rounded to the cent (half up), and each
    share the difference with the one before. So the shares add up to `total` exactly, the rounding
    remainder is carried on, and each share is within a cent of its exact part."""
    weights = [Decimal(w) for w in weights]
    whole = sum(weights, Decimal(0))
    shares: list[Decimal] = []
    done = Decimal("0.00")
    cumulative = Decimal(0)
    with localcontext() as ctx:
        ctx.prec = 50
        for weight in weights[:-1]:
            cumulative += weight
            upto = (total * cumulative / whole).quantize(CENT, rounding=ROUND_HALF_UP)
            shares.append(upto - done)
            done = upto
    shares.append(total - done)
    return tuple(shares)


def to_cents(value: Decimal | int | str) -> Decimal:
    """Round an exact value to whole cents (half up, as the agency counts)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str | None, *, allow_negative: bool = False) -> Decimal:
    """Read an amount as people type it: 25000, 25.000, 25.000,50, 25000,50, 25000.50.

    A dot followed by exactly three digits is a thousands separator (Dutch habit);
    a dot with one or two digits is a decimal point.
    """
    if text is None:
        raise AmountError(_("Vul een bedrag in."))
    cleaned = text.strip().replace("\u20ac", "").replace("EUR", "").replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        raise AmountError(_("Vul een bedrag in."))
    negative = cleaned.startswith("-")
    if negative:
        cleaned = cleaned[1:]
    if _DUTCH_GROUPED.match(cleaned):
        normal = cleaned.replace(".", "").replace(",", ".")
    elif _EN_GROUPED.match(cleaned):
        normal = cleaned.replace(",", "")
    elif _DOT_DECIMAL.match(cleaned):
        normal = cleaned
    elif _COMMA_DECIMAL.match(cleaned):
        normal = cleaned.replace(",", ".")
    else:
        raise AmountError(_("Geef een bedrag in euro, bijvoorbeeld 25.000,00 (hoogstens twee cijfers na de komma)."))
    try:
        amount = Decimal(normal)
    except InvalidOperation as exc:  # pragma: no cover - the patterns above exclude this
        raise AmountError(_("Geef een geldig bedrag in euro.")) from exc
    if negative:
        if not allow_negative:
            raise AmountError(_("Een bedrag mag niet negatief zijn."))
        amount = -amount
    if abs(amount) > MAX_AMOUNT:
        raise AmountError(_("Dit bedrag is te groot."))
    return to_cents(amount)


_DUTCH_MARKS = str.maketrans({",": ".", ".": ","})


def format_eur(amount: Decimal | int | None, *, unit: bool = True) -> str:
    """25000 -> '25.000,00 EUR' (Dutch grouping)."""
    if amount is None:
        return ""
    value = to_cents(amount)
    # Python groups exactly (Decimal, no float) with ',' and a '.' mark; Dutch swaps the two.
    text = ("-" if value < 0 else "") + f"{abs(value):,.2f}".translate(_DUTCH_MARKS)
    return f"{text} EUR" if unit else text


def format_decimal(value: Decimal | int | str | None, *, decimal_mark: str = ",") -> str:
    """An exact number without trailing zeros or exponent: 0.50 -> '0,5', 20.0000 -> '20', None -> ''."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", decimal_mark)


def api_amount(amount: Decimal | None) -> str | None:
    """Amounts in the API: decimal strings with two decimals."""
    return None if amount is None else f"{to_cents(amount):.2f}"
