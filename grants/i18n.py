"""Translations for Python code and templates: `_()`, `ngettext()` and `lazy_gettext()` over the
request's catalogue.

Flask-Babel looks the catalogue up again on every call (locale selector, domain, cache key), and
its Jinja `_` goes through two more layers (Jinja's alias and Flask-Babel's lambda): about 30 µs a
string in a template. Here the catalogue is resolved once per app context and kept on `g`, so a
string costs a dict lookup, in Python and (through `install_template_gettext`) in templates alike.
Outside an app context (pure rules in a test, a script) the Dutch source text is returned,
so rule modules can use `_()` without depending on Flask being set up.
"""
from __future__ import annotations

from typing import Any

from flask import g, has_app_context
from flask.globals import _cv_app  # the app context itself: `g` through its LocalProxy costs ~1 µs a lookup
from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup

_KEY = "_grants_translations"
_MEMO = "_grants_template_texts"


def _catalogue():
    app_ctx = _cv_app.get(None)
    if app_ctx is None:
        return None
    store = app_ctx.g.__dict__
    catalogue = store.get(_KEY)
    if catalogue is None:
        catalogue = store[_KEY] = get_translations()
    return catalogue


def forget_catalogue() -> None:
    """After a change of language within one request (the language switch, a mail in another language)."""
    if has_app_context():
        g.pop(_KEY, None)
        babel_ctx = g.get("_flask_babel")
        if babel_ctx is not None:
            babel_ctx.__dict__.pop("babel_locale", None)


def _translate(string: str) -> str:
    catalogue = _catalogue()
    return catalogue.ugettext(string) if catalogue is not None else string


def _translate_plural(singular: str, plural: str, num: int) -> str:
    catalogue = _catalogue()
    if catalogue is not None:
        return catalogue.ungettext(singular, plural, num)
    return singular if num == 1 else plural


def gettext(string: str, **variables: Any) -> str:
    text = _translate(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return _translate_plural(singular, plural, num) % variables


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """For texts defined at import time (form labels, state labels): translated when shown."""
    return LazyString(gettext, string, **variables)


_ = gettext


# --------------------------------------------------------------------------- templates
# Jinja's "newstyle" gettext semantics, which Flask-Babel installs and the templates are written for:
# the message is always a format string (a literal % is written %%), and in an autoescaped template
# (.html) it is Markup, so the values put into it are escaped while the message itself is not.
# Mail templates (.txt) are not autoescaped: plain text in, plain text out.


@pass_eval_context
def template_gettext(eval_ctx, string: str, **variables: Any) -> str:
    if variables:
        text = _translate(string)
        return (Markup(text) if eval_ctx.autoescape else text) % variables
    # Without values the result depends on the message and the catalogue only: kept on the catalogue
    # (one per language, for the life of the process), so a repeated string is one dict lookup.
    catalogue = _catalogue()
    if catalogue is None:
        text = Markup(string) if eval_ctx.autoescape else string
        return text % {}
    memo = catalogue.__dict__.get(_MEMO)
    if memo is None:
        memo = catalogue.__dict__[_MEMO] = ({}, {})
    texts = memo[1 if eval_ctx.autoescape else 0]
    try:
        return texts[string]
    except KeyError:
        text = catalogue.ugettext(string)
        result = texts[string] = (Markup(text) if eval_ctx.autoescape else text) % {}
        return result


@pass_eval_context
def template_ngettext(eval_ctx, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = _translate_plural(singular, plural, num)
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def install_template_gettext(jinja_env) -> None:
    """Replace the `_`, `gettext` and `ngettext` that Flask-Babel put into the Jinja environment.

    Call after babel.init_app (which adds the i18n extension, so `{% trans %}` blocks keep working:
    they call the `gettext` and `ngettext` globals set here)."""
    jinja_env.newstyle_gettext = True
    jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)
