"""Visit photos: JPEG or PNG only, size-limited, re-encoded on upload so that what is stored is the
picture and nothing else — resized to a phone-screen width, EXIF (camera, time, GPS location) gone."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 8 * 1024 * 1024
MAX_MB = MAX_BYTES // (1024 * 1024)
MAX_SIDE = 1600
MAX_PHOTOS = 10
FORMATS = {"JPEG": "jpg", "PNG": "png"}


def clean_photo(upload) -> tuple[ContentFile, int, int]:
    """The upload re-encoded (ContentFile named *.jpg or *.png), with its width and height; a
    ValidationError keyed "photos" for anything too large or not a JPEG/PNG picture."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            {
                "photos": _("照片“%(name)s”超过 %(max)s MB，请压缩后再上传。")
                % {"name": upload.name, "max": MAX_MB}
            }
        )
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            kind = probe.format
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)  # keep the picture upright once the EXIF is gone
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        kind = None
    if kind not in FORMATS:
        raise ValidationError({"photos": _("“%(name)s”不是 JPEG 或 PNG 图片。") % {"name": upload.name}})
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.info = {}  # nothing of the original's metadata is carried into the new file
    out = io.BytesIO()
    image.save(out, format=kind, **({"quality": 85} if kind == "JPEG" else {"optimize": True}))
    return ContentFile(out.getvalue(), name=f"photo.{FORMATS[kind]}"), image.width, image.height
