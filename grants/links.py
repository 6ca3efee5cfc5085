"""Absolute links for mail, built from configuration and never from the request's Host header.

`BASE_URL` (required in production) is the public address. In development and tests without it,
the request's own address is used; Flask answers only hosts in `TRUSTED_HOSTS` (the loopback names
by default, the host of BASE_URL in production), so a forged Host header never reaches a mail.
"""
from __future__ import annotations

from flask import current_app, has_request_context, request, url_for


def base_url() -> str:
    configured = (current_app.config.get("BASE_URL") or "").rstrip("/")
    if configured:
        return configured
    if has_request_context():  # Flask has already refused a Host that is not in TRUSTED_HOSTS
        return request.host_url.rstrip("/")
    trusted = current_app.config.get("TRUSTED_HOSTS") or ["localhost"]
    return f"http://{trusted[0]}"


def external_url(endpoint: str, **values) -> str:
    """The absolute address of a page, for a mail or a document."""
    return base_url() + url_for(endpoint, _external=False, **values)
