"""Settings from the TOML file: the [requests] and [risk_tiers] sections (defaults, and a wrong value named)."""

import pytest

from tracker import settings


def test_defaults_and_a_tier_set_otherwise(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[requests]\npublic_url = "https://tracker.example.jp"\n[risk_tiers.low]\nchecksheet_months = 36\n',
                    encoding="utf-8")
    loaded = settings.load(path).requests
    assert loaded.public_url == "https://tracker.example.jp" and loaded.grace_days == 14
    assert dict(loaded.checksheet_months) == {"high": 12, "medium": 12, "low": 36}


@pytest.mark.parametrize(("text", "named"), [
    ('[requests]\npublic_url = "tracker.example.jp"\n', "public_url"),
    ('[risk_tiers.high]\nchecksheet_months = 0\n', "[risk_tiers.high] checksheet_months"),
])
def test_a_wrong_value_is_named(tmp_path, text, named):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=named.replace("[", r"\[").replace("]", r"\]")):
        settings.load(path)


def test_an_edited_file_is_read_again(tmp_path):
    # load() keeps what it parsed until the file changes: a change made while the app runs still counts
    path = tmp_path / "settings.toml"
    path.write_text('[requests]\ngrace_days = 7\n', encoding="utf-8")
    assert settings.load(path).requests.grace_days == 7
    path.write_text('[requests]\ngrace_days = 30\nfinding_action_days = 10\n', encoding="utf-8")
    assert settings.load(path).requests.grace_days == 30
    path.unlink()
    assert settings.load(path).requests.grace_days == 14
