"""Attachments on disk: size limit, type checked by content, random names, outside static/.

The stored file gets a random hex name in UPLOAD_DIR; the original name only lives in
the database and in the Content-Disposition header of the access-checked download.
The type is read from the bytes themselves: '%PDF-' for PDF; for DOCX, XLSX and ODT a
ZIP container whose [Content_Types].xml or mimetype entry names the document type.
An .exe renamed to .pdf therefore never gets in.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

TYPES_BY_EXTENSION = {".pdf": PDF, ".docx": DOCX, ".xlsx": XLSX, ".odt": ODT}
TYPE_NAMES = {PDF: "PDF", DOCX: "Word (DOCX)", XLSX: "Excel (XLSX)", ODT: "OpenDocument-tekst (ODT)"}
ALLOWED_TEXT = "PDF, DOCX, XLSX of ODT"
MAX_NAME_LENGTH = 200
_CHUNK = 64 * 1024
_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")
_DRIVE = re.compile(r"^[A-Za-z]:")  # a Windows path C:\Users\... arrives as "C:Users..." once the header is parsed
# The part names that identify an Office Open XML document in [Content_Types].xml.
_OOXML_MAIN = {
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}


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
        raise UploadError("Kies een bestand om op te laden.")
    if ("/" in cleaned or "\\" in cleaned or cleaned in {".", ".."} or cleaned.startswith("..")
            or _DRIVE.match(cleaned)):
        raise UploadError("De bestandsnaam mag geen map of pad bevatten (geen / of \\). "
                          "Geef het bestand een gewone naam, bijvoorbeeld projectplan.pdf.")
    if any(unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} for char in cleaned):
        raise UploadError("De bestandsnaam bevat onzichtbare of ongeldige tekens. Geef het bestand een gewone naam.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise UploadError(f"De bestandsnaam is te lang ({len(cleaned)} tekens; hoogstens {MAX_NAME_LENGTH}).")
    stem, extension = _split(cleaned)
    if extension.lower() not in TYPES_BY_EXTENSION:
        raise UploadError(f"Dit type bestand is niet toegelaten. Toegelaten: {ALLOWED_TEXT}.")
    if not stem.strip(" ."):
        raise UploadError("Het bestand heeft geen naam, enkel een extensie.")
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
                    raise UploadError(f"Het bestand is te groot: hoogstens {_megabytes(max_bytes)} per bijlage.")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadError("Het bestand is leeg.")
        actual = sniff_type(temporary)
        if actual is None:
            raise UploadError(f"De inhoud van dit bestand is geen {ALLOWED_TEXT}-document, ook al eindigt de naam op "
                              f"{extension}. Toegelaten: {ALLOWED_TEXT}.")
        if actual != expected:
            raise UploadError(f"De inhoud van dit bestand is {TYPE_NAMES[actual]}, maar de naam eindigt op "
                              f"{extension}. Geef het bestand de juiste extensie.")
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
