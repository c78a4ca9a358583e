"""Kit files and kits for the action kit tests."""

from __future__ import annotations

import io
import zipfile

from django.core.files.base import ContentFile

from actionkits import services
from actionkits.documents import KitContent, build_docx
from actionkits.models import ActionKit, Audience


def pdf_bytes(text: str = "HeForShe") -> bytes:
    """A real one-page PDF (core font: no font files needed, so it is fast)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=24)
    pdf.cell(0, 20, text)
    return bytes(pdf.output())


def docx_bytes() -> bytes:
    return build_docx(KitContent(language="en", title="T", summary="S", intro="I", actions_heading="A", actions=["a"]))


def pptx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "Posters and slides")
    return out.getvalue()


def pdf_file(name: str = "kit.pdf", text: str = "HeForShe") -> ContentFile:
    return ContentFile(pdf_bytes(text), name=name)


def make_kit(
    *,
    slug: str = "universities",
    audience: str = Audience.UNIVERSITIES,
    languages: tuple[str, ...] = ("en",),
    restricted_to_sector: str = "",
    pillars: tuple[str, ...] = ("violence",),
) -> ActionKit:
    kit = services.kit_create(slug=slug, audience=audience, pillars=pillars, restricted_to_sector=restricted_to_sector)
    for language in ("en", *[code for code in languages if code != "en"]):
        services.translation_save(
            kit=kit,
            language=language,
            title=f"Kit {slug} [{language}]",
            summary=f"Summary in {language}",
            body=f"<p>Body in {language}</p>",
            file=pdf_file(f"kit-{language}.pdf", text=f"{slug}-{language}"),
        )
    return kit
