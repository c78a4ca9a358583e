"""Amazon SNS message signatures: Amazon SES posts its bounces and complaints through SNS.

Anymail's SES webhook checks only the shared basic-auth secret; a leaked secret, or a proxy that logs
it, would let anyone suppress any address. Every SNS message is signed by Amazon: the fields below,
each as "Name\\nvalue\\n", signed with the private key of the certificate at `SigningCertURL`, with
SHA1 (`SignatureVersion` 1) or SHA256 (2) and PKCS#1 v1.5
(https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html).

The certificate is fetched only from a URL matching `AMAZON_SNS_CERT_URL_PATTERN` (by default an https
URL on an `sns.<region>.amazonaws.com` host: a forger cannot point us at a certificate of his own), and
cached. Anything unsigned, malformed or not verifying raises `InvalidSNSMessage`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import urllib.request

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
SUBSCRIPTION_FIELDS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")
HASHES = {"1": hashes.SHA1, "2": hashes.SHA256}
MAX_CERT_BYTES = 64 * 1024


class InvalidSNSMessage(ValueError):
    pass


def string_to_sign(message: dict) -> bytes:
    kind = message.get("Type")
    if kind == "Notification":
        fields = NOTIFICATION_FIELDS
    elif kind in ("SubscriptionConfirmation", "UnsubscribeConfirmation"):
        fields = SUBSCRIPTION_FIELDS
    else:
        raise InvalidSNSMessage(f"unknown message type {kind!r}")
    parts = []
    for name in fields:
        if name in message and message[name] is not None:
            if not isinstance(message[name], str):
                raise InvalidSNSMessage(f"{name} is not a string")
            parts.append(f"{name}\n{message[name]}\n")
        elif name != "Subject":
            raise InvalidSNSMessage(f"{name} missing")
    return "".join(parts).encode("utf-8")


def _certificate(url: str) -> x509.Certificate:
    if not re.match(settings.AMAZON_SNS_CERT_URL_PATTERN, url):
        raise InvalidSNSMessage("the signing certificate is not on an Amazon SNS host")
    key = "newsletters:sns-cert:" + hashlib.sha256(url.encode()).hexdigest()
    pem = cache.get(key)
    if pem is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - pattern-checked above
                pem = response.read(MAX_CERT_BYTES + 1)
        except OSError as exc:
            raise InvalidSNSMessage("the signing certificate could not be fetched") from exc
        if len(pem) > MAX_CERT_BYTES:
            raise InvalidSNSMessage("the signing certificate is too large")
    try:
        certificate = x509.load_pem_x509_certificate(pem)
    except ValueError as exc:
        raise InvalidSNSMessage("the signing certificate is not a certificate") from exc
    cache.set(key, pem, timeout=24 * 3600)
    return certificate


def verify(body: bytes) -> dict:
    """The SNS message in `body`, once its signature checks out; InvalidSNSMessage otherwise."""
    try:
        message = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidSNSMessage("not JSON") from exc
    if not isinstance(message, dict):
        raise InvalidSNSMessage("not an SNS message")
    algorithm = HASHES.get(str(message.get("SignatureVersion", "")))
    if algorithm is None:
        raise InvalidSNSMessage("unsigned, or an unknown signature version")
    url, signature = message.get("SigningCertURL"), message.get("Signature")
    if not isinstance(url, str) or not isinstance(signature, str):
        raise InvalidSNSMessage("unsigned")
    try:
        raw = base64.b64decode(signature, validate=True)
    except ValueError as exc:
        raise InvalidSNSMessage("the signature is not base64") from exc
    data = string_to_sign(message)
    public_key = _certificate(url).public_key()
    try:
        public_key.verify(raw, data, padding.PKCS1v15(), algorithm())
    except (InvalidSignature, TypeError, ValueError) as exc:
        raise InvalidSNSMessage("the signature does not verify") from exc
    return message
