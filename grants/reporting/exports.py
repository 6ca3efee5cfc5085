"""Files of the follow-up: the payment register (XLSX and CSV) and the progress report (XLSX and PDF).

Written the way grants/exports/writers.py writes the award lists: pandas with xlsxwriter, every text
cell through `neutralise` (no formula injection), amounts as numbers in a euro format, dates as Excel
dates in Brussels time, the header row frozen and filterable; the CSV for Dutch-language Excel
(UTF-8 with BOM, ';', decimal comma, no thousands separator, no totals line). The PDF is the
printable page rendered by WeasyPrint.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd

from ..exports.writers import DATETIME_FORMAT, EURO_FORMAT, neutralise
from ..money import to_cents
from ..timeutil import to_local

DATE_FORMAT = "dd-mm-yyyy"
REGISTER_SHEET = "Betalingen"
PROGRESS_SHEET = "Voortgangsrapport"
AWARDS_SHEET = "Toekenningen"
_TEXT, _LONG, _MONEY, _DATE, _DATETIME, _NUMBER = "text", "long", "money", "date", "datetime", "number"


@dataclass(frozen=True)
class PaymentRow:
    dossier_number: str
    organisation: str
    call: str
    period: str
    label: str
    kind: str
    status: str
    amount: Decimal
    iban: str
    due_date: date | None
    approved_at: datetime | None
    settled_at: datetime | None


PAYMENT_COLUMNS = (
    ("Dossiernummer", "dossier_number", _TEXT), ("Organisatie", "organisation", _TEXT), ("Oproep", "call", _TEXT),
    ("Periode", "period", _TEXT), ("Schijf", "label", _TEXT), ("Soort", "kind", _TEXT), ("Status", "status", _TEXT),
    ("Bedrag", "amount", _MONEY), ("IBAN", "iban", _TEXT), ("Vervaldatum", "due_date", _DATE),
    ("Goedgekeurd op", "approved_at", _DATETIME), ("Betaald of terugbetaald op", "settled_at", _DATETIME),
)


@dataclass(frozen=True)
class ActionRow:
    plan: str
    number: str
    title: str
    status: str
    ministers: str
    domains: str
    stakeholders: str
    description: str
    committed: Decimal
    awarded: Decimal
    paid: Decimal


ACTION_COLUMNS = (
    ("Plan", "plan", _TEXT), ("Actie", "number", _TEXT), ("Titel", "title", _LONG), ("Status", "status", _TEXT),
    ("Verantwoordelijke ministers", "ministers", _LONG), ("Beleidsdomeinen", "domains", _TEXT),
    ("Andere betrokkenen", "stakeholders", _LONG), ("Beschrijving", "description", _LONG),
    ("Budget vastgelegd", "committed", _MONEY), ("Toegekend", "awarded", _MONEY), ("Uitbetaald", "paid", _MONEY),
)


@dataclass(frozen=True)
class AwardLineRow:
    number: str
    call: str
    dossier_number: str
    organisation: str
    place: str
    awarded: Decimal
    status: str
    paid: Decimal


AWARD_COLUMNS = (
    ("Actie", "number", _TEXT), ("Oproep", "call", _TEXT), ("Dossiernummer", "dossier_number", _TEXT),
    ("Organisatie", "organisation", _TEXT), ("Plaats", "place", _TEXT), ("Toegekend", "awarded", _MONEY),
    ("Status", "status", _TEXT), ("Uitbetaald", "paid", _MONEY),
)

_FORMATS = {_MONEY: EURO_FORMAT, _DATE: DATE_FORMAT, _DATETIME: DATETIME_FORMAT}
_WIDTHS = {_TEXT: 24, _LONG: 60, _MONEY: 16, _DATE: 12, _DATETIME: 17, _NUMBER: 10}


def _cell(value, kind: str):
    if value is None or value == "":
        return None
    if kind == _DATETIME:
        return to_local(value).replace(tzinfo=None)
    if kind == _DATE:
        return datetime(value.year, value.month, value.day)
    if kind in (_TEXT, _LONG):
        return neutralise(str(value))
    return value


def _sheet(writer, name: str, rows: Sequence[object], columns: tuple, formats: dict, *, totals: bool = False) -> None:
    frame = pd.DataFrame({header: [_cell(getattr(r, attr), kind) for r in rows] for header, attr, kind in columns},
                         columns=[c[0] for c in columns], dtype=object)
    sheet = writer.book.add_worksheet(name)
    for index, (header, _attr, kind) in enumerate(columns):
        sheet.set_column(index, index, max(_WIDTHS[kind], len(header) + 2), formats.get(kind))
    sheet.write_row(0, 0, [c[0] for c in columns], formats["header"])
    if len(frame):
        frame.to_excel(writer, sheet_name=name, startrow=1, header=False, index=False)
    for row_number, row in enumerate(rows, start=1):  # dates: pandas would write them with its own format
        for index, (_header, attr, kind) in enumerate(columns):
            value = _cell(getattr(row, attr), kind)
            if kind in (_DATE, _DATETIME) and value is not None:
                sheet.write_datetime(row_number, index, value, formats[kind])
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(frame), len(columns) - 1)
    if totals:
        total_row = len(rows) + 1
        sheet.write_string(total_row, 0, "Totaal", formats["total_label"])
        for index, (_header, attr, kind) in enumerate(columns):
            if kind == _MONEY:
                sheet.write_number(total_row, index, sum((getattr(r, attr) for r in rows), Decimal(0)),
                                   formats["total_money"])


def _workbook(title: str, sheets: list[tuple[str, Sequence[object], tuple, bool]]) -> bytes:
    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        book = writer.book
        book.set_properties({"title": str(neutralise(title)), "comments": "Plan Samenleven"})
        formats = {kind: book.add_format({"num_format": fmt}) for kind, fmt in _FORMATS.items()}
        formats[_LONG] = book.add_format({"text_wrap": True, "valign": "top"})
        formats["header"] = book.add_format({"bold": True, "bg_color": "#DDE5F0", "bottom": 1, "text_wrap": True,
                                             "valign": "top"})
        formats["total_label"] = book.add_format({"bold": True, "top": 1})
        formats["total_money"] = book.add_format({"bold": True, "top": 1, "num_format": EURO_FORMAT})
        for name, rows, columns, totals in sheets:
            _sheet(writer, name, rows, columns, formats, totals=totals)
    return buffer.getvalue()


def payments_xlsx(rows: Sequence[PaymentRow], *, title: str = "Betalingsregister") -> bytes:
    return _workbook(title, [(REGISTER_SHEET, rows, PAYMENT_COLUMNS, False)])


def _csv_value(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == _MONEY:
        return f"{to_cents(value):.2f}".replace(".", ",")
    if kind == _DATE:
        return value.strftime("%d-%m-%Y")
    if kind == _DATETIME:
        return to_local(value).strftime("%d-%m-%Y %H:%M")
    return str(neutralise(str(value)))


def payments_csv(rows: Sequence[PaymentRow]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([header for header, _attr, _kind in PAYMENT_COLUMNS])
    for row in rows:
        writer.writerow([_csv_value(getattr(row, attr), kind) for _header, attr, kind in PAYMENT_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def progress_xlsx(actions: Sequence[ActionRow], awards: Sequence[AwardLineRow], *, title: str) -> bytes:
    return _workbook(title, [(PROGRESS_SHEET, actions, ACTION_COLUMNS, True), (AWARDS_SHEET, awards, AWARD_COLUMNS, True)])


def progress_pdf(html: str, *, base_url: str, stylesheet: Path) -> bytes:
    """The printable progress report as PDF (WeasyPrint; it needs Pango, see scripts/test)."""
    from weasyprint import CSS, HTML
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[CSS(filename=str(stylesheet))])
