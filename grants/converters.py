"""Whole numbers from the URL that every database can hold.

An id in a path such as /calls/99999999999999999999 used to reach the database and fail there
(SQLite stores at most 2^63 - 1, PostgreSQL's INTEGER at most 2^31 - 1), which gave a 500.
Every primary key here is an INTEGER, so an id outside 1 .. 2^31 - 1 cannot exist:
DatabaseIdConverter, registered as the app's `int` converter, makes such a path simply not
match, which is the usual 404. Query parameters go through int_arg and enum_arg, which answer
a clear 400 in Dutch instead of guessing (or ignoring a filter they do not understand).
"""
from __future__ import annotations

from enum import Enum
from typing import TypeVar

from flask import abort, request
from werkzeug.routing import IntegerConverter, Map

from .i18n import _

E = TypeVar("E", bound=Enum)

# The largest value of a 32-bit signed INTEGER column, the narrowest primary key of the databases we run on.
DB_INT_MAX = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:name>` limited to 1 .. DB_INT_MAX by default; `<int(min=0):n>` and `<int(max=12):n>` still work."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = 1, max: int | None = DB_INT_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def int_arg(name: str, default: int, *, minimum: int = 1, maximum: int = DB_INT_MAX,
            empty_is_default: bool = True) -> int:
    """The whole number in query parameter `name` (default when absent, or empty if `empty_is_default`:
    a filter form's blank choice); else a 400 in Dutch.

    Only plain digits, with an optional minus sign, are taken: '1e3', ' 2', '3.0' and '٣' are refused.
    """
    text = request.args.get(name)
    if text is None or (text == "" and empty_is_default):
        return default
    digits = text[1:] if text.startswith("-") else text
    value = int(text) if digits.isascii() and digits.isdigit() and len(digits) <= 20 else None
    if value is None or not minimum <= value <= maximum:
        abort(400, description=_("De parameter '%(name)s' moet een geheel getal van %(minimum)s tot en met "
                                 "%(maximum)s zijn; '%(value)s' kan niet.",
                                 name=name, minimum=minimum, maximum=maximum, value=text[:40]))
    return value


def enum_arg(name: str, choices: type[E]) -> E | None:
    """The member of enum `choices` whose value query parameter `name` holds; None when it is absent.

    Present but empty, unknown or given twice is a 400 in Dutch that lists the values: a filter
    the server does not understand must not silently answer with everything.
    """
    values = request.args.getlist(name)
    if not values:
        return None
    allowed = ", ".join(str(member.value) for member in choices)
    if len(values) > 1:
        abort(400, description=_("Geef '%(name)s' hoogstens één keer mee; kies uit %(allowed)s.",
                                 name=name, allowed=allowed))
    value = values[0]
    if not value.strip():
        abort(400, description=_("De parameter '%(name)s' is leeg; laat hem weg of kies uit %(allowed)s.",
                                 name=name, allowed=allowed))
    for member in choices:
        if member.value == value:
            return member
    abort(400, description=_("Onbekende %(name)s '%(value)s'; kies uit %(allowed)s.",
                             name=name, value=value[:40], allowed=allowed))
