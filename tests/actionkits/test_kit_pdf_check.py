"""A kit PDF must parse as a whole document, not only start like one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from actionkits.validators import validate_kit_file

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n" + HTML, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"],
    ids=["html-after-a-pdf-header", "a-pdf-without-pages"],
)
def test_a_kit_file_that_only_starts_like_a_pdf_is_refused(data):
    with pytest.raises(ValidationError) as caught:
        validate_kit_file(ContentFile(data, name="kit.pdf"))
    assert caught.value.code == "bad_pdf"
