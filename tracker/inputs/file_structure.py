"""Whether an uploaded evidence file is what its name says, checked by parsing it with the format's
own maintained reader (a PDF header followed by an executable, or any zip named .docx, is refused).

Reading only, with limits: the files are at most the attachment size, and a zip's parts are
checked for their unpacked size before anything inside is parsed.

What a reader skips is refused too: data after a PDF's last ``%%EOF`` (an executable appended to a
real PDF), and a part of an Office package that its ``[Content_Types].xml`` gives no type (a
``payload.exe`` carried inside a real .docx)."""

from __future__ import annotations

import io
import warnings
import zipfile

from defusedxml import ElementTree
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PdfReadError

MAX_UNPACKED = 200 * 1024 * 1024  # what a .docx or .xlsx attachment may unpack to
# the part every package of its kind has (ECMA-376 Part 2)
_MAIN_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
_CONTENT_TYPES = "[Content_Types].xml"
_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_PDF_END = b"%%EOF"
_TRAILING = b" \t\r\n\x00\x0c"  # what writers leave after %%EOF: line ends, padding


def is_well_formed(extension: str, data: bytes) -> bool:
    """True when ``data`` parses as a file of ``extension`` (.pdf, .png, .jpg/.jpeg, .docx, .xlsx)."""
    try:
        if extension == ".pdf":
            return _pdf(data)
        if extension in (".png", ".jpg", ".jpeg"):
            return _image(data, "PNG" if extension == ".png" else "JPEG")
        if extension in _MAIN_PART:
            return _package(data, _MAIN_PART[extension])
    except Exception:  # noqa: BLE001 - a parser's every complaint means the same: not a well-formed file
        return False
    return False


def _pdf(data: bytes) -> bool:
    if not data.rstrip(_TRAILING).endswith(_PDF_END):
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            return len(reader.pages) > 0
        except PdfReadError:
            return False


def _image(data: bytes, kind: str) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        if image.format != kind:
            return False
        image.verify()  # reads the whole file's structure without decoding the pixels
    return True


def _package(data: bytes, main_part: str) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        infos = package.infolist()
        names = {info.filename for info in infos}
        if sum(info.file_size for info in infos) > MAX_UNPACKED:
            return False
        if _CONTENT_TYPES not in names or main_part not in names:
            return False
        if package.testzip() is not None:  # every part's checksum (a damaged or doctored package fails)
            return False
        return _every_part_typed(package.read(_CONTENT_TYPES), names)


def _every_part_typed(content_types: bytes, names: set[str]) -> bool:
    """Each part has a content type: an Override naming it, or a Default for its extension
    (ECMA-376 Part 2, 10.1.2). Folder entries hold nothing and are skipped."""
    root = ElementTree.fromstring(content_types)
    defaults = {(e.get("Extension") or "").lower() for e in root.iter(f"{_TYPES_NS}Default")}
    overrides = {(e.get("PartName") or "").lstrip("/").lower() for e in root.iter(f"{_TYPES_NS}Override")}
    for name in names - {_CONTENT_TYPES}:
        if name.endswith("/"):
            continue
        if name.lower() not in overrides and _extension(name) not in defaults:
            return False
    return True


def _extension(part_name: str) -> str:
    """A part's extension as [Content_Types].xml names it: "_rels/.rels" has "rels"."""
    base = part_name.rsplit("/", 1)[-1]
    return base.rpartition(".")[2].lower() if "." in base else ""
