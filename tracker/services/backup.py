"""Backup and restore: a consistent copy of the database, taken while the app runs (SQLite online
backup), with the attachments and a manifest of their hashes, in one archive. The audit key is not
in it: it is backed up separately, so that the archive alone cannot rewrite the trail.

A backup is written under a temporary name and renamed when complete, so a killed backup never
leaves a partial archive under the final name. Its temporary files (the database copy, the partial
archive) sit beside the archive under names that carry the writer's process id: removed on failure,
and what a killed backup left (its process gone) is removed by the next one. A restore checks everything in a staging folder
(manifest, every file's hash, the database's integrity, the audit trail and the rows against it)
and moves the files into place only when all pass.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from datetime import datetime, UTC
from pathlib import Path

from ..store import audit_queries, audit_seal, backup_manifest, connection, migrations
from .attachments import folder as attachments_folder

DB_NAME = "tracker.db"
MANIFEST = "manifest.json"
FORMAT = 2
_STORED = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}$")  # how attachments are kept: by their SHA-256


class RestoreRefused(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stored_attachments(db_path: Path) -> list[Path]:
    """The attachment files, by their place (xx/<sha256>): a file being written has a temporary
    name and is left out, as is anything else in the folder."""
    root = attachments_folder(db_path)
    if not root.exists():
        return []
    return sorted(p for p in root.glob("??/*") if _STORED.match(p.relative_to(root).as_posix()))


_LEFTOVER = re.compile(r"^\.(?:tracker-backup|.+\.partial)-(\d+)(?:-.*)?$")  # "<name>-<pid>[-random]"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove what killed backups left in ``folder`` (their process is gone); returns what went."""
    removed = []
    for path in folder.glob(".*"):
        found = _LEFTOVER.match(path.name)
        if found and int(found.group(1)) != os.getpid() and not _alive(int(found.group(1))):
            shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def backup(db_path: Path, out: Path) -> dict:
    """Write ``out`` (.tar.gz): the database as of one moment, every attachment, and a manifest."""
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out.parent)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".tracker-backup-{os.getpid()}-") as tmp:
        partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
        try:
            copy = Path(tmp) / DB_NAME
            connection.copy_database(db_path, copy)  # a consistent snapshot, even with writers busy
            with connection.reading(copy) as db:
                last = audit_queries.last(db)
            root = attachments_folder(db_path)
            attachments: dict[str, str] = {}
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(copy, DB_NAME)
                for path in _stored_attachments(db_path):
                    name = path.relative_to(root).as_posix()
                    try:
                        digest = _sha256(path)
                        archive.add(path, f"attachments/{name}")
                    except FileNotFoundError:  # gone meanwhile (not by this program: attachments stay)
                        continue
                    attachments[name] = digest
                manifest = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                            "database_sha256": _sha256(copy), "attachments": len(attachments),
                            "attachment_sha256": attachments,
                            "audit_head": list(last) if last else None}
                backup_manifest.write(Path(tmp) / MANIFEST, manifest)
                archive.add(Path(tmp) / MANIFEST, MANIFEST)
            os.replace(partial, out)  # complete, under its name; never half an archive there
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def restore(archive_path: Path, db_path: Path, audit_key: bytes | None = None) -> dict:
    """Restore into an empty location only, after every check has passed in a staging folder.
    ``audit_key``: the key the trail was sealed with (default: the one already at the target's key
    place); it is installed there."""
    from .audit import unrecorded_changes, verify_chain

    if db_path.exists() and db_path.stat().st_size > 0:
        raise RestoreRefused(f"{db_path} already exists; restore into an empty location")
    if attachments_folder(db_path).exists() and any(attachments_folder(db_path).iterdir()):
        raise RestoreRefused(f"{attachments_folder(db_path)} is not empty")
    key = audit_key or (audit_seal.key(db_path) if audit_seal.has_key(db_path) else None)
    if key is None:
        raise RestoreRefused(f"the audit key is needed to check the trail: give it (--audit-key FILE) or put it "
                             f"at {audit_seal.key_path(db_path)}")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=db_path.parent, prefix=".restore-") as staging:
        stage = Path(staging)
        manifest = _unpack(archive_path, stage)
        _check_files(stage, manifest)
        staged_db = stage / DB_NAME
        _check_database(staged_db)
        broken, _ = verify_chain(staged_db, key)
        if broken is not None:
            raise RestoreRefused(f"the audit trail in the archive is broken at "
                                 f"{'record ' + str(broken.record_id) if broken.record_id else 'its end'} "
                                 f"({broken.reason.replace('_', ' ')})")
        _check_head(staged_db, manifest)
        changed = unrecorded_changes(staged_db, key)
        if changed:
            names = ", ".join(f"{c.table_name} {c.row_id}" for c in changed[:10])
            raise RestoreRefused(f"{len(changed)} rows in the archive differ from the audit trail: {names}")
        # every check passed: now, and only now, the files go into place
        for suffix in ("-wal", "-shm"):
            Path(f"{staged_db}{suffix}").unlink(missing_ok=True)
        staged_attachments = stage / "attachments"
        if staged_attachments.exists():
            attachments_folder(db_path).parent.mkdir(parents=True, exist_ok=True)
            if attachments_folder(db_path).exists():
                attachments_folder(db_path).rmdir()  # empty (checked above)
            shutil.move(str(staged_attachments), attachments_folder(db_path))
        os.replace(staged_db, db_path)
    if not audit_seal.has_key(db_path) or audit_seal.key(db_path) != key:
        audit_seal.install_key(db_path, key)
    if manifest.get("audit_head"):
        audit_seal.write_head(db_path, *manifest["audit_head"])
    migrations.migrate(db_path)
    return manifest


def _unpack(archive_path: Path, stage: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            members = archive.getmembers()
            names = [m.name for m in members]
            if MANIFEST not in names or DB_NAME not in names:
                raise RestoreRefused(f"{archive_path} is not a tracker backup")
            for member in members:
                allowed = member.name in (MANIFEST, DB_NAME) or member.name.startswith("attachments/")
                if not allowed or ".." in Path(member.name).parts or not (member.isfile() or member.isdir()):
                    raise RestoreRefused(f"unexpected entry in the archive: {member.name}")
            archive.extractall(stage, filter="data")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise RestoreRefused(f"{archive_path} is damaged or cut short ({error.__class__.__name__}: {error})") from error
    try:
        manifest = backup_manifest.read(stage / MANIFEST)
    except backup_manifest.ManifestUnreadable as error:
        raise RestoreRefused(f"the manifest of {archive_path} is unreadable or incomplete ({error})") from error
    return manifest


def _check_files(stage: Path, manifest: dict) -> None:
    if _sha256(stage / DB_NAME) != manifest["database_sha256"]:
        raise RestoreRefused("the database in the archive does not match its manifest")
    listed = manifest.get("attachment_sha256")
    if not isinstance(listed, dict):  # an archive of the first format counted its files only
        raise RestoreRefused("the manifest does not list the attachments' hashes (a backup from an older version: "
                             "restore it with that version, then back it up again)")
    root = stage / "attachments"
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()
    if present != set(listed):
        missing, extra = sorted(set(listed) - present), sorted(present - set(listed))
        raise RestoreRefused(f"attachments differ from the manifest (missing: {missing[:5]}, not listed: {extra[:5]})")
    for name, digest in listed.items():
        actual = _sha256(root / name)
        if actual != digest or name.rsplit("/", 1)[-1] != digest:
            raise RestoreRefused(f"attachment {name} does not match its hash")


def _check_database(path: Path) -> None:
    try:
        result = connection.check_file(path)
    except sqlite3.DatabaseError as error:
        raise RestoreRefused(f"the database in the archive is not a tracker database ({error})") from error
    if result != "ok":
        raise RestoreRefused(f"the database in the archive is damaged: {result}")


def _check_head(path: Path, manifest: dict) -> None:
    with connection.reading(path) as db:
        last = audit_queries.last(db)
    if manifest.get("audit_head") is not None and list(last or []) != list(manifest["audit_head"]):
        raise RestoreRefused("the audit trail in the archive does not end where its manifest says")
