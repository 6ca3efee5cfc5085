"""Reminders about reports: before and after the due date, never the same one twice, also when two runs
of `flask send-reminders` overlap (two threads, two sessions, on SQLite and on PostgreSQL)."""
from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from grants.accounts.models import MailMessage
from grants.extensions import db
from grants.reporting import operations as ops
from grants.reporting.models import ReportReminder
from grants.reporting.rules import ReminderKind
from grants.unit_of_work import unit_of_work
from tests.support.reporting import funded_project


def _projects_due(factory, today, offsets):
    """One project per offset whose final report is due `offset` days from today (negative: overdue)."""
    reports = []
    for n, offset in enumerate(offsets):
        org = factory.organisation(f"Gemeente {n}", contact_email=f"info{n}@gemeente.be")
        project = funded_project(factory, organisation=org)
        report = project.reports[-1]
        report.due_date = today + timedelta(days=offset)
        reports.append(report)
    db.session.commit()
    return reports


def test_reminders_before_and_after_the_due_date_once_each(factory):
    today = ops.today()
    reports = _projects_due(factory, today, [14, 3, -1, -14, 20])
    due = ops.reminders_to_send(today)
    assert [(d.report_id, d.kind) for d in due] == [
        (reports[3].id, ReminderKind.OVERDUE_14), (reports[2].id, ReminderKind.OVERDUE_1),
        (reports[1].id, ReminderKind.BEFORE_3), (reports[0].id, ReminderKind.BEFORE_14)]
    for reminder in due:
        with unit_of_work():
            assert ops.send_reminder(reminder) is True
    assert ops.reminders_to_send(today) == []  # a second run the same day sends nothing
    for reminder in due:
        with unit_of_work():
            assert ops.send_reminder(reminder) is False  # and a stale list cannot send twice either
    mails = db.session.scalars(sa.select(MailMessage).order_by(MailMessage.id)).all()
    overdue = [m for m in mails if m.recipient == "info3@gemeente.be"]
    assert len(overdue) == 1 and overdue[0].subject.startswith("Herinnering: het eindverslag van")
    assert "moest uiterlijk op" in overdue[0].body and "/projects/" in overdue[0].body
    soon = next(m for m in mails if m.recipient == "info1@gemeente.be")
    assert "te laat" not in soon.subject and "om 23:59 ingediend worden" in soon.body


def test_submitted_reports_and_settled_periods_get_no_reminder(factory):
    today = ops.today()
    submitted, = _projects_due(factory, today, [3])
    factory.report(submitted.project, kind="final", status="submitted")
    db.session.commit()
    assert ops.reminders_to_send(today) == []


def test_two_overlapping_runs_send_each_reminder_once(factory, app):
    today = ops.today()
    reports = _projects_due(factory, today, [14, 3, -1, -14] * 3)
    expected = {(d.report_id, d.kind) for d in ops.reminders_to_send(today)}
    assert len(expected) == len(reports)
    db.session.remove()
    barrier = threading.Barrier(2)
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            with app.app_context():
                due = ops.reminders_to_send(today)
                db.session.rollback()  # end the read before the other run starts writing
                barrier.wait(timeout=20)  # both runs hold the same list of reminders to send
                sent = 0
                for reminder in due:
                    with unit_of_work():
                        sent += ops.send_reminder(reminder)
                results[name] = sent
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(results.values()) == len(expected)  # between them, every reminder once
    rows = db.session.execute(sa.select(ReportReminder.report_id, ReportReminder.kind)).all()
    assert sorted((r.report_id, r.kind) for r in rows) == sorted(expected)
    recipients = [m.recipient for m in db.session.scalars(sa.select(MailMessage)) if m.recipient.startswith("info")]
    assert len(recipients) == len(set(recipients)) == len(reports)  # one mail per organisation, not two
    assert len(results) == 2


def test_the_cron_command(factory, app):
    today = ops.today()
    _projects_due(factory, today, [3, -1])
    runner = app.test_cli_runner()
    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0, first.output
    assert "2 reminders sent" in first.output
    second = runner.invoke(args=["send-reminders", "--date", today.isoformat()])
    assert "0 reminders sent" in second.output
    # a run that was late by days sends only the latest kind on each side, never the missed ones
    later = runner.invoke(args=["send-reminders", "--date", (today + timedelta(days=20)).isoformat()])
    assert "2 reminders sent" in later.output
    assert sorted(k.value for k in db.session.scalars(sa.select(ReportReminder.kind))) == [
        "before_3", "overdue_1", "overdue_14", "overdue_14"]
    bad = runner.invoke(args=["send-reminders", "--date", "gisteren"])
    assert bad.exit_code != 0 and "JJJJ-MM-DD" in bad.output
