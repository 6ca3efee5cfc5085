"""Attachments on disk: size limit, type checked by content, random names, outside static/.

The stored file gets a random hex name in UPLOAD_DIR; the original name only lives in
the database and in the Content-Disposition header of the access-checked download.
The type is read from the bytes themselves: '%PDF-' for PDF; for DOCX, XLSX and ODT a
ZIP container whose [Content_Types].xml or mimetype entry names the document type.
An .exe renamed to .pdf therefore never gets in.

Then the content itself is checked (check_content), because jurors and agency staff open
these files on their own computers:
- an office document (a ZIP container) must not inflate beyond a sane size (a "zip bomb"):
  limits on the number of parts, on the total unpacked size and on how strongly one part is
  compressed; each part is really inflated to check that it holds no more than it declares;
- a PDF must be readable by pypdf and may hold no JavaScript or launch action anywhere in
  the objects reachable from its trailer (document catalogue, name tree, pages, annotations,
  form fields, outlines), and must not be a PDF/HTML polyglot.
Every file is later served only as an attachment with X-Content-Type-Options: nosniff.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pypdf import PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from ..i18n import _, lazy_gettext

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

TYPES_BY_EXTENSION = {".pdf": PDF, ".docx": DOCX, ".xlsx": XLSX, ".odt": ODT}
TYPE_NAMES = {PDF: "PDF", DOCX: "Word (DOCX)", XLSX: "Excel (XLSX)", ODT: lazy_gettext("OpenDocument-tekst (ODT)")}
ALLOWED_TEXT = lazy_gettext("PDF, DOCX, XLSX of ODT")
MAX_NAME_LENGTH = 200
_CHUNK = 64 * 1024
_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")
_DRIVE = re.compile(r"^[A-Za-z]:")  # a Windows path C:\Users\... arrives as "C:Users..." once the header is parsed
# The part names that identify an Office Open XML document in [Content_Types].xml.
_OOXML_MAIN = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}

# Office documents are ZIP containers. A real project plan or budget of at most 10 MB unpacks to
# a few tens of MB and a few hundred parts; anything far beyond is a zip bomb meant to fill the
# disk or memory of whoever opens it.
MAX_ZIP_ENTRIES = 2_000
MAX_ZIP_UNCOMPRESSED = 100 * 1024 * 1024
# Per part, as Apache POI's ZipSecureFile does: XML compresses 10 to 50 times, rarely more; a
# stream of zeros compresses 1,000 times. Small parts are exempt, a short repetitive XML part
# can legitimately compress that well and does no harm.
MAX_ZIP_RATIO = 100
ZIP_RATIO_GRACE = 1024 * 1024
# A PDF/HTML polyglot shows its markup where a browser's content sniffer looks (the first
# 1445 bytes per the WHATWG MIME sniffing standard); 4 kB covers that with room to spare.
_PDF_HEAD = 4096
_MARKUP = re.compile(rb"<\s*(html|script|body|svg|iframe)\b|<!doctype\s+html", re.IGNORECASE)
# Walking a PDF's object graph is bounded: a 10 MB document with more objects than this is not
# a letter or a plan, and it would keep a worker busy for too long.
MAX_PDF_OBJECTS = 200_000
# Actions a viewer runs by itself (on opening, on a page, on a field or a click): script and
# starting a program. A link (/URI) or a jump inside the document stays allowed.
_PDF_ACTIONS = {"/JavaScript", "/Launch"}


class UploadError(ValueError):
    """The upload is refused; the message is Dutch and shown next to the file field."""


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it: its bytes and the name it had on the user's computer."""

    stream: BinaryIO
    filename: str | None


@dataclass(frozen=True)
class StoredFile:
    original_name: str
    stored_name: str
    content_type: str
    size: int
    sha256: str


def check_filename(name: str | None) -> str:
    """The file name as shown later; refuses empty, too long, control characters and path parts."""
    cleaned = unicodedata.normalize("NFC", (name or "").strip())
    if not cleaned:
        raise UploadError(_("Kies een bestand om op te laden."))
    if ("/" in cleaned or "\\" in cleaned or cleaned in {".", ".."} or cleaned.startswith("..")
            or _DRIVE.match(cleaned)):
        raise UploadError(_("De bestandsnaam mag geen map of pad bevatten (geen / of \\). "
                            "Geef het bestand een gewone naam, bijvoorbeeld projectplan.pdf."))
    if any(unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} for char in cleaned):
        raise UploadError(_("De bestandsnaam bevat onzichtbare of ongeldige tekens. Geef het bestand een gewone "
                            "naam."))
    if len(cleaned) > MAX_NAME_LENGTH:
        raise UploadError(_("De bestandsnaam is te lang (%(count)s tekens; hoogstens %(maximum)s).",
                            count=len(cleaned), maximum=MAX_NAME_LENGTH))
    stem, extension = _split(cleaned)
    if extension.lower() not in TYPES_BY_EXTENSION:
        raise UploadError(_("Dit type bestand is niet toegelaten. Toegelaten: %(allowed)s.", allowed=ALLOWED_TEXT))
    if not stem.strip(" ."):
        raise UploadError(_("Het bestand heeft geen naam, enkel een extensie."))
    return cleaned


def _split(name: str) -> tuple[str, str]:
    """'plan.pdf' -> ('plan', '.pdf'); '.pdf' -> ('', '.pdf') (os.path.splitext calls that a hidden file)."""
    dot = name.rfind(".")
    return (name, "") if dot < 0 else (name[:dot], name[dot:])


def sniff_type(path: Path) -> str | None:
    """The document type as the bytes show it, or None."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    if entry.read(100).strip() == ODT.encode():
                        return ODT
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as entry:
                    content_types = entry.read(1_000_000).decode("utf-8", "replace")
                for kind, main in _OOXML_MAIN.items():
                    if main in content_types:
                        return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
        return None
    return None


def check_content(path: Path, kind: str) -> None:
    """Refuse a document of the given (sniffed) type whose content is unsafe to open; see the module doc."""
    if kind == PDF:
        _check_pdf(path)
    else:
        _check_zip(path)


# The messages are built only when a file is refused: _() needs a request for its language, and
# uploads also come from the command line (the demo data).

def _damaged_zip() -> UploadError:
    return UploadError(_("Dit document is beschadigd of onvolledig en kan niet gecontroleerd worden. "
                         "Sla het opnieuw op in Word, Excel of LibreOffice en laad het opnieuw op."))


def _unreadable_pdf() -> UploadError:
    return UploadError(_("Dit PDF-bestand kan niet gelezen worden: het is beschadigd of geen echte PDF. Maak het "
                         "PDF-bestand opnieuw aan (bijvoorbeeld via Afdrukken naar PDF) en laad het opnieuw op."))


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _damaged_zip() from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UploadError(_("Dit document bestaat uit te veel onderdelen (%(count)s; hoogstens %(maximum)s). "
                            "Sla het opnieuw op of verdeel het over meer bestanden.",
                            count=len(entries), maximum=MAX_ZIP_ENTRIES))
    # First what the archive declares (cheap), then what it really holds (a header can lie).
    if sum(entry.file_size for entry in entries) > MAX_ZIP_UNCOMPRESSED:
        raise UploadError(_("Dit document wordt uitgepakt te groot (meer dan %(maximum)s). Zo'n bestand kan de "
                            "computer van wie het opent blokkeren. Sla het opnieuw op met kleinere afbeeldingen of "
                            "verdeel het over meer bestanden.", maximum=_megabytes(MAX_ZIP_UNCOMPRESSED)))
    for entry in entries:
        if entry.file_size > ZIP_RATIO_GRACE and entry.file_size > MAX_ZIP_RATIO * max(entry.compress_size, 1):
            raise UploadError(_("Een onderdeel van dit document is verdacht sterk samengeperst (meer dan "
                                "%(ratio)s keer), zoals bij een zogenaamde zip-bom. Sla het document opnieuw op "
                                "en laad het opnieuw op.", ratio=MAX_ZIP_RATIO))
    with open(path, "rb") as handle:
        for entry in entries:
            if _inflated_size(handle, entry) != entry.file_size:
                raise _damaged_zip()


def _inflated_size(handle: BinaryIO, entry: zipfile.ZipInfo) -> int:
    """The real unpacked size of one part, counted chunk by chunk, stopping just past what it declares."""
    if entry.flag_bits & 0x1:  # encrypted part: Office and LibreOffice never write those
        return -1
    handle.seek(entry.header_offset)
    local = handle.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        return -1
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    handle.seek(entry.header_offset + 30 + name_length + extra_length)
    if entry.compress_type == zipfile.ZIP_STORED:
        return entry.compress_size if len(handle.read(entry.compress_size)) == entry.compress_size else -1
    if entry.compress_type != zipfile.ZIP_DEFLATED:
        return -1  # bzip2, lzma...: not what office suites write
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    remaining, produced = entry.compress_size, 0
    try:
        while remaining > 0:
            data = handle.read(min(_CHUNK, remaining))
            if not data:
                return -1
            remaining -= len(data)
            while data:
                produced += len(inflater.decompress(data, _CHUNK))
                if produced > entry.file_size:
                    return produced
                data = inflater.unconsumed_tail
        return produced + len(inflater.flush())
    except zlib.error:
        return -1


def _check_pdf(path: Path) -> None:
    with open(path, "rb") as handle:
        head = handle.read(_PDF_HEAD)
    if _MARKUP.search(head):
        raise UploadError(_("Dit bestand begint als PDF maar bevat webpagina-code (HTML of script). "
                            "Zo'n bestand wordt niet aanvaard; maak het PDF-bestand opnieuw aan."))
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise UploadError(_("Dit PDF-bestand is met een wachtwoord beveiligd en kan dus niet gecontroleerd "
                                "of gelezen worden. Sla het op zonder wachtwoord en laad het opnieuw op."))
        if len(reader.pages) == 0:  # also reads the catalogue and the page tree; no page: nothing to show
            raise ValueError("a PDF without pages")
        active = _active_content(reader)
    except UploadError:
        raise
    except Exception:  # noqa: BLE001 - whatever pypdf cannot read (PdfReadError, KeyError, RecursionError...)
        raise _unreadable_pdf() from None
    if active:
        raise UploadError(_("Dit PDF-bestand bevat JavaScript of een actie die een programma start (%(what)s). "
                            "Zulke bestanden worden niet aanvaard. Maak het PDF-bestand opnieuw aan zonder "
                            "scripts, bijvoorbeeld via Afdrukken naar PDF.", what=active))


def _active_content(reader: PdfReader) -> str | None:
    """The first script or launch action reachable from the trailer ('/JS', '/Launch'...), else None.

    Walks every object once (iteratively, a document may nest deeply): the catalogue with its
    /OpenAction, /AA and /Names (the /JavaScript name tree), pages with their /AA and
    annotations, form fields, outlines; names are compared after pypdf undid '#' escapes.
    """
    seen: set[tuple[int, int]] = set()
    todo: list = [reader.trailer, reader.root_object]  # the catalogue pypdf uses, even if it had to look for it
    visited = 0
    while todo:
        node = todo.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise ValueError("too many PDF objects to check")  # refused as unreadable
        if isinstance(node, DictionaryObject):
            for name in ("/JS", "/JavaScript"):  # the code of an action; the name tree of document scripts
                if name in node:
                    return name
            action = node.get("/S")
            action = action.get_object() if isinstance(action, IndirectObject) else action
            if isinstance(action, str) and action in _PDF_ACTIONS:
                return str(action)
            if "/XFA" in node and _xfa_has_script(node["/XFA"]):
                return "/XFA"
            todo.extend(node.values())
        elif isinstance(node, ArrayObject):
            todo.extend(node)
    return None


def _xfa_has_script(xfa) -> bool:
    """An XFA form (XML inside the PDF) runs its own <script> elements in Adobe Reader."""
    xfa = xfa.get_object()
    parts = [item.get_object() for item in xfa] if isinstance(xfa, ArrayObject) else [xfa]
    return any(isinstance(part, StreamObject) and b"<script" in part.get_data().lower() for part in parts)


def _upload_dir(upload_dir: str | os.PathLike) -> Path:
    path = Path(upload_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_upload(stream: BinaryIO, filename: str | None, *, upload_dir: str | os.PathLike,
                max_bytes: int) -> StoredFile:
    """Check and store an upload; returns what the database keeps. Nothing is left behind on refusal."""
    original = check_filename(filename)
    extension = _split(original)[1]
    expected = TYPES_BY_EXTENSION[extension.lower()]
    directory = _upload_dir(upload_dir)
    stored_name = secrets.token_hex(16)
    temporary = directory / f"{stored_name}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with open(temporary, "wb") as out:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise UploadError(_("Het bestand is te groot: hoogstens %(maximum)s per bijlage.",
                                        maximum=_megabytes(max_bytes)))
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadError(_("Het bestand is leeg."))
        actual = sniff_type(temporary)
        if actual is None:
            raise UploadError(_("De inhoud van dit bestand is geen %(allowed)s-document, ook al eindigt de naam op "
                                "%(extension)s. Toegelaten: %(allowed)s.", allowed=ALLOWED_TEXT, extension=extension))
        if actual != expected:
            raise UploadError(_("De inhoud van dit bestand is %(type)s, maar de naam eindigt op %(extension)s. Geef "
                                "het bestand de juiste extensie.", type=TYPE_NAMES[actual], extension=extension))
        check_content(temporary, actual)
        os.replace(temporary, directory / stored_name)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return StoredFile(original_name=original, stored_name=stored_name, content_type=actual, size=size,
                      sha256=digest.hexdigest())


def path_for(upload_dir: str | os.PathLike, stored_name: str) -> Path:
    """Where a stored attachment lives; only our own random names resolve."""
    if not _STORED_NAME.fullmatch(stored_name or ""):
        raise FileNotFoundError(stored_name)
    return Path(upload_dir) / stored_name


def remove(upload_dir: str | os.PathLike, stored_name: str) -> None:
    try:
        path_for(upload_dir, stored_name).unlink(missing_ok=True)
    except FileNotFoundError:
        pass


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value == int(value) else f"{value:.1f} MB".replace(".", ",")


def format_size(size: int) -> str:
    """1536 -> '1,5 kB' (Dutch decimal comma)."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} kB".replace(".", ",")
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


# --------------------------------------------------------------------------- in the app


def configured_upload_dir() -> str:
    from flask import current_app
    return current_app.config["UPLOAD_DIR"]


def store_in_transaction(upload: Upload) -> StoredFile:
    """Check and store an upload in the configured folder; the file is removed again if the
    transaction does not commit. Raises UploadError with the message for the file field."""
    from flask import current_app

    from ..unit_of_work import after_rollback
    directory = configured_upload_dir()
    stored = save_upload(upload.stream, upload.filename, upload_dir=directory,
                         max_bytes=current_app.config["MAX_ATTACHMENT_BYTES"])
    after_rollback(lambda: remove(directory, stored.stored_name))
    return stored


def attachment_of(owner, attachment_id: int):
    """The attachment with that id among `owner.attachments` (an application's or a report's); 404 when
    it is not one of them."""
    from flask import abort
    attachment = next((a for a in owner.attachments if a.id == attachment_id), None)
    if attachment is None:
        abort(404)
    return attachment


def send_stored(attachment):
    """The download of a stored attachment (anything with stored_name, content_type, original_name):
    always as a file to save, never cached; 404 when the file is gone."""
    from flask import abort, send_file
    try:
        path = path_for(configured_upload_dir(), attachment.stored_name)
    except FileNotFoundError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.original_name, max_age=0, conditional=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response
