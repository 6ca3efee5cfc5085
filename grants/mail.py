"""Outgoing mail: queued in the database by operations, delivered right after the commit.

Delivery happens after the commit, so a rolled-back operation never sends mail; in a request it
happens after the response is sent (grants.unit_of_work), so the answer never waits for the mail
server. A failed delivery stays in mail_messages and `flask --app wsgi send-mail` retries it.
"""
from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app, g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from .accounts.models import MailMessage
from .extensions import db
from .timeutil import utcnow

_OUTBOX = "grants_outbox"


def queue_mail(recipient: str, subject: str, body: str) -> MailMessage:
    message = MailMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(_OUTBOX, []).append(message.id)
    return message


def _send(config: dict, recipient: str, subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = recipient
    msg["Subject"] = subject
    msg.set_content(body)
    if not config.get("MAIL_SERVER"):
        # Development without a mail server: show the mail on the console.
        print(f"--- mail to {recipient} ---\nSubject: {subject}\n\n{body}\n--- end of mail ---",
              file=sys.stderr, flush=True)
        return
    # A fixed HELO name: smtplib would otherwise look up this machine's name (slow without DNS).
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10,
                      local_hostname=config.get("MAIL_HELO_NAME") or "localhost") as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(msg)


def deliver(ids: list[int]) -> int:
    """Send the given queued messages; returns how many went out. Uses its own transaction."""
    sent = 0
    table = MailMessage.__table__
    with db.engine.begin() as conn:
        rows = conn.execute(sa.select(table).where(table.c.id.in_(ids), table.c.sent_at.is_(None))).all()
        for row in rows:
            try:
                _send(current_app.config, row.recipient, row.subject, row.body)
            except (OSError, smtplib.SMTPException) as exc:
                current_app.logger.warning("mail %s to %s failed: %s", row.id, row.recipient, exc)
                conn.execute(table.update().where(table.c.id == row.id).values(
                    attempts=row.attempts + 1, last_error=str(exc)[:2000]))
            else:
                sent += 1
                conn.execute(table.update().where(table.c.id == row.id).values(
                    attempts=row.attempts + 1, sent_at=utcnow(), last_error=None))
    return sent


def pending_ids() -> list[int]:
    return list(db.session.scalars(sa.select(MailMessage.id).where(MailMessage.sent_at.is_(None))))


_COMMITTED = "grants_committed_mail"


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a released SAVEPOINT, not the commit: the mail is not in the database yet
    ids = session.info.pop(_OUTBOX, None)
    if not ids:
        return
    if has_request_context():
        # The request boundary sends it once the response is out (no mail server time in the answer).
        g.setdefault(_COMMITTED, []).extend(ids)
    else:
        deliver(ids)


def take_committed_mail() -> list[int]:
    """The mail this request committed and has not sent yet (for the request boundary)."""
    return g.pop(_COMMITTED, [])


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_OUTBOX, None)
