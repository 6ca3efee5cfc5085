"""Grant-call management for the Flemish Plan Samenleven project calls."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, jsonify, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .converters import DatabaseIdConverter
from .extensions import babel, csrf, db, login_manager, migrate
from .i18n import _, install_template_gettext, lazy_gettext


def _select_locale() -> str:
    from flask import current_app, has_request_context
    if not has_request_context():  # the command line, mail sent after the response
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    lang = session.get("lang")
    return lang if lang in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    from config import BASE_DIR, load_config

    app = Flask(__name__, template_folder=str(BASE_DIR / "templates"),
                static_folder=str(BASE_DIR / "static"), instance_path=str(BASE_DIR / "instance"))
    app.url_map.converters["int"] = DatabaseIdConverter  # ids beyond any INTEGER column: 404, not 500
    env = (overrides or {}).get("GRANTS_ENV")
    app.config.update(load_config(env))
    app.config.update(overrides or {})

    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        # Behind a reverse proxy: links in mails and the Secure cookie need the public scheme and host.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, default_translation_directories="translations")
    if app.config.get("TEMPLATE_CACHE_DIR"):
        from jinja2 import FileSystemBytecodeCache
        Path(app.config["TEMPLATE_CACHE_DIR"]).mkdir(parents=True, exist_ok=True)
        # keyed by the template's source checksum, written atomically: safe for concurrent workers and edits
        app.jinja_env.bytecode_cache = FileSystemBytecodeCache(app.config["TEMPLATE_CACHE_DIR"])
    install_template_gettext(app.jinja_env)  # templates translate through grants.i18n, not Flask-Babel's lookup
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("Meld u aan om deze pagina te zien.")
    login_manager.localize_callback = str  # the lazy text in the page's language, flashed as a plain string
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    from . import models  # noqa: F401  (the whole schema, for Alembic)
    from . import mail  # noqa: F401  (delivery after commit)
    from .accounts.views import bp as accounts_bp, load_user
    from .exports.api import bp as api_bp
    from .exports.views import bp as exports_bp
    from .reporting import api as _reporting_api  # noqa: F401  (its endpoints on the api blueprint)
    from .applications.views import bp as applications_bp
    from .audit.views import bp as audit_bp
    from .awards.views import bp as awards_bp
    from .calls.views import bp as calls_bp
    from .jury.views import bp as jury_bp
    from .main.views import bp as main_bp
    from .organisations.views import bp as organisations_bp
    from .reporting.views import bp as reporting_bp

    from .applications import home as _applicant_home  # noqa: F401  (the parts' home-page sections)
    from .calls import home as _agency_home  # noqa: F401
    from .jury import home as _juror_home  # noqa: F401
    from .accounts import history as _account_history  # noqa: F401  (the parts' words for their history)
    from .applications import history as _application_history  # noqa: F401
    from .calls import history as _call_history  # noqa: F401
    from .jury import history as _jury_history  # noqa: F401
    from .reporting import history as _follow_up_history  # noqa: F401
    from .awards import history as _award_history  # noqa: F401
    from .reporting import home as _follow_up_home  # noqa: F401
    from .awards import home as _awards_home  # noqa: F401
    login_manager.user_loader(load_user)
    for blueprint in (main_bp, accounts_bp, organisations_bp, audit_bp, calls_bp, applications_bp, jury_bp,
                      reporting_bp, awards_bp, exports_bp, api_bp):
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)  # read-only, bearer-token API: no cookies, no forms

    from .security import register_security
    register_security(app)  # NUL bytes out of every request, security headers on every response
    from .ratelimit import init_rate_limits
    init_rate_limits(app)  # before the request boundary: see grants/ratelimit.py
    from .unit_of_work import register_request_boundary
    register_request_boundary(app)
    from .cli import register_cli
    register_cli(app)
    from .maintenance import register_maintenance_cli
    register_maintenance_cli(app)  # verify-audit, backup, restore
    from .templating import register_template_helpers
    register_template_helpers(app)
    _register_error_pages(app)

    return app


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _register_error_pages(app: Flask) -> None:
    # Built when the app is, shown in a request: lazy, translated into the page's language when used.
    messages = {
        400: (lazy_gettext("Ongeldige aanvraag"), lazy_gettext("Uw aanvraag kon niet worden verwerkt.")),
        403: (lazy_gettext("Geen toegang"), lazy_gettext("U hebt geen toegang tot deze pagina.")),
        404: (lazy_gettext("Pagina niet gevonden"),
              lazy_gettext("Deze pagina bestaat niet, of u hebt er geen toegang toe.")),
        405: (lazy_gettext("Niet toegestaan"), lazy_gettext("Deze actie is hier niet mogelijk.")),
        413: (lazy_gettext("Bestand te groot"),
              lazy_gettext("Het verstuurde bestand of formulier is te groot (hoogstens 10 MB per bijlage).")),
        429: (lazy_gettext("Te veel pogingen"),
              lazy_gettext("U hebt te veel pogingen gedaan. Probeer het later opnieuw.")),
        500: (lazy_gettext("Er ging iets mis"),
              lazy_gettext("Er ging iets mis aan onze kant. Probeer het later opnieuw; blijft het probleem, neem dan "
                           "contact op met het agentschap.")),
    }

    def render_error(code: int, detail: str | None = None, exc: HTTPException | None = None):
        title, text = (str(message) for message in messages[code])
        from flask.globals import request_ctx
        if request_ctx.url_adapter is None:  # an untrusted Host header: no page can be built for it
            return f"{title}. {detail or text}", code, {"Content-Type": "text/plain; charset=utf-8"}
        if _wants_json():
            response = jsonify({"error": title, "detail": detail or text})
        else:
            response = app.make_response(render_template("errors/error.html", code=code, title=title,
                                                         text=detail or text))
        response.status_code = code
        # What the exception says beside its body stays: Allow on a 405, WWW-Authenticate, Retry-After.
        for name, value in exc.get_headers() if exc is not None else ():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    def handle(exc: HTTPException, code: int):
        # A description given on purpose (abort(400, description=...)) is shown; Werkzeug's English default is not.
        own = getattr(exc, "description", None)
        default = getattr(type(exc), "description", None)
        return render_error(code, own if own and own != default else None, exc)

    for code in messages:
        app.register_error_handler(code, lambda exc, code=code: handle(exc, code))

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        return render_error(400, _("Het formulier is verlopen of onvolledig verstuurd (beveiligingscode "
                                   "ontbreekt). Laad de pagina opnieuw en probeer nog eens."))

    @app.context_processor
    def _inject_user():
        return {"current_user": current_user}


def warm_up(app: Flask) -> None:
    """What every process would do on its first requests, done once in gunicorn's master before it
    forks the workers (gunicorn.conf.py), so a fresh worker answers its first request warm: the ORM's
    mapper configuration, the SQL of each model's plain select (SQLAlchemy memoises column lookups on
    the tables), and every template loaded."""
    import sqlalchemy as sa
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    with app.app_context():
        dialect = db.engine.dialect
        for mapper in db.Model.registry.mappers:
            sa.select(mapper.class_).compile(dialect=dialect)
    for name in app.jinja_env.list_templates(extensions=("html", "txt")):
        app.jinja_env.get_template(name)
