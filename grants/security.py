"""What every request and every response goes through: NUL bytes out of the input, security headers in.

NUL bytes. PostgreSQL refuses a NUL character in text (a search for `?q=%00` or a name with a NUL
in it answered 500). No text a person types holds one, so the request itself drops every NUL from
the query string and from posted form fields, names and values alike, before any handler, form or
query sees them: one place for every text input of the app. Other control characters are each
field's business (grants.forms_common cleans them; names refuse line breaks).

Headers on every response:
- Content-Security-Policy: only our own scripts, styles and images (and data: images), no framing,
  forms post only to us (`form-action 'self'`), and no <base> element can move relative links
  (`base-uri 'none'`);
- nosniff, no framing, no referrer to other sites;
- Cache-Control: no-store on every page the app builds (static files keep their own caching):
  every page carries the visitor's session-bound CSRF token in its language form, and most show
  private data (applications, print views, receipts, admin pages, the API), so none may be kept
  by a browser's or a proxy's cache;
- Strict-Transport-Security in production (HSTS_SECONDS), so browsers never speak plain http to us.
"""
from __future__ import annotations

from flask import Flask, Request, Response, current_app, request
from werkzeug.utils import cached_property

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
NUL = "\x00"


def _without_nul(values, storage_class):
    """The same multi-dict without NUL characters in any key or value (the same object when there are none)."""
    pairs = list(values.items(multi=True))
    if not any(NUL in key or (isinstance(value, str) and NUL in value) for key, value in pairs):
        return values
    return storage_class([(key.replace(NUL, ""), value.replace(NUL, "") if isinstance(value, str) else value)
                          for key, value in pairs])


class CleanRequest(Request):
    """A request whose query string and form fields hold no NUL character."""

    @cached_property
    def args(self):
        return _without_nul(super().args, self.parameter_storage_class)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form is not None:
            self.__dict__["form"] = _without_nul(form, self.parameter_storage_class)


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if request.endpoint != "static":
        cache = headers.get("Cache-Control", "")
        if "no-store" not in cache:
            headers["Cache-Control"] = "no-store"
    seconds = current_app.config.get("HSTS_SECONDS") or 0
    if seconds:
        headers.setdefault("Strict-Transport-Security", f"max-age={int(seconds)}; includeSubDomains")
    return response


def register_security(app: Flask) -> None:
    app.request_class = CleanRequest
    app.after_request(_add_headers)
