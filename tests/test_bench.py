"""scripts/bench.py: it starts, builds its data set, reads wrk's report, and the pages it measures
keep a fixed number of queries whatever the number of rows. No timings are asserted here."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "scripts" / "bench.py"

WRK_REPORT = """Running 2s test @ http://127.0.0.1:40000/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.21ms    1.02ms  19.87ms   90.12%
    Req/Sec   392.10     20.33   440.00     70.00%
  Latency Distribution
     50%   10.14ms
     75%   10.50ms
     90%   10.75ms
     99%    1.28s
  1562 requests in 2.00s, 9.87MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:    779.92
Transfer/sec:      4.93MB
"""


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("grants_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_help_describes_the_options():
    result = subprocess.run([sys.executable, str(BENCH), "--help"], capture_output=True, text=True, timeout=60,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr
    for option in ("--quick", "--workers", "--connections", "--threads", "--duration", "--reset"):
        assert option in result.stdout


def test_reads_wrk_report(bench):
    report = bench.parse_wrk(WRK_REPORT)
    assert report["rps"] == 779.92
    assert report["requests"] == 1562
    assert report["non_2xx_3xx"] == 7
    assert report["socket_errors"] == 3
    assert report["latency_ms"] == {"p50": 10.14, "p90": 10.75, "p99": 1280.0}


def test_unknown_page_is_refused(bench):
    with pytest.raises(SystemExit, match="unknown pages: nope"):
        bench.main(["--only", "nope"])


def _bench_database_url(tmp_path) -> str:
    """SQLite in tmp_path, or (TEST_DATABASE_URL set) a PostgreSQL database of its own, emptied first.

    The bench data set is built in a database separate from the one the other tests share, since
    the bench drops and creates whole schemas."""
    base = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not base:
        return f"sqlite:///{tmp_path / 'bench.db'}"
    url = sa.engine.make_url(base)
    name = f"{url.database}_bench_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def built(bench, tmp_path_factory):
    """The bench data set at a small and a larger size, with the query counts of every page in PAGES."""
    from grants.extensions import db

    def create_all_only(app, reset):  # the migration path is exercised by the bench run itself
        with app.app_context():
            bench._reset_database(db.engine)
            db.create_all()
        return "create_all"

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bench, "create_schema", create_all_only)
        patch.setitem(bench.SIZES, "quick", (bench.Size(calls=5, applications=4, users=3),
                                             bench.Size(calls=10, applications=60, users=12)))
        return bench.build(_bench_database_url(tmp_path_factory.mktemp("bench")), quick=True, reset=False,
                           pages=bench.PAGES)


def test_data_set_builds_and_page_queries_do_not_grow_with_rows(bench, built):
    facts = built
    small, large = facts["dataset"]["small"], facts["dataset"]["large"]
    assert (small["calls"], small["applications"], small["users"]) == (5, 4, 3)
    assert (large["calls"], large["applications"], large["users"]) == (10, 60, 12)
    assert large["organisations"] >= 285
    assert large["juror_assignments"] > small["juror_assignments"]
    assert {"call_id", "review_call_id", "decided_call_id", "application_id", "organisation_id",
            "user_id"} <= set(facts["ids"])

    # Every page answers (a page that fails would otherwise slip through the count check below).
    assert {name: status for name, status in facts["status"].items() if status != 200} == {}
    for name, (small_count, large_count) in facts["queries"].items():
        assert small_count > 0, name
        assert large_count == small_count, f"{name}: {small_count} queries with few rows, {large_count} with many"


def test_pages_of_calls_and_applications_are_measured(bench):
    """The calls and applications pages are in PAGES: admin and public call pages, the screening list
    (also filtered), the application page for its applicant and for the agency, and the API list."""
    paths = {(role, path.split("?")[0]) for role, path in bench.PAGES.values()}
    assert {("admin", "/admin/calls"), ("admin", "/admin/calls/{call_id}"),
            ("admin", "/admin/calls/{call_id}/applications"), ("applicant", "/applications/{application_id}"),
            ("admin", "/applications/{application_id}"), (None, "/calls"), (None, "/calls/{call_id}"),
            ("api", "/api/v1/calls/{call_id}/applications")} <= paths
    assert any("?" in path for role, path in bench.PAGES.values() if path.startswith("/admin/calls/{call_id}/app"))
    assert bench.auth_headers("api", "t0k3n") == {"Authorization": "Bearer t0k3n"}
    assert bench.auth_headers("admin", "t0k3n") == {}


def test_data_set_grows_where_the_pages_look(built):
    """More rows where an N+1 would show: the busy call's applications and exclusions, and the tracked
    application's budget lines, contributions, attachments and history grow from the small to the larger size."""
    small, large = built["dataset"]["small"], built["dataset"]["large"]
    assert large["applications_in_busy_call"] >= 3 * small["applications_in_busy_call"]
    for rows in ("budget_lines", "contributions", "attachments", "audit_events", "tracked_application_rows",
                 "exclusions_of_busy_call"):
        assert large[rows] > small[rows], rows
    assert built["api_token"]
