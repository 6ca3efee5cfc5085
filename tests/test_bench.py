"""scripts/bench.py: it starts, builds its data set, reads wrk's report and the workers' memory, times
the scale pages in process, and the pages it measures keep a fixed number of queries whatever the
number of rows. No timings are asserted here."""
from __future__ import annotations

import importlib.util
import json
import os
import signal
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
    for option in ("--quick", "--workers", "--connections", "--threads", "--duration", "--reset", "--only",
                   "--scale"):
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


def test_scale_pages_are_pages_and_only_they_are_accepted_with_scale(bench):
    assert set(bench.SCALE_PAGES) <= set(bench.PAGES)
    assert {"screening_list", "application_admin", "api_call_applications"} <= set(bench.SCALE_PAGES)
    with pytest.raises(SystemExit, match="unknown pages: home_admin; known with --scale: screening_list"):
        bench.main(["--scale", "--only", "home_admin"])


@pytest.mark.parametrize("size, label", [(1000, "1k"), (10000, "10k"), (50, "50"), (1500, "1500"), (999, "999")])
def test_scale_keys_name_the_call_size(bench, size, label):
    assert bench.size_label(size) == label


@pytest.mark.parametrize("text, sizes", [("20,50", (20, 50)), ("1000", (1000,)), ("1000,10000", (1000, 10000))])
def test_scale_sizes_are_read(bench, text, sizes):
    assert bench.parse_args(["--scale", "--scale-sizes", text]).scale_sizes == sizes


@pytest.mark.parametrize("text", ["50,20", "20,20", "0,10", "20,x", ""])
def test_scale_sizes_must_be_positive_and_increasing(bench, text):
    with pytest.raises(SystemExit):
        bench.parse_args(["--scale", "--scale-sizes", text])


PROC_STATUS = """Name:\tgunicorn
Umask:\t0022
State:\tS (sleeping)
Tgid:\t4711
Ngid:\t0
Pid:\t4711
PPid:\t4321
TracerPid:\t0
VmPeak:\t  310404 kB
VmSize:\t  245112 kB
VmHWM:\t   99120 kB
VmRSS:\t   98765 kB
RssAnon:\t   61234 kB
Threads:\t1
"""
ZOMBIE_STATUS = "Name:\tgunicorn\nState:\tZ (zombie)\nPid:\t4712\nPPid:\t4321\nThreads:\t1\n"


def test_reads_resident_memory_and_parent_from_proc_status(bench):
    assert bench.vm_rss_kb(PROC_STATUS) == 98765  # VmRSS, not VmHWM or RssAnon
    assert bench.parent_pid(PROC_STATUS) == 4321  # PPid, not TracerPid
    assert bench.vm_rss_kb(ZOMBIE_STATUS) is None
    assert bench.parent_pid(ZOMBIE_STATUS) == 4321


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")
def test_worker_memory_is_read_for_each_child_of_the_master(bench):
    children = [subprocess.Popen(["sleep", "30"]) for _ in range(2)]
    try:
        pids = bench.child_pids(os.getpid())
        assert {c.pid for c in children} <= set(pids)
        assert os.getpid() not in pids
        memory = bench.worker_rss_mb(os.getpid())
        assert len(memory["per_worker"]) == len(pids)
        assert all(mb > 0 for mb in memory["per_worker"])
        assert memory["max"] == max(memory["per_worker"])
    finally:
        for child in children:
            child.kill()
            child.wait()
    assert bench.worker_rss_mb(children[0].pid) == {"max": None, "per_worker": []}  # gone: no children


def _create_all_only(bench):
    from grants.extensions import db

    def create_all_only(app, reset):  # the migration path is exercised by the bench run itself
        with app.app_context():
            bench._reset_database(db.engine)
            db.create_all()
        return "create_all"
    return create_all_only


def _bench_database_url(tmp_path, suffix: str = "bench") -> str:
    """SQLite in tmp_path, or (TEST_DATABASE_URL set) a PostgreSQL database of its own, emptied first.

    The bench data set is built in a database separate from the one the other tests share, since
    the bench drops and creates whole schemas."""
    base = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not base:
        return f"sqlite:///{tmp_path / 'bench.db'}"
    url = sa.engine.make_url(base)
    name = f"{url.database}_{suffix}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
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
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bench, "create_schema", _create_all_only(bench))
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


def test_pages_of_the_follow_up_are_measured(bench, built):
    """The project page (for its organisation and for the agency), the reports list, the payment register and
    the progress report are in PAGES; the data set has the project and the plan they show."""
    paths = {path.split("?")[0] for _role, path in bench.PAGES.values()}
    assert {"/projects/{project_id}", "/admin/reports", "/admin/payments", "/admin/progress-report"} <= paths
    assert {"project_id", "plan_id"} <= set(built["ids"])


def test_pages_of_the_jury_are_measured(bench, built):
    """The juror's home, the scoring page, the jury dashboard, the ranking page and the ranking API are in
    PAGES (so their queries are counted at both sizes, above), and the data set has the sheet they open."""
    pages = set(bench.PAGES.values())
    assert {("juror", "/"), ("juror", "/jury/applications/{jury_application_id}"),
            ("admin", "/admin/calls/{review_call_id}/jury/dashboard"),
            ("admin", "/jury/calls/{review_call_id}/ranking"),
            ("api", "/api/v1/calls/{review_call_id}/ranking")} <= pages
    assert {"review_call_id", "jury_application_id"} <= set(built["ids"])


def test_the_ranking_figure_is_the_ranking_of_ten_thousand_applications(bench, monkeypatch):
    """ranking_10k_ms, in both reports, times grants.jury.ranking.bench_ranking at 10,000 applications,
    5 jurors and 6 criteria, and is a positive number of milliseconds."""
    import grants.jury.ranking as ranking

    asked = []
    real = ranking.bench_ranking

    def spy(n_applications, jurors, criteria):
        asked.append((n_applications, jurors, criteria))
        return real(200, jurors=jurors, criteria=criteria)  # the shape of the real run, faster

    monkeypatch.setattr(ranking, "bench_ranking", spy)
    assert bench._ranking_ms() > 0
    assert asked == [(10_000, 5, 6)]


def test_pages_of_the_awards_are_measured(bench, built):
    """The awards page, the proposal, the XLSX award list and the awards API are in PAGES (so their queries
    are counted at both sizes, above), on calls the data set has."""
    pages = set(bench.PAGES.values())
    assert {("admin", "/admin/calls/{review_call_id}/awards"),
            ("admin", "/admin/calls/{review_call_id}/awards/proposal"),
            ("admin", "/admin/calls/{decided_call_id}/awards/export.xlsx"),
            ("api", "/api/v1/calls/{decided_call_id}/awards")} <= pages
    assert {"review_call_id", "decided_call_id"} <= set(built["ids"])


def test_the_export_figures_time_the_product_and_plain_xlsxwriter_at_ten_thousand(bench, monkeypatch):
    """export_10k_s and export_raw_10k_s, in both reports, come from one bench_export(10_000) call: the
    product's writer and plain xlsxwriter in the same run, in seconds."""
    import grants.exports.writers as writers

    asked = []

    def spy(n):
        asked.append(n)
        return 1.23456, 0.65432

    monkeypatch.setattr(writers, "bench_export", spy)
    assert bench._export_seconds() == {"export_10k_s": 1.235, "export_raw_10k_s": 0.654}
    assert asked == [10_000]


def test_bench_export_writes_the_rows_it_times(monkeypatch):
    """What bench_export times is a real workbook of n application rows."""
    import io

    from openpyxl import load_workbook

    import grants.exports.writers as writers

    written = []
    real = writers.awards_xlsx
    monkeypatch.setattr(writers, "awards_xlsx", lambda *a, **k: written.append(real(*a, **k)) or written[-1])
    product, raw = writers.bench_export(300)
    assert product > 0 and raw > 0
    sheet = load_workbook(io.BytesIO(written[0]))[writers.APPLICATIONS_SHEET]
    assert sheet.max_row >= 300


def test_data_set_grows_where_the_pages_look(built):
    """More rows where an N+1 would show: the busy call's applications and exclusions, and the tracked
    application's budget lines, contributions, attachments and history grow from the small to the larger size."""
    small, large = built["dataset"]["small"], built["dataset"]["large"]
    assert large["applications_in_busy_call"] >= 3 * small["applications_in_busy_call"]
    for rows in ("budget_lines", "contributions", "attachments", "audit_events", "tracked_application_rows",
                 "exclusions_of_busy_call"):
        assert large[rows] > small[rows], rows
    assert built["api_token"]


@pytest.fixture(scope="module")
def scaled(bench, tmp_path_factory):
    """`bench.py --scale` at calls of 20 and 50 applications, 2 timed requests a page: (report, database URL)."""
    url = _bench_database_url(tmp_path_factory.mktemp("scale"), "scale")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bench, "create_schema", _create_all_only(bench))
        patch.setattr(bench.signal, "signal", lambda signum, handler: None)  # pytest keeps its own handlers
        patch.setenv("DATABASE_URL", url)
        out = _run_main(bench, ["--scale", "--scale-sizes", "20,50", "--scale-requests", "2", "--reset"])
    return json.loads(out.strip().splitlines()[-1]), url


def _run_main(bench, argv) -> str:
    import contextlib
    import io
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert bench.main(argv) == 0
    return buffer.getvalue()


def test_scale_run_reports_each_page_at_each_size(bench, scaled):
    report, url = scaled
    assert report["database"] == sa.engine.make_url(url).get_backend_name()
    assert report["method"]["timed_requests"] == 2
    assert set(report["scale"]) == set(bench.SCALE_PAGES)
    for name, entry in report["scale"].items():
        role, path = bench.PAGES[name]
        assert (entry["role"], entry["path"]) == (role, path)
        for label in ("20", "50"):
            assert entry[f"status_{label}"] == 200, name
            assert isinstance(entry[f"ms_{label}"], float) and entry[f"ms_{label}"] > 0, name
            assert entry[f"requests_{label}"] == 2, name
        # Queries are counted, and a page's count does not grow with the call (the design's rule).
        assert entry["queries_20"] > 0, name
        assert entry["queries_50"] == entry["queries_20"], name
    assert report["dataset"]["20"]["applications_in_busy_call"] == 20
    assert report["dataset"]["50"]["applications_in_busy_call"] == 50


def test_scale_call_looks_like_a_call_being_screened(bench, scaled):
    """The bulk-inserted call: closed, mostly handed in, each handed-in application with its own dossier
    number, a budget that adds up to its financing and a status history; and the ORM can insert after it."""
    from grants import create_app
    from grants.applications.models import Application, BudgetLine, Contribution
    from grants.applications.states import ApplicationStatus as S
    from grants.audit.models import AuditEvent
    from grants.calls.models import Call
    from grants.calls.states import CallStatus
    from grants.extensions import db
    from grants.organisations.models import Organisation, OrganisationKind, Partnership

    report, url = scaled
    app = create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        try:
            call_id = db.session.scalar(sa.select(Application.call_id).group_by(Application.call_id)
                                        .order_by(sa.func.count().desc()).limit(1))
            call = db.session.get(Call, call_id)
            assert call.status == CallStatus.CLOSED
            apps = db.session.scalars(sa.select(Application).where(Application.call_id == call_id)).all()
            assert len(apps) == 50
            statuses = [a.status for a in apps]
            assert statuses.count(S.SUBMITTED) + statuses.count(S.ADMISSIBLE) > len(apps) / 2
            handed_in = [a for a in apps if a.status != S.DRAFT]
            assert all(a.dossier_number and a.submitted_at <= call.closes_at for a in handed_in)
            assert len({a.dossier_number for a in handed_in}) == len(handed_in)
            kinds = {a.organisation.kind for a in apps}
            assert {OrganisationKind.MUNICIPALITY, OrganisationKind.NONPROFIT} <= kinds
            assert len({a.organisation_id for a in apps}) == len(apps)  # one application per organisation
            for a in apps:
                assert a.budget_lines and a.contributions, a.id
                assert a.total_cost == a.requested_amount + a.contribution_total(), a.id
                events = db.session.scalars(sa.select(AuditEvent.action).where(
                    AuditEvent.object_type == "applications", AuditEvent.object_id == a.id)).all()
                assert "application.create" in events, a.id
                assert ("application.submit" in events) == (a.status != S.DRAFT), a.id
            # Ids were assigned by the bulk insert: the database's own ids still come out fresh.
            org = Organisation(name="Na de benchmark", kind=OrganisationKind.NONPROFIT, kbo="0999999988")
            db.session.add(org)
            db.session.flush()
            partnership = Partnership(call_id=call_id, name="Na de benchmark", lead_organisation_id=org.id)
            db.session.add(partnership)
            db.session.flush()
            db.session.add(Application(call_id=call_id, organisation_id=org.id, partnership_id=partnership.id,
                                       budget_lines=[BudgetLine(category="staff", amount=1)],
                                       contributions=[Contribution(kind="own_financial", amount=1)]))
            db.session.flush()
            db.session.rollback()
        finally:
            db.session.remove()
            db.engine.dispose()
