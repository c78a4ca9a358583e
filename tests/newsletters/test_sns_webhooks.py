"""Amazon SES bounces and complaints arrive through Amazon SNS: only messages signed by SNS count.

A local HTTP server plays Amazon's certificate host; the key and certificate are made here.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.server
import json
import re
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.test import Client

from newsletters.models import Suppression
from newsletters.sns import string_to_sign

pytestmark = pytest.mark.django_db

BASIC = "hook:s3cret-hook-password"
URL = "/anymail/amazon_ses/tracking/"


def _key_and_cert():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.test.amazonaws.com")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def signer():
    """(private key, base URL): a certificate host serving /good.pem, as sns.<region>.amazonaws.com does."""
    key, pem = _key_and_cert()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            body = pem if self.path == "/good.pem" else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield key, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(autouse=True)
def _anymail(settings, signer):
    settings.ANYMAIL = {"WEBHOOK_SECRET": BASIC}
    _key, base = signer
    settings.AMAZON_SNS_CERT_URL_PATTERN = "^" + re.escape(base) + "/"


def _bounce(recipient: str) -> dict:
    ses = {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": recipient, "diagnosticCode": "smtp; 550 5.1.1 unknown"}],
            "timestamp": "2026-12-01T12:00:00.000Z",
        },
        "mail": {"messageId": "0100-ses-id", "timestamp": "2026-12-01T11:59:00.000Z", "destination": [recipient]},
    }
    return {
        "Type": "Notification",
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": "arn:aws:sns:eu-west-1:123456789012:ses-bounces",
        "Message": json.dumps(ses),
        "Timestamp": "2026-12-01T12:00:01.000Z",
    }


def _signed(message: dict, signer, *, version: str = "1", cert: str = "/good.pem") -> dict:
    key, base = signer
    message = {**message, "SignatureVersion": version, "SigningCertURL": base + cert}
    algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()  # noqa: S303 - SNS version 1 is SHA1
    signature = key.sign(string_to_sign(message), padding.PKCS1v15(), algorithm)
    return {**message, "Signature": base64.b64encode(signature).decode()}


def _post(payload):
    header = "Basic " + base64.b64encode(BASIC.encode()).decode()
    return Client().post(
        URL, json.dumps(payload), content_type="text/plain; charset=UTF-8", HTTP_AUTHORIZATION=header,
        HTTP_X_AMZ_SNS_MESSAGE_TYPE=payload.get("Type", ""), HTTP_X_AMZ_SNS_MESSAGE_ID=payload.get("MessageId", ""),
    )  # fmt: skip


@pytest.mark.parametrize("version", ["1", "2"])
def test_a_bounce_signed_by_sns_suppresses_the_address(signer, version):
    response = _post(_signed(_bounce("gone@example.org"), signer, version=version))
    assert response.status_code == 200
    assert Suppression.objects.get().email_canonical == "gone@example.org"


def test_an_unsigned_bounce_is_refused_and_changes_nothing():
    response = _post(_bounce("gone@example.org"))
    assert response.status_code == 400
    assert "Amazon SNS signature" in response.content.decode()
    assert not Suppression.objects.exists()


def test_a_forged_bounce_is_refused_and_changes_nothing(signer):
    message = _signed(_bounce("someone@example.org"), signer)
    message["Message"] = message["Message"].replace("someone@", "victim@")  # signed for another address
    assert _post(message).status_code == 400
    assert not Suppression.objects.exists()


def test_a_bounce_signed_by_another_key_is_refused(signer):
    other_key, _pem = _key_and_cert()
    assert _post(_signed(_bounce("gone@example.org"), (other_key, signer[1]))).status_code == 400
    assert not Suppression.objects.exists()


def test_a_certificate_off_the_allowed_hosts_is_never_fetched(signer, settings):
    settings.AMAZON_SNS_CERT_URL_PATTERN = r"^https://sns\.[a-z0-9-]+\.amazonaws\.com/"
    assert _post(_signed(_bounce("gone@example.org"), signer)).status_code == 400
    assert not Suppression.objects.exists()


def test_an_unknown_signature_version_is_refused(signer):
    message = {**_signed(_bounce("gone@example.org"), signer), "SignatureVersion": "3"}
    assert _post(message).status_code == 400


def test_a_body_that_is_not_json_is_refused():
    header = "Basic " + base64.b64encode(BASIC.encode()).decode()
    response = Client().post(URL, b"\xff not json", content_type="text/plain", HTTP_AUTHORIZATION=header)
    assert response.status_code == 400
    assert not Suppression.objects.exists()
