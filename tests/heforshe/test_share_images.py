"""Share cards in all six scripts: the fonts cover the text, Arabic is shaped right to left, CJK is drawn."""

from __future__ import annotations

import io

import pytest
import uharfbuzz as hb
from PIL import Image, ImageChops, ImageDraw, ImageFont

from heforshe.lib import shareimage

SAMPLES = {
    "en": "Men and boys stand with women and girls.",
    "fr": "Les hommes et les garçons s'engagent pour l'égalité.",
    "es": "Hombres y niños por la igualdad de género.",
    "ru": "Мужчины и мальчики за гендерное равенство.",
    "ar": "الرجال والفتيان من أجل المساواة بين الجنسين",
    "zh-hans": "男性和男孩支持性别平等。",
}


def _shape(text: str, path, index: int = 0):
    blob = hb.Blob.from_file_path(str(path))
    face = hb.Face(blob, index)
    font = hb.Font(face)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    return buf


@pytest.mark.parametrize("lang", list(SAMPLES))
def test_the_font_for_each_language_has_a_glyph_for_every_character(lang):
    text = SAMPLES[lang]
    script = shareimage.script_of(text)
    path = shareimage.font_path(script, bold=True)
    assert path.exists(), f"{path} is missing: install fonts-noto-core and fonts-noto-cjk"
    index = shareimage.CJK_FACE_INDEX if path.suffix == ".ttc" else 0
    buf = _shape(text, path, index)
    assert all(info.codepoint != 0 for info in buf.glyph_infos), "a character fell back to .notdef (tofu)"


def test_arabic_is_shaped_into_joined_forms_and_laid_out_right_to_left():
    text = SAMPLES["ar"]
    buf = _shape(text, shareimage.font_path("arabic"))
    assert buf.direction == "rtl"
    # Joined (initial, medial, final) forms are other glyphs than the isolated letters.
    isolated = [_shape(ch, shareimage.font_path("arabic")).glyph_infos[0].codepoint for ch in text if ch != " "]
    shaped = [info.codepoint for info in buf.glyph_infos]
    assert len(set(shaped) - set(isolated)) >= 5


def _ink_box(png: bytes):
    with Image.open(io.BytesIO(png)) as im:
        background = Image.new("RGB", im.size, shareimage.BRAND)
        diff = ImageChops.difference(im.convert("RGB"), background).convert("L").point(lambda v: 255 if v > 60 else 0)
        top = diff.crop((0, 0, im.size[0], 400))
        return top.getbbox(), top


def test_an_arabic_card_is_drawn_right_aligned_with_shaped_text():
    assert shareimage.shaping_available(), "Pillow's Raqm layout (libraqm + libfribidi) is needed to shape Arabic"
    png = shareimage.render_card(headline=SAMPLES["ar"], body="", rtl=True)
    box, ink = _ink_box(png)
    assert box is not None
    assert box[2] > 1200 - shareimage.MARGIN - 10  # text ends at the right margin
    # The same text without shaping (basic layout: isolated letters, left to right) differs.
    font = ImageFont.truetype(str(shareimage.font_path("arabic", bold=True)), 64, layout_engine=ImageFont.Layout.BASIC)
    unshaped = Image.new("L", ink.size, 0)
    ImageDraw.Draw(unshaped).text((1200 - shareimage.MARGIN, 90), SAMPLES["ar"], font=font, fill=255, anchor="ra")
    assert ImageChops.difference(ink, unshaped).getbbox() is not None


def test_a_chinese_card_has_ink_where_the_text_is():
    png = shareimage.render_card(headline=SAMPLES["zh-hans"], body="")
    box, _ink = _ink_box(png)
    assert box is not None
    assert box[0] < shareimage.MARGIN + 10
    # Wider than the tofu boxes of a font without CJK would be, and many strokes inked.
    assert box[2] - box[0] > 500


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "fr", "es", "ru", "ar", "zh-hans"])
def test_the_pledge_share_image_renders_in_every_language(client, lang):
    response = client.get(f"/{lang}/pledge/share.png")
    assert response.status_code == 200
    with Image.open(io.BytesIO(response.content)) as im:
        assert im.size == (1200, 630)


def test_latin_words_in_arabic_text_are_drawn_with_a_font_that_has_them():
    text = "#HeForShe · انضم إليّ 2026"
    parts = shareimage.runs(text)
    assert [script for script, _chunk in parts] == ["latin", "arabic", "latin"]
    for script, chunk in parts:
        buf = _shape(chunk.strip(" ·"), shareimage.font_path(script))
        assert all(info.codepoint != 0 for info in buf.glyph_infos), chunk


def test_a_hashtag_after_arabic_words_is_drawn_in_the_latin_font_with_its_sign():
    assert shareimage.runs("أحمد ومريم  #HeForShe")[-1] == ("latin", "#HeForShe")


def test_a_chinese_line_never_starts_with_closing_punctuation():
    text = "当我送女儿上学时，她的母亲可以挣到自己的工资。”"
    font = shareimage._font("cjk", 44, False)
    lines = shareimage.wrap(text, font, 900)
    assert len(lines) >= 2 and all(line[0] not in "。，”、" for line in lines)


def test_a_story_card_in_arabic_is_drawn_from_the_right_margin():
    jpeg = shareimage.render_photo_card(quote=SAMPLES["ar"], byline="مريم", rtl=True)
    with Image.open(io.BytesIO(jpeg)) as im:
        text_band = im.convert("L").crop((0, 330, 1200, 560)).point(lambda v: 255 if v > 200 else 0)
    box = text_band.getbbox()
    assert box is not None and box[2] > 1200 - shareimage.MARGIN - 10
