"""A storage without local paths, as S3 is: the download view must redirect to its URL."""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage


class UrlOnlyStorage(FileSystemStorage):
    def path(self, name):
        raise NotImplementedError("no local paths, like S3")

    def url(self, name, expire=None):
        return f"https://bucket.example/{name}?X-Amz-Expires={expire or 3600}&X-Amz-Signature=test"
