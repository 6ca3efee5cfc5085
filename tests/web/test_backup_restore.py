"""flask backup / flask restore: the demo with its attachments comes back into a fresh database and
upload folder, every row of every table and every attachment byte for byte (SQLite, or PostgreSQL
when TEST_DATABASE_URL is set)."""
from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from grants import create_app
from grants.applications.models import Application, Attachment, AttachmentKind
from grants.applications.storage import save_upload
from grants.extensions import db

from tests.support.applications import pdf_bytes


def _rows(connection) -> dict[str, list[tuple]]:
    """Every row of every table of the models, in primary-key order."""
    everything = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        everything[table.name] = [tuple(row) for row in connection.execute(sa.select(table).order_by(*order))]
    return everything


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def seeded(app):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    # One more attachment, bigger than the demo's, on the first application.
    first = db.session.scalar(sa.select(Application).order_by(Application.id).limit(1))
    stored = save_upload(io.BytesIO(pdf_bytes(400_000)), "begroting.pdf", upload_dir=app.config["UPLOAD_DIR"],
                         max_bytes=app.config["MAX_ATTACHMENT_BYTES"])
    db.session.add(Attachment(application=first, kind=AttachmentKind.GENERAL, original_name=stored.original_name,
                              stored_name=stored.stored_name, content_type=stored.content_type, size=stored.size,
                              sha256=stored.sha256))
    db.session.commit()
    return app


def _restore_app(url, upload_dir):
    return create_app({"GRANTS_ENV": "testing", "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(upload_dir),
                       "SERVER_NAME": "localhost"})


def test_backup_then_restore_into_a_fresh_database_gives_back_every_row_and_every_file(
        seeded, tmp_path, empty_database_url):
    archive = tmp_path / "backup.tar.gz"
    result = seeded.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    with db.engine.connect() as conn:
        before = _rows(conn)
    uploads_before = _files(Path(seeded.config["UPLOAD_DIR"]))
    assert before["applications"] and before["audit_events"] and before["decisions"]
    assert len(before["attachments"]) == len(uploads_before) > 1

    restored_uploads = tmp_path / "restored-uploads"
    target = _restore_app(empty_database_url, restored_uploads)
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(archive)])
        assert result.exit_code == 0, result.output
        with db.engine.connect() as conn:
            after = _rows(conn)
        assert after == before
        assert _files(restored_uploads) == uploads_before
        verified = target.test_cli_runner().invoke(args=["verify-audit"])
        assert verified.exit_code == 0 and f"OK, {len(before['audit_events'])} events" in verified.output

        # Again into the now full target: refused without --force, nothing touched; with --force replaced.
        (restored_uploads / "stray.txt").write_text("not in the backup")
        refused = target.test_cli_runner().invoke(args=["restore", str(archive)])
        assert refused.exit_code != 0 and "not empty; use --force" in refused.output
        assert (restored_uploads / "stray.txt").exists()
        again = target.test_cli_runner().invoke(args=["restore", "--force", str(archive)])
        assert again.exit_code == 0, again.output
        with db.engine.connect() as conn:
            assert _rows(conn) == before
        assert _files(restored_uploads) == uploads_before
        db.session.remove()
        db.engine.dispose()


def test_a_damaged_attachment_in_the_archive_is_refused(seeded, tmp_path, empty_database_url):
    archive = tmp_path / "backup.tar.gz"
    assert seeded.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(damaged, "w:gz") as copy:
        hit = False
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name.startswith("uploads/") and not hit:
                data, hit = data[:-1] + bytes([data[-1] ^ 1]), True
            copy.addfile(member, io.BytesIO(data) if data is not None else None)
    target = _restore_app(empty_database_url, tmp_path / "uploads2")
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(damaged)])
        assert result.exit_code != 0 and "missing or damaged in the archive" in result.output
        assert not sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_an_archive_of_another_kind_of_database_is_refused(app, tmp_path):
    archive = tmp_path / "other.tar.gz"
    manifest = b'{"format": "grants-backup/1", "database": "oracle", "files": [], "database_file": "x"}'
    with tarfile.open(archive, "w:gz") as out:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        out.addfile(info, io.BytesIO(manifest))
    result = app.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code != 0 and "this backup is of a oracle database" in result.output
