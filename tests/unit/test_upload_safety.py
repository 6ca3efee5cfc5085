"""Upload content checks: zip bombs in office documents, scripts and polyglots in PDFs (no Flask needed).

The bombs are built without writing gigabytes: a deflate block of 1 MiB of zeros, flushed with
Z_FULL_FLUSH, is byte-for-byte the same each time, so repeating it gives a valid stream that
inflates to as many MiB as it is repeated; the ZIP around it is written by hand.
"""
from __future__ import annotations

import io
import os
import random
import struct
import zipfile
import zlib

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from grants.applications import storage
from grants.applications.storage import DOCX, ODT, PDF, XLSX, UploadError, save_upload
from tests.support.applications import _zip, docx_bytes, odt_bytes, pdf_bytes, xlsx_bytes

MB = 1024 * 1024
LIMIT = 10 * MB  # the app's MAX_ATTACHMENT_BYTES

DOCX_TYPES = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
              b'officedocument.wordprocessingml.document.main+xml"/></Types>')
XLSX_TYPES = DOCX_TYPES.replace(b"/word/document.xml", b"/xl/workbook.xml").replace(
    b"wordprocessingml.document", b"spreadsheetml.sheet")


# --- building ZIP containers by hand --------------------------------------------------------

def _zeros_deflated(mebibytes: int) -> bytes:
    """A raw deflate stream that inflates to `mebibytes` MiB of zeros (about 1 kB per MiB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * mebibytes + compressor.flush()


def _raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP of (name, deflated data, declared uncompressed size, crc) parts, sizes as given (may lie)."""
    out, central = bytearray(), bytearray()
    for name, data, size, crc in entries:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size,
                           len(encoded), 0) + encoded + data
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                               len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(out), 0)
    return bytes(out + central + end)


def _deflated(data: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(), len(data), zlib.crc32(data)


def _bomb(kind: str, mebibytes: int, *, declared: int | None = None) -> bytes:
    """An office document whose main part inflates to `mebibytes` MiB (declaring `declared` bytes)."""
    first = {DOCX: ("[Content_Types].xml", DOCX_TYPES), XLSX: ("[Content_Types].xml", XLSX_TYPES),
             ODT: ("mimetype", ODT.encode())}[kind]
    main = {DOCX: "word/document.xml", XLSX: "xl/worksheets/sheet1.xml", ODT: "content.xml"}[kind]
    size = mebibytes * MB if declared is None else declared
    # The CRC is not that of the content: the check refuses on sizes before any CRC matters.
    return _raw_zip([(first[0], *_deflated(first[1])), (main, _zeros_deflated(mebibytes), size, 0)])


def _deflated_zip(parts: dict[str, bytes]) -> bytes:
    """A ZIP as office suites write it: every part deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _store(tmp_path, data: bytes, name: str):
    return save_upload(io.BytesIO(data), name, upload_dir=tmp_path / "uploads", max_bytes=LIMIT)


def _refused(tmp_path, data: bytes, name: str, message: str) -> None:
    with pytest.raises(UploadError, match=message):
        _store(tmp_path, data, name)
    assert os.listdir(tmp_path / "uploads") == []  # nothing left behind


# --- office documents ------------------------------------------------------------------------

@pytest.mark.parametrize("kind, name", [(DOCX, "projectplan.docx"), (XLSX, "begroting.xlsx"),
                                        (ODT, "samenwerking.odt")])
def test_a_document_that_inflates_to_2_gib_is_refused(tmp_path, kind, name):
    bomb = _bomb(kind, 2048)
    assert len(bomb) < 3 * MB  # well under the upload limit: the size limit alone does not stop it
    (tmp_path / "bomb").write_bytes(bomb)
    assert storage.sniff_type(tmp_path / "bomb") == kind  # it is a well-formed document of its type
    _refused(tmp_path, bomb, name, r"Dit document wordt uitgepakt te groot \(meer dan 100 MB\)")


def test_a_part_that_hides_its_real_size_is_refused(tmp_path):
    # It declares 1 kB but inflates to 200 MiB: the declared sizes look harmless, inflating tells.
    _refused(tmp_path, _bomb(DOCX, 200, declared=1000), "plan.docx", "Dit document is beschadigd of onvolledig")


def test_a_part_that_declares_less_than_it_holds_but_stays_small_is_refused_too(tmp_path):
    _refused(tmp_path, _bomb(DOCX, 1, declared=MB - 1), "plan.docx", "beschadigd of onvolledig")


def test_a_strongly_compressed_part_is_refused_even_when_the_total_is_allowed(tmp_path):
    # 20 MB of zeros: under the 100 MB total, but compressed about 1,000 times (the limit is 100).
    document = _deflated_zip({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"<w:document/>",
                              "word/media/image1.png": bytes(20 * MB)})
    _refused(tmp_path, document, "plan.docx", r"verdacht sterk samengeperst \(meer dan 100 keer\)")


def test_a_small_part_may_compress_well(tmp_path):
    # Below 1 MB a high ratio does no harm (a short, repetitive styles.xml): accepted.
    document = _deflated_zip({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"<w:document/>",
                              "word/styles.xml": bytes(1000 * 1024)})
    assert _store(tmp_path, document, "plan.docx").content_type == DOCX


def _with_parts(count: int) -> bytes:
    parts = {"[Content_Types].xml": XLSX_TYPES, "xl/workbook.xml": b"<workbook/>"}
    parts.update({f"xl/worksheets/sheet{n}.xml": b"<worksheet/>" for n in range(count - len(parts))})
    return _zip(parts)


@pytest.mark.parametrize("count, accepted", [(2000, True), (2001, False)])
def test_at_most_2000_parts(tmp_path, count, accepted):
    document = _with_parts(count)
    assert len(zipfile.ZipFile(io.BytesIO(document)).infolist()) == count
    if accepted:
        assert _store(tmp_path, document, "begroting.xlsx").content_type == XLSX
    else:
        _refused(tmp_path, document, "begroting.xlsx", r"te veel onderdelen \(2001; hoogstens 2000\)")


def test_a_realistic_document_near_the_upload_limit_is_accepted(tmp_path):
    rng = random.Random(7)
    photo = rng.randbytes(6 * MB)  # a photo does not compress
    words = ["subsidie", "project", "jongeren", "gemeente", "tegengeluid", "workshop", "begroting", "partner"]
    text = " ".join(rng.choice(words) for _ in range(400_000)).encode()  # about 4 MB of prose
    document = _deflated_zip({"[Content_Types].xml": DOCX_TYPES,
                              "word/document.xml": b"<w:document>" + text + b"</w:document>",
                              "word/media/image1.jpeg": photo})
    assert len(document) < LIMIT
    assert _store(tmp_path, document, "projectplan.docx").content_type == DOCX


@pytest.mark.parametrize("data, name", [(docx_bytes(), "a.docx"), (xlsx_bytes(), "a.xlsx"), (odt_bytes(), "a.odt")])
def test_ordinary_office_documents_still_pass(tmp_path, data, name):
    assert _store(tmp_path, data, name).size == len(data)


def test_a_damaged_deflate_stream_is_refused(tmp_path):
    data, size, crc = _deflated(b"<w:document>" + b"tekst " * 1000 + b"</w:document>")
    broken = data[:10] + bytes(len(data) - 10)
    document = _raw_zip([("[Content_Types].xml", *_deflated(DOCX_TYPES)), ("word/document.xml", broken, size, crc)])
    _refused(tmp_path, document, "plan.docx", "beschadigd of onvolledig")


# --- PDF -------------------------------------------------------------------------------------

JS_STREAM = b"<< /Length 12 >>\nstream\napp.alert(1)\nendstream"


@pytest.mark.parametrize("label, parts, found", [
    ("OpenAction with JavaScript", dict(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "), "/JS"),
    ("document script in the name tree",
     dict(catalog=b"/Names << /JavaScript 4 0 R >> ",
          objects=(b"<< /Names [(init) 5 0 R] >>", b"<< /S /JavaScript /JS (app.alert(1)) >>")), "/JavaScript"),
    ("Launch action on opening", dict(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >> "), "/Launch"),
    ("Launch with Windows parameters",
     dict(catalog=b"/OpenAction 4 0 R ", objects=(b"<< /Type /Action /S /Launch /Win << /F (calc.exe) >> >>",)),
     "/Launch"),
    ("page open action (/AA) with the script in a stream",
     dict(page=b"/AA << /O << /S /JavaScript /JS 4 0 R >> >> ", objects=(JS_STREAM,)), "/JS"),
    ("document additional action (/AA) on close",
     dict(catalog=b"/AA << /WC << /S /JavaScript /JS (app.alert(1)) >> >> "), "/JS"),
    ("link annotation running a script",
     dict(page=b"/Annots [4 0 R] ",
          objects=(b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /JavaScript /JS (x) >> >>",)),
     "/JS"),
    ("link annotation launching a program",
     dict(page=b"/Annots [4 0 R] ",
          objects=(b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /Launch /F (x.exe) >> >>",)),
     "/Launch"),
    ("form field keystroke script",
     dict(catalog=b"/AcroForm << /Fields [4 0 R] >> ",
          objects=(b"<< /FT /Tx /T (bedrag) /AA << /K << /S /JavaScript /JS (AFNumber_Keystroke) >> >> >>",)),
     "/JS"),
    ("outline item running a script",
     dict(catalog=b"/Outlines 4 0 R ",
          objects=(b"<< /Type /Outlines /First 5 0 R /Last 5 0 R /Count 1 >>",
                   b"<< /Title (Start) /Parent 4 0 R /A << /S /JavaScript /JS (x) >> >>")), "/JS"),
    ("names written with # escapes", dict(catalog=b"/OpenAction << /S /Java#53cript /J#53 (app.alert(1)) >> "),
     "/JS"),
    ("action type held in an indirect object",
     dict(catalog=b"/OpenAction << /S 4 0 R /F (cmd.exe) >> ", objects=(b"/Launch",)), "/Launch"),
])
def test_pdf_with_scripts_or_launch_actions_is_refused(tmp_path, label, parts, found):
    _refused(tmp_path, pdf_bytes(**parts), "plan.pdf",
             rf"Dit PDF-bestand bevat JavaScript of een actie die een programma start \({found}\)")


def test_xfa_form_with_a_script_is_refused(tmp_path):
    xfa = b"<xdp:xdp><template><script contentType='application/x-javascript'>app.alert(1)</script></template>"
    stream = b"<< /Length %d >>\nstream\n" % len(xfa) + xfa + b"\nendstream"
    # Padded so that the script lies beyond the first kilobytes: only the XFA check can see it.
    document = pdf_bytes(8000, catalog=b"/AcroForm << /Fields [] /XFA 4 0 R >> ", objects=(stream,))
    assert document.index(b"<script") > storage._PDF_HEAD
    _refused(tmp_path, document, "formulier.pdf", r"\(/XFA\)")


def test_a_script_made_by_a_pdf_library_is_found_in_compressed_object_streams(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})
    writer.compress_identical_objects()
    buffer = io.BytesIO()
    writer.write(buffer)
    _refused(tmp_path, buffer.getvalue(), "plan.pdf", r"bevat JavaScript")


@pytest.mark.parametrize("label, data", [
    ("the test suite's one-page PDF", pdf_bytes()),
    ("a web link and an internal jump",
     pdf_bytes(catalog=b"/OpenAction [3 0 R /Fit] ", page=b"/Annots [4 0 R] ",
               objects=(b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] "
                        b"/A << /S /URI /URI (https://www.vlaanderen.be/samenleven) >> >>",))),
    ("the word JavaScript as text in a content stream",
     pdf_bytes(page=b"/Contents 4 0 R ",
               objects=(b"<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 700 Td (JavaScript /JS) Tj ET\nendstream",))),
])
def test_ordinary_pdfs_pass(tmp_path, label, data):
    assert _store(tmp_path, data, "plan.pdf").content_type == PDF


def test_a_pdf_written_by_pypdf_passes(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": "Projectplan"})
    buffer = io.BytesIO()
    writer.write(buffer)
    assert _store(tmp_path, buffer.getvalue(), "plan.pdf").content_type == PDF


def _encrypted(user_password: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password=user_password, owner_password="eigenaar", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_pdf_protected_only_against_editing_passes(tmp_path):
    # Banks send letters like this: anyone can open them, nobody can change them.
    assert _store(tmp_path, _encrypted(""), "bankbrief.pdf").content_type == PDF


def test_a_pdf_that_needs_a_password_to_open_is_refused(tmp_path):
    _refused(tmp_path, _encrypted("geheim"), "bankbrief.pdf", "met een wachtwoord beveiligd")


@pytest.mark.parametrize("label, data", [
    ("HTML page with a PDF header", b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>"),
    ("readable PDF with HTML in a comment", pdf_bytes().replace(b"%PDF-1.4\n", b"%PDF-1.4\n%<html><body>\n", 1)),
    ("script tag in upper case", b"%PDF-1.7\n<SCRIPT>alert(1)</SCRIPT>\n" + pdf_bytes()[9:]),
    ("SVG with a script", b"%PDF-1.7\n<svg onload=alert(1)>\n"),
    ("doctype", b"%PDF-1.7\n<!DOCTYPE html>\n"),
])
def test_pdf_html_polyglots_are_refused(tmp_path, label, data):
    _refused(tmp_path, data, "plan.pdf", "begint als PDF maar bevat webpagina-code")


@pytest.mark.parametrize("label, data", [
    ("only a header", b"%PDF-1.4\n"),
    ("header and noise", b"%PDF-1.4\n" + random.Random(3).randbytes(5000)),
    ("the old hand-made test PDF without cross-reference", b"%PDF-1.4\n% bevestiging\n%%EOF\n"),
    ("a catalogue that is not a dictionary", pdf_bytes().replace(b"<< /Type /Catalog /Pages 2 0 R >>", b"(tekst)")),
])
def test_pdfs_that_cannot_be_read_are_refused(tmp_path, label, data):
    _refused(tmp_path, data, "plan.pdf", "Dit PDF-bestand kan niet gelezen worden")


def test_the_demo_data_pdf_passes(tmp_path):
    from grants.demo.applications import _demo_pdf
    assert _store(tmp_path, _demo_pdf("Samen tegen haat (online)"), "projectplan.pdf").content_type == PDF


def test_a_pdf_padded_to_the_upload_limit_is_checked_quickly(tmp_path):
    import time
    started = time.perf_counter()
    assert _store(tmp_path, pdf_bytes(LIMIT), "groot.pdf").size == LIMIT
    assert time.perf_counter() - started < 5
