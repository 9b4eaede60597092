"""The chain as a Graphviz DOT graph: one node per link (a party may sit in several places)."""

from __future__ import annotations

from collections.abc import Callable

from ..services.chains import ChainLink
from .text import short

_EDGE_COLOUR = {"approved": "#2e7d32", "pending": "#ef6c00", "rejected": "#c62828", None: "#9e9e9e"}
FINDING_COLOUR = "#c62828"


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def chain_dot(links: list[ChainLink], organisation: str, tier_label: Callable[[int], str],
              gap_label: Callable[[int], str] = lambda link_id: "") -> str:
    """DOT source: us on the left, each link an edge coloured by its approval status (red when
    the link has a finding, dashed when it is not active). A link whose parent is not among
    ``links`` hangs under us, so a partial page still draws."""
    ids = {link.id for link in links}
    lines = [
        "digraph chain {",
        '  rankdir=LR; node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="sans-serif"];',
        f'  us [label={_quote(short(organisation, 30))}, fillcolor="#e3f2fd"];',
    ]
    for link in links:
        colour = FINDING_COLOUR if link.findings else _EDGE_COLOUR[link.approval_status if link.tier > 1 else None]
        source = f"l{link.parent_id}" if link.parent_id in ids else "us"
        style = ', style="dashed"' if link.status != "active" else ""
        label = "\n".join(filter(None, [short(link.entrustee_name, 30), tier_label(link.tier), gap_label(link.id)]))
        lines.append(f"  l{link.id} [label={_quote(label)}];")
        lines.append(f'  {source} -> l{link.id} [color="{colour}", penwidth=2{style}];')
    lines.append("}")
    return "\n".join(lines)
