"""User text shown through Markdown stays text; long names are shortened, never on the record."""

from tracker.ui.text import md, short


def test_markdown_html_and_directives_are_escaped():
    shown = md("**太字** [リンク](x) <b>html</b> :red[赤] $x^2$ # 見出し")
    assert shown == "\\*\\*太字\\*\\* \\[リンク\\]\\(x\\) \\<b\\>html\\</b\\> \\:red\\[赤\\] \\$x\\^2\\$ \\# 見出し"


def test_bare_addresses_cannot_become_links():
    shown = md("see http://127.0.0.1:9/leak.png and www.example.com or a@b.example")
    assert "://" not in shown and "www." not in shown and "a@b" not in shown
    assert shown.replace("\u2060", "").replace("\\", "") == "see http://127.0.0.1:9/leak.png and www.example.com or a@b.example"


def test_line_breaks_cannot_start_a_heading_or_a_list():
    assert "\n" not in md("名前\n# 見出し\n- 項目")


def test_long_names_are_shortened_with_an_ellipsis():
    assert short("株" * 300) == "株" * 39 + "…"
    assert short("短い名前") == "短い名前"
