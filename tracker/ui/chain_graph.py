"""The chain as a Graphviz DOT graph: one node per link (a party may sit in several places)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from ..services.chains import ChainLink
from .text import short

# the colours of labels.APPROVAL_COLOUR's badges, so that graph, list and legend agree
APPROVAL_HEX = {"approved": "#2e7d32", "pending": "#ef6c00", "rejected": "#c62828", None: "#7b1fa2"}
TIER_ONE_HEX = "#9e9e9e"  # no approval needed
FINDING_COLOUR = "#c62828"  # the node's outline: the link has a finding
LINE_WIDTH = 12  # full-width characters per line of a node: narrow nodes keep the text large


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def wrapped(name: str, width: int = LINE_WIDTH) -> str:
    """A name on at most two lines of ``width`` full-width characters: Latin names break between
    words, Japanese ones between characters (a half-width character counts half)."""
    name = short(name, 4 * width)
    if name.isascii():
        lines = textwrap.wrap(name, 2 * width) or [""]
    else:
        lines, line, used = [], "", 0.0
        for char in name:
            size = 0.5 if char.isascii() or "\uff61" <= char <= "\uff9f" else 1
            if used + size > width and line:
                lines.append(line)
                line, used = "", 0.0
            line += char
            used += size
        lines.append(line)
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")


def chain_dot(links: list[ChainLink], organisation: str, tier_label: Callable[[int], str],
              gap_label: Callable[[int], str] = lambda link_id: "") -> str:
    """DOT source: us on the left, each link an edge in its approval's colour (as in the list and
    the legend), dashed when the link is not active; a link with a finding has its box outlined
    in red. A link whose parent is not among ``links`` hangs under us, so a partial page still draws."""
    ids = {link.id for link in links}
    lines = [
        "digraph chain {",
        '  rankdir=LR; ranksep=0.3; nodesep=0.15;',
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="sans-serif", fontsize=16];',
        f'  us [label={_quote(wrapped(organisation))}, fillcolor="#e3f2fd"];',
    ]
    for link in links:
        colour = APPROVAL_HEX[link.approval_status] if link.tier > 1 else TIER_ONE_HEX
        source = f"l{link.parent_id}" if link.parent_id in ids else "us"
        style = ', style="dashed"' if link.status != "active" else ""
        label = "\n".join(filter(None, [wrapped(link.entrustee_name), tier_label(link.tier), gap_label(link.id)]))
        outline = f', color="{FINDING_COLOUR}", penwidth=3' if link.findings else ""
        lines.append(f"  l{link.id} [label={_quote(label)}{outline}];")
        lines.append(f'  {source} -> l{link.id} [color="{colour}", penwidth=2{style}];')
    lines.append("}")
    return "\n".join(lines)
