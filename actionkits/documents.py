"""Generate kit files (PDF with fpdf2, a minimal DOCX by hand) from structured content.

Used by the demo content and the tests. The fonts come from PyPI packages
(Noto Sans for Latin and Cyrillic, Noto Sans Arabic with HarfBuzz shaping),
so nothing is downloaded at run time. No font package with CJK glyphs is
installed, so Chinese kits are produced as DOCX, which the reader's own
fonts render.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings

MAGENTA = (181, 0, 91)
INK = (28, 27, 36)
SOFT = (74, 72, 87)
PDF_LANGUAGES = {"en", "fr", "es", "ru", "ar"}
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclass
class KitContent:
    language: str
    title: str
    summary: str
    intro: str
    actions_heading: str
    actions: list[str] = field(default_factory=list)
    footer: str = "HeForShe · UN Women"

    @property
    def is_rtl(self) -> bool:
        return self.language == "ar"

    def body_html(self) -> str:
        items = "".join(f"<li>{escape(a)}</li>" for a in self.actions)
        return f"<p>{escape(self.intro)}</p>\n<h2>{escape(self.actions_heading)}</h2>\n<ol>{items}</ol>"


# Unicode ranges kept in the static fonts: Latin, Cyrillic and punctuation;
# Arabic with its presentation forms. Subsetting first makes instancing fast.
LATIN_RANGES = [(0x20, 0x24F), (0x300, 0x36F), (0x400, 0x52F), (0x2000, 0x206F), (0x20A0, 0x20BF), (0x2100, 0x215F)]
ARABIC_RANGES = [(0x20, 0x7E), (0x600, 0x6FF), (0x750, 0x77F), (0x8A0, 0x8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)]


def _font_cache_dir() -> Path:
    configured = getattr(settings, "ACTIONKITS_FONT_CACHE", "")
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "heforshe-kit-fonts"


def _static_font(source: Path, ranges: list[tuple[int, int]], weight: int) -> str:
    """A static, subset instance of a variable font, made once and cached on disk.

    fpdf2 can instance variable fonts itself, but does so for every document
    (seconds per style); a cached static file makes a kit PDF take milliseconds.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    target = _font_cache_dir() / f"{source.stem.split('[')[0]}-{weight}-{source.stat().st_size}.ttf"
    if target.exists():
        return str(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # fontTools logs every table it touches at INFO.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    font = TTFont(str(source))
    options = subset.Options()
    options.layout_features = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[cp for first, last in ranges for cp in range(first, last + 1)])
    subsetter.subset(font)
    static = instancer.instantiateVariableFont(font, {"wght": weight, "wdth": 100})
    # Write then rename: a concurrent process never reads a half-written font.
    handle, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    os.close(handle)
    static.save(tmp)
    os.replace(tmp, target)
    return str(target)


def _font_files(*, arabic: bool) -> dict[str, str]:
    import fontpkg_noto_sans
    import fontpkg_noto_sans_arabic

    latin = Path(fontpkg_noto_sans.ROOT) / "files" / "NotoSans[wdth,wght].ttf"
    if not arabic:
        return {"regular": _static_font(latin, LATIN_RANGES, 400), "bold": _static_font(latin, LATIN_RANGES, 700)}
    source = Path(fontpkg_noto_sans_arabic.ROOT) / "files" / "NotoSansArabic[wdth,wght].ttf"
    return {
        "regular": _static_font(source, ARABIC_RANGES, 400),
        "bold": _static_font(source, ARABIC_RANGES, 700),
        "latin": _static_font(latin, LATIN_RANGES, 400),
    }


def build_pdf(content: KitContent, *, version: int = 1) -> bytes:
    from fpdf import FPDF

    fonts = _font_files(arabic=content.is_rtl)
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(20, 20, 20)
    family = "Kit"
    pdf.add_font(family, "", fonts["regular"])
    pdf.add_font(family, "B", fonts["bold"])
    if content.is_rtl:
        # Latin words (HeForShe, UN Women) inside Arabic text fall back to Noto Sans.
        pdf.add_font("Latin", "", fonts["latin"])
        pdf.set_fallback_fonts(["Latin"])
        pdf.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab", language="ara")
    align = "R" if content.is_rtl else "L"
    pdf.set_title(content.title)
    pdf.set_lang(content.language)
    pdf.set_creator("HeForShe")
    pdf.add_page()

    pdf.set_fill_color(*MAGENTA)
    pdf.rect(0, 0, 210, 14, style="F")
    pdf.set_text_color(*MAGENTA)
    pdf.set_font(family, "B", 11)
    pdf.set_y(20)
    pdf.cell(0, 8, "HeForShe", align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(family, "B", 22)
    pdf.multi_cell(0, 11, content.title, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(family, "", 13)
    pdf.set_text_color(*SOFT)
    pdf.multi_cell(0, 7, content.summary, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_text_color(*INK)
    pdf.set_font(family, "", 11)
    pdf.multi_cell(0, 6, content.intro, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(family, "B", 14)
    pdf.set_text_color(*MAGENTA)
    pdf.multi_cell(0, 8, content.actions_heading, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(family, "", 11)
    for number, action in enumerate(content.actions, start=1):
        pdf.ln(1.5)
        # Arabic-Indic digits are right-to-left numbers: the bidi algorithm keeps them at the line start.
        label = str(number).translate(ARABIC_DIGITS) if content.is_rtl else str(number)
        text = f"{label}. {action}"
        pdf.multi_cell(0, 6, text, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(-18)
    pdf.set_font(family, "", 9)
    pdf.set_text_color(*SOFT)
    pdf.cell(0, 6, f"{content.footer} · v{version}", align="C")
    return bytes(pdf.output())


def build_docx(content: KitContent) -> bytes:
    """A minimal, valid WordprocessingML document: title, summary, intro and a numbered list."""

    def paragraph(text: str, *, bold: bool = False, size: int = 22) -> str:
        props = f'<w:rPr>{"<w:b/>" if bold else ""}<w:sz w:val="{size}"/></w:rPr>'
        return f'<w:p><w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'

    parts = [
        paragraph("HeForShe", bold=True, size=22),
        paragraph(content.title, bold=True, size=40),
        paragraph(content.summary, size=26),
        paragraph(content.intro),
        paragraph(content.actions_heading, bold=True, size=28),
        *[paragraph(f"{n}. {a}") for n, a in enumerate(content.actions, start=1)],
    ]
    lang = "zh-CN" if content.language == "zh-hans" else content.language
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{''.join(parts)}<w:sectPr/></w:body></w:document>"
    ).replace("<w:rPr>", f'<w:rPr><w:lang w:val="{lang}" w:eastAsia="{lang}"/>')
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def build_file(content: KitContent, *, version: int = 1) -> tuple[str, bytes]:
    """(filename, bytes): a PDF where our fonts cover the script, else a DOCX."""
    if content.language in PDF_LANGUAGES:
        return f"kit-{content.language}.pdf", build_pdf(content, version=version)
    return f"kit-{content.language}.docx", build_docx(content)
