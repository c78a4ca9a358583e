"""Where media files live and how they reach a browser, for every app.

Two storages (`settings.STORAGES`, explained in docs/production.md):

- `"default"` is private: originals, media of unpublished stories, progress
  report evidence, kit files. In production nothing in it has a public URL:
  a view checks access, then hands the file to the reverse proxy with
  `X-Accel-Redirect` to `accel_redirect_uri(...)`, or, on S3 without a proxy,
  redirects to `signed_url(...)`, valid a few minutes.
- `"public"` (`public_storage()`) holds what anyone may see: stable, unsigned,
  cacheable URLs under `MEDIA_PUBLIC_URL` (local disk, `MEDIA_ROOT/public`)
  or the bucket's public prefix (`AWS_PUBLIC_LOCATION`, `AWS_S3_CUSTOM_DOMAIN`).
"""

from __future__ import annotations

import os
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property

# Below the accel prefix, objects of an S3 bucket: the proxy forwards the rest
# of the URI (bucket, key and signature) to the S3 endpoint.
ACCEL_S3_SEGMENT = "s3/"


class PublicFileSystemStorage(FileSystemStorage):
    """`MEDIA_ROOT/public` served at `MEDIA_PUBLIC_URL`, following changes of either setting (tests)."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, os.path.join(settings.MEDIA_ROOT, "public"))

    @cached_property
    def base_url(self):
        url = self._value_or_setting(self._base_url, settings.MEDIA_PUBLIC_URL)
        return url if url.endswith("/") else url + "/"

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting in {"MEDIA_PUBLIC_URL", "MEDIA_ROOT"}:
            self.__dict__.pop("base_url", None)
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def public_storage() -> Storage:
    return storages["public"]


def has_local_path(storage: Storage, name: str) -> bool:
    try:
        storage.path(name)
    except NotImplementedError:
        return False
    return True


def signed_url(storage: Storage, name: str, *, seconds: int | None = None) -> str:
    """A URL of a private object that stops working after `seconds` (S3); a local storage's plain URL."""
    if has_local_path(storage, name):
        return storage.url(name)
    return storage.url(name, expire=seconds or settings.MEDIA_SIGNED_URL_SECONDS)


def accel_redirect_uri(storage: Storage, name: str, *, prefix: str | None = None) -> str | None:
    """The internal URI from which the reverse proxy serves this private file, or None without a proxy.

    Local disk: the prefix followed by the file's name (the proxy's internal
    location aliases MEDIA_ROOT). S3: the prefix, `s3/`, then the path and
    query of a short-lived signed URL; the proxy forwards them to the S3
    endpoint, so the browser sees neither the endpoint nor a signature, and
    range requests reach the bucket as they are.
    """
    prefix = settings.MEDIA_ACCEL_REDIRECT_PREFIX if prefix is None else prefix
    if not prefix:
        return None
    prefix = prefix.rstrip("/") + "/"
    if has_local_path(storage, name):
        return prefix + quote(name)
    parts = urlsplit(signed_url(storage, name))
    return f"{prefix}{ACCEL_S3_SEGMENT}{parts.path.lstrip('/')}" + (f"?{parts.query}" if parts.query else "")


def private_storage() -> Storage:
    return storages["default"]


def copy_to_public(name: str, *, public_name: str | None = None) -> str | None:
    """Copy a private file to the public storage, at `public_name` (default: the same name).

    Idempotent: an existing public copy is kept. Returns the public name, or
    None when the private file is missing. Inside one bucket the copy is made
    by S3 itself; otherwise the bytes are streamed through this process.
    """
    source, target = private_storage(), public_storage()
    public_name = public_name or name
    if target.exists(public_name):
        return public_name
    if getattr(source, "bucket_name", None) and getattr(source, "bucket_name", None) == getattr(
        target, "bucket_name", None
    ):
        try:
            target.bucket.Object(target._normalize_name(public_name)).copy_from(
                CopySource={"Bucket": source.bucket_name, "Key": source._normalize_name(name)},
                CacheControl=target.object_parameters.get("CacheControl", "public, max-age=604800"),
                ContentType=_content_type(name),
                MetadataDirective="REPLACE",
            )
        except source.connection.meta.client.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey"}:
                return None
            raise
        return public_name
    if has_local_path(source, name) and has_local_path(target, public_name):
        # Both on this disk (MEDIA_ROOT and MEDIA_ROOT/public): a hard link costs no space, even for a video.
        if not os.path.exists(source.path(name)):
            return None
        destination = target.path(public_name)
        os.makedirs(os.path.dirname(destination), mode=settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS, exist_ok=True)
        try:
            os.link(source.path(name), destination)
            return public_name
        except FileExistsError:
            return public_name
        except OSError:
            pass  # another file system: copy below
    try:
        with source.open(name, "rb") as fh:
            saved = target.save(public_name, fh)
    except FileNotFoundError:
        return None
    if saved != public_name:  # written meanwhile by another copy: keep one
        target.delete(saved)
    return public_name


def _content_type(name: str) -> str:
    import mimetypes

    return mimetypes.guess_type(name)[0] or "application/octet-stream"
