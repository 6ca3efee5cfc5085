"""Mail from templates: render templates/mail/<name>.txt and queue it to a list of addresses.

A mail body is plain text written as a Jinja template, its sentences in `{{ _('...') }}`, the values
passed in raw and formatted there (amounts with `|eur`, instants with `|localtime`). Flask escapes
only .html and .xml templates, so what a user typed reaches the mail as typed.

In which language: we do not know the language of whoever reads a mail (an organisation's general
address, a colleague, a new user), so mail goes out in the agency's language, Dutch, whatever the
language of the page that caused it; the subject is rendered in that same language. A mail that only
the person asking receives (the password reset) passes `language=current_language()`.
Stored texts (audit reasons and diffs) use the agency's language for the same reason: `agency_text`.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from .i18n import forget_catalogue
from .mail import queue_mail

SUBJECT_MAX = 300  # the column's length


def agency_language() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@contextmanager
def in_language(language: str | None) -> Iterator[None]:
    """Translate in `language` within the block (None: the agency's), then as before."""
    forget_catalogue()  # grants.i18n keeps the request's catalogue on g: look it up again inside...
    try:
        with force_locale(language or agency_language()):
            yield
    finally:
        forget_catalogue()  # ...and again after


def agency_text(text: Any) -> str:
    """A translatable text (a lazy_gettext or a Text pair) in the agency's language, for storing."""
    with in_language(None):
        return str(text)


def unique_addresses(addresses: Iterable[str | None]) -> list[str]:
    """The addresses in order, without blanks and without repeats (an address's case does not count)."""
    seen: list[str] = []
    for address in addresses:
        if address and address.lower() not in {a.lower() for a in seen}:
            seen.append(address)
    return seen


def render_mail(template: str, *, language: str | None = None, **context: Any) -> str:
    """The body of templates/mail/<template>.txt in the given language (None: the agency's)."""
    with in_language(language):
        return render_template(f"mail/{template}.txt", **context)


def queue_template_mail(addresses: Iterable[str | None], template: str, subject: Any, *,
                        language: str | None = None, **context: Any) -> list:
    """Render the mail once and queue it to each address (blanks and repeats skipped).

    `subject` is a lazy_gettext(...) with its values, so it is translated in the mail's language."""
    recipients = unique_addresses(addresses)
    if not recipients:
        return []
    with in_language(language):
        body = render_template(f"mail/{template}.txt", **context)
        title = str(subject)[:SUBJECT_MAX]
    return [queue_mail(address, title, body) for address in recipients]
