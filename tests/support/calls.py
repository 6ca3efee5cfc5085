"""Helpers for the call tests: read a form from the page and post it back as a browser would."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
import html as html_lib
from contextlib import contextmanager
from html.parser import HTMLParser

from sqlalchemy import event
from werkzeug.datastructures import MultiDict

from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.extensions import db
from grants.timeutil import from_local, utcnow


class _FormReader(HTMLParser):
    """Collects what a browser would submit for the first <form> matching `selector` (a class name)."""

    def __init__(self, css_class: str | None, action: str | None):
        super().__init__(convert_charrefs=True)
        self.css_class, self.action = css_class, action
        self.inside = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option_value: str | None = None
        self._option_selected = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and not self.inside:
            classes = (a.get("class") or "").split()
            if (self.css_class is None or self.css_class in classes) and \
                    (self.action is None or a.get("action") == self.action):
                self.inside = True
            return
        if not self.inside:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if "name" not in a or kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select is not None:
            self._option_value = a.get("value")
            self._option_selected = "selected" in a
            self._text = []

    def handle_data(self, data):
        if self.inside and (self._textarea is not None or self._option_value is not None or self._select):
            self._text.append(data)

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "form":
            self.inside, self.done = False, True
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            text = text.replace("\r\n", "\n")
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "option" and self._select is not None:
            value = self._option_value if self._option_value is not None else "".join(self._text).strip()
            self._options.append((value, self._option_selected))
            self._option_value = None
        elif tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected] or [v for v, _ in self._options[:1]]
            for value in chosen:
                self.fields.append((self._select, value))
            self._select = None


def page(response) -> str:
    """The page as text, with HTML entities decoded (messages contain quotes)."""
    return html_lib.unescape(response.get_data(as_text=True))


def read_form(html: str, css_class: str | None = "call-form", action: str | None = None) -> MultiDict:
    reader = _FormReader(css_class, action)
    reader.feed(html)
    assert reader.done or reader.fields, "form not found on the page"
    return MultiDict(reader.fields)


def change(fields: MultiDict, **values) -> MultiDict:
    """Set fields (a list sets a multi-valued field, None removes it)."""
    result = fields.copy()
    for name, value in values.items():
        name = name.replace("__", "-")
        result.poplist(name)
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            for item in value:
                result.add(name, item)
        else:
            result.add(name, value)
    return result


def fill_dates(fields: MultiDict, opens: datetime | None = None, closes: datetime | None = None) -> MultiDict:
    """Brussels dates and times for the form, by default opening in a week and closing three months later."""
    from grants.timeutil import to_local
    opens = to_local(opens or utcnow() + timedelta(days=7))
    closes = to_local(closes or utcnow() + timedelta(days=97))
    return change(fields, opens_date=opens.strftime("%Y-%m-%d"), opens_time=opens.strftime("%H:%M"),
                  closes_date=closes.strftime("%Y-%m-%d"), closes_time=closes.strftime("%H:%M"))


def submitted_application(call, organisation, status=ApplicationStatus.SUBMITTED, **values) -> Application:
    app = Application(call=call, organisation=organisation, status=status, title="Een aanvraag",
                      requested_amount=values.pop("requested_amount", Decimal("10000.00")),
                      submitted_at=values.pop("submitted_at", utcnow()), **values)
    db.session.add(app)
    db.session.flush()
    return app


class _Counter:
    count = 0


@contextmanager
def count_queries(app):
    """Count the SQL statements the app runs inside the block."""
    counter = _Counter()

    def before(*_args, **_kwargs):
        counter.count += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


def brussels(*args) -> datetime:
    return from_local(datetime(*args))
