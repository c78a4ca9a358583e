"""Refreshing GEOIP_PATH: checksum, archive extraction and install, offline (a local server stands in for MaxMind)."""

from __future__ import annotations

import base64
import hashlib
import http.server
import io
import shutil
import tarfile
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from heforshe.lib import geoip, net

PACKAGED_BUILD_DATE = "2018-07-03"


@pytest.fixture(scope="module")
def _packaged_bytes() -> bytes:
    import _maxminddb_geolite2

    return (Path(_maxminddb_geolite2.__file__).parent / "GeoLite2-City.mmdb").read_bytes()


@pytest.fixture
def packaged_mmdb(settings, _packaged_bytes) -> bytes:
    settings.GEOIP_PATH = ""
    return _packaged_bytes


@pytest.fixture(scope="module")
def _packaged_archive(tmp_path_factory, _packaged_bytes) -> Path:
    return maxmind_archive(tmp_path_factory.mktemp("archive"), _packaged_bytes)


def make_archive(path: Path, members: dict[str, bytes]) -> Path:
    # The fastest compression: the City file is 56 MB and the tests build several archives.
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def maxmind_archive(tmp_path: Path, mmdb: bytes) -> Path:
    return make_archive(
        tmp_path / "GeoLite2-City_20260101.tar.gz",
        {"GeoLite2-City_20260101/COPYRIGHT.txt": b"(c) MaxMind", "GeoLite2-City_20260101/GeoLite2-City.mmdb": mmdb},
    )


def test_the_database_is_installed_from_the_archive_and_used(tmp_path, packaged_mmdb, _packaged_archive, settings):
    target = tmp_path / "geo" / "GeoLite2-City.mmdb"
    installed = geoip.install_from_archive(_packaged_archive, target)
    assert installed.database_type == "GeoLite2-City"
    assert target.read_bytes() == packaged_mmdb
    settings.GEOIP_PATH = str(target)
    assert net.geoip_build_date().date().isoformat() == PACKAGED_BUILD_DATE
    assert net.country_for_ip("81.2.69.160") == "GB"


def test_an_archive_that_does_not_match_the_checksum_is_refused_and_the_old_file_stays(tmp_path, _packaged_archive):
    target = tmp_path / "GeoLite2-City.mmdb"
    target.write_bytes(b"the database in use")
    with pytest.raises(geoip.GeoIPRefreshError, match="SHA-256"):
        geoip.install_from_archive(_packaged_archive, target, sha256="0" * 64)
    assert target.read_bytes() == b"the database in use"


def test_a_matching_checksum_is_accepted(tmp_path, packaged_mmdb, _packaged_archive):
    archive = _packaged_archive
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    geoip.install_from_archive(archive, tmp_path / "GeoLite2-City.mmdb", sha256=digest)
    assert (tmp_path / "GeoLite2-City.mmdb").read_bytes() == packaged_mmdb


def test_a_file_that_is_not_a_maxmind_database_is_refused_and_the_old_file_stays(tmp_path):
    target = tmp_path / "GeoLite2-City.mmdb"
    target.write_bytes(b"the database in use")
    with pytest.raises(geoip.GeoIPRefreshError, match="not a MaxMind database"):
        geoip.install_from_archive(maxmind_archive(tmp_path, b"<html>an error page</html>"), target)
    assert target.read_bytes() == b"the database in use"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".geoip-")] == []


def test_an_archive_without_the_database_is_refused(tmp_path):
    archive = make_archive(tmp_path / "a.tar.gz", {"GeoLite2-City_1/README.txt": b"nothing"})
    with pytest.raises(geoip.GeoIPRefreshError, match="0 GeoLite2-City.mmdb"):
        geoip.install_from_archive(archive, tmp_path / "GeoLite2-City.mmdb")


def test_an_archive_with_two_databases_is_refused(tmp_path):
    archive = make_archive(tmp_path / "a.tar.gz", {"a/GeoLite2-City.mmdb": b"one", "b/GeoLite2-City.mmdb": b"two"})
    with pytest.raises(geoip.GeoIPRefreshError, match="2 GeoLite2-City.mmdb"):
        geoip.install_from_archive(archive, tmp_path / "GeoLite2-City.mmdb")


def test_a_member_path_leaving_the_directory_writes_nothing_there(tmp_path, packaged_mmdb):
    archive = make_archive(tmp_path / "a.tar.gz", {"../../escaped/GeoLite2-City.mmdb": packaged_mmdb})
    target = tmp_path / "geo" / "GeoLite2-City.mmdb"
    geoip.install_from_archive(archive, target)
    assert target.read_bytes() == packaged_mmdb
    assert not (tmp_path.parent.parent / "escaped").exists()


def test_a_link_named_like_the_database_is_not_followed(tmp_path):
    archive = tmp_path / "a.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        link = tarfile.TarInfo("x/GeoLite2-City.mmdb")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)
    with pytest.raises(geoip.GeoIPRefreshError, match="0 GeoLite2-City.mmdb"):
        geoip.install_from_archive(archive, tmp_path / "GeoLite2-City.mmdb")


def test_a_download_that_is_not_an_archive_is_refused(tmp_path):
    archive = tmp_path / "a.tar.gz"
    archive.write_bytes(b"<html>Invalid license key</html>")
    with pytest.raises(geoip.GeoIPRefreshError, match="not a readable .tar.gz"):
        geoip.install_from_archive(archive, tmp_path / "GeoLite2-City.mmdb")


@pytest.mark.parametrize("content", ["", "not-a-digest  GeoLite2-City.tar.gz"])
def test_a_checksum_file_without_a_digest_is_refused(tmp_path, content):
    checksum = tmp_path / "x.sha256"
    checksum.write_text(content)
    with pytest.raises(geoip.GeoIPRefreshError, match="no SHA-256"):
        geoip.expected_sha256(checksum)


# --- the management command ------------------------------------------------------


def test_the_command_needs_geoip_path(settings):
    settings.GEOIP_PATH = ""
    with pytest.raises(CommandError, match="GEOIP_PATH"):
        call_command("geoip_refresh")


def test_the_command_needs_a_maxmind_account_and_key(settings, tmp_path):
    settings.GEOIP_PATH = str(tmp_path / "GeoLite2-City.mmdb")
    settings.MAXMIND_ACCOUNT_ID = ""
    settings.MAXMIND_LICENSE_KEY = ""
    with pytest.raises(CommandError, match="MAXMIND_LICENSE_KEY"):
        call_command("geoip_refresh")


def test_the_command_installs_a_local_archive(settings, tmp_path, _packaged_archive, capsys):
    settings.GEOIP_PATH = str(tmp_path / "GeoLite2-City.mmdb")
    call_command("geoip_refresh", archive=str(_packaged_archive))
    assert f"GeoLite2-City built {PACKAGED_BUILD_DATE} installed at" in capsys.readouterr().out


class FakeMaxMind(http.server.BaseHTTPRequestHandler):
    archive: bytes = b""
    credentials = "Basic " + base64.b64encode(b"123456:the-licence-key").decode()

    def do_GET(self):  # noqa: N802 - http.server's name
        if self.headers.get("Authorization") != self.credentials:
            self.send_response(401)
            self.end_headers()
            return
        if self.path.endswith("suffix=tar.gz.sha256"):
            body = f"{hashlib.sha256(self.archive).hexdigest()}  GeoLite2-City_20260101.tar.gz\n".encode()
        elif self.path.endswith("suffix=tar.gz"):
            body = self.archive
        else:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_maxmind(packaged_mmdb, _packaged_archive):
    FakeMaxMind.archive = _packaged_archive.read_bytes()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeMaxMind)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/geoip/databases/GeoLite2-City/download"
    server.shutdown()
    server.server_close()


def test_the_command_downloads_checks_and_installs_the_database(settings, tmp_path, fake_maxmind, packaged_mmdb):
    target = tmp_path / "data" / "GeoLite2-City.mmdb"
    settings.GEOIP_PATH = str(target)
    settings.GEOIP_DOWNLOAD_URL = fake_maxmind
    settings.MAXMIND_ACCOUNT_ID = "123456"
    settings.MAXMIND_LICENSE_KEY = "the-licence-key"
    call_command("geoip_refresh")
    assert target.read_bytes() == packaged_mmdb


def test_a_wrong_licence_key_leaves_the_database_as_it_was(settings, tmp_path, fake_maxmind):
    target = tmp_path / "GeoLite2-City.mmdb"
    shutil.copyfile(net.geoip_path(), target)
    before = target.read_bytes()
    settings.GEOIP_PATH = str(target)
    settings.GEOIP_DOWNLOAD_URL = fake_maxmind
    settings.MAXMIND_ACCOUNT_ID = "123456"
    settings.MAXMIND_LICENSE_KEY = "wrong"
    with pytest.raises(CommandError, match="401"):
        call_command("geoip_refresh")
    assert target.read_bytes() == before
