"""A screen that cannot finish says so in plain words, never with a traceback (server paths, our
code): a busy database asks to try again in a moment; any other fault says it was recorded, and the
server's log has the details. Both stop the run (``st.stop``), so what the user typed is kept:
Streamlit forgets the widgets a finished run did not draw, not those of a stopped one."""

from __future__ import annotations

import logging

import streamlit as st

from ..services.context import Busy
from .session import tr

FAILED_KEY = "page_failed"  # the container the fault's message is drawn in (tests look for it)
_log = logging.getLogger("tracker.pages")


def run_guarded(page) -> None:
    """``page.run()`` with a busy database and any fault shown as our own message."""
    try:
        page.run()
    except Busy:
        st.warning(tr("common.busy_page"), icon=":material/hourglass_top:")
        st.stop()
    except Exception:  # noqa: BLE001 - whatever it was, the user sees our words and the log the details
        _log.exception("a screen failed")
        with st.container(key=FAILED_KEY):
            st.error(tr("common.page_failed"), icon=":material/error:")
        st.stop()
