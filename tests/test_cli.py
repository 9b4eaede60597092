import click
from click.testing import CliRunner

from tracker.cli import main
from tracker.store import connection


def all_commands(group: click.Group):
    yield group
    for command in group.commands.values():
        yield from (all_commands(command) if isinstance(command, click.Group) else [command])


def test_every_command_has_help_text():
    for command in all_commands(main):
        assert command.help and command.help.strip(), f"{command.name} has no help"
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{command.name} {param.opts} has no help"


def test_init_creates_and_migrates_the_database(tmp_path):
    path = tmp_path / "sub" / "t.db"
    result = CliRunner().invoke(main, ["--db", str(path), "init"])
    assert result.exit_code == 0, result.output
    with connection.reading(path) as db:
        assert "engagements" in db.table_names()


def test_demo_loads_once_and_refuses_a_filled_database(tmp_path):
    path = tmp_path / "t.db"
    runner = CliRunner()
    first = runner.invoke(main, ["--db", str(path), "demo"])
    assert first.exit_code == 0 and "14 parties" in first.output and "6 contracts" in first.output and "4 users" in first.output
    second = runner.invoke(main, ["--db", str(path), "demo"])
    assert second.exit_code == 1 and "already holds" in second.output


def test_tracker_db_variable_chooses_the_database(tmp_path):
    path = tmp_path / "from_env.db"
    result = CliRunner().invoke(main, ["init", "--demo"], env={"TRACKER_DB": str(path)})
    assert result.exit_code == 0 and path.exists()
    info = CliRunner().invoke(main, ["info"], env={"TRACKER_DB": str(path)})
    assert "parties: 14" in info.output and "Pending migrations: none" in info.output


def test_remind_dry_run_prints_one_digest_per_owner_and_refuses_without_smtp(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_SETTINGS", raising=False)
    path = tmp_path / "t.db"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(path), "demo"]).exit_code == 0
    dry = runner.invoke(main, ["--db", str(path), "remind", "--dry-run", "--today", "2026-11-22"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.count("To: ") == 2 and "privacy@minato-shoji.example.jp" in dry.output
    assert "[期限超過] 実地点検: 株式会社ペイロールサービス東日本" in dry.output
    real = runner.invoke(main, ["--db", str(path), "remind", "--today", "2026-11-22"])
    assert real.exit_code == 1 and "[smtp] needs host and sender" in real.output


def test_remind_reads_smtp_settings_and_reports_a_bad_key(tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text('[smtp]\nhost = "127.0.0.1"\nportt = 25\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "t.db"), "remind", "--settings", str(settings)])
    assert result.exit_code == 1 and "unknown keys ['portt']" in result.output


def test_addendum_writes_the_docx_and_keeps_it(tmp_path):
    import io

    from docx import Document

    path, out = tmp_path / "t.db", tmp_path / "覚書.docx"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(path), "demo"]).exit_code == 0
    result = runner.invoke(main, ["--db", str(path), "addendum", "2", "--lang", "both", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 article(s)" in result.output
    (table,) = Document(io.BytesIO(out.read_bytes())).tables  # bilingual: two columns, ja | en
    headings = [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs
                if p.style.name == "Article Heading"]
    assert headings[0].startswith("第1条（") and headings[1].startswith("Article 1 (")
    with connection.reading(path) as db:
        assert db.execute("SELECT status FROM addenda").fetchall() == [("generated",)]
    refused = runner.invoke(main, ["--db", str(path), "addendum", "2", "--clause", "nope", "-o", str(out)])
    assert refused.exit_code == 1 and "Unknown clause" in refused.output


def test_export_and_import_round_trip_through_the_command_line(tmp_path):
    import openpyxl

    source, target = tmp_path / "a.db", tmp_path / "b.db"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(source), "demo"]).exit_code == 0
    report = runner.invoke(main, ["--db", str(source), "export", "-o", str(tmp_path / "r.xlsx"), "--lang", "en",
                                  "--tier", "2"])
    assert report.exit_code == 0, report.output
    chain = openpyxl.load_workbook(tmp_path / "r.xlsx")["Chain"]
    assert {row[2] for row in chain.iter_rows(min_row=2, values_only=True)} == {2}
    assert runner.invoke(main, ["--db", str(source), "ledger", "-o", str(tmp_path / "l.xlsx")]).exit_code == 0
    dry = runner.invoke(main, ["--db", str(target), "import", str(tmp_path / "l.xlsx"), "--dry-run"])
    assert dry.exit_code == 0 and "14 new" in dry.output and "Dry run" in dry.output
    with connection.reading(target) as db:
        assert db.execute("SELECT count(*) FROM parties").fetchone()[0] == 0
    assert runner.invoke(main, ["--db", str(target), "import", str(tmp_path / "l.xlsx")]).exit_code == 0
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    refused = runner.invoke(main, ["--db", str(target), "import", str(bad)])
    assert refused.exit_code == 1 and "not an Excel workbook" in refused.output


def test_demo_scale_builds_a_synthetic_registry(tmp_path):
    path = tmp_path / "s.db"
    result = CliRunner().invoke(main, ["--db", str(path), "demo", "--scale", "50", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "50 parties" in result.output and "200 engagements" in result.output
    again = CliRunner().invoke(main, ["--db", str(path), "demo", "--scale", "50"])
    assert again.exit_code == 1 and "already holds" in again.output


def test_request_commands_send_a_workbook_and_record_its_answer_all_or_nothing(tmp_path, monkeypatch):
    from io import BytesIO

    from openpyxl import load_workbook

    from tracker.formats.request_workbook_layout import ANSWER, ANSWERED_BY_CELL, HEADER_ROW, MAIN_SHEET

    monkeypatch.setenv("TRACKER_TODAY", "2026-11-22")
    db = str(tmp_path / "t.db")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "init", "--demo"]).exit_code == 0
    made = runner.invoke(main, ["--db", db, "request", "new", "3", "--set", "incident_notice", "--due", "2026-12-20"])
    assert made.exit_code == 0, made.output
    number, link = made.output.split()[-2:]
    assert number.startswith("R") and "?answer=" in link
    request_id = number[1:]
    out = tmp_path / "r.xlsx"
    assert runner.invoke(main, ["--db", db, "request", "workbook", request_id, "-o", str(out)]).exit_code == 0
    book = load_workbook(out)
    sheet = book[MAIN_SHEET]
    sheet[f"{ANSWER}{HEADER_ROW + 1}"] = "2026-11-20"  # learned_on; the other required answers left empty
    sheet[ANSWERED_BY_CELL] = "事故 担当"
    buffer = BytesIO()
    book.save(buffer)
    partial = tmp_path / "partial.xlsx"
    partial.write_bytes(buffer.getvalue())
    refused = runner.invoke(main, ["--db", db, "request", "answer", request_id, str(partial)])
    assert refused.exit_code == 1 and f"{MAIN_SHEET} row {HEADER_ROW + 3} E" in refused.output
    assert "Nothing recorded." in refused.output
    listed = runner.invoke(main, ["--db", db, "request", "list", "--state", "sent"])
    assert f"{number}\tsent\tincident_notice\t2026-12-20\tE3\t" in listed.output


def test_ids_as_printed_and_decisions_from_the_command_line(tmp_path):
    """R5 and E12 are taken as the screens print them; show, accept and return go through the same
    services and permissions as the Requests screen (issue 26, point 14)."""
    db = str(tmp_path / "t.db")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "init", "--demo"]).exit_code == 0
    made = runner.invoke(main, ["--db", db, "request", "new", "E3", "--set", "incident_notice", "--due", "2026-12-20"])
    assert made.exit_code == 0, made.output
    number = made.stdout.split()[0]
    out = tmp_path / "w.xlsx"
    assert runner.invoke(main, ["--db", db, "request", "workbook", number, "-o", str(out)]).exit_code == 0
    assert runner.invoke(main, ["--db", db, "request", "workbook", number.lower(), "-o", str(out)]).exit_code == 0
    wrong = runner.invoke(main, ["--db", db, "request", "workbook", "E3", "-o", str(out)])
    assert wrong.exit_code == 2 and "write it as printed, e.g. R12" in wrong.output

    # the demo's annual report (R2) awaits review
    shown = runner.invoke(main, ["--db", db, "request", "show", "R2", "--lang", "en"])
    assert shown.exit_code == 0, shown.output
    assert "Answered by" in shown.output and "JST" in shown.output and "Findings" in shown.output
    listed = runner.invoke(main, ["--db", db, "request", "list", "--state", "answered"])
    assert "R2\tanswered\tannual_report" in listed.output and "JST" in listed.output

    refused = runner.invoke(main, ["--db", db, "request", "accept", "R2", "--as", "manager"])
    assert refused.exit_code == 1 and "may not accept" in refused.output
    nobody = runner.invoke(main, ["--db", db, "request", "accept", "R2", "--as", "nobody"])
    assert nobody.exit_code == 2 and "no active user" in nobody.output
    returned = runner.invoke(main, ["--db", db, "request", "return", "R2", "--as", "privacy", "--comment",
                                    "研修の実施予定を補足してください。"])
    assert returned.exit_code == 0 and "returned to the vendor" in returned.output
    again = runner.invoke(main, ["--db", db, "request", "list", "--state", "returned"])
    assert "R2\treturned" in again.output


def test_a_second_open_request_and_links_to_localhost_are_warned_of(tmp_path):
    db = str(tmp_path / "t.db")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "init", "--demo"]).exit_code == 0
    # the demo has a selection request sent to E1 (R1)
    second = runner.invoke(main, ["--db", db, "request", "new", "E1", "--set", "selection", "--due", "2026-12-20"])
    assert second.exit_code == 1 and "R1 (sent" in second.output and "--again" in second.output
    again = runner.invoke(main, ["--db", db, "request", "new", "E1", "--set", "selection", "--due", "2026-12-20",
                                 "--again"])
    assert again.exit_code == 0 and "[requests] public_url" in again.output  # the default points at localhost
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text('[requests]\npublic_url = "https://tracker.example.co.jp"\n')
    clean = runner.invoke(main, ["--db", db, "request", "new", "E3", "--set", "selection", "--due", "2026-12-20"],
                          env={"TRACKER_SETTINGS": str(settings_file)})
    assert clean.exit_code == 0 and "public_url" not in clean.output
    assert "https://tracker.example.co.jp/?answer=" in clean.output


def test_a_link_is_named_by_its_ledger_number_on_the_command_line(tmp_path):
    from tests.services.test_ledger_import import workbook

    db = str(tmp_path / "t.db")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "init"]).exit_code == 0
    ledger = tmp_path / "ledger.xlsx"
    ledger.write_bytes(workbook(links=[
        ["IT-2024-007", "発送業務", "総務部", None, "7000012050002", "DM発送", "個人情報", "実施中"],
        ["IT-2024-003", "発送業務", "総務部", "IT-2024-007", "ベータ株式会社", "封入作業", "個人情報", "予定"]]))
    imported = runner.invoke(main, ["--db", db, "import", str(ledger)])
    assert imported.exit_code == 0, imported.output
    made = runner.invoke(main, ["--db", db, "request", "new", "IT-2024-003", "--set", "annual_report",
                                "--due", "2026-12-20"])
    assert made.exit_code == 0, made.output
    listed = runner.invoke(main, ["--db", db, "request", "list"])
    assert "\tIT-2024-003\tベータ株式会社\t" in listed.output
    wrong = runner.invoke(main, ["--db", db, "request", "new", "IT-2024-999", "--set", "annual_report"])
    assert wrong.exit_code == 2 and "is no engagement's ledger number" in wrong.output


def test_where_we_depend_on_a_company_from_the_command_line(tmp_path):
    db = str(tmp_path / "t.db")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "init", "--demo"]).exit_code == 0
    shown = runner.invoke(main, ["--db", db, "party", "show", "株式会社ペイロールサービス東日本", "--chains"])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0].startswith("株式会社ペイロールサービス東日本\t") and "businesses" in lines[1]
    assert lines[2].startswith("business\ttiers") and len(lines) >= 4
    missing = runner.invoke(main, ["--db", db, "party", "show", "存在しない会社"])
    assert missing.exit_code == 2 and "no party" in missing.output
