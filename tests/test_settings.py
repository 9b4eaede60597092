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


def test_behind_make_serves_own_proxy_it_is_believed_as_well_as_the_listed_ones(tmp_path, monkeypatch):
    from tracker.domain.client_address import client_address

    path = tmp_path / "settings.toml"
    path.write_text('[server]\ntrusted_proxies = ["10.0.0.0/8"]\n', encoding="utf-8")
    assert client_address("127.0.0.1", "203.0.113.7", settings.load(path).trusted_proxies) == "127.0.0.1"
    monkeypatch.setenv("TRACKER_BEHIND_LOCAL_PROXY", "1")
    trusted = settings.load(path).trusted_proxies
    assert client_address("127.0.0.1", "203.0.113.7", trusted) == "203.0.113.7"
    assert client_address("10.1.2.3", "198.51.100.9", trusted) == "198.51.100.9"  # the listed one still
    assert client_address("127.0.0.1", "203.0.113.7", settings.load(tmp_path / "none.toml").trusted_proxies) \
        == "203.0.113.7"  # with no settings file too
