"""An attached file: its name, size and SHA-256 (to check a printout against), and a download."""

from __future__ import annotations

import streamlit as st

from ..services import attachments
from ..services.context import Context
from .session import tr
from .text import md


def show(ctx: Context, attachment_id: int, key: str) -> None:
    try:
        info, data = attachments.read(ctx, attachment_id)
    except attachments.AttachmentDamaged as damaged:
        st.error(tr("attachment.damaged", detail=str(damaged)))
        return
    st.markdown(f":material/attach_file: **{md(info.original_name)}** · {info.size:,} bytes  \n"
                f"SHA-256: `{info.sha256}`")
    st.download_button(tr("attachment.download"), data, file_name=info.original_name, mime=info.content_type,
                       key=key, icon=":material/download:")
