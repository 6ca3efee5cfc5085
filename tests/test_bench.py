"""scripts/bench.py: it starts, builds its data set, reads wrk's report, and the pages it measures
keep a fixed number of queries whatever the number of rows. No timings are asserted here."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_data_set_builds_and_page_queries_do_not_grow_with_rows(bench, tmp_path, monkeypatch):
    from grants.extensions import db

    def create_all_only(app, reset):  # the migration path is exercised by the bench run itself
        with app.app_context():
            db.create_all()
        return "create_all"

    monkeypatch.setattr(bench, "create_schema", create_all_only)
    monkeypatch.setitem(bench.SIZES, "quick", (bench.Size(calls=5, applications=4, users=3),
                                               bench.Size(calls=10, applications=60, users=12)))
    facts = bench.build(f"sqlite:///{tmp_path / 'bench.db'}", quick=True, reset=False, pages=bench.PAGES)

    small, large = facts["dataset"]["small"], facts["dataset"]["large"]
    assert (small["calls"], small["applications"], small["users"]) == (5, 4, 3)
    assert (large["calls"], large["applications"], large["users"]) == (10, 60, 12)
    assert large["organisations"] >= 285
    assert large["juror_assignments"] > small["juror_assignments"]
    assert {"call_id", "review_call_id", "decided_call_id", "application_id", "organisation_id",
            "user_id"} <= set(facts["ids"])

    for role in ("admin", "applicant", "juror"):
        assert facts["status"][f"home_{role}"] == 200
    for name, (small_count, large_count) in facts["queries"].items():
        if facts["status"][name] == 200:
            assert small_count > 0, name
            assert large_count == small_count, f"{name}: {small_count} queries with few rows, {large_count} with many"
