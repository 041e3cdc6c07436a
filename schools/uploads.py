"""Checking an uploaded file before it is stored: documents and images only, at most 10 MB.

The extension says what the user meant; the first bytes say what the file is. Both must agree,
so a renamed program or a web page saved as "x.pdf" is refused before anything is written."""

import zipfile

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
MAX_MB = MAX_BYTES // (1024 * 1024)

# extension -> (what the file is, content type)
KINDS = {
    "pdf": ("pdf", "application/pdf"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "png": ("png", "image/png"),
}
ACCEPT = ",".join(f".{ext}" for ext in KINDS)


def limits() -> str:
    """The rule as the form states it and every refusal repeats it."""
    return _("限 PDF、DOCX、JPEG、PNG 格式，单个文件不超过 %(max)s MB。") % {"max": MAX_MB}


LIMITS = lazy(limits, str)()  # for help_text, translated when the page is rendered


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def content_type(name: str) -> str:
    return KINDS.get(extension(name), ("", "application/octet-stream"))[1]


def _sniff(upload) -> str:
    """What the first bytes say the file is: pdf, docx, jpeg, png or ''."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return ""
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
    return ""


def check_upload(upload, field: str = "file") -> str:
    """Refuse anything but a real PDF, DOCX, JPEG or PNG of at most 10 MB; return its extension."""
    if upload is None:
        raise ValidationError({field: _("请选择要上传的文件。") + limits()})
    if upload.size > MAX_BYTES:
        raise ValidationError(
            {field: _("文件过大（%(size).1f MB）。") % {"size": upload.size / (1024 * 1024)} + limits()}
        )
    ext = extension(upload.name or "")
    expected = KINDS.get(ext, (None,))[0]
    if expected is None or _sniff(upload) != expected:
        raise ValidationError({field: _("文件类型不符合要求，或文件内容与扩展名不一致。") + limits()})
    return "jpg" if ext == "jpeg" else ext
