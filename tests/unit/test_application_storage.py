"""Attachment storage: names, types by content, size, random stored names (no Flask needed)."""
from __future__ import annotations

import io
import os

import pytest

from grants.applications.storage import (
    DOCX, ODT, PDF, XLSX, UploadError, check_filename, format_size, path_for, remove, save_upload, sniff_type,
)
from tests.support.applications import docx_bytes, exe_bytes, odt_bytes, pdf_bytes, xlsx_bytes

MB = 1024 * 1024


@pytest.mark.parametrize("name", ["projectplan.pdf", "Begroting 2027.XLSX", "Ça va – samenwerking.odt",
                                  "verslag.v2.docx", "a" * 196 + ".pdf"])
def test_good_names(name):
    assert check_filename(f"  {name} ") == name


@pytest.mark.parametrize("name, message", [
    ("", "Kies een bestand"), ("   ", "Kies een bestand"), (None, "Kies een bestand"),
    ("../plan.pdf", "geen map of pad"), ("map/plan.pdf", "geen map of pad"), ("map\\plan.pdf", "geen map of pad"),
    ("..", "geen map of pad"), ("C:plan.pdf", "geen map of pad"),
    ("plan\x00.pdf", "onzichtbare of ongeldige tekens"), ("plan\u200b.pdf", "onzichtbare of ongeldige tekens"),
    ("a" * 197 + ".pdf", r"te lang \(201 tekens; hoogstens 200\)"),
    ("plan.exe", "niet toegelaten"), ("plan.pdf.exe", "niet toegelaten"), ("plan", "niet toegelaten"),
    ("plan.doc", "niet toegelaten"), (".pdf", "geen naam"), (" ..pdf", "geen map of pad"),
])
def test_refused_names(name, message):
    with pytest.raises(UploadError, match=message):
        check_filename(name)


@pytest.mark.parametrize("data, kind", [(pdf_bytes(), PDF), (docx_bytes(), DOCX), (xlsx_bytes(), XLSX),
                                        (odt_bytes(), ODT), (exe_bytes(), None), (b"PK\x03\x04junk", None),
                                        (b"plain text", None), (b"", None)])
def test_type_by_content(tmp_path, data, kind):
    path = tmp_path / "file"
    path.write_bytes(data)
    assert sniff_type(path) == kind


def test_saved_under_a_random_name_with_size_and_hash(tmp_path):
    stored = save_upload(io.BytesIO(pdf_bytes()), "plan.pdf", upload_dir=tmp_path, max_bytes=MB)
    assert stored.original_name == "plan.pdf" and stored.content_type == PDF and stored.size == len(pdf_bytes())
    assert len(stored.stored_name) == 32 and os.listdir(tmp_path) == [stored.stored_name]
    import hashlib
    assert stored.sha256 == hashlib.sha256(pdf_bytes()).hexdigest()
    other = save_upload(io.BytesIO(pdf_bytes()), "plan.pdf", upload_dir=tmp_path, max_bytes=MB)
    assert other.stored_name != stored.stored_name
    remove(tmp_path, stored.stored_name)
    assert os.listdir(tmp_path) == [other.stored_name]


def test_size_limit_to_the_byte(tmp_path):
    assert save_upload(io.BytesIO(pdf_bytes(1000)), "a.pdf", upload_dir=tmp_path, max_bytes=1000).size == 1000
    with pytest.raises(UploadError, match="te groot"):
        save_upload(io.BytesIO(pdf_bytes(1001)), "b.pdf", upload_dir=tmp_path, max_bytes=1000)
    assert len(os.listdir(tmp_path)) == 1  # nothing left of the refused file


def test_renamed_executable_refused_and_nothing_left(tmp_path):
    with pytest.raises(UploadError, match="geen PDF, DOCX, XLSX of ODT-document"):
        save_upload(io.BytesIO(exe_bytes()), "setup.pdf", upload_dir=tmp_path, max_bytes=MB)
    assert os.listdir(tmp_path) == []


def test_only_our_own_names_resolve(tmp_path):
    with pytest.raises(FileNotFoundError):
        path_for(tmp_path, "../../etc/passwd")
    assert path_for(tmp_path, "0" * 32) == tmp_path / ("0" * 32)


def test_format_size():
    assert format_size(500) == "500 bytes" and format_size(1536) == "1,5 kB" and format_size(10 * MB) == "10,0 MB"
