"""The award list files, read back as Excel and a CSV reader see them, with the 2017 counter-voices awards."""
from __future__ import annotations

import csv
import io
import time
from datetime import datetime, timezone
from decimal import Decimal as D

import openpyxl
import pytest

from grants.exports import writers
from grants.exports.writers import (
    APPLICATIONS_SHEET, AWARDS_SHEET, EURO_FORMAT, SCORES_SHEET, ApplicationRow, AwardRow, ScoreRow,
    award_text_list, awards_csv, awards_xlsx, bench_export, neutralise,
)

CALL_TITLE = "Projectoproep maatschappelijke tegengeluiden & online weerbaarheid 2017"

# (organisation, place, REFNIS, province, amount) as the progress report lists them
COUNTER_VOICES = [
    ("CIBO", "Antwerpen", "11002", "Antwerpen", D("42464")),
    ("Stad Roeselare", "Roeselare", "36015", "West-Vlaanderen", D("49146")),
    ("KU Leuven", "Leuven", "24062", "Vlaams-Brabant", D("49000")),
    ("Samo pravo", "Bissegem", "34022", "West-Vlaanderen", D("30575")),
    ("Ceapire", "Antwerpen", "11002", "Antwerpen", D("50000")),
    ("Gemeente Molenbeek", "Molenbeek", "21012", "Brussels Hoofdstedelijk Gewest", D("14810")),
    ("Vroemvroem", "Gent", "44021", "Oost-Vlaanderen", D("35000")),
    ("Partage en couleurs", "Molenbeek", "21012", "Brussels Hoofdstedelijk Gewest", D("50000")),
    ("Averroes", "Gent", "44021", "Oost-Vlaanderen", D("50000")),
    ("Stad Vilvoorde", "Vilvoorde", "23088", "Vlaams-Brabant", D("17000")),
    ("PAJ", "Antwerpen", "11002", "Antwerpen", D("50000")),
]
TOTAL = D("437995.00")

# The progress report (seeds/001), lines 6029-6039; it leaves 'euro' out for the last two, the list does not.
REPORT_LIST = """\
- CIBO \u2013 Antwerpen (42.464 euro);
- Stad Roeselare (49.146 euro);
- KU Leuven \u2013 Leuven (49.000 euro);
- Samo pravo \u2013 Bissegem (30.575 euro);
- Ceapire \u2013 Antwerpen (50.000 euro);
- Gemeente Molenbeek (14.810 euro);
- Vroemvroem \u2013 Gent (35.000 euro);
- Partage en couleurs \u2013 Molenbeek (50.000 euro);
- Averroes \u2013 Gent (50.000 euro);
- Stad Vilvoorde (17.000 euro);
- PAJ \u2013 Antwerpen (50.000 euro)."""

INJECTIONS = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1:A9)", "\tTAB", "\rCR"]


def award_rows() -> list[AwardRow]:
    return [AwardRow(dossier_number=f"TG-2017-{i:04d}", organisation=org, place=place, refnis=refnis,
                     province=province, project_title=f"Project {i}", requested=amount, awarded=amount,
                     own_contribution=D("0.00") if i % 2 else D("1250.50"), score=D(90) - i, rank=i,
                     override="")
            for i, (org, place, refnis, province, amount) in enumerate(COUNTER_VOICES, 1)]


SUBMITTED_SUMMER = datetime(2017, 9, 29, 21, 59, tzinfo=timezone.utc)  # 23:59 in Brussels (UTC+2)
SUBMITTED_WINTER = datetime(2017, 11, 15, 10, 0, tzinfo=timezone.utc)  # 11:00 in Brussels (UTC+1)


def application_rows() -> list[ApplicationRow]:
    rows = [ApplicationRow(r.dossier_number, r.organisation, "toegekend", SUBMITTED_SUMMER, r.score, r.rank,
                           "toegekend", r.awarded) for r in award_rows()]
    rows.append(ApplicationRow("TG-2017-0012", "Late vzw", "ontvankelijk", SUBMITTED_WINTER, D("55.25"), 12,
                               "afgewezen", None))
    rows.append(ApplicationRow("TG-2017-0013", "Nooit ingediend", "in voorbereiding", None, None, None, "", None))
    return rows


def score_rows() -> list[ScoreRow]:
    return [ScoreRow("An Peeters", "TG-2017-0001", "CIBO", "Relevantie", D("8.5"), "Sterk lokaal netwerk."),
            ScoreRow("An Peeters", "TG-2017-0001", "CIBO", "Haalbaarheid", None, "")]


def workbook(data: bytes, data_only: bool = False) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only)


@pytest.fixture(scope="module")
def xlsx_bytes() -> bytes:
    return awards_xlsx(award_rows(), application_rows(), score_rows(), call_title=CALL_TITLE)


def column(sheet, header: str) -> int:
    return [c.value for c in sheet[1]].index(header) + 1


# =========================================================================== XLSX


def test_the_workbook_has_the_three_sheets_in_order(xlsx_bytes):
    assert workbook(xlsx_bytes).sheetnames == [AWARDS_SHEET, APPLICATIONS_SHEET, SCORES_SHEET]


def test_awards_are_numbers_in_euro_format_and_add_up_to_the_cent(xlsx_bytes):
    sheet = workbook(xlsx_bytes)[AWARDS_SHEET]
    awarded = column(sheet, "Toegekend")
    cells = [sheet.cell(row=r, column=awarded) for r in range(2, 13)]
    assert all(isinstance(c.value, int | float) for c in cells)
    assert all(c.number_format == EURO_FORMAT for c in cells)
    assert sum(D(str(c.value)) for c in cells) == TOTAL
    own = sheet.cell(row=3, column=column(sheet, "Eigen bijdrage"))
    assert (own.value, own.number_format) == (1250.5, EURO_FORMAT)


def test_the_totals_row_sums_requested_awarded_and_own_contribution_with_formulas(xlsx_bytes):
    sheet = workbook(xlsx_bytes)[AWARDS_SHEET]
    assert sheet.cell(row=13, column=1).value == "Totaal"
    assert [sheet.cell(row=13, column=c).value for c in (7, 8, 9)] == ["=SUM(G2:G12)", "=SUM(H2:H12)",
                                                                        "=SUM(I2:I12)"]
    assert [c.value for c in sheet[1]][6:9] == ["Gevraagd", "Toegekend", "Eigen bijdrage"]
    assert sheet.cell(row=13, column=8).number_format == EURO_FORMAT
    # the formulas carry their value, for readers that do not calculate
    cached = workbook(xlsx_bytes, data_only=True)[AWARDS_SHEET]
    assert D(str(cached.cell(row=13, column=8).value)) == TOTAL
    assert D(str(cached.cell(row=13, column=9).value)) == D("1250.50") * 5
    assert sheet.max_row == 13


def test_header_frozen_and_filterable_on_every_sheet_without_the_totals_row(xlsx_bytes):
    book = workbook(xlsx_bytes)
    assert {s.title: (s.freeze_panes, s.auto_filter.ref) for s in book} == {
        AWARDS_SHEET: ("A2", "A1:L12"), APPLICATIONS_SHEET: ("A2", "A1:H14"), SCORES_SHEET: ("A2", "A1:F3")}


def test_the_awards_sheet_columns_and_a_row(xlsx_bytes):
    sheet = workbook(xlsx_bytes)[AWARDS_SHEET]
    assert [c.value for c in sheet[1]] == ["Dossiernummer", "Organisatie", "Gemeente", "REFNIS", "Provincie",
                                           "Projecttitel", "Gevraagd", "Toegekend", "Eigen bijdrage", "Score",
                                           "Rang", "Afwijking (motivering)"]
    assert [c.value for c in sheet[2]] == ["TG-2017-0001", "CIBO", "Antwerpen", "11002", "Antwerpen", "Project 1",
                                           42464, 42464, 0, 89, 1, None]
    assert sheet["D2"].data_type == "s"  # REFNIS is a code, kept as text
    assert (sheet["J2"].number_format, sheet["K2"].number_format) == ("0.00", "0")


def test_submission_times_are_excel_dates_in_brussels_time(xlsx_bytes):
    sheet = workbook(xlsx_bytes)[APPLICATIONS_SHEET]
    submitted = column(sheet, "Ingediend op")
    summer, winter, never = (sheet.cell(row=r, column=submitted) for r in (2, 13, 14))
    assert summer.value == datetime(2017, 9, 29, 23, 59)
    assert winter.value == datetime(2017, 11, 15, 11, 0)
    assert summer.is_date and summer.number_format == "dd-mm-yyyy hh:mm"
    assert never.value is None


def test_the_applications_sheet_keeps_empty_values_empty(xlsx_bytes):
    sheet = workbook(xlsx_bytes)[APPLICATIONS_SHEET]
    assert [c.value for c in sheet[14]] == ["TG-2017-0013", "Nooit ingediend", "in voorbereiding", None, None,
                                            None, None, None]
    assert [c.value for c in sheet[13]][4:] == [55.25, 12, "afgewezen", None]


def test_scores_sheet(xlsx_bytes):
    sheet = workbook(xlsx_bytes)[SCORES_SHEET]
    assert [c.value for c in sheet[2]] == ["An Peeters", "TG-2017-0001", "CIBO", "Relevantie", 8.5,
                                           "Sterk lokaal netwerk."]
    assert sheet["E2"].number_format == "0.00"
    assert sheet["E3"].value is None


def test_column_widths_fit_the_content_within_bounds():
    long_title = "Een heel lange projecttitel " * 10
    rows = [AwardRow("TG-2017-0001", "Partage en couleurs", "21012", "Brussel", long_title, D(1), D(1), D(0))]
    sheet = workbook(awards_xlsx(rows, [], [], call_title="x"))[AWARDS_SHEET]
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABFGL"}
    assert widths["B"] >= len("Partage en couleurs")
    assert widths["F"] <= 61  # long texts are capped (Excel adds a little padding)
    assert widths["G"] >= 15  # amounts have room for 999.999,99 EUR
    assert widths["A"] >= len("Dossiernummer")


def test_the_call_title_is_in_the_properties_and_the_print_header(xlsx_bytes):
    book = workbook(xlsx_bytes)
    assert book.properties.title == CALL_TITLE
    assert "tegengeluiden" in book[AWARDS_SHEET].oddHeader.center.text


def test_an_empty_call_still_gives_a_valid_workbook():
    book = workbook(awards_xlsx([], [], [], call_title="Leeg"))
    sheet = book[AWARDS_SHEET]
    assert sheet["A2"].value == "Totaal"
    assert [sheet.cell(row=2, column=c).value for c in (7, 8, 9)] == [0, 0, 0]


# =========================================================================== CSV


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_is_utf8_with_bom_semicolons_and_a_decimal_comma():
    data = awards_csv(award_rows())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = read_csv(data)
    assert rows[0][:3] == ["Dossiernummer", "Organisatie", "Gemeente"]
    assert rows[1] == ["TG-2017-0001", "CIBO", "Antwerpen", "11002", "Antwerpen", "Project 1", "42464,00",
                       "42464,00", "0,00", "89", "1", ""]
    assert rows[2][8] == "1250,50"
    assert b"42464,00;42464,00" in data


def test_csv_has_one_line_per_award_and_no_totals_line():
    rows = read_csv(awards_csv(award_rows()))
    assert len(rows) == 1 + 11
    assert sum(D(r[7].replace(",", ".")) for r in rows[1:]) == TOTAL


def test_csv_quotes_separators_and_quotes_inside_texts():
    row = AwardRow("TG-2017-0001", 'Vzw "Samen; sterk"', "11002", "Antwerpen", "Lijn 1\nLijn 2", D(1), D(1), D(0))
    assert read_csv(awards_csv([row]))[1][1] == 'Vzw "Samen; sterk"'
    assert read_csv(awards_csv([row]))[1][5] == "Lijn 1\nLijn 2"


# =========================================================================== text list


def test_the_text_list_matches_the_progress_report():
    assert award_text_list(award_rows()) == REPORT_LIST


@pytest.mark.parametrize(("organisation", "place", "amount", "line"), [
    ("De mensen maken de stad", "Mechelen", D("249709.63"),
     "- De mensen maken de stad \u2013 Mechelen (249.709,63 euro)."),
    ("Vilvoorde", "Vilvoorde", D("85000"), "- Vilvoorde (85.000 euro)."),
    ("Maaseik i.s.m. Dilsen-Stokkem", "", D("60295"), "- Maaseik i.s.m. Dilsen-Stokkem (60.295 euro)."),
    ("Athena Drie Hofsteden", "Kortrijk", D("3000"), "- Athena Drie Hofsteden \u2013 Kortrijk (3.000 euro)."),
    ("OCMW Gent", "Gent", D("999.50"), "- OCMW Gent (999,50 euro)."),
])
def test_text_list_amounts_and_places(organisation, place, amount, line):
    row = AwardRow("X", organisation, None, "", "", amount, amount, D(0), place=place)
    assert award_text_list([row]) == line


def test_an_empty_text_list_is_empty():
    assert award_text_list([]) == ""


# =========================================================================== injection guard


@pytest.mark.parametrize(("value", "expected"), [
    *[(payload, "'" + payload) for payload in INJECTIONS],
    ("CIBO", "CIBO"), ("a=b", "a=b"), ("", ""), (" =1", " =1"),
    (D("-1.00"), D("-1.00")), (-1, -1), (None, None),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize("payload", INJECTIONS)
def test_every_xlsx_sheet_neutralises_formula_text(payload):
    award = AwardRow("TG-1", payload, payload, payload, payload, D(1), D(1), D(0), override=payload, place=payload)
    application = ApplicationRow("TG-1", payload, payload, None, None, None, payload, None)
    score = ScoreRow(payload, "TG-1", payload, payload, D(1), payload)
    book = workbook(awards_xlsx([award], [application], [score], call_title=payload))
    texts = [c for s in book for row in s.iter_rows(min_row=2) for c in row if c.data_type == "s"]
    payload_cells = [c for c in texts if c.value not in ("TG-1", "Totaal")]
    assert len(payload_cells) == 6 + 3 + 4  # every text field of the three row kinds
    # xlsxwriter stores a carriage return as the OOXML escape _x000D_ (Excel decodes it); openpyxl does not
    assert all(c.value.replace("_x000D_", "\r") == "'" + payload for c in payload_cells)
    assert not [c for s in book for row in s.iter_rows(min_row=2, max_row=2) for c in row if c.data_type == "f"]
    assert book.properties.title.replace("_x000D_", "\r") == "'" + payload


@pytest.mark.parametrize("payload", INJECTIONS)
def test_the_csv_and_the_text_list_neutralise_formula_text(payload):
    award = AwardRow("TG-1", payload, payload, payload, payload, D(1), D(1), D(0), override=payload, place="")
    row = read_csv(awards_csv([award]))[1]
    assert [row[i] for i in (1, 3, 4, 5, 11)] == ["'" + payload] * 5
    assert row[6] == "1,00"  # numbers stay numbers
    # the text list trims the name first: a leading tab or CR is then gone, and nothing is left to guard
    expected = {"\tTAB": "TAB", "\rCR": "CR"}.get(payload, "'" + payload)
    assert award_text_list([award]) == f"- {expected} (1 euro)."


def test_the_text_list_guards_what_is_left_after_trimming():
    award = AwardRow("TG-1", "\t=HYPERLINK(1)", None, "", "", D(1), D(1), D(0))
    assert award_text_list([award]) == "- '=HYPERLINK(1) (1 euro)."


def test_all_writers_use_the_one_guard(monkeypatch):
    calls = []

    def spy(value):
        calls.append(value)
        return value

    monkeypatch.setattr(writers, "neutralise", spy)
    award = AwardRow("TG-1", "org-marker", None, "", "", D(1), D(1), D(0))
    for write in (lambda: awards_xlsx([award], [], [], call_title="t"), lambda: awards_csv([award]),
                  lambda: award_text_list([award])):
        calls.clear()
        write()
        assert any("org-marker" in str(v) for v in calls)


# =========================================================================== progress and speed


def bench_rows(n: int) -> list[ApplicationRow]:
    return writers._bench_rows(n)


def test_progress_is_reported_in_chunks_up_to_every_row():
    seen: list[int] = []
    awards_xlsx(award_rows(), bench_rows(2500), score_rows(), call_title="t", progress_callback=seen.append)
    assert seen == sorted(seen) and seen[-1] == 11 + 2500 + 2
    assert len(seen) >= 4  # 11 awards, three chunks of applications, the scores

    seen.clear()
    awards_csv(award_rows() * 200, progress_callback=seen.append)
    assert seen == [1000, 2000, 2200]


def test_ten_thousand_applications_are_written_in_seconds():
    rows = bench_rows(10_000)
    started = time.perf_counter()
    data = awards_xlsx([], rows, [], call_title="Bench")
    elapsed = time.perf_counter() - started
    assert elapsed < 15  # about 1.5 s on the development machine; a generous bound catches a slow path
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True)[APPLICATIONS_SHEET]
    last = list(sheet.iter_rows(min_row=10_001, max_row=10_002, values_only=True))
    assert [row[0] for row in last] == ["TG-2017-09999"]  # every row is there, and no more


def test_bench_export_returns_both_timings():
    through_pandas, raw = bench_export(500)
    assert through_pandas > 0 and raw > 0
