"""Belgian enterprise numbers (KBO) and bank account numbers (IBAN).

Both carry check digits, so a typing error is caught at the form instead of
at the payment. Only ASCII digits count: str.isdigit() would accept '²' or
Arabic-Indic digits, which no bank or register uses.
"""
from __future__ import annotations

import re

from grants.i18n import _, lazy_gettext

__all__ = [
    "IdentifierError",
    "format_iban",
    "format_kbo",
    "is_valid_iban",
    "is_valid_kbo",
    "normalise_iban",
    "normalise_kbo",
    "parse_belgian_iban",
    "parse_kbo",
]

_ASCII_DIGITS = re.compile(r"[0-9]+")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}")
_KBO_SEPARATORS = re.compile(r"[\s.\-/]")

# Translated when raised (str() below), so the exception carries the text in the page's language.
KBO_FORMAT_MESSAGE = lazy_gettext("Een ondernemingsnummer heeft 10 cijfers, bijvoorbeeld 0123.456.749.")
KBO_CHECK_MESSAGE = lazy_gettext("Dit ondernemingsnummer klopt niet: de controlecijfers zijn fout.")
BE_IBAN_LENGTH_MESSAGE = lazy_gettext("Een Belgisch rekeningnummer telt 16 tekens: BE, 2 controlecijfers en 12 "
                                      "cijfers, bijvoorbeeld BE68 5390 0754 7034.")
BE_IBAN_CHECK_MESSAGE = lazy_gettext("Dit rekeningnummer klopt niet: de controlecijfers na BE zijn fout.")
BE_ACCOUNT_CHECK_MESSAGE = lazy_gettext("Dit rekeningnummer klopt niet: de laatste twee cijfers van het "
                                        "rekeningnummer zijn fout.")


class IdentifierError(ValueError):
    """The text is not a valid identifier; the message (in the page's language) is shown to the user."""


# --------------------------------------------------------------------------- KBO


def normalise_kbo(text: str | None) -> str:
    """'BE 0123.456.749' or old '123.456.749' -> '0123456749' (format only, no check digits)."""
    if text is None or not text.strip():
        raise IdentifierError(_("Vul een ondernemingsnummer in."))
    cleaned = _KBO_SEPARATORS.sub("", text.strip())
    if cleaned[:2].upper() == "BE":
        cleaned = cleaned[2:]
    if not _ASCII_DIGITS.fullmatch(cleaned) or len(cleaned) not in (9, 10):
        raise IdentifierError(str(KBO_FORMAT_MESSAGE))
    return cleaned.zfill(10)


def _kbo_problem(number: str) -> str | None:
    """The reason a normalised number is not a valid KBO number, or None."""
    if number[0] not in "01":
        return _("Een ondernemingsnummer begint met 0 of 1.")
    if int(number[8:]) != 97 - int(number[:8]) % 97:
        return str(KBO_CHECK_MESSAGE)
    return None


def parse_kbo(text: str | None) -> str:
    """Normalised, checked enterprise number, or IdentifierError with the reason."""
    number = normalise_kbo(text)
    problem = _kbo_problem(number)
    if problem:
        raise IdentifierError(problem)
    return number


def is_valid_kbo(text: str | None) -> bool:
    """True when the text is a well-formed enterprise number with correct check digits."""
    try:
        parse_kbo(text)
    except IdentifierError:
        return False
    return True


def format_kbo(text: str) -> str:
    """'0123456749' -> '0123.456.749', the way the KBO register writes it."""
    number = normalise_kbo(text)
    return f"{number[:4]}.{number[4:7]}.{number[7:]}"


# --------------------------------------------------------------------------- IBAN


def normalise_iban(text: str | None) -> str:
    """Remove spaces (also non-breaking) and dashes, and use capitals."""
    if text is None:
        return ""
    return "".join(text.split()).replace("-", "").upper()


def _iban_mod97(iban: str) -> int:
    """ISO 13616: move the first four characters to the end, letters become 10..35."""
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97


def is_valid_iban(text: str | None) -> bool:
    """Shape and mod-97 check of an IBAN of any country (not the national checks)."""
    iban = normalise_iban(text)
    if not _IBAN_SHAPE.fullmatch(iban) or not 15 <= len(iban) <= 34:
        return False
    return _iban_mod97(iban) == 1


def _belgian_account_ok(account: str) -> bool:
    """Belgian account check: first 10 digits mod 97 == last 2, with remainder 0 written 97."""
    remainder = int(account[:10]) % 97 or 97
    return remainder == int(account[10:])


def parse_belgian_iban(text: str | None) -> str:
    """A Belgian IBAN, normalised and checked twice (IBAN and national check digits)."""
    iban = normalise_iban(text)
    if not iban:
        raise IdentifierError(_("Vul een rekeningnummer (IBAN) in."))
    if not re.fullmatch(r"[A-Z0-9]+", iban):
        raise IdentifierError(_("Een rekeningnummer bestaat enkel uit letters en cijfers, "
                                "bijvoorbeeld BE68 5390 0754 7034."))
    if not iban.startswith("BE"):
        raise IdentifierError(_("Geef een Belgisch rekeningnummer op: het begint met BE."))
    if len(iban) != 16 or not _ASCII_DIGITS.fullmatch(iban[2:]):
        raise IdentifierError(str(BE_IBAN_LENGTH_MESSAGE))
    if _iban_mod97(iban) != 1:
        raise IdentifierError(str(BE_IBAN_CHECK_MESSAGE))
    if not _belgian_account_ok(iban[4:]):
        raise IdentifierError(str(BE_ACCOUNT_CHECK_MESSAGE))
    return iban


def format_iban(text: str) -> str:
    """'BE68539007547034' -> 'BE68 5390 0754 7034' (groups of four, as on paper)."""
    iban = normalise_iban(text)
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
