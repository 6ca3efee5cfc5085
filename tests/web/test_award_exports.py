"""The agency's award exports read back as their readers see them: the XLSX with openpyxl, the CSV
with the csv module, the text list as text, the JSON through the API, and the command line.

The demo's counter-voices 2017 call has the 11 awards of the progress report, 437,995.00 euro."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal as D

import openpyxl
import pytest
import sqlalchemy as sa

from grants.accounts.models import User
from grants.applications.models import Application
from grants.applications.states import ApplicationStatus
from grants.awards.models import Decision
from grants.calls.models import Call
from grants.exports.queries import award_export
from grants.exports.writers import APPLICATIONS_SHEET, AWARDS_SHEET, EURO_FORMAT, SCORES_SHEET
from grants.extensions import db
from grants.jury.models import Panel
from grants.timeutil import utcnow
from tests.conftest import auth
from tests.support.demo import seed_demo_once

COUNTER_VOICES = "Maatschappelijke tegengeluiden mobiliseren 2017"
REGIE_2015 = "Lokale regierol 2015"
TOTAL = D("437995.00")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The demo's list, in dossier order (the organisations as the demo names them).
DEMO_TEXT_LIST = """\
- CIBO \u2013 Antwerpen (42.464 euro);
- Roeselare (49.146 euro);
- KU Leuven \u2013 Leuven (49.000 euro);
- Samo pravo \u2013 Bissegem (30.575 euro);
- Ceapire \u2013 Antwerpen (50.000 euro);
- Gemeente Molenbeek \u2013 Sint-Jans-Molenbeek (14.810 euro);
- Vroemvroem \u2013 Gent (35.000 euro);
- Partage en couleurs \u2013 Sint-Jans-Molenbeek (50.000 euro);
- Averroes \u2013 Gent (50.000 euro);
- Vilvoorde (17.000 euro);
- PAJ \u2013 Antwerpen (50.000 euro).
"""


@pytest.fixture
def seeded(app):
    seed_demo_once()


def _call(title: str) -> Call:
    return db.session.scalar(sa.select(Call).where(Call.title == title))


@pytest.fixture
def admin(logged_in):
    browser, _user = logged_in("admin")
    return browser


def _book(data: bytes, data_only: bool = False) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only)


def _column(sheet, header: str) -> int:
    return [c.value for c in sheet[1]].index(header) + 1


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, for Excel"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _amount(text: str) -> D:
    """'42464,00' (decimal comma, no thousands separator) -> Decimal."""
    assert "." not in text
    return D(text.replace(",", "."))


# =========================================================================== the demo's XLSX


def test_the_demo_counter_voices_workbook_has_the_eleven_awards_totalling_437995(seeded, admin):
    call = _call(COUNTER_VOICES)
    response = admin.get(f"/admin/calls/{call.id}/awards/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"toekenningen-{call.id}-maatschappelijke-tegengeluiden-mobiliseren-2017.xlsx" in disposition  # published: no draft mark
    assert "no-store" in response.headers["Cache-Control"]

    book = _book(response.data)
    assert book.sheetnames == [AWARDS_SHEET, APPLICATIONS_SHEET, SCORES_SHEET]
    sheet = book[AWARDS_SHEET]
    awarded = _column(sheet, "Toegekend")
    cells = [sheet.cell(row=r, column=awarded) for r in range(2, 13)]
    assert all(isinstance(c.value, int | float) for c in cells), "numbers stored as numbers"
    assert all(c.number_format == EURO_FORMAT for c in cells)
    assert sum(D(str(c.value)) for c in cells) == TOTAL
    assert sheet.cell(row=13, column=1).value == "Totaal"
    assert sheet.cell(row=13, column=awarded).value == "=SUM(H2:H12)"
    assert sheet.cell(row=13, column=awarded).number_format == EURO_FORMAT
    cached = _book(response.data, data_only=True)[AWARDS_SHEET]
    assert D(str(cached.cell(row=13, column=awarded).value)) == TOTAL
    assert [sheet.cell(row=r, column=2).value for r in (2, 3, 12)] == ["CIBO", "Roeselare", "PAJ"]
    assert sheet.cell(row=2, column=_column(sheet, "REFNIS")).value == "11002"  # CIBO's place, Antwerpen
    assert isinstance(sheet.cell(row=2, column=_column(sheet, "Rang")).value, int)
    for ws in book:
        assert ws.freeze_panes == "A2", ws.title
    assert sheet.auto_filter.ref == "A1:L12"  # the header and the awards, not the totals row

    applications = book[APPLICATIONS_SHEET]
    assert applications.max_row - 1 == 29  # every application of the call
    submitted = applications.cell(row=2, column=_column(applications, "Ingediend op"))
    assert isinstance(submitted.value, datetime) and submitted.is_date
    decisions = [applications.cell(row=r, column=_column(applications, "Beslissing")).value
                 for r in range(2, applications.max_row + 1)]
    assert decisions.count("toegekend") == 11

    scores = book[SCORES_SHEET]
    panel = db.session.scalar(sa.select(Panel).where(Panel.call_id == call.id))
    names = {m.name for m in panel.members}
    jurors = {scores.cell(row=r, column=1).value for r in range(2, scores.max_row + 1)}
    assert jurors and jurors <= names, "jurors by name"
    assert "Fatima Jurylid" in jurors
    score = scores.cell(row=2, column=_column(scores, "Score"))
    assert isinstance(score.value, int | float) and score.number_format == "0.00"


def test_the_budget_under_the_totals_shows_the_committed_difference_of_182(seeded, admin):
    call = _call(COUNTER_VOICES)
    assert call.committed_amount == D("438177.00")  # the demo's committed budget
    data = admin.get(f"/admin/calls/{call.id}/awards/export.xlsx").data
    sheet, cached = _book(data)[AWARDS_SHEET], _book(data, data_only=True)[AWARDS_SHEET]
    assert sheet.cell(row=14, column=1).value is None  # a blank row after the totals
    labels = {sheet.cell(row=r, column=1).value: r for r in range(15, sheet.max_row + 1)}
    assert list(labels) == ["Budget van de oproep", "Nog beschikbaar in het budget", "Vastgelegd budget",
                            "Verschil vastgelegd - toegekend", "Stand"]
    assert D(str(cached.cell(row=labels["Budget van de oproep"], column=8).value)) == D("500000.00")
    row = labels["Verschil vastgelegd - toegekend"]
    assert sheet.cell(row=row, column=8).value == f"=H{labels['Vastgelegd budget']}-H13"
    assert D(str(cached.cell(row=row, column=8).value)) == D("182.00")
    assert sheet.cell(row=row, column=8).number_format == EURO_FORMAT
    left = labels["Nog beschikbaar in het budget"]
    assert D(str(cached.cell(row=left, column=8).value)) == D("500000.00") - TOTAL
    assert sheet.cell(row=labels["Stand"], column=8).value == "gepubliceerd"


def test_draft_awards_carry_the_draft_mark_until_they_are_published(seeded, admin):
    call = _call(REGIE_2015)
    decisions = list(db.session.scalars(sa.select(Decision).join(Application).where(Application.call_id == call.id)))
    for decision in decisions:
        decision.published_at = None
    db.session.commit()
    response = admin.get(f"/admin/calls/{call.id}/awards/export.xlsx")
    assert response.headers["Content-Disposition"].endswith("-ontwerp.xlsx")
    sheet = _book(response.data, data_only=True)[AWARDS_SHEET]
    assert sheet.cell(row=sheet.max_row, column=8).value == "ontwerp: nog niet gepubliceerd"
    assert admin.get(f"/admin/calls/{call.id}/awards/export.csv").headers["Content-Disposition"].endswith(
        "-ontwerp.csv")
    for decision in decisions:
        decision.published_at = utcnow()
    db.session.commit()
    response = admin.get(f"/admin/calls/{call.id}/awards/export.xlsx")
    assert "ontwerp" not in response.headers["Content-Disposition"]
    sheet = _book(response.data, data_only=True)[AWARDS_SHEET]
    assert sheet.max_row >= 11
    assert D(str(sheet.cell(row=11, column=8).value)) == D("568311.00")  # 9 awards, totals on row 11
    labels = [sheet.cell(row=r, column=1).value for r in range(13, sheet.max_row + 1)]
    assert labels == ["Budget van de oproep", "Nog beschikbaar in het budget", "Stand"]  # nothing committed
    assert sheet.cell(row=sheet.max_row, column=8).value == "gepubliceerd"


# =========================================================================== the demo's CSV and text list


def test_the_demo_csv_is_for_dutch_excel(seeded, admin):
    call = _call(COUNTER_VOICES)
    response = admin.get(f"/admin/calls/{call.id}/awards/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].endswith(".csv")
    assert "ontwerp" not in response.headers["Content-Disposition"]  # the demo's awards are published
    rows = _csv_rows(response.data)
    header, data = rows[0], rows[1:]
    assert header[:3] == ["Dossiernummer", "Organisatie", "Gemeente"]
    assert len(data) == 11, "one line per award and no totals line"
    awarded = header.index("Toegekend")
    assert data[0][awarded] == "42464,00"
    assert sum(_amount(r[awarded]) for r in data) == TOTAL


def test_the_demo_text_list_is_the_parliamentary_list(seeded, admin):
    call = _call(COUNTER_VOICES)
    response = admin.get(f"/admin/calls/{call.id}/awards/export.txt")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"].endswith(".txt")
    assert response.data.decode("utf-8") == DEMO_TEXT_LIST


def test_the_admin_call_page_links_the_three_exports(seeded, admin):
    call = _call(COUNTER_VOICES)
    html = admin.get(f"/admin/calls/{call.id}").get_data(as_text=True)
    assert "Toekenningen exporteren" in html
    for extension in ("xlsx", "csv", "txt"):
        assert f"/admin/calls/{call.id}/awards/export.{extension}" in html


# =========================================================================== the JSON


def test_the_api_lists_the_awards_with_the_call_totals(seeded, client, token):
    call = _call(COUNTER_VOICES)
    body = client.get(f"/api/v1/calls/{call.id}/awards", headers=auth(token)).get_json()
    assert body["total_awarded"] == "437995.00"
    assert body["envelope"] == "500000.00"
    assert body["committed"] == "438177.00"
    assert body["committed_difference"] == "182.00"
    assert body["published"] is True
    assert body["total"] == 11 and body["pages"] == 1 and body["next"] is None
    items = body["items"]
    assert len(items) == 11
    assert sum(D(i["awarded"]) for i in items) == TOTAL
    first = items[0]
    assert set(first) >= {"application_id", "dossier_number", "organisation", "place", "refnis", "awarded",
                          "requested", "own_contribution", "score", "rank", "override"}
    assert (first["organisation"], first["place"], first["refnis"], first["awarded"]) == (
        "CIBO", "Antwerpen", "11002", "42464.00")
    assert first["rank"] == 1 and first["score"] == "83.00" and first["override"] is None
    assert isinstance(first["application_id"], int)


def test_the_api_without_committed_budget_and_for_an_unknown_call(seeded, client, token):
    call = _call(REGIE_2015)
    body = client.get(f"/api/v1/calls/{call.id}/awards", headers=auth(token)).get_json()
    assert (body["total_awarded"], body["committed"], body["committed_difference"]) == ("568311.00", None, None)
    assert len(body["items"]) == 9
    missing = client.get("/api/v1/calls/99999/awards", headers=auth(token))
    assert missing.status_code == 404 and missing.get_json()["error"]
    assert client.get(f"/api/v1/calls/{call.id}/awards").status_code == 401


# =========================================================================== overrides and injection


def _awarded(factory, call, organisation=None, **decision):
    app = factory.application(call, organisation, status=ApplicationStatus.ADMISSIBLE)
    factory.decision(app, **decision)
    return app


def test_an_override_and_its_reason_appear_in_every_export(factory, admin, client, token):
    call = factory.call(envelope=D("50000.00"))
    _awarded(factory, call, amount="40000.00")
    _awarded(factory, call, amount="20000.00", overridden_checks=["envelope"],
             override_reason="Tweede project op vraag van de minister, budget wordt aangevuld.")
    db.session.commit()
    expected = ("Afgeweken van: budget van de oproep. Motivering: Tweede project op vraag van de minister, "
                "budget wordt aangevuld.")

    sheet = _book(admin.get(f"/admin/calls/{call.id}/awards/export.xlsx").data)[AWARDS_SHEET]
    overrides = [sheet.cell(row=r, column=_column(sheet, "Afwijking (motivering)")).value for r in (2, 3)]
    assert overrides == [None, expected]

    rows = _csv_rows(admin.get(f"/admin/calls/{call.id}/awards/export.csv").data)
    assert [r[rows[0].index("Afwijking (motivering)")] for r in rows[1:]] == ["", expected]

    items = client.get(f"/api/v1/calls/{call.id}/awards", headers=auth(token)).get_json()["items"]
    assert [i["override"] for i in items] == [None, expected]


FORMULA_STARTS = ["=HYPERLINK(\"http://evil\")", "+32 2 553 00 00", "-1+1", "@SUM(A1)", "\tTab vzw", "\rCR vzw"]


@pytest.mark.parametrize("dangerous", FORMULA_STARTS)
def test_text_that_starts_like_a_formula_is_neutralised_in_every_export(factory, admin, dangerous):
    call = factory.call()
    organisation = factory.organisation(dangerous, place="Gent")
    _awarded(factory, call, organisation, amount="10000.00")
    factory.application(call, factory.organisation("Gewone vzw"), status=ApplicationStatus.ADMISSIBLE,
                        title=dangerous)
    app = _awarded(factory, call, factory.organisation("Andere vzw"), amount="5000.00")
    app.title = dangerous
    db.session.commit()
    guarded = "'" + dangerous

    book = _book(admin.get(f"/admin/calls/{call.id}/awards/export.xlsx").data)
    awards = book[AWARDS_SHEET]
    organisations = [awards.cell(row=r, column=2).value for r in (2, 3)]
    titles = [awards.cell(row=r, column=_column(awards, "Projecttitel")).value for r in (2, 3)]
    assert _clean(organisations[0]) == guarded and awards.cell(row=2, column=2).data_type == "s"
    assert _clean(titles[1]) == guarded
    listed = [_clean(book[APPLICATIONS_SHEET].cell(row=r, column=2).value) for r in range(2, 5)]
    assert guarded in listed
    formulas = [cell.value for ws in book for row in ws.iter_rows() for cell in row if cell.data_type == "f"]
    # the totals and the budget's "still available" (envelope - total), none from what an applicant typed
    assert formulas == ["=SUM(G2:G3)", "=SUM(H2:H3)", "=SUM(I2:I3)", "=H6-H4"]

    rows = _csv_rows(admin.get(f"/admin/calls/{call.id}/awards/export.csv").data)
    assert rows[1][1] == guarded
    assert rows[2][rows[0].index("Projecttitel")] == guarded

    text = admin.get(f"/admin/calls/{call.id}/awards/export.txt").data.decode("utf-8")
    name = text.split("\n")[0].removeprefix("- ")
    # guarded with a quote, or (tab, carriage return) trimmed off: never a formula's first character
    assert not name.startswith(("=", "+", "-", "@", "\t", "\r")), repr(name)
    assert dangerous.strip() in name


def _clean(value):
    """openpyxl reads a carriage return that xlsxwriter escaped as _x000D_ back as it was written."""
    return value.replace("_x000D_", "\r") if isinstance(value, str) else value


# =========================================================================== who may download


ENDPOINTS = ["xlsx", "csv", "txt"]


@pytest.mark.parametrize("extension", ENDPOINTS)
def test_anonymous_visitors_go_to_the_login_page(factory, client, extension):
    call = factory.call()
    db.session.commit()
    response = client.get(f"/admin/calls/{call.id}/awards/export.{extension}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["applicant", "juror"])
@pytest.mark.parametrize("extension", ENDPOINTS)
def test_others_than_admins_get_a_404(factory, logged_in, role, extension):
    call = factory.call()
    _awarded(factory, call)
    db.session.commit()
    browser, _user = logged_in(role)
    assert browser.get(f"/admin/calls/{call.id}/awards/export.{extension}").status_code == 404


@pytest.mark.parametrize("extension", ENDPOINTS)
@pytest.mark.parametrize("call_id", ["99999", "2147483648", "0"])
def test_an_unknown_call_is_a_404(admin, extension, call_id):
    assert admin.get(f"/admin/calls/{call_id}/awards/export.{extension}").status_code == 404


def test_a_call_without_awards_exports_empty_lists(factory, admin):
    call = factory.call()
    factory.application(call, status=ApplicationStatus.ADMISSIBLE)
    db.session.commit()
    book = _book(admin.get(f"/admin/calls/{call.id}/awards/export.xlsx").data, data_only=True)
    assert book[AWARDS_SHEET].cell(row=2, column=1).value == "Totaal"
    assert book[APPLICATIONS_SHEET].max_row == 2
    assert len(_csv_rows(admin.get(f"/admin/calls/{call.id}/awards/export.csv").data)) == 1
    assert admin.get(f"/admin/calls/{call.id}/awards/export.txt").data == b""


# =========================================================================== a fixed number of queries


def _scored_call(factory, applications: int):
    call = factory.call()
    jurors = [factory.user(role="juror") for _ in range(2)]
    factory.jury(call, jurors)
    for n in range(applications):
        app = factory.application(call, status=ApplicationStatus.ADMISSIBLE)
        for juror in jurors:
            factory.sheet(factory.assignment(app, juror), {c: 5 + n % 5 for c in call.criteria})
        if n % 2 == 0:
            factory.decision(app, amount="10000.00")
        else:
            factory.decision(app, outcome="rejected")
    db.session.commit()
    return call


def _statements(call_id: int) -> tuple[int, object]:
    count = [0]

    def counter(*_args):
        count[0] += 1

    db.session.expire_all()
    call = db.session.get(Call, call_id)
    sa.event.listen(db.engine, "before_cursor_execute", counter)
    try:
        export = award_export(call)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counter)
    return count[0], export


def test_the_export_reads_a_fixed_number_of_queries_whatever_the_size(factory):
    small, large = _scored_call(factory, 2), _scored_call(factory, 14)
    small_count, small_export = _statements(small.id)
    large_count, large_export = _statements(large.id)
    assert (len(small_export.awards), len(large_export.awards)) == (1, 7)
    assert len(large_export.applications) == 14
    assert len(large_export.scores) == 14 * 2 * 2  # applications x jurors x criteria
    assert large_export.scores[0].juror in {u.name for u in db.session.scalars(sa.select(User))}
    assert small_count == large_count
    assert large_count <= 16  # the jury's ranking (10), the awards, the applications, the conflicts (3), the scores


def test_the_scores_sheet_leaves_out_what_the_ranking_leaves_out(factory):
    """A conflicted juror's sheet and a draft sheet do not count for the ranking, so they are not in Scores;
    a criterion left empty on a submitted sheet is a row without a score."""
    call = factory.call()
    fair, conflicted, slow = (factory.user(role="juror", name=n) for n in ("An Eerlijk", "Bert Belang", "Cor Traag"))
    factory.jury(call, [fair, conflicted, slow])
    app = factory.application(call, status=ApplicationStatus.ADMISSIBLE)
    relevance, feasibility = call.criteria
    factory.sheet(factory.assignment(app, fair), {relevance: 8})
    factory.sheet(factory.assignment(app, conflicted), {relevance: 10, feasibility: 10})
    factory.conflict(app, conflicted)
    factory.sheet(factory.assignment(app, slow), {relevance: 1, feasibility: 1}, submitted=False)
    db.session.commit()
    scores = award_export(call).scores
    assert [(s.juror, s.criterion, s.score) for s in scores] == [
        ("An Eerlijk", "Relevantie", D("8.00")), ("An Eerlijk", "Haalbaarheid", None)]


@pytest.mark.parametrize("checks, reason, expected", [
    ([], None, ""),
    (None, "   ", ""),
    ([], "Op vraag van de minister.", "Motivering: Op vraag van de minister."),
    (["envelope", "cofinancing"], "Budget aangevuld.",
     "Afgeweken van: budget van de oproep, cofinanciering. Motivering: Budget aangevuld."),
    (["above_maximum"], None, "Afgeweken van: boven het maximum."),
    (["a_new_check"], "Reden.", "Afgeweken van: a_new_check. Motivering: Reden."),  # an unknown code is shown as is
])
def test_the_override_column_names_the_checks_and_the_reason(app, checks, reason, expected):
    from grants.exports.queries import override_text
    assert override_text(checks, reason) == expected


# =========================================================================== the command line


def test_the_command_line_writes_both_formats(seeded, app, tmp_path):
    call = _call(COUNTER_VOICES)
    runner = app.test_cli_runner()
    workbook, table = tmp_path / "toekenningen.xlsx", tmp_path / "toekenningen.CSV"
    result = runner.invoke(args=["export-awards", str(call.id), "-o", str(workbook)])
    assert result.exit_code == 0, result.output
    assert "11 awards" in result.output and "437995.00" in result.output
    cached = _book(workbook.read_bytes(), data_only=True)[AWARDS_SHEET]
    assert D(str(cached.cell(row=13, column=8).value)) == TOTAL

    result = runner.invoke(args=["export-awards", str(call.id), "--output", str(table)])
    assert result.exit_code == 0, result.output
    rows = _csv_rows(table.read_bytes())
    assert len(rows) == 12 and sum(_amount(r[rows[0].index("Toegekend")]) for r in rows[1:]) == TOTAL


def test_the_command_line_shows_a_progress_bar_on_large_calls(seeded, app, tmp_path, monkeypatch):
    from grants import cli
    monkeypatch.setattr(cli, "EXPORT_PROGRESS_FROM", 10)  # the demo call stands in for a large one
    call = _call(COUNTER_VOICES)
    result = app.test_cli_runner().invoke(args=["export-awards", str(call.id), "-o", str(tmp_path / "a.xlsx")])
    assert result.exit_code == 0, result.output
    assert "Toekenningen exporteren" in result.output


@pytest.mark.parametrize("args, message", [
    (["export-awards", "99999", "-o", "out.xlsx"], "Er is geen oproep met nummer 99999."),
    (["export-awards", "99999999999", "-o", "out.csv"], "Er is geen oproep met nummer 99999999999."),
    (["export-awards", "-o", "out.csv", "--", "-1"], "Er is geen oproep met nummer -1."),
    (["export-awards", "1", "-o", "out.pdf"], "Onbekend bestandstype .pdf"),
    (["export-awards", "1", "-o", "out"], "Onbekend bestandstype (geen)"),
    (["export-awards", "abc", "-o", "out.xlsx"], "abc"),
    (["export-awards", "1"], "-o"),
])
def test_the_command_line_refuses_bad_input(factory, app, tmp_path, monkeypatch, args, message):
    factory.call()
    db.session.commit()
    monkeypatch.chdir(tmp_path)
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output
    assert list(tmp_path.iterdir()) == [], "nothing written"
