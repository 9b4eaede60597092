"""Who is knocking with a vendor link, for the throttle on wrong links: the connection's address, or
the one a trusted proxy forwarded (``[server] trusted_proxies``; see domain/client_address.py)."""

from __future__ import annotations

import streamlit as st

from .. import settings
from ..domain.client_address import client_address


def of_browser() -> str:
    headers = st.context.headers
    forwarded = headers.get("X-Forwarded-For", "") if hasattr(headers, "get") else ""
    peer = st.context.ip_address
    return client_address(peer if isinstance(peer, str) else None, forwarded if isinstance(forwarded, str) else "",
                          settings.load().trusted_proxies)
