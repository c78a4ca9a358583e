"""The Open Graph / Twitter card image: the cover photo with the quote over it."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

SIZE = (1200, 630)
MARGIN = 60
# TTFs with wide coverage when the system has them (Debian's fonts-dejavu and
# fonts-noto-cjk); otherwise Pillow's built-in scalable font (Latin only).
LATIN_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]")


def _font(size: int, text: str = "") -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    candidates = (CJK_FONTS + LATIN_FONTS) if CJK.search(text) else LATIN_FONTS
    for candidate in candidates:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def wrap(text: str, font, width: int) -> list[str]:
    """Greedy wrapping by rendered width; CJK text breaks between characters."""
    cjk = "\u3000-\u9fff\uac00-\ud7af\uff00-\uffef"
    tokens = re.findall(rf"[{cjk}]|[^\s{cjk}]+\s*", text)
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


def render_share_image(out: Path, *, photo: Path | None, quote: str, byline: str = "", rtl: bool = False) -> None:
    if photo:
        with Image.open(photo) as im:
            canvas = ImageOps.fit(im.convert("RGB"), SIZE, Image.Resampling.LANCZOS)
    else:
        canvas = Image.new("RGB", SIZE, (138, 23, 88))
    # Darken towards the bottom so white text stays readable on any photo.
    shade = Image.linear_gradient("L").resize(SIZE).point(lambda v: 60 + int(v * 150 / 255))
    canvas = Image.composite(Image.new("RGB", SIZE, (20, 10, 25)), canvas, shade)
    draw = ImageDraw.Draw(canvas)
    text = f"“{quote}”"
    font = _font(44, text)
    lines = wrap(text, font, SIZE[0] - 2 * MARGIN)[:5]
    anchor = "ra" if rtl else "la"
    x = SIZE[0] - MARGIN if rtl else MARGIN
    y = SIZE[1] - 90 - 56 * len(lines)
    for line in lines:
        draw.text((x, y), line, font=font, fill=(255, 255, 255), anchor=anchor)
        y += 56
    footer = f"{byline[:60]}  #HeForShe".strip()
    draw.text((x, SIZE[1] - 70), footer, font=_font(28, footer), fill=(255, 208, 230), anchor=anchor)
    canvas.save(out, "JPEG", quality=85, optimize=True)
