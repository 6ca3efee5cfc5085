"""Translations for Python code: `_()` and `lazy_gettext()` over the request's catalogue.

Flask-Babel looks the catalogue up again on every call (locale selector, domain, cache key);
here it is resolved once per app context and kept on `g`, so a string costs a dict lookup.
Outside an app context (pure rules in a test, a script) the Dutch source text is returned,
so rule modules can use `_()` without depending on Flask being set up.
"""
from __future__ import annotations

from typing import Any

from flask import g, has_app_context
from flask_babel import get_translations
from flask_babel.speaklater import LazyString

_KEY = "_grants_translations"


def _catalogue():
    if not has_app_context():
        return None
    catalogue = g.get(_KEY)
    if catalogue is None:
        catalogue = get_translations()
        setattr(g, _KEY, catalogue)
    return catalogue


def forget_catalogue() -> None:
    """After a change of language within one request (the language switch)."""
    if has_app_context():
        g.pop(_KEY, None)
        babel_ctx = g.get("_flask_babel")
        if babel_ctx is not None:
            babel_ctx.__dict__.pop("babel_locale", None)


def gettext(string: str, **variables: Any) -> str:
    catalogue = _catalogue()
    text = catalogue.ugettext(string) if catalogue is not None else string
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    catalogue = _catalogue()
    if catalogue is not None:
        text = catalogue.ungettext(singular, plural, num)
    else:
        text = singular if num == 1 else plural
    return text % variables


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """For texts defined at import time (form labels, state labels): translated when shown."""
    return LazyString(gettext, string, **variables)


_ = gettext
