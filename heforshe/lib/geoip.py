"""Refreshing the GeoLite2 City database at GEOIP_PATH from MaxMind.

The copy the maxminddb-geolite2 package ships dates from 2018; MaxMind
publishes a new one twice a week for holders of a (free) licence key. The
download is checked against MaxMind's SHA-256, the one .mmdb member is read
out of the archive (never extracted by its own path), opened as a City
database, and only then moved over the old file in one rename, so a reader
never sees half a file and a bad download never replaces a good one.
heforshe.lib.net reopens the file when it changes.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tarfile
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import maxminddb

MMDB_NAME = "GeoLite2-City.mmdb"
MAX_DATABASE_BYTES = 512 * 1024 * 1024  # today's City file is ~60 MB


class GeoIPRefreshError(Exception):
    """The database could not be refreshed; the file in place is untouched."""


@dataclass(frozen=True)
class Installed:
    path: Path
    build_epoch: int
    database_type: str


def download_url(base: str, suffix: str) -> str:
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}suffix={suffix}"


def fetch(url: str, *, account_id: str, license_key: str, destination: Path, timeout: float = 60) -> None:
    """Download `url` to `destination` with MaxMind's basic authentication (account ID, licence key)."""
    request = urllib.request.Request(url)  # noqa: S310 - an https URL from settings
    token = base64.b64encode(f"{account_id}:{license_key}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, destination.open("wb") as out:  # noqa: S310
            while chunk := response.read(1024 * 1024):
                out.write(chunk)
    except OSError as exc:  # URLError, HTTPError (401 for a wrong key), timeouts
        raise GeoIPRefreshError(f"download failed: {exc}") from exc


def expected_sha256(checksum_file: Path) -> str:
    """The hex digest in a `<sha256>  <file name>` line, as MaxMind publishes it."""
    words = checksum_file.read_text(errors="replace").split()
    if not words or len(words[0]) != 64 or any(c not in "0123456789abcdef" for c in words[0].lower()):
        raise GeoIPRefreshError("the checksum file holds no SHA-256")
    return words[0].lower()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def extract_mmdb(archive: Path, destination: Path) -> None:
    """Copy the archive's one `GeoLite2-City.mmdb` member's bytes to `destination`.

    Only a regular file with that base name is read; links, devices and other
    paths in the archive are never written anywhere.
    """
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = [m for m in tar.getmembers() if m.isfile() and Path(m.name).name == MMDB_NAME]
            if len(members) != 1:
                raise GeoIPRefreshError(f"the archive holds {len(members)} {MMDB_NAME} files, not one")
            member = members[0]
            if member.size > MAX_DATABASE_BYTES:
                raise GeoIPRefreshError(f"{member.name} is {member.size} bytes, more than a City database")
            source = tar.extractfile(member)
            if source is None:
                raise GeoIPRefreshError(f"{member.name} cannot be read")
            with source, destination.open("wb") as out:
                while chunk := source.read(1024 * 1024):
                    out.write(chunk)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise GeoIPRefreshError(f"not a readable .tar.gz archive: {exc}") from exc


def check_database(path: Path) -> tuple[int, str]:
    """(build epoch, database type) of a City database; GeoIPRefreshError for anything else."""
    try:
        reader = maxminddb.open_database(str(path), maxminddb.MODE_FILE)
    except (OSError, ValueError, maxminddb.InvalidDatabaseError) as exc:
        raise GeoIPRefreshError(f"not a MaxMind database: {exc}") from exc
    try:
        metadata = reader.metadata()
    finally:
        reader.close()
    if "City" not in metadata.database_type:
        raise GeoIPRefreshError(f"a {metadata.database_type} database, not a City one")
    return metadata.build_epoch, metadata.database_type


def install_from_archive(archive: Path, target: Path, *, sha256: str | None = None) -> Installed:
    """Check `archive` (against `sha256` when given) and put its database at `target` atomically."""
    if sha256 is not None and sha256_of(archive) != sha256:
        raise GeoIPRefreshError("the archive does not match MaxMind's SHA-256")
    target.parent.mkdir(parents=True, exist_ok=True)
    # In the target's directory, so the final rename never crosses file systems.
    handle, temporary = tempfile.mkstemp(prefix=".geoip-", suffix=".mmdb", dir=target.parent)
    os.close(handle)
    staged = Path(temporary)
    try:
        extract_mmdb(archive, staged)
        build_epoch, database_type = check_database(staged)
        staged.chmod(0o644)
        os.replace(staged, target)
    finally:
        staged.unlink(missing_ok=True)
    return Installed(path=target, build_epoch=build_epoch, database_type=database_type)


def refresh(*, target: Path, base_url: str, account_id: str, license_key: str) -> Installed:
    """Download the newest City database and install it at `target`."""
    with tempfile.TemporaryDirectory(prefix="geoip-") as workdir:
        archive = Path(workdir) / "database.tar.gz"
        checksum = Path(workdir) / "database.tar.gz.sha256"
        fetch(
            download_url(base_url, "tar.gz.sha256"),
            account_id=account_id,
            license_key=license_key,
            destination=checksum,
        )
        fetch(download_url(base_url, "tar.gz"), account_id=account_id, license_key=license_key, destination=archive)
        return install_from_archive(archive, target, sha256=expected_sha256(checksum))
