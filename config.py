"""Configuration from the environment. GRANTS_ENV picks development (default), production or testing."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("GRANTS_INSTANCE_DIR", BASE_DIR / "instance"))


def _development_secret_key() -> str:
    """Generated once and kept in instance/, so sessions survive a restart."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{INSTANCE_DIR / 'grants.db'}"
    # Heroku-style URLs and plain postgresql:// go through psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
    LANGUAGES = ("nl", "en")
    MAX_CONTENT_LENGTH = 11 * 1024 * 1024  # one 10 MB attachment and the form around it
    # An over-long text field reaches the form and gets a message next to it instead of a 413.
    MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH
    MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
    PASSWORD_RESET_MAX_AGE = 3600
    # Five wrong passwords for one address from one client lock that address for that client only.
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    # Per client (remote address), whatever the addresses tried; the storage is shared by every worker
    # (RATELIMIT_STORAGE_URI: the database by default, Redis when configured). Flask-Limiter's notation.
    LOGIN_CLIENT_LIMIT = "20 per 15 minutes"  # failed logins and failed second-factor codes
    PASSWORD_RESET_CLIENT_LIMIT = "10 per hour"  # reset requests from one client: then 429
    PASSWORD_RESET_ADDRESS_LIMIT = "3 per hour"  # reset mails to one address: then silently no more mail
    TOTP_USER_LIMIT = "10 per 15 minutes"  # wrong second-factor codes for one account, from any client
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on a 429
    RATELIMIT_STRATEGY = "fixed-window"
    # The second factor: required for admins in production (see ProductionConfig), optional for others.
    REQUIRE_ADMIN_TOTP = False
    TOTP_ISSUER = "Plan Samenleven"
    TOTP_PENDING_SECONDS = 300  # between the password step and the code step
    RECOVERY_CODE_COUNT = 10
    HSTS_SECONDS = 0  # Strict-Transport-Security only in production (see ProductionConfig)
    PASSWORD_HASH_METHOD = "scrypt"  # Werkzeug's notation; a stored hash names its own method


class DevelopmentConfig(Config):
    SESSION_COOKIE_SECURE = False  # plain http on localhost


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    REQUIRE_ADMIN_TOTP = True
    HSTS_SECONDS = 365 * 24 * 3600


class TestingConfig(Config):
    TESTING = True
    SESSION_COOKIE_SECURE = False
    SECRET_KEY = "test-secret-key"
    MAIL_SERVER = ""
    # A cheap hash: the suite makes and checks thousands (scrypt costs ~0.1 s each). The method
    # does not change what is checked; tests/web/test_auth.py asserts that the others use scrypt.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    TEMPLATE_CACHE_DIR = ""  # the suite shares compiled templates in memory (tests/conftest.py)


def _from_environment() -> dict:
    """Settings read from the environment when the app is created (not when this module is imported)."""
    env = os.environ
    return {
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25") or 25),
        "MAIL_FROM": env.get("MAIL_FROM", "Plan Samenleven <noreply@plansamenleven.example>"),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "") == "1",
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_HELO_NAME": env.get("MAIL_HELO_NAME", "").strip(),
        "UPLOAD_DIR": env.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads")),
        # Compiled templates, shared by the workers and kept over a restart ("" turns it off): a worker
        # that starts cold loads them instead of compiling about a second of templates itself.
        "TEMPLATE_CACHE_DIR": env.get("TEMPLATE_CACHE_DIR", str(INSTANCE_DIR / "template-cache")).strip(),
        "BASE_URL": env.get("BASE_URL", "").strip(),
        # The Host headers the app answers (Flask refuses others with 400); see load_config for the default.
        "TRUSTED_HOSTS": [h.strip() for h in env.get("TRUSTED_HOSTS", "").split(",") if h.strip()] or None,
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
        "PROXY_COUNT": int(env.get("PROXY_COUNT", "0") or 0),
        # Where rate limits are counted: the app's own database by default ("grants+db://", see
        # grants/ratelimit.py), or e.g. redis://host:6379/0 (needs the redis package).
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "").strip() or "grants+db://",
        # Attachments per application: how many files, and how many bytes together.
        "MAX_ATTACHMENTS_PER_APPLICATION": int(env.get("MAX_ATTACHMENTS_PER_APPLICATION", "20") or 20),
        "MAX_ATTACHMENT_TOTAL_BYTES": int(env.get("MAX_ATTACHMENT_TOTAL_BYTES", str(50 * 1024 * 1024))
                                          or 50 * 1024 * 1024),
    }


_ENVIRONMENT_FLAGS = ("REQUIRE_ADMIN_TOTP",)  # "1" or "0" in the environment overrides the class default


def load_config(env: str | None = None) -> dict:
    env = env or os.environ.get("GRANTS_ENV", "development")
    cls = {"development": DevelopmentConfig, "production": ProductionConfig, "testing": TestingConfig}.get(env)
    if cls is None:
        raise RuntimeError(f"GRANTS_ENV must be development, production or testing, not {env!r}")
    values = {**_from_environment(), **{key: getattr(cls, key) for key in dir(cls) if key.isupper()}}
    for flag in _ENVIRONMENT_FLAGS:
        if os.environ.get(flag, "").strip() in ("0", "1"):
            values[flag] = os.environ[flag].strip() == "1"
    values["GRANTS_ENV"] = env
    values["SQLALCHEMY_DATABASE_URI"] = _database_url()
    secret = os.environ.get("SECRET_KEY", "").strip()
    if secret:
        values["SECRET_KEY"] = secret
    elif env == "production":
        raise RuntimeError("SECRET_KEY must be set in production (GRANTS_ENV=production).")
    if env == "production" and not values["BASE_URL"]:
        raise RuntimeError("BASE_URL must be set in production (GRANTS_ENV=production): mailed links use it.")
    if not secret and env == "development":
        values["SECRET_KEY"] = _development_secret_key()
    if values["TRUSTED_HOSTS"] is None:
        # Production answers its public name only; development and tests the loopback names.
        public = urlsplit(values["BASE_URL"]).hostname if values["BASE_URL"] else None
        values["TRUSTED_HOSTS"] = [public] if env == "production" and public else ["localhost", "127.0.0.1", "[::1]"]
    return values
