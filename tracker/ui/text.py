"""User text inside Markdown must show literally."""

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: str | None) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text or "")
