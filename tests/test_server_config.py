"""The Streamlit server's own configuration (`.streamlit/config.toml`), which `make run` and the
browser tests start from: what it sets is what keeps many users at once fast."""

import tomllib
from pathlib import Path

CONFIG = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text("utf-8"))


def test_no_forced_garbage_collection_after_each_page_run():
    # gc.collect(2) after every rerun walked the cached analysis each time: ~30 % of the server's
    # time with 10 sessions (py-spy), 25 users' p95 5.0 s → 0.5 s without it (docs/benchmarks.md)
    assert CONFIG["runner"]["postScriptGC"] is False


def test_no_polling_of_the_source_files_per_session():
    assert CONFIG["server"]["fileWatcherType"] == "none"


def test_uploads_limited_as_the_readme_says():
    assert CONFIG["server"]["maxUploadSize"] == 20


def test_no_screen_shows_a_traceback():
    """Our own message instead (tracker/ui/page_errors.py); this covers the frame itself."""
    assert CONFIG["client"]["showErrorDetails"] == "none"
