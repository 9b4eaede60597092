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
