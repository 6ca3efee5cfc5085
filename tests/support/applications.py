"""Helpers for the application tests: a complete draft, real document bytes, page shortcuts.

Not a test module (it is not named test_*): the application tests import from it.
"""
from __future__ import annotations

import io
import re
import zipfile
from grants.applications.models import Application
from tests.factories import IBAN  # noqa: F401  (tests import it from here)

OTHER_IBAN = "BE71096123456769"


def complete_application(call, organisation, user=None, **overrides) -> Application:
    """A draft that passes every checklist item of factory.call() (see Factory.application)."""
    from tests.factories import Factory
    return Factory().application(call, organisation, user=user, numbered=False, **overrides)


def pdf_bytes(size: int = 0, *, catalog: bytes = b"", page: bytes = b"", objects: tuple[bytes, ...] = ()) -> bytes:
    """A real one-page PDF (cross-reference table and all), as pypdf and any viewer read it.

    size pads it to exactly that many bytes (a comment line after the header); catalog and page add
    entries to the catalogue and page dictionaries; objects are extra objects, numbered from 4 on.
    """
    bodies = [b"<< /Type /Catalog /Pages 2 0 R " + catalog + b">>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page + b">>", *objects]

    def build(padding: int) -> bytes:
        out = bytearray(b"%PDF-1.4\n")
        if padding:
            out += b"%" + b"0" * (padding - 2) + b"\n"
        offsets = []
        for number, body in enumerate(bodies, start=1):
            offsets.append(len(out))
            out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode()
        out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
        out += f"trailer << /Size {len(bodies) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
        return bytes(out)

    data = build(0)
    padding = size - len(data)
    while padding >= 2 and len(data) != size:  # the startxref number may grow a digit with the padding
        data = build(padding)
        padding += size - len(data)
    assert size == 0 or len(data) == size, "a PDF this small cannot be built"
    return data


def _zip(entries: dict[str, bytes], first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first), entries[first], compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            if name != first:
                archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
             b'officedocument.wordprocessingml.document.main+xml"/></Types>')
    return _zip({"[Content_Types].xml": types, "word/document.xml": b"<w:document/>"})


def xlsx_bytes() -> bytes:
    types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
             b'officedocument.spreadsheetml.sheet.main+xml"/></Types>')
    return _zip({"[Content_Types].xml": types, "xl/workbook.xml": b"<workbook/>"})


def odt_bytes() -> bytes:
    return _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document/>"},
                first="mimetype")


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run in DOS mode"


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html)
    assert match, "no csrf token"
    return match.group(1) or match.group(2)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"|name="{name}" value="([^"]*)" type="hidden"'
                      rf'|id="{name}" name="{name}" type="hidden" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return next(g for g in match.groups() if g is not None)


def section_form(browser, app_id: int, section: str) -> dict:
    """GET a section and return the hidden fields a browser would send back (csrf, version, fingerprint)."""
    response = browser.get(f"/applications/{app_id}/sections/{section}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    html = response.get_data(as_text=True)
    return {"csrf_token": csrf(html), "version": hidden(html, "version"), "fingerprint": hidden(html, "fingerprint")}


def submit_form(browser, app_id: int) -> dict:
    response = browser.get(f"/applications/{app_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return {"csrf_token": csrf(html), "version": hidden(html, "version"), "confirm": "y"}
