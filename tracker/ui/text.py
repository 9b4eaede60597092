"""User text shown by the screens: literal, never formatting, and short where space is short.

Every piece of user text that reaches Markdown, a header, a label, a caption, an option or an
expander goes through ``md``: a name is data, never formatting (no links, images, bold, HTML or
colour directives).
"""

import re

# everything Markdown, Streamlit's directives (:red[…], :material/…:) or HTML could interpret
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&\"'^])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
# Markdown turns bare addresses into links after escapes are read ("http\://…" too): an invisible
# word joiner inside "://", "www." and "@" keeps them text (a link could make the browser fetch)
_AUTOLINK = re.compile(r"://|www\.|@", re.IGNORECASE)
_JOINER = "\u2060"
SHORT = 40  # characters of a name in a heading, a list or a graph node


def md(text: object) -> str:
    """``text`` as literal Markdown: each special character escaped, line breaks folded to spaces
    (a new line could start a heading or a list)."""
    plain = _LINE_BREAKS.sub(" ", "" if text is None else str(text))
    plain = _AUTOLINK.sub(lambda m: m.group(0)[:-1] + _JOINER + m.group(0)[-1], plain)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", plain)


def short(text: object, limit: int = SHORT) -> str:
    """A long name cut to ``limit`` characters with an ellipsis (the record shows it whole)."""
    value = "" if text is None else str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def md_short(text: object, limit: int = SHORT) -> str:
    return md(short(text, limit))
