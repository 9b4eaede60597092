"""Whether an uploaded evidence file is what its name says, checked by parsing it with the format's
own maintained reader (a PDF header followed by an executable, or any zip named .docx, is refused).

Reading only, with limits: the files are at most the attachment size, and a zip's parts are
checked for their unpacked size before anything inside is parsed."""

from __future__ import annotations

import io
import warnings
import zipfile

from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PdfReadError

MAX_UNPACKED = 200 * 1024 * 1024  # what a .docx or .xlsx attachment may unpack to
# the part every package of its kind has (ECMA-376 Part 2)
_MAIN_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


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
        if "[Content_Types].xml" not in names or main_part not in names:
            return False
        return package.testzip() is None  # every part's checksum (a damaged or doctored package fails)
