"""Residents' photos made safe: checked by content, bounded, re-encoded, stripped of metadata.

Nothing about the upload is trusted: not the file name, not the declared content type. The
first bytes must be those of a JPEG, PNG or WebP file; Pillow must then decode the whole image
(a truncated file fails here); the pixel count is checked from the header *before* decoding so
that a small file announcing 20,000 × 20,000 pixels (a decompression bomb) is refused without
allocating it. The image is turned upright from its EXIF orientation, converted to RGB, shrunk to
the maximum dimension and written as a brand new JPEG from raw pixels, so no metadata of the
original (EXIF with camera, owner and GPS, XMP, ICC profile, comments) can survive.

The GPS position is read only when the resident ticked the consent box, and then returned apart
from the image, to serve as the report's location hint; the camera and owner fields never are.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from bia.core.errors import BiaError, Invalid

# magic bytes -> Pillow format name; anything else is refused before Pillow sees it
SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "JPEG"),
    (b"\x89PNG\r\n\x1a\n", 0, "PNG"),
    (b"WEBP", 8, "WEBP"),  # RIFF....WEBP
)
GPS_IFD = 0x8825
FORMATS_FR = "JPEG, PNG ou WebP"


class PhotoRefused(Invalid):
    """A file that is not an acceptable photo; the message says why, in French."""

    code = "photo_refusee"


class PhotoTooLarge(BiaError):
    status = 413
    code = "photo_trop_volumineuse"


@dataclass(frozen=True)
class CleanPhoto:
    """A re-encoded JPEG with nothing of the original but its pixels."""

    jpeg: bytes
    width: int
    height: int
    original_format: str
    original_bytes: int
    sha256: str
    gps: tuple[float, float] | None  # only when the resident consented and the photo had one


def sniff(data: bytes) -> str | None:
    """The image format the first bytes announce (None: not an image we take)."""
    for magic, offset, name in SIGNATURES:
        if data[offset:offset + len(magic)] == magic:
            if name == "WEBP" and data[:4] != b"RIFF":
                continue
            return name
    return None


def looks_complete(data: bytes, fmt: str) -> bool:
    """Whether the file ends the way its format ends.

    Pillow accepts truncated files whenever ``ImageFile.LOAD_TRUNCATED_IMAGES`` is on, and
    WeasyPrint turns that process-wide switch on when it is imported (to render documents), so
    decoding alone cannot be trusted to refuse a cut-off upload.
    """
    if fmt == "JPEG":
        return data.rstrip(b"\x00").endswith(b"\xff\xd9")
    if fmt == "PNG":
        return b"IEND" in data[-64:]
    if fmt == "WEBP":
        return len(data) >= 12 and int.from_bytes(data[4:8], "little") + 8 <= len(data)
    return True


def _degrees(value: object, ref: object, negative: str) -> float | None:
    try:
        d, m, s = (float(x) for x in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if str(ref or "").strip().upper() == negative:
        result = -result
    return result if math.isfinite(result) else None


def gps_position(image: Image.Image) -> tuple[float, float] | None:
    """Latitude and longitude from the EXIF GPS block, if present and plausible."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
    except Exception:  # a malformed EXIF block is not the resident's fault: no position
        return None
    if not gps or 2 not in gps or 4 not in gps:
        return None
    lat = _degrees(gps.get(2), gps.get(1), "S")
    lon = _degrees(gps.get(4), gps.get(3), "W")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if lat == 0 and lon == 0:  # "null island": a camera without a fix
        return None
    return round(lat, 6), round(lon, 6)


def _rgb(image: Image.Image) -> Image.Image:
    """RGB pixels; transparency is flattened on white (a JPEG has no alpha)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda v: v / 256).convert("L")  # 16-bit greyscale PNG
    return image.convert("RGB")


def clean_photo(data: bytes, *, max_bytes: int, max_pixels: int, max_dimension: int,
                quality: int = 85, keep_gps: bool = False) -> CleanPhoto:
    """Check, decode and re-encode one upload; raises :class:`PhotoRefused` (or 413)."""
    if not data:
        raise PhotoRefused("Le fichier est vide : choisissez une photo.")
    if len(data) > max_bytes:
        raise PhotoTooLarge(f"Photo trop volumineuse : {max_bytes // 1_000_000} Mo au plus.")
    fmt = sniff(data)
    if fmt is None:
        raise PhotoRefused(f"Ce fichier n'est pas une photo acceptée ({FORMATS_FR}).")
    if not looks_complete(data, fmt):
        raise PhotoRefused("La photo est illisible ou incomplète : réessayez avec une autre "
                           "photo.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])
            width, height = image.size
            if width < 1 or height < 1 or width * height > max_pixels:
                raise PhotoRefused(
                    f"Image trop grande ({width} × {height} pixels) : "
                    f"{max_pixels // 1_000_000} millions de pixels au plus.")
            image.load()  # decodes everything: a truncated or corrupt file fails here
            gps = gps_position(image) if keep_gps else None
            upright = ImageOps.exif_transpose(image)
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused("Image trop grande pour être traitée.") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            struct.error):
        raise PhotoRefused("La photo est illisible ou incomplète : réessayez avec une autre "
                           "photo.") from None
    pixels = _rgb(upright)
    pixels.thumbnail((max_dimension, max_dimension), Image.Resampling.LANCZOS)
    # a new image from raw pixels: no info dict, so no EXIF, XMP, ICC profile or comment
    bare = Image.frombytes("RGB", pixels.size, pixels.tobytes())
    out = io.BytesIO()
    bare.save(out, "JPEG", quality=quality, optimize=True)
    jpeg = out.getvalue()
    return CleanPhoto(jpeg=jpeg, width=bare.width, height=bare.height, original_format=fmt,
                      original_bytes=len(data), sha256=hashlib.sha256(jpeg).hexdigest(),
                      gps=gps)

