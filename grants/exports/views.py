"""The agency's downloads of a call's award list: XLSX, CSV (Dutch Excel) and the text list.

Admins only. A call is loaded through the calls' `manageable` predicate, so anyone else who is
logged in gets the same 404 as for a call that does not exist (nothing confirms it exists);
anonymous visitors go to the login page, as on every admin page. Drafts are exported too (the
list is prepared before publication): the file name then ends in `-ontwerp` and the workbook
says so under the totals.
"""
from __future__ import annotations

import io
import re
import unicodedata

from flask import Blueprint, abort, send_file
from flask_login import current_user, login_required

from ..calls.queries import load_managed
from .queries import AwardExport, award_export
from .writers import award_text_list, awards_csv, awards_xlsx

bp = Blueprint("exports", __name__)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv"  # send_file adds "; charset=utf-8" to text types
TEXT_MIMETYPE = "text/plain"


def _managed_export(call_id: int) -> AwardExport:
    call = load_managed(call_id, current_user, full=False)
    if call is None:
        abort(404)
    return award_export(call)


def _slug(text: str, limit: int = 60) -> str:
    """'Maatschappelijke tegengeluiden mobiliseren 2017' -> 'maatschappelijke-tegengeluiden-mobiliseren-2017'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-") or "oproep"


def download_name(export: AwardExport, extension: str) -> str:
    """toekenningen-<call id>-<title>[-ontwerp].<extension>: ASCII, so every browser and mail client keeps it."""
    draft = "" if export.published else "-ontwerp"
    return f"toekenningen-{export.call_id}-{_slug(export.call_title)}{draft}.{extension}"


def _attachment(data: bytes, mimetype: str, name: str):
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name,
                         max_age=0, conditional=False)
    response.headers["Cache-Control"] = "private, no-store"  # the award list before publication
    return response


@bp.route("/admin/calls/<int:call_id>/awards/export.xlsx", endpoint="awards_xlsx")
@login_required
def awards_xlsx_download(call_id: int):
    export = _managed_export(call_id)
    data = awards_xlsx(export.awards, export.applications, export.scores, call_title=export.call_title,
                       budget=export.budget)
    return _attachment(data, XLSX_MIMETYPE, download_name(export, "xlsx"))


@bp.route("/admin/calls/<int:call_id>/awards/export.csv", endpoint="awards_csv")
@login_required
def awards_csv_download(call_id: int):
    export = _managed_export(call_id)
    return _attachment(awards_csv(export.awards), CSV_MIMETYPE, download_name(export, "csv"))


@bp.route("/admin/calls/<int:call_id>/awards/export.txt", endpoint="awards_text")
@login_required
def awards_text_download(call_id: int):
    export = _managed_export(call_id)
    text = award_text_list(export.awards)
    return _attachment((text + "\n" if text else "").encode("utf-8"), TEXT_MIMETYPE, download_name(export, "txt"))

