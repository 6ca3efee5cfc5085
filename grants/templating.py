"""Jinja filters and globals: money, Brussels time, safe Markdown."""
from __future__ import annotations

import markdown as markdown_lib
import nh3
from flask import Flask
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


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["eur"] = format_eur
    app.jinja_env.filters["number_nl"] = format_decimal  # weights, FTE, KPI values: 0.50 -> 0,5
    app.jinja_env.filters["percent_nl"] = lambda value: "" if value is None else format_decimal(value) + "%"
    app.jinja_env.filters["localtime"] = format_local
    app.jinja_env.filters["localdate"] = lambda value: format_local(value, "%d-%m-%Y")
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["date_nl"] = lambda d: d.strftime("%d-%m-%Y") if d else ""
