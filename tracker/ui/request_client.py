"""Who is knocking with a vendor link, for the throttle on wrong links: the address the request came
from, or the first one a reverse proxy forwarded (behind a proxy every browser would otherwise share
the proxy's address, and one guesser would lock every vendor out)."""

from __future__ import annotations

import streamlit as st


def of_browser() -> str:
    headers = st.context.headers
    forwarded = headers.get("X-Forwarded-For", "") if hasattr(headers, "get") else ""
    first = forwarded.split(",")[0].strip() if isinstance(forwarded, str) else ""
    address = st.context.ip_address
    return first or (address if isinstance(address, str) and address else "unknown")
