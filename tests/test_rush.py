"""The deadline rush in its short form: 60 organisations submit while the server is killed halfway.

scripts/rush.py --orgs 60 --kill runs gunicorn (4 workers, production settings) on a PostgreSQL database
of its own, sends SIGKILL to the master and every worker once half the applicants have sent their
submit, starts gunicorn again and lets the clients retry. What an applicant relies on is checked, never
the timing: every acknowledged submission is in the database with the number on its receipt, exactly
once; the numbering of the call has no gap or duplicate; nothing is half-written; the audit chain
verifies; a second submit (a double click, a retry) gets the same receipt; and every error is one the
kill explains. Runs in the PostgreSQL pass of scripts/test (TEST_DATABASE_URL set).
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
ORGS = 60


@pytest.fixture(scope="module")
def rush():
    spec = importlib.util.spec_from_file_location("rush_script", ROOT / "scripts" / "rush.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


# --- the pieces, without a server ------------------------------------------------------------

@pytest.mark.parametrize("values, q, expected", [
    ([5.0], 99, 5.0),
    ([1.0, 2.0, 3.0, 4.0], 50, 2.0),  # nearest rank: ceil(4 * 0.5) = 2nd
    ([float(v) for v in range(1, 101)], 95, 95.0),
    ([float(v) for v in range(1, 101)], 99, 99.0),
    ([float(v) for v in range(1, 11)], 99, 10.0),  # fewer than 100 samples: the slowest
    ([], 50, None),
])
def test_percentiles_are_nearest_rank(rush, values, q, expected):
    assert rush.percentile(values, q) == expected


@pytest.mark.parametrize("started, ended, overlaps", [
    (1.0, 2.0, False),   # before the kill
    (2.0, 10.5, True),   # in flight when the server was killed
    (11.0, 12.0, True),  # during the outage
    (19.0, 21.0, True),  # sent before the restarted server answered
    (20.5, 21.0, False),  # after the restart
])
def test_errors_are_explained_by_the_outage_only_when_they_overlap_it(rush, started, ended, overlaps):
    target = rush.Target()
    target.outages.append([10.0, 20.0])
    assert target.in_outage(started, ended) is overlaps


def test_an_outage_not_yet_over_explains_everything_after_the_kill(rush):
    target = rush.Target()
    target.outages.append([10.0])
    assert target.in_outage(30.0, 31.0) and not target.in_outage(1.0, 2.0)


def test_latency_outside_the_kill_leaves_out_only_the_requests_that_waited_for_the_restart(rush):
    target = rush.Target()
    target.outages.append([10.0, 12.0])
    samples = [rush.Sample("receipt", float(t), 20.0, 200) for t in range(1, 10)]  # before the kill
    samples.append(rush.Sample("submit", 11.0, 1500.0, 302))  # sent in the outage, answered after it
    samples.append(rush.Sample("submit", 10.5, 3.0, None, "ConnectionRefusedError"))  # refused
    samples.append(rush.Sample("receipt", 13.0, 400.0, 200))  # after the restart, slow: it counts
    samples.append(rush.Sample("login", 0.5, 900.0, 302))  # before the rush: never counted
    summary = rush.summarise(samples, target)
    assert summary["p99_ms"] == 1500.0 and summary["p99_ms_outside_kill"] == 400.0
    assert summary["answered_during_kill"] == 1
    assert summary["errors"] == 1 and summary["errors_outside_kill"] == 0


@pytest.mark.parametrize("html, expected", [
    ('<input id="version" name="version" type="hidden" value="3">', "3"),
    ('<input type="hidden" value="7" name="version">', "7"),
    ('<input name="versions" value="9">', None),
    ("<p>ingediend</p>", None),
])
def test_hidden_value_reads_the_loaded_version(rush, html, expected):
    assert rush.hidden_value(html, "version") == expected


def test_only_a_database_named_for_the_rush_is_dropped(rush):
    with pytest.raises(SystemExit, match="must contain 'rush'"):
        rush.fresh_database("postgresql+psycopg://u:p@127.0.0.1:5432/grants_test")
    with pytest.raises(SystemExit, match="PostgreSQL"):
        rush.fresh_database("sqlite:///rush.db")


def test_bench_puts_the_rush_figures_in_its_json(rush, monkeypatch):
    """bench.py --rush runs scripts/rush.py --both and takes the "rush" object of its last line as it is."""
    bench = sys.modules["bench"]  # the one scripts/rush.py imported
    figures = {"p50_ms": 12.5, "p95_ms": 40.0, "p99_ms": 80.0, "errors": 0, "lost": 0, "duplicates": 0,
               "after_kill_lost": 0, "per_kind": {}}
    calls = []

    def fake_run(command, **kwargs):
        calls.append(command)
        return subprocess.CompletedProcess(command, 0, stdout="progress\n" + json.dumps({"rush": figures}) + "\n")
    monkeypatch.setattr(bench.subprocess, "run", fake_run)
    assert bench.run_rush(quick=True) == figures
    assert calls[0][1:] == [str(ROOT / "scripts" / "rush.py"), "--both", "--orgs", "60", "--window", "10"]
    assert bench.run_rush(quick=False) == figures and calls[1][-2:] == ["--orgs", "300"]
    assert bench.parse_args(["--rush"]).rush and not bench.parse_args([]).rush


# --- the short form of the rush ---------------------------------------------------------------

def _database_url() -> str:
    url = sa.engine.make_url(TEST_DATABASE_URL)
    name = f"{url.database}_rush_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def report():
    if not TEST_DATABASE_URL:
        pytest.skip("the rush runs on PostgreSQL: set TEST_DATABASE_URL")
    # A cheap stored hash: the clients log in before the rush, 85 scrypt checks would only add time.
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "rush.py"), "--orgs", str(ORGS), "--kill", "--window", "10",
         "--password-hash", "pbkdf2:sha256:1000", "--database-url", _database_url()],
        cwd=str(ROOT), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])["rush"]


def test_no_acknowledged_submission_is_lost_or_doubled_through_a_kill(report):
    assert report["kill"] is not None and report["kill"]["survivors"] == []
    assert len(report["kill"]["workers"]) == 4
    assert report["acknowledged"] == ORGS and report["gave_up"] == 0, report["clear_answers"]
    assert (report["lost"], report["after_kill_lost"], report["duplicates"]) == (0, 0, 0), report["lost_ids"]
    # The numbering of the call: 1..60, nothing missing, nothing twice, every one acknowledged.
    assert report["submitted"] == ORGS and report["gaps"] == 0
    assert report["submitted_without_acknowledgement"] == 0


def test_nothing_is_half_written_and_the_audit_chain_verifies(report):
    assert report["half_written"] == 0, report["half_written_ids"]
    assert report["verify_audit"]["ok"], report["verify_audit"]["output"]


def test_a_second_submit_gets_the_existing_receipt(report):
    # One applicant in ten clicks twice (not the ones whose page showed the application handed in already).
    assert 0 < report["double_clicks"] <= ORGS // 10
    assert report["double_clicks_same_receipt"] == report["double_clicks"], report["double_click_answers"]


def test_every_error_is_explained_by_the_kill(report):
    assert report["errors_outside_kill"] == 0, report["error_kinds"]
    assert {kind for kind in report["per_kind"]} >= {"application_page", "submit", "receipt", "jury_sheet",
                                                     "jury_save", "screening_list", "login"}
    assert report["per_kind"]["jury_save"]["requests"] > 0 and report["per_kind"]["screening_list"]["requests"] > 0
