"""Share cards (1200x630 PNG) with text in any of the six languages, rendered on the server.

Fonts come from Debian packages (installed by the Dockerfile too): `fonts-noto-core` for
Latin, Cyrillic and Arabic, `fonts-noto-cjk` for Chinese. Text is laid out by Pillow's Raqm
engine, which shapes with HarfBuzz and orders with FriBiDi: Arabic letters take their joined
forms and run right to left. Without Raqm (a system without libfribidi) Arabic would come out
as isolated letters in the wrong order, so the renderer refuses to draw it and falls back to
the brand alone rather than publish broken text.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps, features

SIZE = (1200, 630)
MARGIN = 72
BRAND = (181, 0, 91)
DARK = (92, 10, 60)

NOTO = Path("/usr/share/fonts/truetype/noto")
FONTS = {
    # script: (regular, bold); .ttc files hold several faces, index 2 is Simplified Chinese.
    "latin": (NOTO / "NotoSans-Regular.ttf", NOTO / "NotoSans-Bold.ttf"),
    "arabic": (NOTO / "NotoSansArabic-Regular.ttf", NOTO / "NotoSansArabic-Bold.ttf"),
    "cjk": (
        Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
        Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    ),
}
CJK_FACE_INDEX = 2  # "Noto Sans CJK SC" inside the collection
ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]")


def script_of(text: str) -> str:
    if CJK.search(text):
        return "cjk"
    if ARABIC.search(text):
        return "arabic"
    return "latin"


def font_path(script: str, *, bold: bool = False) -> Path:
    return FONTS[script][1 if bold else 0]


def shaping_available() -> bool:
    return bool(features.check("raqm"))


@lru_cache(maxsize=32)
def _font(script: str, size: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_path(script, bold=bold)
    if not path.exists():
        return ImageFont.load_default(size=size)
    layout = ImageFont.Layout.RAQM if shaping_available() else ImageFont.Layout.BASIC
    index = CJK_FACE_INDEX if path.suffix == ".ttc" else 0
    return ImageFont.truetype(str(path), size, index=index, layout_engine=layout)


def _drawable(text: str) -> bool:
    return script_of(text) != "arabic" or shaping_available()


def wrap(text: str, font, width: int) -> list[str]:
    """Greedy wrapping by rendered width; CJK text breaks between characters."""
    cjk = "\u3000-\u9fff\uac00-\ud7af\uff00-\uffef"
    # Closing punctuation stays with the character before it: a line never starts with "。" or "”".
    tokens = re.findall(rf"[{cjk}][”’)\]」』），。、！？：；]*|[^\s{cjk}]+\s*", text)
    lines, current = [], ""
    for token in tokens:
        candidate = current + token
        if current and font.getlength(candidate.rstrip()) > width:
            lines.append(current.rstrip())
            current = token
        else:
            current = candidate
    if current.strip():
        lines.append(current.rstrip())
    return lines


LATIN_LETTER = re.compile(r"[A-Za-z0-9\u00c0-\u024f\u0400-\u04ff]")


def runs(text: str) -> list[tuple[str, str]]:
    """Split text into (script, run): Arabic runs and Latin/Cyrillic runs; neutral characters
    (spaces, punctuation, #) stay with the run they are in."""
    out: list[list[str]] = []
    pending = ""  # neutral characters before the first letter join the first run
    for ch in text:
        kind = "arabic" if ARABIC.match(ch) else "latin" if LATIN_LETTER.match(ch) else None
        if kind is None:
            if out:
                out[-1][1] += ch
            else:
                pending += ch
        elif out and kind == out[-1][0]:
            out[-1][1] += ch
        else:
            out.append([kind, pending + ch])
            pending = ""
    if pending:
        out.append(["arabic", pending])
    # A hashtag's or handle's sign belongs to the Latin word after it (the Arabic font has no "#").
    for before, after in zip(out, out[1:], strict=False):
        sign = len(before[1]) - len(before[1].rstrip("#@"))
        if before[0] == "arabic" and after[0] == "latin" and sign:
            before[1], after[1] = before[1][:-sign], before[1][-sign:] + after[1]
    return [(k, v) for k, v in out if v]


def _draw_rtl_line(draw, x_right: int, y: int, text: str, size: int, bold: bool, colour) -> None:
    """Draw a right-to-left line whose Latin words (a hashtag, a name) need the Latin font:
    runs go from the right edge leftwards in logical order, each shaped in its own font."""
    x = x_right
    y += size  # every run on one baseline, whatever each font's ascent
    for script, chunk in runs(text):
        if script == "latin":
            # Neutral characters after the last letter (", ", " · ") follow the paragraph's direction,
            # so they go to the left of the Latin run; leading spaces stay on its right.
            end = max(i for i, ch in enumerate(chunk) if LATIN_LETTER.match(ch)) + 1
            lead = chunk[: len(chunk) - len(chunk.lstrip())]
            core, trail = chunk[len(lead) : end], chunk[end:]
            arabic_font = _font("arabic", size, bold)
            x -= int(arabic_font.getlength(lead)) if lead else 0
            font = _font("latin", size, bold)
            width = int(font.getlength(core))
            draw.text((x - width, y), core, font=font, fill=colour, anchor="ls")
            x -= width
            if trail:  # spaces and punctuation such as "·", which the Arabic font may lack
                draw.text((x, y), trail, font=font, fill=colour, anchor="rs", direction="rtl")
                x -= int(font.getlength(trail, direction="rtl"))
        else:
            font = _font("arabic", size, bold)
            width = int(font.getlength(chunk, direction="rtl"))
            draw.text((x, y), chunk, font=font, fill=colour, anchor="rs", direction="rtl")
            x -= width


def _draw_line(draw, x: int, y: int, line: str, size: int, bold: bool, colour, rtl: bool) -> None:
    script = script_of(line)
    if script == "arabic":
        if rtl:
            _draw_rtl_line(draw, x, y, line, size, bold, colour)
        else:
            width = int(_font("arabic", size, bold).getlength(line, direction="rtl"))
            _draw_rtl_line(draw, x + width, y, line, size, bold, colour)
        return
    direction = {"direction": "ltr"} if shaping_available() else {}
    draw.text(
        (x, y + size), line, font=_font(script, size, bold), fill=colour, anchor="rs" if rtl else "ls", **direction
    )


def render_card(*, headline: str, body: str = "", footer: str = "", rtl: bool = False, portrait=None) -> bytes:
    """A PNG card: headline (large), body (wrapped), footer line; right-aligned when `rtl`.

    `portrait` is an already-decoded, metadata-free PIL image (a champion's portrait), drawn on
    the side opposite the text.
    """
    image = Image.new("RGB", SIZE, BRAND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, SIZE[1] - 76, SIZE[0], SIZE[1]), fill=DARK)
    text_width = SIZE[0] - 2 * MARGIN
    if portrait is not None:
        side = 360
        thumb = portrait.convert("RGB").resize((side, side), Image.Resampling.LANCZOS)
        x = MARGIN if rtl else SIZE[0] - MARGIN - side
        image.paste(thumb, (x, 90))
        text_width -= side + 40
    x_text = SIZE[0] - MARGIN if rtl else MARGIN
    if rtl and portrait is not None:
        x_text = SIZE[0] - MARGIN
    elif portrait is not None and rtl is False:
        x_text = MARGIN
    y = 90
    for text, size, bold, colour, max_lines in (
        (headline, 64, True, (255, 255, 255), 3),
        (body, 36, False, (255, 231, 242), 5),
    ):
        if not text or not _drawable(text):
            continue
        font = _font(script_of(text), size, bold)
        for line in wrap(text, font, text_width)[:max_lines]:
            _draw_line(draw, x_text, y, line, size, bold, colour, rtl)
            y += int(size * 1.35)
        y += 24
    footer = footer or "#HeForShe"
    if _drawable(footer):
        _draw_line(draw, x_text, SIZE[1] - 56, footer, 30, False, (255, 208, 230), rtl)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def render_photo_card(*, photo=None, quote: str, byline: str = "", rtl: bool = False) -> bytes:
    """A JPEG card: a photo (or the brand colour) darkened towards the bottom, the quote and byline over it.

    `photo` is a path or file object of an image already made safe by the media pipeline (a rendition).
    The quote is drawn by the same shaping as every other card, so Arabic joins and Chinese has its font.
    """
    if photo is not None:
        with Image.open(photo) as im:
            canvas = ImageOps.fit(im.convert("RGB"), SIZE, Image.Resampling.LANCZOS)
    else:
        canvas = Image.new("RGB", SIZE, BRAND)
    # Darker towards the bottom, so white text stays readable on any photo.
    shade = Image.linear_gradient("L").resize(SIZE).point(lambda v: 60 + int(v * 150 / 255))
    canvas = Image.composite(Image.new("RGB", SIZE, (20, 10, 25)), canvas, shade)
    draw = ImageDraw.Draw(canvas)
    # Arabic needs no Latin quotation marks (its font has none): the quote stands alone.
    text = quote if script_of(quote) == "arabic" else f"“{quote}”"
    size, step = 44, 58
    if _drawable(text):
        lines = wrap(text, _font(script_of(text), size, False), SIZE[0] - 2 * MARGIN)[:5]
        x = SIZE[0] - MARGIN if rtl else MARGIN
        y = SIZE[1] - 110 - step * len(lines)
        for line in lines:
            _draw_line(draw, x, y, line, size, False, (255, 255, 255), rtl)
            y += step
    footer = f"{byline[:60]}  #HeForShe".strip()
    if not _drawable(footer):
        footer = "#HeForShe"
    _draw_line(draw, SIZE[0] - MARGIN if rtl else MARGIN, SIZE[1] - 78, footer, 28, False, (255, 208, 230), rtl)
    buffer = io.BytesIO()
    canvas.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()
