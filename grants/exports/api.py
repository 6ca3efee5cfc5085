"""The read-only JSON API for admins: Authorization: Bearer <token>."""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import Blueprint, abort, g, jsonify, request

from ..accounts.models import ApiToken, Role
from ..accounts.operations import hash_token
from ..extensions import db
from ..i18n import _
from ..organisations.models import Organisation
from ..pagination import api_page_fields, page_of, requested_api_page
from ..timeutil import utcnow
from .openapi import ORGANISATIONS_PER_PAGE, openapi_document

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _unauthorised(detail: str):
    response = jsonify({"error": "unauthorised", "detail": detail})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def token_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _space, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _unauthorised(_("Geef een API-token mee: Authorization: Bearer <token>."))
        api_token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token.strip())))
        if api_token is None or not api_token.user.active:
            return _unauthorised(_("Dit API-token is ongeldig."))
        if api_token.user.role != Role.ADMIN:
            abort(403)
        g.api_user = api_token.user
        # Written at most once a minute: reading the API should not mean a write per request.
        now = utcnow()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            api_token.last_used_at = now  # the request boundary commits it
        return view(*args, **kwargs)
    return wrapped


def organisation_json(org: Organisation) -> dict:
    return {"id": org.id, "name": org.name, "kind": org.kind.value, "refnis": org.refnis, "kbo": org.kbo,
            "province": org.province}


@bp.route("/openapi.json")
@token_required
def openapi():
    return jsonify(openapi_document())


@bp.route("/organisations")
@token_required
def organisations():
    number = requested_api_page()
    page = page_of(number, ORGANISATIONS_PER_PAGE, db.session.scalar(sa.select(sa.func.count(Organisation.id))))
    rows = db.session.scalars(sa.select(Organisation).order_by(Organisation.name, Organisation.id)
                              .limit(page.size).offset(page.offset)).all()
    return jsonify({"items": [organisation_json(o) for o in rows], **api_page_fields(page)})


# Each part adds its endpoints to this blueprint from its own api module.
from ..calls import api as _calls_api  # noqa: E402,F401
from ..applications import api as _applications_api  # noqa: E402,F401
from . import award_api as _award_api  # noqa: E402,F401
