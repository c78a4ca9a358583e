"""Backups that restore: a PostgreSQL dump and a manifest of every media object.

PostgreSQL holds everything but the media files. `dump_database` writes a
custom-format dump (`pg_dump -Fc`, restorable table by table with
`pg_restore`); `media_manifest` lists every object of the media storages
(local disk or S3) with its size and a checksum, so a copy of the bucket or
of MEDIA_ROOT can be checked against it (`verify_media`) after a restore.
Redis holds only caches and queued tasks: nothing there needs a backup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages

MEDIA_STORAGES = ("default", "public")
MANIFEST_VERSION = 1


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class MediaObject:
    storage: str
    name: str
    size: int
    checksum: str  # "sha256:<hex>" for files on disk, "etag:<etag>" for S3 objects (the bucket's own MD5)


# --- the database -------------------------------------------------------------------------


def connection_args(database: dict) -> tuple[list[str], dict[str, str]]:
    """libpq command-line arguments and environment for a Django database settings dict."""
    if not database["ENGINE"].endswith("postgresql"):
        raise BackupError("Backups need PostgreSQL; this database is " + database["ENGINE"])
    args = ["--dbname", str(database["NAME"])]
    if database.get("HOST"):
        args += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", str(database["USER"])]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return args, env


def database_from_url(url: str) -> dict:
    parts = urlsplit(url)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "HOST": parts.hostname or "",
        "PORT": parts.port or "",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
    }


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (PostgreSQL's client programs, of the server's version or newer)")
    return path


def dump_database(path: Path, database: dict | None = None) -> Path:
    """pg_dump -Fc into `path`: schema and data, restorable into an empty database."""
    args, env = connection_args(database or settings.DATABASES["default"])
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(path), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(result.stderr.strip())
    return path


def create_database(database: dict) -> None:
    """CREATE DATABASE for a restore drill or a fresh server (createdb, as the configured user)."""
    args, env = connection_args(database)
    name = args[1]
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [_tool("createdb"), *args[2:], name], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(result.stderr.strip())


def restore_database(path: Path, database: dict) -> None:
    """pg_restore a dump into `database`, which should be empty (a freshly created database)."""
    args, env = connection_args(database)
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", *args, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(result.stderr.strip())


# --- the media ---------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def _local_objects(alias: str, storage: FileSystemStorage, skip: list[Path]) -> Iterator[MediaObject]:
    root = Path(storage.location)
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if not path.is_file() or any(path.is_relative_to(other) for other in skip):
            continue
        yield MediaObject(alias, path.relative_to(root).as_posix(), path.stat().st_size, _sha256(path))


def _s3_objects(alias: str, storage, skip: list[str]) -> Iterator[MediaObject]:
    prefix = (storage.location.rstrip("/") + "/") if storage.location else ""
    for obj in storage.bucket.objects.filter(Prefix=prefix):
        if any(obj.key.startswith(other) for other in skip):
            continue
        yield MediaObject(alias, obj.key[len(prefix) :], obj.size, "etag:" + obj.e_tag.strip('"'))


def media_objects() -> Iterator[MediaObject]:
    """Every object of the media storages, each listed once (the public one lies inside the private one's root)."""
    chosen: dict[str, Storage] = {alias: storages[alias] for alias in MEDIA_STORAGES if alias in storages.backends}
    for alias, storage in chosen.items():
        others = [s for a, s in chosen.items() if a != alias]
        if isinstance(storage, FileSystemStorage):
            nested = [
                Path(o.location)
                for o in others
                if isinstance(o, FileSystemStorage)
                and Path(o.location).is_relative_to(storage.location)
                and Path(o.location) != Path(storage.location)
            ]
            yield from _local_objects(alias, storage, nested)
        else:
            nested_keys = [
                o.location.rstrip("/") + "/"
                for o in others
                if getattr(o, "bucket_name", None) == storage.bucket_name
                and o.location
                and o.location.startswith(storage.location)
                and o.location != storage.location
            ]
            yield from _s3_objects(alias, storage, nested_keys)


def write_manifest(path: Path, *, dump: Path | None = None) -> dict:
    objects = [asdict(obj) for obj in media_objects()]
    manifest = {
        "version": MANIFEST_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database_dump": dump.name if dump else None,
        "database_dump_checksum": _sha256(dump) if dump else None,
        "media_objects": len(objects),
        "media_bytes": sum(obj["size"] for obj in objects),
        "objects": objects,
    }
    path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


def verify_media(manifest: dict) -> list[str]:
    """What differs between the storages and a manifest: missing objects, other sizes or checksums."""
    present = {(obj.storage, obj.name): obj for obj in media_objects()}
    problems = []
    for entry in manifest["objects"]:
        found = present.get((entry["storage"], entry["name"]))
        if found is None:
            problems.append(f"missing: {entry['storage']}:{entry['name']}")
        elif found.size != entry["size"] or found.checksum != entry["checksum"]:
            problems.append(f"changed: {entry['storage']}:{entry['name']}")
    return problems


def backup(output: Path, *, database: bool = True) -> tuple[Path | None, Path, dict]:
    """Dump the database and write the media manifest beside it, both named by the time of the backup."""
    output.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    dump = dump_database(output / f"heforshe-{stamp}.dump") if database else None
    manifest_path = output / f"heforshe-{stamp}.media.json"
    return dump, manifest_path, write_manifest(manifest_path, dump=dump)
