"""Backup and restore: one archive with the database and the attachments.

The archive is a tar.gz with
- manifest.json: the format, the database kind, the schema revision, when, and every attachment
  file with its size and sha256 (checked again on restore);
- database.sqlite3 (SQLite, made with the online backup API: a consistent copy while the
  application runs) or database.pgdump (PostgreSQL, `pg_dump -Fc`, one consistent snapshot);
- uploads/...: the files of UPLOAD_DIR, as they are.

Restoring goes into the configured database and UPLOAD_DIR. It refuses a target that holds
anything (a table in the database or a file in UPLOAD_DIR) unless `force`; with `force` the
database and UPLOAD_DIR are replaced entirely. A backup restores into the same kind of database it
was made from. On PostgreSQL, pg_dump and pg_restore are taken from the PATH or from
/usr/lib/postgresql/*/bin (the newest); `pg_restore --single-transaction` loads all or nothing.

The uploads are copied after the database: an attachment stored while the backup runs may be in
the archive without its row, never a row without its file older than the backup (files are only
removed after the commit that forgets them).
"""
from __future__ import annotations

import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from .extensions import db
from .timeutil import utcnow

FORMAT = "grants-backup/1"


class BackupError(RuntimeError):
    """Why a backup or restore was refused or failed (for the operator)."""


@dataclass(frozen=True)
class Summary:
    database: str
    tables: int
    files: int
    bytes: int


# --------------------------------------------------------------------------- helpers


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if candidates:
        return candidates[-1]
    raise BackupError(f"{name} not found on the PATH nor under /usr/lib/postgresql/*/bin")


def _postgres_command(url: sa.engine.URL) -> tuple[list[str], dict]:
    """Connection options for pg_dump/pg_restore; the password goes through the environment, not argv."""
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def _sqlite_path(url: sa.engine.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _upload_files(upload_dir: Path) -> list[Path]:
    if not upload_dir.is_dir():
        return []
    return sorted(p for p in upload_dir.rglob("*") if p.is_file())


def _revision() -> str | None:
    if not sa.inspect(db.engine).has_table("alembic_version"):
        return None
    with db.engine.connect() as conn:
        return conn.scalar(sa.text("SELECT version_num FROM alembic_version"))


# --------------------------------------------------------------------------- backup


def backup(target: str | os.PathLike) -> Summary:
    """Write the archive to `target` (replaced only once it is complete)."""
    url = db.engine.url
    dialect = db.engine.dialect.name
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    target = Path(target)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if dialect == "sqlite":
            dump, name = work / "database.sqlite3", "database.sqlite3"
            source = sqlite3.connect(_sqlite_path(url))
            copy = sqlite3.connect(dump)
            try:
                source.backup(copy)
            finally:
                copy.close()
                source.close()
        elif dialect == "postgresql":
            dump, name = work / "database.pgdump", "database.pgdump"
            args, env = _postgres_command(url)
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(dump), *args],
                 env)
        else:
            raise BackupError(f"no backup for database kind {dialect}")
        files = _upload_files(upload_dir)
        manifest = {
            "format": FORMAT, "database": dialect, "revision": _revision(), "created_at": utcnow().isoformat(),
            "database_file": name,
            "files": [{"path": p.relative_to(upload_dir).as_posix(), "size": p.stat().st_size, "sha256": _sha256(p)}
                      for p in files],
        }
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode("utf-8")
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(data), int(utcnow().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=name)
            for path in files:
                archive.add(path, arcname=f"uploads/{path.relative_to(upload_dir).as_posix()}")
        os.replace(partial, target)
    return Summary(dialect, len(sa.inspect(db.engine).get_table_names()), len(files),
                   sum(f["size"] for f in manifest["files"]))


# --------------------------------------------------------------------------- restore


def target_is_empty() -> bool:
    """No table in the database and no file in UPLOAD_DIR."""
    return not sa.inspect(db.engine).get_table_names() and not _upload_files(Path(current_app.config["UPLOAD_DIR"]))


def restore(source: str | os.PathLike, *, force: bool = False) -> Summary:
    """Put the archive's database and attachments in place of the configured ones."""
    url = db.engine.url
    dialect = db.engine.dialect.name
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    with tarfile.open(source, "r:gz") as archive, tempfile.TemporaryDirectory() as work:
        work = Path(work)
        try:
            manifest = json.load(archive.extractfile("manifest.json"))
        except KeyError as exc:
            raise BackupError("not a backup of this application: no manifest.json") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        if manifest["database"] != dialect:
            raise BackupError(f"this backup is of a {manifest['database']} database; the target is {dialect}")
        if not force and not target_is_empty():
            raise BackupError("the target database or upload folder is not empty; use --force to replace them")
        # The archive's own members only, checked (no absolute paths, no .., no links: the "data" filter).
        archive.extractall(work, filter="data")
        for entry in manifest["files"]:
            path = work / "uploads" / entry["path"]
            if not path.is_file() or _sha256(path) != entry["sha256"]:
                raise BackupError(f"attachment {entry['path']} is missing or damaged in the archive")
        dump = work / manifest["database_file"]
        db.session.remove()
        db.engine.dispose()
        if dialect == "sqlite":
            source_db = sqlite3.connect(dump)
            target_db = sqlite3.connect(_sqlite_path(url))
            try:
                source_db.backup(target_db)  # replaces every page of the target
            finally:
                target_db.close()
                source_db.close()
        else:
            if force:
                _empty_postgres()
            args, env = _postgres_command(url)
            _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                  *args, str(dump)], env)
        if upload_dir.exists():
            for child in upload_dir.iterdir():
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        upload_dir.mkdir(parents=True, exist_ok=True)
        extracted = work / "uploads"
        if extracted.is_dir():
            shutil.copytree(extracted, upload_dir, dirs_exist_ok=True)
    tables = len(sa.inspect(db.engine).get_table_names())
    return Summary(dialect, tables, len(manifest["files"]), sum(f["size"] for f in manifest["files"]))


def _empty_postgres() -> None:
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    db.engine.dispose()
