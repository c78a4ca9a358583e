"""Pure media work: image renditions, ffmpeg probe and transcode (sniffing is heforshe.lib.sniff).

The one media pipeline of the site: stories' photos and videos, solutions'
photos and champions' videos go through it. Nothing here touches the
database (`heforshe.lib.mediajobs` holds the row states a worker claims);
the apps' services wrap it. Everything works on local paths because ffmpeg
needs them: a service copies the original out of storage into a temporary
directory first.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from struct import error as struct_error

import imageio_ffmpeg
from django.db import models
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

try:  # HEIC/HEIF photos from phones.
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - listed in requirements
    pass

MAX_PIXELS = 90_000_000
# Pillow raises DecompressionBombError above 2x this and warns above it; we
# refuse anything above it ourselves before decoding (see check_image).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

PHOTO_MAX_BYTES = 25 * 1024 * 1024
VIDEO_MAX_BYTES = 2 * 1024 * 1024 * 1024
IMAGE_WIDTHS = (400, 1200, 1920)
VIDEO_HEIGHTS = (1080, 720)
FFMPEG_TIMEOUT = 1500  # seconds; below the task's hard time limit


class MediaStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be processed")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class MediaFailure(models.TextChoices):
    # Stored as a code so the reason is shown in the reader's language.
    CORRUPT = "corrupt", _("The file is truncated or corrupt and could not be read.")
    TOO_MANY_PIXELS = "too_many_pixels", _("The image has more than 90 megapixels.")
    NO_VIDEO_STREAM = "no_video_stream", _("The file contains no video stream.")
    TRANSCODE = "transcode", _("The video could not be converted.")
    TIMEOUT = "timeout", _("Processing took too long and was stopped.")
    MISSING = "missing", _("The uploaded file is missing from storage.")
    UNKNOWN = "unknown", _("An unexpected error stopped the processing.")


class MediaError(Exception):
    """A file we cannot use; `code` is a MediaFailure value."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def check_image(path: Path) -> tuple[int, int]:
    """Open the header only and refuse decompression bombs before any pixel is decoded."""
    try:
        with Image.open(path) as im:
            width, height = im.size
    except Image.DecompressionBombError as exc:
        raise MediaError("too_many_pixels", str(exc)) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise MediaError("corrupt", str(exc)) from exc
    if width * height > MAX_PIXELS:
        raise MediaError("too_many_pixels", f"{width}x{height}")
    return width, height


@dataclass
class ImageOutput:
    label: str
    path: Path
    width: int
    height: int
    mime_type: str


def make_image_renditions(
    src: Path, out_dir: Path, *, skip: set[str] = frozenset()
) -> tuple[int, int, list[ImageOutput]]:
    """Decode fully, apply the EXIF orientation, drop all metadata, write WebP and JPEG renditions.

    Renditions are only made down (no upscaling); a photo narrower than the
    smallest width gets one rendition at its own width. Labels in `skip`
    exist already and are not produced again.
    """
    check_image(src)
    try:
        with Image.open(src) as im:
            im.load()
            im = ImageOps.exif_transpose(im)
            if im.mode in ("RGBA", "LA", "P"):
                im = im.convert("RGBA")
                background = Image.new("RGB", im.size, (255, 255, 255))
                background.paste(im, mask=im.getchannel("A"))
                im = background
            elif im.mode != "RGB":
                im = im.convert("RGB")
    except Image.DecompressionBombError as exc:
        raise MediaError("too_many_pixels", str(exc)) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise MediaError("corrupt", str(exc)) from exc
    width, height = im.size
    widths = [w for w in IMAGE_WIDTHS if w <= width] or [width]
    outputs = []
    for target in widths:
        size = (target, max(1, round(height * target / width)))
        resized = im if target == width else im.resize(size, Image.Resampling.LANCZOS)
        for ext, fmt, mime, options in (
            ("webp", "WEBP", "image/webp", {"quality": 82, "method": 4}),
            ("jpg", "JPEG", "image/jpeg", {"quality": 85, "optimize": True, "progressive": True}),
        ):
            label = f"w{target}.{ext}"
            if label in skip:
                continue
            out = out_dir / label
            # No exif= / icc_profile= arguments: the output carries no metadata (GPS included).
            resized.save(out, fmt, **options)
            outputs.append(ImageOutput(label, out, size[0], size[1], mime))
    return width, height, outputs


# --- location in stored originals -------------------------------------------------
#
# Renditions never carry metadata (above). The original is kept for curators, so
# what it says about where it was taken is removed before it is stored: the EXIF
# GPS block and maker notes, and the XMP and IPTC packets (which may hold
# coordinates or place names). JPEG, PNG and WebP are rewritten without touching
# a single pixel; HEIC is decoded and encoded again (see reencode_heif).

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
MAKER_NOTE = 0x927C
_XMP_PREFIXES = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_METADATA_CHUNKS = {b"eXIf", b"tEXt", b"zTXt", b"iTXt"}  # EXIF, and text that may be XMP or EXIF dumps


def strip_location(data: bytes, extension: str) -> bytes | None:
    """The photo without location metadata, pixels untouched; None when it has no metadata to rewrite.

    Raises MediaError("corrupt") when the file's structure cannot be followed.
    HEIC is not handled here (None): the pipeline encodes it again.
    """
    try:
        if extension == "jpg":
            return _strip_jpeg(data)
        if extension == "png":
            return _strip_png(data)
        if extension == "webp":
            return _strip_webp(data)
    except (IndexError, ValueError, SyntaxError, struct_error) as exc:
        raise MediaError("corrupt", f"metadata: {exc}") from exc
    return None


def _exif_without_location(payload: bytes) -> bytes:
    """An EXIF APP1 payload rebuilt from its parsed tags, without GPS and maker notes.

    Rebuilt even when neither tag was found: a damaged block whose GPS tag Pillow
    could not read must not be kept byte for byte either.
    """
    exif = Image.Exif()
    exif.load(payload)
    exif.pop(GPS_IFD, None)
    if EXIF_IFD in exif:
        exif.get_ifd(EXIF_IFD).pop(MAKER_NOTE, None)  # get_ifd's dict is the one tobytes() writes
    return exif.tobytes()


def _strip_jpeg(data: bytes) -> bytes | None:
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("no SOI marker")
    out = [b"\xff\xd8"]
    changed = False
    pos = 2
    while True:
        if data[pos] != 0xFF:
            raise ValueError(f"no marker at {pos}")
        while data[pos] == 0xFF:  # fill bytes
            pos += 1
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI before any scan
            out.append(b"\xff\xd9")
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out.append(bytes((0xFF, marker)))
            continue
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > len(data):
            raise ValueError(f"segment {marker:#x} overruns the file")
        payload = data[pos + 2 : pos + length]
        segment = data[pos - 2 : pos + length]
        pos += length
        if marker == 0xDA:  # start of scan: the rest is image data, copied as it is
            out.append(segment)
            out.append(data[pos:])
            break
        if marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            cleaned = _exif_without_location(payload)
            changed = True
            if len(cleaned) + 2 > 0xFFFF:
                continue  # larger than the block it replaces: drop it rather than write a broken file
            segment = b"\xff\xe1" + (len(cleaned) + 2).to_bytes(2, "big") + cleaned
        elif (marker == 0xE1 and payload.startswith(_XMP_PREFIXES)) or marker == 0xED:  # XMP, IPTC
            changed = True
            continue
        out.append(segment)
    return b"".join(out) if changed else None


def _strip_png(data: bytes) -> bytes | None:
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError("no PNG signature")
    out = [_PNG_SIGNATURE]
    changed = False
    pos = len(_PNG_SIGNATURE)
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if len(kind) != 4 or end > len(data):
            raise ValueError("truncated chunk")
        if kind in _PNG_METADATA_CHUNKS:
            changed = True
        else:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            break
    return b"".join(out) if changed else None


def _strip_webp(data: bytes) -> bytes | None:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("no RIFF/WEBP header")
    chunks = []
    changed = False
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        end = pos + 8 + size + (size & 1)
        if end > len(data) + (size & 1):
            raise ValueError("truncated chunk")
        chunk = data[pos:end]
        pos = end
        if kind in (b"EXIF", b"XMP "):
            changed = True
            continue
        chunks.append(chunk)
    if not changed:
        return None
    if chunks and chunks[0][:4] == b"VP8X":
        flags = chunks[0][8] & ~0x0C  # clear the EXIF (0x08) and XMP (0x04) bits
        chunks[0] = chunks[0][:8] + bytes((flags,)) + chunks[0][9:]
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + len(body).to_bytes(4, "little") + body


def has_location(path: Path) -> bool:
    """Whether a photo still says where it was taken (EXIF GPS or maker notes, or an XMP packet)."""
    with Image.open(path) as im:
        exif = im.getexif()
        exif_ifd = exif.get_ifd(EXIF_IFD) if EXIF_IFD in exif else {}
        return GPS_IFD in exif or MAKER_NOTE in exif_ifd or bool(im.info.get("xmp"))


def reencode_heif(src: Path, dst: Path) -> None:
    """A HEIC photo encoded again without metadata; its orientation is already applied by the decoder."""
    check_image(src)
    try:
        with Image.open(src) as im:
            im.load()
            for key in ("exif", "xmp"):
                im.info.pop(key, None)
            im.save(dst, "HEIF", quality=92, exif=None, xmp=None)
    except (OSError, SyntaxError, ValueError) as exc:
        raise MediaError("corrupt", str(exc)) from exc


# --- video ----------------------------------------------------------------------


def ffmpeg_exe() -> str:
    # The binary shipped in the imageio-ffmpeg wheel; never downloaded at run time.
    return imageio_ffmpeg.get_ffmpeg_exe()


@dataclass
class Probe:
    duration: float | None = None
    width: int = 0
    height: int = 0
    video_codec: str = ""
    audio_codec: str = ""
    pix_fmt: str = ""
    rotation: int = 0
    container: str = ""
    has_video: bool = False
    raw: str = field(default="", repr=False)

    @property
    def display_size(self) -> tuple[int, int]:
        if abs(self.rotation) % 180 == 90:
            return self.height, self.width
        return self.width, self.height


_DURATION = re.compile(r"Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\S+.*?: Video: (\w+)[^,]*(?:\([^)]*\))?,\s*([a-z0-9_]+)?.*?(\d{2,5})x(\d{2,5})")
_AUDIO = re.compile(r"Stream #\S+.*?: Audio: (\w+)")
_ROTATION = re.compile(r"(?:rotation of|rotate\s*:)\s*(-?\d+(?:\.\d+)?)")
_INPUT = re.compile(r"Input #0, ([\w,]+), from")


def probe(path: Path) -> Probe:
    """Probe with `ffmpeg -i` (imageio-ffmpeg ships no ffprobe) and parse its report."""
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    text = result.stderr
    info = Probe(raw=text)
    if match := _INPUT.search(text):
        info.container = match.group(1)
    else:
        raise MediaError("corrupt", text[-500:])
    if match := _DURATION.search(text):
        h, m, s = match.groups()
        info.duration = int(h) * 3600 + int(m) * 60 + float(s)
    for line in text.splitlines():
        if info.has_video is False and (match := _VIDEO.search(line)):
            info.has_video = True
            info.video_codec = match.group(1)
            info.pix_fmt = match.group(2) or ""
            info.width, info.height = int(match.group(3)), int(match.group(4))
        elif not info.audio_codec and (match := _AUDIO.search(line)):
            info.audio_codec = match.group(1)
    if match := _ROTATION.search(text):
        info.rotation = int(round(float(match.group(1))))
    return info


def _run_ffmpeg(args: list[str], timeout: int = FFMPEG_TIMEOUT) -> None:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603
    except subprocess.TimeoutExpired as exc:
        raise MediaError("timeout", " ".join(cmd)) from exc
    if result.returncode != 0:
        raise MediaError("transcode", result.stderr[-1000:])


def is_compliant(info: Probe, target_height: int) -> bool:
    """Already H.264/AAC in MP4 at exactly this height, 8-bit 4:2:0: copy, don't re-encode."""
    return (
        "mp4" in info.container
        and info.video_codec == "h264"
        and info.pix_fmt == "yuv420p"
        and info.audio_codec in ("aac", "")
        and info.rotation == 0
        and info.height == target_height
    )


def video_targets(info: Probe) -> list[int]:
    """The heights to produce: 1080 and 720, never upscaled; a smaller video gets its own height."""
    height = info.display_size[1]
    targets = [h for h in VIDEO_HEIGHTS if h <= height]
    return targets or [height - height % 2]


def transcode(src: Path, dst: Path, info: Probe, height: int) -> None:
    """H.264/AAC MP4 with faststart and no metadata; a stream copy when already compliant."""
    common = ["-map_metadata", "-1", "-map_chapters", "-1", "-movflags", "+faststart"]
    if is_compliant(info, height):
        _run_ffmpeg(["-i", str(src), "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", *common, str(dst)])
        return
    _run_ffmpeg(
        [
            "-i",
            str(src),
            "-map",
            "0:v:0",
            "-map",
            "0:a:0?",
            "-vf",
            f"scale=-2:{height}",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "23",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            *common,
            str(dst),
        ]
    )


# Where a clip was shot: QuickTime/MP4 `location` (©xyz), Apple's ISO 6709 keys,
# Android's `location-eng`; and timed metadata tracks, which can carry it per frame.
_VIDEO_LOCATION = re.compile(r"^\s*(?:location(?:-\w+)?|com\.apple\.quicktime\.location\.[\w.]+)\s*:", re.M | re.I)
_DATA_STREAM = re.compile(r"Stream #\S+.*?: Data:")


def video_has_location(info: Probe) -> bool:
    return bool(_VIDEO_LOCATION.search(info.raw) or _DATA_STREAM.search(info.raw))


def remux_without_metadata(src: Path, dst: Path) -> None:
    """The same video and audio streams, copied (no re-encoding), without metadata.

    Phones write where a clip was shot into the container (`location`,
    `com.apple.quicktime.location.ISO6709`) and into timed data tracks: the
    metadata is dropped and only video and audio streams are kept. The display
    matrix (rotation) is side data and survives.
    """
    _run_ffmpeg(
        [
            "-i",
            str(src),
            "-map",
            "0:v",
            "-map",
            "0:a?",
            "-c",
            "copy",
            "-map_metadata",
            "-1",
            "-map_chapters",
            "-1",
            str(dst),
        ]
    )


def poster_frame(src: Path, dst: Path, info: Probe) -> None:
    at = min(1.0, (info.duration or 0) / 2)
    _run_ffmpeg(["-ss", f"{at:.2f}", "-i", str(src), "-frames:v", "1", "-map_metadata", "-1", "-q:v", "3", str(dst)])


@dataclass
class VideoOutput:
    label: str
    path: Path
    width: int
    height: int


def make_video_renditions(src: Path, out_dir: Path, info: Probe, *, skip: set[str] = frozenset()) -> list[VideoOutput]:
    """H.264/AAC MP4 renditions (`1080p.mp4`, `720p.mp4`, never upscaled); labels in `skip` exist already."""
    if not info.has_video:
        raise MediaError(MediaFailure.NO_VIDEO_STREAM)
    width, height = info.display_size
    outputs = []
    for target in video_targets(info):
        label = f"{target}p.mp4"
        if label in skip:
            continue
        out = out_dir / label
        transcode(src, out, info, target)
        outputs.append(VideoOutput(label, out, round(width * target / height / 2) * 2, target))
    return outputs
