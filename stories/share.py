"""The Open Graph / Twitter card image: the cover photo with the quote over it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

SIZE = (1200, 630)
# A TTF with wide coverage when the system has one (Debian's fonts-dejavu);
# otherwise Pillow's built-in scalable font, which covers Latin scripts.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def render_share_image(out: Path, *, photo: Path | None, quote: str, byline: str = "", rtl: bool = False) -> None:
    if photo:
        with Image.open(photo) as im:
            canvas = ImageOps.fit(im.convert("RGB"), SIZE, Image.Resampling.LANCZOS)
    else:
        canvas = Image.new("RGB", SIZE, (138, 23, 88))
    # Darken the lower part so white text stays readable on any photo.
    shade = Image.new("L", SIZE, 0)
    draw_shade = ImageDraw.Draw(shade)
    for y in range(SIZE[1]):
        draw_shade.line([(0, y), (SIZE[0], y)], fill=int(60 + 150 * y / SIZE[1]))
    canvas = Image.composite(Image.new("RGB", SIZE, (20, 10, 25)), canvas, shade)
    draw = ImageDraw.Draw(canvas)
    font = _font(44)
    lines = textwrap.wrap(f"“{quote}”", width=42)[:5]
    y = SIZE[1] - 90 - 56 * len(lines)
    anchor = "ra" if rtl else "la"
    x = SIZE[0] - 60 if rtl else 60
    for line in lines:
        draw.text((x, y), line, font=font, fill=(255, 255, 255), anchor=anchor)
        y += 56
    small = _font(28)
    draw.text((x, SIZE[1] - 70), f"{byline[:60]}  #HeForShe".strip(), font=small, fill=(255, 208, 230), anchor=anchor)
    canvas.save(out, "JPEG", quality=85, optimize=True)
