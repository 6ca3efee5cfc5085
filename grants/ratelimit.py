"""Rate limits with Flask-Limiter, counted where every gunicorn worker sees the same numbers.

Flask-Limiter keeps its counters in a `limits` storage. `limits` ships memory, Redis, Memcached and
MongoDB storages but none for an SQL database, and an in-memory counter would be per worker (and
forgotten on every restart). So this module adds a small `limits` storage on the app's own database,
`grants+db://`, the default of RATELIMIT_STORAGE_URI: a table of fixed-window counters (key, hits,
expiry) updated with one atomic INSERT ... ON CONFLICT DO UPDATE ... RETURNING on SQLite and
PostgreSQL alike. Where Redis runs, RATELIMIT_STORAGE_URI=redis://host:6379/0 uses it instead
(with the `redis` package installed); nothing else changes.

The counters use a connection of their own and commit at once, outside the request's unit of work:
a refused login answers with an error and its transaction is rolled back, but its count must stay.
Flask-Limiter deducts conditional hits after the response is built; it is initialised before the
request boundary, so the boundary's after_request (commit or rollback) runs first and the counter's
own write never waits for the request's transaction (SQLite has one writer at a time).

What is limited, per client (the remote address; behind a proxy ProxyFix sets it from
X-Forwarded-For when PROXY_COUNT is set):
- failed logins and failed second-factor codes together (LOGIN_CLIENT_LIMIT), whatever the
  addresses tried: only failures count (a 401), so a client that logs in correctly is never slowed;
- password reset requests (PASSWORD_RESET_CLIENT_LIMIT): then 429;
and per account or address:
- wrong second-factor codes for one account from any client (TOTP_USER_LIMIT);
- reset mails to one address (PASSWORD_RESET_ADDRESS_LIMIT): beyond it no more mail goes out and the
  page says the same as always, so the limit tells nothing about whether the address is known. This
  one is counted in the request's own transaction, with the mail it limits (hit_in_transaction).
Each 429 is the Dutch "Te veel pogingen" page with a Retry-After header.
"""
from __future__ import annotations

import hashlib
import random
import time

import sqlalchemy as sa
from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse
from limits.storage import Storage
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db

CLEANUP_CHANCE = 0.01  # one write in a hundred also removes expired counters


class RateLimitCounter(db.Model):
    """One fixed-window counter of Flask-Limiter (see DatabaseStorage)."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float] = mapped_column(sa.Float, index=True)  # seconds since the epoch


def _short(key: str) -> str:
    """Keys hold client addresses and e-mail addresses: long ones are hashed to fit the column."""
    return key if len(key) <= 255 else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _increment(dialect: str, key: str, expiry: int, amount: int):
    """One atomic statement: add `amount` to the counter, or start a new window if it expired."""
    table, now = RateLimitCounter.__table__, time.time()
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    expired = table.c.expires_at <= now
    statement = insert(table).values(key=_short(key), hits=amount, expires_at=now + expiry)
    return statement.on_conflict_do_update(index_elements=[table.c.key], set_={
        # An expired window starts again at this hit; a running one counts on.
        "hits": sa.case((expired, amount), else_=table.c.hits + amount),
        "expires_at": sa.case((expired, now + expiry), else_=table.c.expires_at),
    }).returning(table.c.hits)


class DatabaseStorage(Storage):
    """A `limits` storage in the app's database: `grants+db://` (fixed-window strategy)."""

    STORAGE_SCHEME = ["grants+db"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return sa.exc.SQLAlchemyError

    @staticmethod
    def _table() -> sa.Table:
        return RateLimitCounter.__table__

    @staticmethod
    def _engine():
        return db.engine  # the current app's engine: counters live beside the app's data

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        engine = self._engine()
        with engine.begin() as conn:
            hits = conn.execute(_increment(engine.dialect.name, key, expiry, amount)).scalar_one()
            if random.random() < CLEANUP_CHANCE:
                table = self._table()
                conn.execute(table.delete().where(table.c.expires_at <= time.time()))
        return int(hits)

    def get(self, key: str) -> int:
        table = self._table()
        with self._engine().connect() as conn:
            hits = conn.execute(sa.select(table.c.hits).where(table.c.key == _short(key),
                                                              table.c.expires_at > time.time())).scalar()
        return int(hits or 0)

    def get_expiry(self, key: str) -> float:
        table = self._table()
        with self._engine().connect() as conn:
            expiry = conn.execute(sa.select(table.c.expires_at).where(table.c.key == _short(key))).scalar()
        return float(expiry) if expiry is not None else time.time()

    def check(self) -> bool:
        try:
            with self._engine().connect() as conn:
                conn.execute(sa.select(sa.literal(1)))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self._engine().begin() as conn:
            return conn.execute(self._table().delete()).rowcount

    def clear(self, key: str) -> None:
        table = self._table()
        with self._engine().begin() as conn:
            conn.execute(table.delete().where(table.c.key == _short(key)))


def client_address() -> str:
    """The client: its remote address (ProxyFix has set it from X-Forwarded-For behind a proxy)."""
    return get_remote_address()


limiter = Limiter(key_func=client_address)


def init_rate_limits(app: Flask) -> None:
    """Before the request boundary is registered (see the module docstring)."""
    limiter.init_app(app)


def failed(response) -> bool:
    """Only a refused attempt (401) counts against a login limit."""
    return response.status_code == 401


def config_limit(name: str):
    """The limit string from the configuration, read per request (each app has its own config)."""
    return lambda: current_app.config[name]


def hit_in_transaction(config_name: str, *identifiers: str) -> bool:
    """Count one hit of the configured limit in the request's own transaction; False once it is exceeded.

    For a limit on something the transaction does (a reset mail queued per address): the count and
    the thing counted are committed or rolled back together, and on SQLite the count never waits for
    the request's own write lock. Always in the database, whatever RATELIMIT_STORAGE_URI says."""
    item = parse(current_app.config[config_name])
    key = "/".join(["own", config_name.lower(), *identifiers, str(item.amount), str(item.multiples), item.GRANULARITY.name])
    hits = db.session.execute(_increment(db.engine.dialect.name, key, item.get_expiry(), 1)).scalar_one()
    return int(hits) <= item.amount


def address_key(email: str) -> str:
    """An e-mail address as a counter key: hashed, so the table holds no addresses."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()
