"""The award list files: plain rows in, bytes (or text) out.

- `awards_xlsx`: a workbook with three sheets, `Toekenningen` (the awards, with a totals row
  of =SUM formulas, and under it, when given, the call's budget: envelope, committed budget and
  what each leaves beside the awards, as formulas), `Alle aanvragen` and `Scores`; written
  through pandas and xlsxwriter.
  Amounts are numbers in a euro format, dates are Excel dates in Brussels time, the header
  row is frozen and filterable.
- `awards_csv`: the awards for Dutch-language Excel: UTF-8 with BOM, semicolons, decimal
  comma, no thousands separator. It has NO totals line: a CSV is also read by programs,
  where a totals line would count as one more award; the XLSX carries the totals.
- `award_text_list`: the list as the agency writes it in reports to parliament,
  "- CIBO – Antwerpen (42.464 euro);" one award per line, the last one ending in a full stop.

Every text cell of every writer goes through `neutralise` (formula injection, OWASP): a text
starting with =, +, -, @, tab or carriage return gets a leading single quote, so no
spreadsheet runs it as a formula. Numbers stay numbers.
"""
from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from grants.money import format_eur, to_cents
from grants.timeutil import to_local

__all__ = [
    "AWARDS_SHEET",
    "APPLICATIONS_SHEET",
    "SCORES_SHEET",
    "ApplicationRow",
    "AwardRow",
    "BudgetSummary",
    "ScoreRow",
    "award_text_list",
    "awards_csv",
    "awards_xlsx",
    "bench_export",
    "neutralise",
]

AWARDS_SHEET = "Toekenningen"
APPLICATIONS_SHEET = "Alle aanvragen"
SCORES_SHEET = "Scores"

EURO_FORMAT = '#,##0.00 "EUR"'
SCORE_FORMAT = "0.00"
RANK_FORMAT = "0"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"

ProgressCallback = Callable[[int], None]
_CHUNK = 1000  # rows per pandas write, so a progress bar moves on large calls

# --------------------------------------------------------------------------- the injection guard

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text a spreadsheet could read as a formula gets a leading single quote; anything else is
    returned as it is (numbers stay numbers, dates stay dates)."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class AwardRow:
    """One award, sheet Toekenningen, the CSV and the text list."""

    dossier_number: str
    organisation: str
    refnis: str | int | None  # the municipality's Statbel code; written as text, it is a code
    province: str
    project_title: str
    requested: Decimal
    awarded: Decimal
    own_contribution: Decimal
    score: Decimal | None = None
    rank: int | None = None
    override: str = ""  # the admin's reason where the award was pushed through despite a problem
    place: str = ""  # the municipality name, for "Organisation – Place" in the text list


@dataclass(frozen=True)
class BudgetSummary:
    """The call's figures under the awards' totals row (sheet Toekenningen)."""

    envelope: Decimal
    committed: Decimal | None = None  # the amount committed in the budget (vastgelegd), if recorded
    published: bool = True  # False: some awards are still drafts, and the sheet says so


@dataclass(frozen=True)
class ApplicationRow:
    """One application of the call, sheet Alle aanvragen."""

    dossier_number: str
    organisation: str
    status_label: str
    submitted_at: datetime | None  # aware; written in Brussels time
    weighted_total: Decimal | None
    rank: int | None
    decision_label: str
    awarded: Decimal | None


@dataclass(frozen=True)
class ScoreRow:
    """One juror's score on one criterion, sheet Scores."""

    juror: str
    dossier_number: str
    organisation: str
    criterion: str
    score: Decimal | None
    comment: str = ""


# --------------------------------------------------------------------------- sheet layouts

# (header, attribute, kind); kind sets the number format and the width
_TEXT, _LONG_TEXT, _MONEY, _SCORE, _RANK, _DATETIME = "text", "long", "money", "score", "rank", "datetime"

_AWARD_COLUMNS = (
    ("Dossiernummer", "dossier_number", _TEXT),
    ("Organisatie", "organisation", _TEXT),
    ("Gemeente", "place", _TEXT),
    ("REFNIS", "refnis", _TEXT),
    ("Provincie", "province", _TEXT),
    ("Projecttitel", "project_title", _LONG_TEXT),
    ("Gevraagd", "requested", _MONEY),
    ("Toegekend", "awarded", _MONEY),
    ("Eigen bijdrage", "own_contribution", _MONEY),
    ("Score", "score", _SCORE),
    ("Rang", "rank", _RANK),
    ("Afwijking (motivering)", "override", _LONG_TEXT),
)
_AWARD_TOTALLED = ("requested", "awarded", "own_contribution")

_APPLICATION_COLUMNS = (
    ("Dossiernummer", "dossier_number", _TEXT),
    ("Organisatie", "organisation", _TEXT),
    ("Status", "status_label", _TEXT),
    ("Ingediend op", "submitted_at", _DATETIME),
    ("Gewogen totaal", "weighted_total", _SCORE),
    ("Rang", "rank", _RANK),
    ("Beslissing", "decision_label", _TEXT),
    ("Toegekend", "awarded", _MONEY),
)

_SCORE_COLUMNS = (
    ("Jurylid", "juror", _TEXT),
    ("Dossiernummer", "dossier_number", _TEXT),
    ("Organisatie", "organisation", _TEXT),
    ("Criterium", "criterion", _TEXT),
    ("Score", "score", _SCORE),
    ("Commentaar", "comment", _LONG_TEXT),
)

_NUMBER_FORMATS = {_MONEY: EURO_FORMAT, _SCORE: SCORE_FORMAT, _RANK: RANK_FORMAT}
_FIXED_WIDTHS = {_MONEY: 16, _SCORE: 10, _RANK: 7, _DATETIME: 17}
_TEXT_WIDTH_MAX = {_TEXT: 40, _LONG_TEXT: 60}


def _cell(value: object, kind: str) -> object:
    """A row value as the workbook stores it: guarded text, Decimal numbers, naive Brussels dates."""
    if value is None or value == "":
        return None
    if kind == _DATETIME:
        return to_local(value).replace(tzinfo=None)  # Excel dates have no zone: Brussels wall-clock
    if kind in (_TEXT, _LONG_TEXT):
        return neutralise(str(value))
    return value


def _frame(rows: Sequence[object], columns: tuple) -> pd.DataFrame:
    data = {header: [_cell(getattr(r, attr), kind) for r in rows] for header, attr, kind in columns}
    # object dtype: Decimal and int stay what they are (no float NaN ranks, no rounding)
    return pd.DataFrame(data, columns=[c[0] for c in columns], dtype=object)


def _width(frame: pd.DataFrame, header: str, kind: str) -> float:
    if kind in _FIXED_WIDTHS:
        return max(_FIXED_WIDTHS[kind], len(header) + 2)
    longest = max((len(v) for v in frame[header] if isinstance(v, str)), default=0)
    return min(max(longest, len(header)) + 2, _TEXT_WIDTH_MAX[kind])


class _Progress:
    def __init__(self, callback: ProgressCallback | None) -> None:
        self.callback, self.written = callback, 0

    def add(self, count: int) -> None:
        self.written += count
        if self.callback is not None and count:
            self.callback(self.written)


def _write_sheet(writer: pd.ExcelWriter, name: str, rows: Sequence[object], columns: tuple,
                 formats: dict, progress: _Progress) -> tuple[object, pd.DataFrame]:
    """Header (own format), data through DataFrame.to_excel in chunks, widths and number formats by column."""
    frame = _frame(rows, columns)
    sheet = writer.book.add_worksheet(name)
    for index, (header, _attr, kind) in enumerate(columns):
        # a column format reaches every cell pandas writes without a format of its own (numbers)
        sheet.set_column(index, index, _width(frame, header, kind), formats.get(kind))
    sheet.write_row(0, 0, [c[0] for c in columns], formats["header"])
    for start in range(0, len(frame), _CHUNK):
        chunk = frame.iloc[start:start + _CHUNK]
        chunk.to_excel(writer, sheet_name=name, startrow=1 + start, header=False, index=False)
        progress.add(len(chunk))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(frame), len(columns) - 1)  # header and data, not the totals row
    return sheet, frame


def _header_footer_text(text: str) -> str:
    """A call title in a print header: & is the header's escape character; 255 characters at most."""
    return text.replace("&", "&&")[:200]


def awards_xlsx(award_rows: Sequence[AwardRow], application_rows: Sequence[ApplicationRow],
                score_rows: Sequence[ScoreRow], *, call_title: str,
                progress_callback: ProgressCallback | None = None, budget: BudgetSummary | None = None) -> bytes:
    """The award workbook of one call. `progress_callback(n)` gets the number of data rows written
    so far over all sheets (the total is the three lengths together). With `budget`, the call's
    figures follow the totals row (see `_write_budget`)."""
    buffer = io.BytesIO()
    options = {
        # a text is a text: no formulas, links or numbers made out of what an applicant typed
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    }
    title = str(neutralise(call_title))
    progress = _Progress(progress_callback)
    with pd.ExcelWriter(buffer, engine="xlsxwriter", datetime_format=DATETIME_FORMAT,
                        engine_kwargs={"options": options}) as writer:
        book = writer.book
        book.set_properties({"title": title, "subject": "Toekenningen", "comments": "Plan Samenleven"})
        formats = {kind: book.add_format({"num_format": fmt}) for kind, fmt in _NUMBER_FORMATS.items()}
        formats[_LONG_TEXT] = None
        formats["header"] = book.add_format({"bold": True, "bg_color": "#DDE5F0", "bottom": 1, "text_wrap": True,
                                             "valign": "top"})
        formats["total_label"] = book.add_format({"bold": True, "top": 1})
        formats["total_money"] = book.add_format({"bold": True, "top": 1, "num_format": EURO_FORMAT})
        formats["budget_label"] = book.add_format({"italic": True})

        sheet, _ = _write_sheet(writer, AWARDS_SHEET, award_rows, _AWARD_COLUMNS, formats, progress)
        _write_totals(sheet, award_rows, formats)
        if budget is not None:
            _write_budget(sheet, award_rows, budget, formats)
        for name, rows, columns in ((APPLICATIONS_SHEET, application_rows, _APPLICATION_COLUMNS),
                                    (SCORES_SHEET, score_rows, _SCORE_COLUMNS)):
            _write_sheet(writer, name, rows, columns, formats, progress)
        for ws in book.worksheets():
            ws.set_header("&C" + _header_footer_text(title))
            ws.set_footer("&L" + _header_footer_text(ws.name) + "&RPagina &P van &N")
    return buffer.getvalue()


def _write_totals(sheet, award_rows: Sequence[AwardRow], formats: dict) -> None:
    """Under the data: 'Totaal' and =SUM over requested, awarded and own contribution.

    The formulas carry their computed value too, so readers that do not calculate (a preview,
    openpyxl with data_only) show the right total. The autofilter stops above this row.
    """
    total_row = len(award_rows) + 1
    sheet.write_string(total_row, 0, "Totaal", formats["total_label"])
    for index, (_header, attr, _kind) in enumerate(_AWARD_COLUMNS):
        if attr not in _AWARD_TOTALLED:
            continue
        total = sum((getattr(r, attr) for r in award_rows), Decimal("0.00"))
        if award_rows:
            letter = xl_col_to_name(index)
            sheet.write_formula(total_row, index, f"=SUM({letter}2:{letter}{total_row})", formats["total_money"],
                                total)
        else:
            sheet.write_number(total_row, index, 0, formats["total_money"])


_AWARDED_COLUMN = next(i for i, (_h, attr, _k) in enumerate(_AWARD_COLUMNS) if attr == "awarded")


def _write_budget(sheet, award_rows: Sequence[AwardRow], budget: BudgetSummary, formats: dict) -> None:
    """One blank row under the totals, then the call's figures in the awarded column:

        Budget van de oproep                 envelope
        Nog beschikbaar in het budget        =envelope - total awarded
        Vastgelegd budget                    committed          (only when recorded)
        Verschil vastgelegd - toegekend      =committed - total awarded
        Stand                                gepubliceerd / ontwerp: nog niet gepubliceerd

    The differences are formulas over the cells above them (with their value cached), so a change
    typed into the sheet carries through, and a mismatch such as the 182.00 of counter-voices 2017
    is in the file the minister receives.
    """
    letter = xl_col_to_name(_AWARDED_COLUMN)
    total_cell = f"{letter}{len(award_rows) + 2}"  # the totals row, 1-based
    total = sum((r.awarded for r in award_rows), Decimal("0.00"))
    row = len(award_rows) + 3  # 0-based: a blank row after the totals row

    def line(label: str, value: Decimal | None = None, formula: str | None = None, text: str | None = None):
        nonlocal row
        sheet.write_string(row, 0, label, formats["budget_label"])
        if formula is not None:
            sheet.write_formula(row, _AWARDED_COLUMN, formula, formats[_MONEY], value)
        elif text is not None:
            sheet.write_string(row, _AWARDED_COLUMN, text)
        else:
            sheet.write_number(row, _AWARDED_COLUMN, value, formats[_MONEY])
        row += 1
        return f"{letter}{row}"  # the 1-based reference of the line just written

    envelope_cell = line("Budget van de oproep", budget.envelope)
    line("Nog beschikbaar in het budget", budget.envelope - total, formula=f"={envelope_cell}-{total_cell}")
    if budget.committed is not None:
        committed_cell = line("Vastgelegd budget", budget.committed)
        line("Verschil vastgelegd - toegekend", budget.committed - total,
             formula=f"={committed_cell}-{total_cell}")
    line("Stand", text="gepubliceerd" if budget.published else "ontwerp: nog niet gepubliceerd")


# --------------------------------------------------------------------------- CSV


def _csv_number(value: Decimal | int | None, *, money: bool = False) -> str:
    """Decimal comma, no thousands separator: what Dutch-language Excel reads as a number."""
    if value is None:
        return ""
    if money:
        return f"{to_cents(value):.2f}".replace(".", ",")
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.replace(".", ",")
    return str(value)


def awards_csv(award_rows: Sequence[AwardRow], *, progress_callback: ProgressCallback | None = None) -> bytes:
    """The awards as CSV for Dutch Excel (UTF-8 with BOM, ';', decimal comma), without a totals line."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([header for header, _attr, _kind in _AWARD_COLUMNS])
    progress = _Progress(progress_callback)
    for count, row in enumerate(award_rows, 1):
        cells = []
        for _header, attr, kind in _AWARD_COLUMNS:
            value = getattr(row, attr)
            if kind in (_TEXT, _LONG_TEXT):
                cells.append("" if value is None else neutralise(str(value)))
            else:
                cells.append(_csv_number(value, money=kind == _MONEY))
        writer.writerow(cells)
        if count % _CHUNK == 0:
            progress.add(_CHUNK)
    progress.add(len(award_rows) - progress.written)
    return out.getvalue().encode("utf-8-sig")


# --------------------------------------------------------------------------- the text list

# Local governments named after their place: the report writes "Stad Roeselare", not
# "Stad Roeselare – Roeselare". Any other organisation is followed by its place ("KU Leuven – Leuven").
_LOCAL_GOVERNMENT_PREFIXES = ("", "stad ", "gemeente ", "stadsbestuur ", "gemeentebestuur ", "ocmw ",
                              "lokaal bestuur ")


def _amount_in_words_style(amount: Decimal) -> str:
    """42464 -> '42.464', 249709.63 -> '249.709,63' (no cents when whole, Dutch thousands dot)."""
    text = format_eur(amount, unit=False)
    return text[:-3] if text.endswith(",00") else text


def _name_with_place(organisation: str, place: str) -> str:
    organisation, place = organisation.strip(), place.strip()
    if not place or any(organisation.lower() == prefix + place.lower() for prefix in _LOCAL_GOVERNMENT_PREFIXES):
        return organisation
    return f"{organisation} \u2013 {place}"


def award_text_list(award_rows: Sequence[AwardRow]) -> str:
    """The award list for a parliamentary answer, as the progress report writes it:

        - CIBO – Antwerpen (42.464 euro);
        - Stad Roeselare (49.146 euro);
        ...
        - PAJ – Antwerpen (50.000 euro).

    One line per award in the given order, separated by a newline (none after the last).
    """
    lines = []
    for row in award_rows:
        name = str(neutralise(_name_with_place(row.organisation, row.place)))
        lines.append(f"- {name} ({_amount_in_words_style(row.awarded)} euro)")
    if not lines:
        return ""
    return ";\n".join(lines) + "."


# --------------------------------------------------------------------------- bench


def _bench_rows(n: int) -> list[ApplicationRow]:
    start = datetime(2017, 7, 3, 8, 0, tzinfo=timezone.utc)
    return [ApplicationRow(dossier_number=f"TG-2017-{i:05d}", organisation=f"Organisatie {i} vzw",
                           status_label="ontvankelijk", submitted_at=start + timedelta(minutes=7 * i),
                           weighted_total=Decimal(6000 + i % 4000) / 100, rank=i + 1,
                           decision_label="toegekend" if i % 3 == 0 else "afgewezen",
                           awarded=Decimal(10000 + i % 40000) if i % 3 == 0 else None)
            for i in range(n)]


def bench_export(n: int = 10_000) -> tuple[float, float]:
    """(seconds for awards_xlsx with n application rows, seconds writing the same cells with plain
    xlsxwriter write_row), for the project's bench (export_10k_s, export_raw_10k_s)."""
    rows = _bench_rows(n)
    started = time.perf_counter()
    awards_xlsx([], rows, [], call_title="Bench")
    through_pandas = time.perf_counter() - started

    started = time.perf_counter()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False,
                                        "in_memory": True})
    sheet = book.add_worksheet(APPLICATIONS_SHEET)
    date_format = book.add_format({"num_format": DATETIME_FORMAT})
    for index, (_header, _attr, kind) in enumerate(_APPLICATION_COLUMNS):
        if kind in _NUMBER_FORMATS:
            sheet.set_column(index, index, 16, book.add_format({"num_format": _NUMBER_FORMATS[kind]}))
    sheet.write_row(0, 0, [c[0] for c in _APPLICATION_COLUMNS])
    for number, row in enumerate(rows, 1):
        cells = [_cell(getattr(row, attr), kind) for _header, attr, kind in _APPLICATION_COLUMNS]
        moment = cells[3]
        cells[3] = None
        sheet.write_row(number, 0, ["" if c is None else c for c in cells])
        sheet.write_datetime(number, 3, moment, date_format)
    book.close()
    raw = time.perf_counter() - started
    return through_pandas, raw
