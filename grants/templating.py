"""Jinja filters and globals: money, Brussels time, safe Markdown, links for the rows of a list."""
from __future__ import annotations

from collections.abc import Callable

import markdown as markdown_lib
import nh3
from flask import Flask, url_for
from markupsafe import Markup

from .money import format_decimal, format_eur
from .timeutil import format_local

_ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "code", "pre",
                 "table", "thead", "tbody", "tr", "th", "td"}


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML, cleaned so that no script or attribute trick survives."""
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"])
    cleaned = nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                        url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
    return Markup(cleaned)


def form_error_items(form, row_names: dict | None = None, list_names: dict | None = None) -> list[tuple[str, str, str]]:
    """(field id, label, message) for every error of a form, for the one error summary of every page.

    Rows of a table (FieldList) are named "<row name> <n>, <column>" when the page names the list's
    rows, else "rij <n>: <column>"; messages about a whole list (a form's `list_errors`) link to the
    list itself."""
    from .i18n import _
    found: list[tuple[str, str, str]] = []

    def walk(fields, prefix: str = "") -> None:
        for fld in fields:
            if fld.type == "FieldList":
                for number, entry in enumerate(fld, start=1):
                    if row_names and fld.name in row_names:
                        walk(entry.form, f"{row_names[fld.name]} {number}, ")
                    else:
                        walk(entry.form, prefix + _("rij %(number)s: ", number=number))
                for message in getattr(form, "list_errors", {}).get(fld.name, []):
                    found.append((f"{fld.name}-list", (list_names or {}).get(fld.name, fld.label.text), message))
            elif fld.type == "FormField":
                walk(fld.form, prefix)
            elif fld.errors:
                if fld.type == "CSRFTokenField":
                    found.append((fld.id, _("Formulier"), _("Het formulier is verlopen. Verstuur het opnieuw.")))
                    continue
                # A checkbox's label is the statement being confirmed: its message says what to do, and
                # "<statement>: <message>" would say it twice. The summary links the message itself.
                label = "" if fld.type == "BooleanField" and not prefix else fld.label.text
                if prefix and row_names:
                    label = label.lower()
                for message in fld.errors:
                    found.append((fld.id, prefix + label, message))

    walk(form)
    return found


def id_url(endpoint: str, name: str, **values) -> Callable[[int], str]:
    """`url_for(endpoint, <name>=id, **values)` for each row of a list, built once for the whole list.

    A route such as /applications/<int:application_id> ends in the id: the URL is built once for id 1
    and the id is put in its place for each row (an int, nothing else), which costs a string join instead
    of a routing build per row. Any other shape of URL falls back to url_for per row."""
    probe = url_for(endpoint, **{name: 1}, **values)
    if probe.endswith("/1"):
        prefix = probe[:-1]
        return lambda ident: prefix + str(int(ident))
    return lambda ident: url_for(endpoint, **{name: ident}, **values)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals["form_error_items"] = form_error_items
    app.jinja_env.globals["id_url"] = id_url
    app.jinja_env.filters["eur"] = format_eur
    app.jinja_env.filters["number_nl"] = format_decimal  # weights, FTE, KPI values: 0.50 -> 0,5
    app.jinja_env.filters["percent_nl"] = lambda value: "" if value is None else format_decimal(value) + "%"
    app.jinja_env.filters["localtime"] = format_local
    app.jinja_env.filters["localdate"] = lambda value: format_local(value, "%d-%m-%Y")
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["date_nl"] = lambda d: d.strftime("%d-%m-%Y") if d else ""
