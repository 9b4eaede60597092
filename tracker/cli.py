"""The `tracker` command."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import click

from . import config
from .domain import refs
from .domain.refs import parse_ref
from .domain.webhooks import Event
from .services import setup
from .domain.permissions import USER_ROLES, Role
from .services.context import SYSTEM, Actor, Context

CLI_ADMIN = Actor("cli", "Command line", Role.ADMIN)


def _context(ctx: click.Context) -> Context:
    return Context(db_path=ctx.obj["db"], actor=SYSTEM, today=config.today())


def _as_admin(ctx: click.Context) -> Context:
    """The command line acting as an administrator (user accounts, tokens, webhooks)."""
    return Context(ctx.obj["db"], CLI_ADMIN, config.today())


def _tsv(*cells) -> None:
    """One line of a tab-separated listing (a spreadsheet or `cut` reads it); nothing for None or ""."""
    click.echo("\t".join("" if cell is None else str(cell) for cell in cells))


def _yes(flag) -> str:
    return "yes" if flag else "no"


def _refused(violation) -> None:
    """Each broken rule on standard error, by field, then exit 1: nothing was saved."""
    from .i18n import describe

    for problem in violation.problems:
        click.echo(f"Error: {problem.field}: {describe(problem, 'en')}", err=True)
    sys.exit(1)


def _context_of(ctx: click.Context, username: str) -> Context:
    """Acting as a registered user: their role's permissions apply, and the trail names them."""
    from .services.users import actor_for_username

    who = actor_for_username(ctx.obj["db"], username)
    if who is None:
        raise click.BadParameter(f"no active user named {username!r}", param_hint="--as")
    return Context(db_path=ctx.obj["db"], actor=who, today=config.today())


class Ref(click.ParamType):
    """A request as the screens and exports print it (R5), or its bare number."""

    name = "REF"

    def __init__(self, prefix: str, what: str):
        self.prefix, self.what = prefix, what

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        found = parse_ref(str(value), self.prefix)
        if found is None:
            self.fail(f"{value!r} is not {self.what} (write it as printed, e.g. {self.prefix}12)", param, ctx)
        return found


class LinkRef(click.ParamType):
    """A link as the screens, the report and the ledger print it: its ledger number (IT-2024-003,
    E12), or its internal number."""

    name = "LINK"

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        from .services.engagements import id_of_ref

        found = id_of_ref(_context(ctx.find_root()), str(value))
        if found is None:
            self.fail(f"{value!r} is no engagement's ledger number (write it as printed, e.g. E12)", param, ctx)
        return found


ENGAGEMENT_REF = LinkRef()
REQUEST_REF = Ref(refs.REQUEST, "a request")


@click.group()
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="TRACKER_DB",
    default=None,
    help="SQLite database file (default: $TRACKER_DB, else data/tracker.db).",
)
@click.pass_context
def main(ctx: click.Context, db: Path | None) -> None:
    """Vendor and subcontractor oversight tracker (委託先・再委託先管理).

    Keeps the registry of entrustees and their sub-processors, the delegation chain of every
    entrusted business, and the approval of every re-delegation.
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = config.db_path(db)


@main.command()
@click.option("--demo", is_flag=True, help="Also load the demo registry if the database is empty.")
@click.pass_context
def init(ctx: click.Context, demo: bool) -> None:
    """Create the database (if needed), apply every pending migration, and create the audit key
    (mode 0600, outside the database: back it up separately)."""
    from .services.audit import key_path

    path = ctx.obj["db"]
    setup.initialise(path)
    click.echo(f"Database ready: {path}")
    click.echo(f"Audit key: {key_path(path)} (keep a copy apart from the database backups)")
    if demo and setup.is_empty(path):
        from .services import demo_loader  # the whole service layer: loaded only when used

        counts = demo_loader.load_demo(_context(ctx), config.DEMO_REGISTRY)
        click.echo(_loaded(counts))


@main.command()
@click.option("--scale", type=int, default=None,
              help="Instead of the demo: a synthetic registry of this many parties (~4 engagements each).")
@click.option("--seed", type=int, default=2026, show_default=True, help="Random seed of --scale.")
@click.option(
    "--source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=config.DEMO_REGISTRY,
    show_default=True,
    help="Demo registry file to load.",
)
@click.pass_context
def demo(ctx: click.Context, scale: int | None, seed: int, source: Path) -> None:
    """Load the demo registry (a fictional company) into an empty database, or with --scale a
    synthetic one for benchmarks."""
    path = ctx.obj["db"]
    setup.initialise(path)
    if scale is not None:
        from .services import synthetic

        try:
            counts = synthetic.build(path, scale, seed)
        except ValueError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)
        click.echo("Synthetic registry: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        return
    from .services import demo_loader

    try:
        counts = demo_loader.load_demo(_context(ctx), source)
    except demo_loader.DemoError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(_loaded(counts))


@main.command()
@click.option("--host", default="localhost", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=8501, show_default=True, type=int, help="Port of the screens and the API (/api/v1).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Run this many app processes behind HAProxy (make serve); none: one process, no proxy.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int | None) -> None:
    """Start the app: the screens and the API (/api/v1, its docs at /api/v1/docs) on one port, on the
    database --db or $TRACKER_DB names (created and filled with the demo data on first start)."""
    import os

    os.environ["TRACKER_DB"] = str(ctx.obj["db"])  # the screens' and the API's, in this process
    if workers:
        from .cluster import run as run_many

        run_many(host, port, workers)
        return
    from .server import run

    run(host, port)


@main.command()
@click.pass_context
def info(ctx: click.Context) -> None:
    """Show where the database is, its pending migrations and what it holds."""
    path = ctx.obj["db"]
    if not path.exists():
        click.echo(f"{path}: no database yet (run `tracker init`)")
        return
    click.echo(f"Database: {path}")
    click.echo(f"Pending migrations: {', '.join(setup.pending_migrations(path)) or 'none'}")
    for key, value in setup.registry_counts(path).items():
        click.echo(f"{key}: {value}")


@main.group()
def user() -> None:
    """Local user accounts."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in USER_ROLES]), required=True, help="What the user may do.")
@click.option("--name", "display_name", help="Name shown in the app and the audit trail (default: USERNAME).")
@click.option("--email", default="", help="E-mail, used to match a single-sign-on identity.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
@click.pass_context
def user_add(ctx: click.Context, username: str, role: str, display_name: str | None, email: str,
             password_stdin: bool) -> None:
    """Create a user, e.g. the first administrator: tracker user add alice --role admin."""
    from .domain.problems import RuleViolation
    from .services import users

    setup.initialise(ctx.obj["db"])
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        users.create_user(Context(ctx.obj["db"], CLI_ADMIN),
                          users.UserInput(username, display_name or username, role, email, password))
    except RuleViolation as violation:
        _refused(violation)
    click.echo(f"User {username} ({role}) created.")


@main.group()
def party() -> None:
    """Parties of the registry (processors, sub-processors, re-subcontractors)."""


@party.command("show")
@click.argument("who")
@click.option("--chains", is_flag=True, help="Also every business where we depend on it, with its data and approvals.")
@click.pass_context
def party_show(ctx: click.Context, who: str, chains: bool) -> None:
    """A party by its 法人番号, its exact name, or its number; with --chains, where we depend on it."""
    from .services import concentration, parties

    context = _context(ctx)
    party_id = parties.id_of(context, who)
    if party_id is None:
        raise click.BadParameter(f"no party {who!r} (give its 法人番号, exact name or number)", param_hint="WHO")
    row = parties.get_party(context, party_id)
    _tsv(row["name"], row["corporate_number"], row["country"], row["address"])
    if not chains:
        return
    seen = concentration.of_party(context, party_id)
    click.echo(f"{len(seen.businesses)} businesses, {seen.links} links, {seen.individuals:,} individuals "
               f"(each business once), countries {', '.join(seen.countries) or '-'}, {seen.unapproved} without approval")
    _tsv("business", "tiers", "links", "my number", "sensitive", "individuals", "countries", "approved", "with gaps")
    for b in seen.businesses:
        _tsv(b.business_name, f"{b.tiers[0]}-{b.tiers[1]}", b.links, _yes(b.my_number), _yes(b.sensitive),
             b.individuals or None, ",".join(b.countries), f"{b.approved}/{b.needing_approval}", b.with_gaps)


@main.group()
def token() -> None:
    """Personal API tokens (Authorization: Bearer …): each acts as its user, with the user's role."""


@token.command("create")
@click.option("--user", "username", required=True, help="The user the token acts as.")
@click.option("--name", default="api", show_default=True, help="What it is for (稟議 workflow, e-contract …).")
@click.option("--read-only", is_flag=True, help="Reads only: every write is refused.")
@click.option("--expires", "days", default=90, show_default=True, type=int, help="Days it works (at most 366).")
@click.pass_context
def token_create(ctx: click.Context, username: str, name: str, read_only: bool, days: int) -> None:
    """Make a token and print it: it is shown this once (only its hash is kept)."""
    from .domain.problems import NotFound, RuleViolation
    from .services import api_tokens

    try:
        issued = api_tokens.create_token(_as_admin(ctx), name, read_only, days,
                                         username=username)
    except NotFound:
        raise click.BadParameter(f"no user named {username!r}", param_hint="--user") from None
    except RuleViolation as violation:
        _refused(violation)
    click.echo(issued.secret)
    click.echo(f"Token {issued.token_id} for {username}{' (read-only)' if read_only else ''}, "
               f"works until {issued.expires_on.isoformat()}; shown once, keep it now.", err=True)


@token.command("list")
@click.option("--user", "username", required=True, help="Whose tokens.")
@click.pass_context
def token_list(ctx: click.Context, username: str) -> None:
    """A user's tokens (never their secrets): id, name, read-only, expiry, revoked, last used."""
    from .services import api_tokens

    _tsv("id", "name", "read only", "expires on", "revoked at", "last used at")
    for t in api_tokens.tokens_of(_as_admin(ctx), username):
        _tsv(t["id"], t["name"], _yes(t["read_only"]), t["expires_on"], t["revoked_at"], t["last_used_at"])


@token.command("revoke")
@click.argument("token_id", type=int)
@click.pass_context
def token_revoke(ctx: click.Context, token_id: int) -> None:
    """Stop a token at once."""
    from .services import api_tokens

    api_tokens.revoke(_as_admin(ctx), token_id)
    click.echo(f"Token {token_id} revoked.")


@main.group()
def webhook() -> None:
    """Outbound webhooks, signed per Standard Webhooks (administrators)."""


@webhook.command("add")
@click.argument("url")
@click.option("--event", "events", multiple=True, required=True,
              type=click.Choice([e.value for e in Event]), help="An event to send (repeat for several).")
@click.option("--allow-http", is_flag=True, help="Allow http:// for this endpoint (an internal server).")
@click.pass_context
def webhook_add(ctx: click.Context, url: str, events: tuple[str, ...], allow_http: bool) -> None:
    """Register an endpoint; prints its signing secret, shown this once."""
    from .domain.problems import RuleViolation
    from .services import webhooks

    try:
        made = webhooks.add_endpoint(_as_admin(ctx), url, list(events), allow_http)
    except RuleViolation as violation:
        _refused(violation)
    click.echo(made.secret)
    click.echo(f"Endpoint {made.endpoint_id} registered; verify deliveries with this secret (shown once).", err=True)


@webhook.command("list")
@click.pass_context
def webhook_list(ctx: click.Context) -> None:
    """The endpoints (never their secrets)."""
    from .services import webhooks

    _tsv("id", "url", "events", "active")
    for e in webhooks.endpoints(_as_admin(ctx)):
        _tsv(e["id"], e["url"], ",".join(e["events"]), _yes(e["active"]))


@webhook.command("deliveries")
@click.option("--limit", default=50, show_default=True, type=int, help="How many of the latest to list.")
@click.pass_context
def webhook_deliveries(ctx: click.Context, limit: int) -> None:
    """The latest deliveries: state, attempts, the last answer."""
    from .services import webhooks

    _tsv("id", "event", "webhook-id", "state", "attempts", "last status", "last error", "url")
    for d in webhooks.deliveries(_as_admin(ctx), limit):
        _tsv(d["id"], d["type"], d["message_id"], d["state"], d["attempts"], d["last_status"], d["last_error"],
             d["url"])


@webhook.command("resend")
@click.argument("delivery_id", type=int)
@click.pass_context
def webhook_resend(ctx: click.Context, delivery_id: int) -> None:
    """Send a delivery again (the same webhook-id) with the next delivery run."""
    from .services import webhooks

    webhooks.send_again(_as_admin(ctx), delivery_id)
    click.echo(f"Delivery {delivery_id} queued again.")


@main.group()
def audit() -> None:
    """The tamper-evident audit trail."""


@audit.command("verify")
@click.pass_context
def audit_verify(ctx: click.Context) -> None:
    """Check the keyed hash chain (name the first edited, deleted or reordered record) and every
    row against the values its last record left (name each row changed without a record); exit 1."""
    from .services.audit import AuditKeyMissing, unrecorded_changes, verify_chain

    try:
        broken, checked = verify_chain(ctx.obj["db"])
        changed = unrecorded_changes(ctx.obj["db"])
    except AuditKeyMissing as missing:
        click.echo(f"Error: {missing}", err=True)
        sys.exit(1)
    if broken is not None:
        where = f"record {broken.record_id}" if broken.record_id is not None else "the end of the trail"
        click.echo(f"Audit trail broken at {where}: {broken.reason.replace('_', ' ')}.", err=True)
    for change in changed:
        what = "added or deleted" if change.columns == ("*",) else "changed: " + ", ".join(change.columns)
        click.echo(f"Changed without an audit record: {change.table_name} {change.row_id} ({what}).", err=True)
    if broken is None and not changed:
        click.echo(f"Audit trail intact: {checked} records; every row matches it.")
        return
    sys.exit(1)


@main.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup_command(ctx: click.Context, out: Path) -> None:
    """Write a consistent copy of the database and its attachments to OUT (.tar.gz), app running or not."""
    from .services.audit import key_path
    from .services.backup import backup

    # stopped by cron's or systemd's SIGTERM: unwind, so the temporary copy and the partial archive go
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    manifest = backup(ctx.obj["db"], out)
    click.echo(f"Backup written: {out} (database sha256 {manifest['database_sha256'][:16]}…, "
               f"{manifest['attachments']} attachments).")
    click.echo(f"The audit key is not in it: back up {key_path(ctx.obj['db'])} separately.")


@main.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--audit-key", "audit_key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="The audit key the trail was sealed with (backed up apart from the archive); "
                                 "default: the key already at the target's key place.")
@click.pass_context
def restore_command(ctx: click.Context, archive: Path, audit_key: Path | None) -> None:
    """Restore ARCHIVE into the (empty) database location given by --db. Everything is checked first
    (manifest, file hashes, database integrity, audit trail); nothing is written unless all pass."""
    from .services.audit import AuditKeyMissing, read_key_file, verify_chain
    from .services.backup import RestoreRefused, restore

    try:
        restore(archive, ctx.obj["db"], read_key_file(audit_key) if audit_key else None)
    except (RestoreRefused, AuditKeyMissing) as refused:
        click.echo(f"Error: {refused}", err=True)
        sys.exit(1)
    broken, checked = verify_chain(ctx.obj["db"])
    click.echo(f"Restored into {ctx.obj['db']}; audit trail "
               + ("intact" if broken is None else f"BROKEN at record {broken.record_id}") + f" ({checked} records).")
    if broken is not None:
        sys.exit(1)


@main.command("remind")
@click.option("--dry-run", is_flag=True, help="Print the e-mails instead of sending them.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day to compute due items for (default: today).")
@click.option("--settings", "settings_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Settings file with the [smtp] section (default: $TRACKER_SETTINGS, "
              "else settings.toml next to the database).")
@click.pass_context
def remind(ctx: click.Context, dry_run: bool, today, settings_file: Path | None) -> None:
    """E-mail each owner one digest of their overdue and due-soon items, and chase the vendors whose
    requests are due in a week, tomorrow, or overdue (each with a new link; for cron).

    SMTP comes from the [smtp] section of the settings file; the password from the environment
    variable it names (TRACKER_SMTP_PASSWORD by default)."""
    from . import settings
    from .services import reminders, request_mail, requests

    setup.initialise(ctx.obj["db"])
    run_ctx = Context(ctx.obj["db"], SYSTEM, today.date()) if today else _context(ctx)
    path = settings_file or (None if "TRACKER_SETTINGS" in os.environ else ctx.obj["db"].parent / "settings.toml")
    try:
        smtp = settings.load(path).smtp
        if not dry_run:
            requests.expire_overdue(run_ctx)  # links past their grace period: expired, not chased
        digests = reminders.send(run_ctx, smtp, dry_run=dry_run, echo=click.echo)
        chased = request_mail.chase(run_ctx, smtp, dry_run=dry_run, echo=click.echo)
    except (ValueError, OSError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    for failure in digests.failed + chased.failed:  # each failed alone; the others went
        click.echo(f"Not sent: {failure}", err=True)
    click.echo(f"{digests.sent} digest(s), {chased.sent} vendor reminder(s) {'printed' if dry_run else 'sent'}"
               + (f"; {len(digests.failed) + len(chased.failed)} not sent." if digests.failed or chased.failed else "."),
               err=dry_run)
    if digests.failed or chased.failed:
        sys.exit(1)


@main.command("addendum")
@click.argument("engagement", type=ENGAGEMENT_REF)
@click.option("--lang", "language", type=click.Choice(["ja", "en", "both"]), default="ja", show_default=True,
              help="Japanese, English, or both (two columns: Japanese | English).")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the .docx.")
@click.option("--clause", "clauses", multiple=True, help="A clause id to add (repeatable; default: the gaps).")
@click.option("--also", multiple=True, type=ENGAGEMENT_REF,
              help="Another engagement with the same entruster and entrustee to cover (repeatable).")
@click.option("--effective", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Effective date (default: today).")
@click.option("--work-en", default="", help="The work in English, for --lang en or both (default: the Japanese, "
              "marked as such).")
@click.pass_context
def addendum(ctx: click.Context, engagement: int, language: str, out: Path, clauses: tuple[str, ...],
             also: tuple[int, ...], effective, work_en: str) -> None:
    """Write a contract addendum (覚書) adding an engagement's missing clauses, and keep it with the
    engagement as "generated"."""
    from .domain.problems import RuleViolation
    from .i18n import describe
    from .services import addenda
    from .services.context import NotFound

    setup.initialise(ctx.obj["db"])
    run_ctx = _context(ctx)
    try:
        request = addenda.AddendumRequest(
            [engagement, *also], language, list(clauses) or None, addenda.default_base_contract(run_ctx, engagement),
            effective.date() if effective else None, work_en=work_en)
        addendum_id, built = addenda.generate(run_ctx, request)
    except RuleViolation as violation:
        for problem in violation.problems:
            click.echo(f"Error: {describe(problem, 'en')}", err=True)
        sys.exit(1)
    except NotFound as missing:
        click.echo(f"Error: {missing}", err=True)
        sys.exit(1)
    out.write_bytes(built.content)
    click.echo(f"Addendum {addendum_id} with {len(built.clause_ids)} article(s) "
               f"({', '.join(built.clause_ids)}) written to {out}")


@main.command("export")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the .xlsx.")
@click.option("--business", help="Only this entrusted business (its name).")
@click.option("--department", help="Only the businesses of this department.")
@click.option("--tier", type=int, help="Only engagements at this tier.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="As-of date (default: today).")
@click.option("--lang", "language", type=click.Choice(["ja", "en"]), default="ja", show_default=True,
              help="Language of the headers and labels.")
@click.pass_context
def export_command(ctx: click.Context, out: Path, business: str | None, department: str | None, tier: int | None,
                   as_of, language: str) -> None:
    """Write the oversight report (.xlsx): summary, parties, chain, clause matrix, gaps, schedule,
    incidents, deletion certificates."""
    from .services import businesses, reports

    setup.initialise(ctx.obj["db"])
    run_ctx = _context(ctx)
    business_id = None
    if business:
        matches = [b["id"] for b in businesses.list_businesses(run_ctx) if b["name"] == business]
        if not matches:
            click.echo(f"Error: no business named {business!r}", err=True)
            sys.exit(1)
        business_id = matches[0]
    counts = reports.write_report(run_ctx, out, reports.ReportFilter(
        business_id, department, tier, as_of.date() if as_of else None), language)
    click.echo(f"Report written to {out}: " + ", ".join(f"{sheet} {rows}" for sheet, rows in counts.items()))


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and show what would change; write nothing.")
@click.pass_context
def import_command(ctx: click.Context, file: Path, dry_run: bool) -> None:
    """Import an Excel ledger (the template's sheets): all rows or, on any error, none."""
    from .i18n import describe
    from .services import ledger_import

    setup.initialise(ctx.obj["db"])
    result = ledger_import.import_ledger(_context(ctx), file.read_bytes(), dry_run=dry_run)
    for issue in result.issues:
        where = " ".join(str(p) for p in (issue.sheet, f"row {issue.row}" if issue.row else None, issue.column) if p)
        click.echo(f"Error: {where}: {describe(issue.problem, 'en')}", err=True)
    for sheet, counts in result.counts().items():
        click.echo(f"{sheet}: {counts['create']} new, {counts['update']} updated, {counts['unchanged']} unchanged")
    if result.issues:
        click.echo("Nothing imported.", err=True)
        sys.exit(1)
    click.echo("Dry run: nothing written." if dry_run else "Imported.")


@main.command("ledger")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the .xlsx.")
@click.option("--template", is_flag=True, help="An empty template instead of the registry.")
@click.option("--lang", "language", type=click.Choice(["ja", "en"]), default="ja", show_default=True,
              help="Language of the sheet names, headers and labels.")
@click.pass_context
def ledger_command(ctx: click.Context, out: Path, template: bool, language: str) -> None:
    """Write the registry as a ledger workbook (the form `tracker import` reads), or its template."""
    from .services import ledger_export

    setup.initialise(ctx.obj["db"])
    ledger_export.write_ledger(_context(ctx), out, language, with_registry=not template)
    click.echo(f"Ledger written to {out}")


@main.group("request")
def request_group() -> None:
    """Requests answered by the vendors themselves (checksheets, reports, declarations, certificates)."""


def _problems(error) -> None:
    from .i18n import describe

    for problem in error.problems:
        field = f"{problem.field}: " if problem.field else ""
        click.echo(f"Error: {field}{describe(problem, 'en')}", err=True)
    sys.exit(1)


@request_group.command("new")
@click.argument("engagement", type=ENGAGEMENT_REF)
@click.option("--set", "set_id", required=True, help="Question set: selection, annual_report, subprocessors, "
              "deletion_certificate or incident_notice.")
@click.option("--due", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Due date, YYYY-MM-DD.")
@click.option("--contact", default="", help="The vendor's contact (default: the party's).")
@click.option("--email", default="", help="The vendor's e-mail (default: the party's).")
@click.option("--draft", is_flag=True, help="Keep it as a draft: no link yet.")
@click.option("--mail", is_flag=True, help="Also e-mail the link and the workbook to the contact ([smtp] settings).")
@click.option("--again", is_flag=True, help="Send even though the same request to this link is not yet settled.")
@click.pass_context
def request_new(ctx: click.Context, engagement: int, set_id: str, due, contact: str, email: str, draft: bool,
                mail: bool, again: bool) -> None:
    """Create a request for one engagement; prints its id and the vendor's one-time link (shown once)."""
    from . import settings
    from .domain.problems import RuleViolation
    from .services import request_mail, requests

    context = _context(ctx)
    if requests.links_point_here():
        click.echo(f"Warning: links point at {settings.load().requests.public_url}, which vendors cannot open: set "
                   "[requests] public_url in data/settings.toml (or the file $TRACKER_SETTINGS names).", err=True)
    already = requests.open_of(context, engagement, set_id)
    if already and not again:
        from .services.engagements import get_engagement

        link_ref = get_engagement(context, engagement)["ref"]
        click.echo(f"Error: {link_ref} already has {set_id} request(s) not yet settled: "
                   + ", ".join(f"R{r['id']} ({r['state']}, due {r['due_on']})" for r in already)
                   + ". Give --again to send another.", err=True)
        sys.exit(1)
    try:
        issued = requests.create_request(context, requests.RequestDraft(engagement, set_id, due.date(), contact,
                                                                        email), send=not draft)
    except RuleViolation as error:
        _problems(error)
    click.echo(f"R{issued.request_id}")
    if issued.link:
        click.echo(issued.link)
    if mail and issued.link:
        try:
            delivery = request_mail.send_invitations(context, [issued], settings.load().smtp)
        except ValueError as error:
            delivery = request_mail.Delivery(failed=[str(error)])
        if delivery.failed:
            click.echo(f"Error: the request stands, the e-mail was not sent: {delivery.failed[0]}", err=True)
            sys.exit(1)
        click.echo(f"{delivery.sent} e-mail(s) sent.", err=True)


@request_group.command("workbook")
@click.argument("request_id", type=REQUEST_REF)
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the .xlsx.")
@click.pass_context
def request_workbook(ctx: click.Context, request_id: int, out: Path) -> None:
    """Write the request as an Excel workbook for the vendor to fill in."""
    from .services import requests

    _, data = requests.workbook_of(_context(ctx), request_id)
    out.write_bytes(data)
    click.echo(f"Workbook written to {out}")


@request_group.command("answer")
@click.argument("request_id", type=REQUEST_REF)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def request_answer(ctx: click.Context, request_id: int, file: Path) -> None:
    """Record a filled-in workbook as the request's answer: all of it or, on any error, nothing."""
    from .domain.problems import RuleViolation
    from .i18n import describe
    from .services import requests

    try:
        requests.answer_from_workbook(_context(ctx), request_id, file.read_bytes())
    except requests.WorkbookRefused as refused:
        for issue in refused.issues:
            where = " ".join(str(p) for p in (issue.sheet, f"row {issue.row}" if issue.row else None, issue.column) if p)
            click.echo(f"Error: {where}: {describe(issue.problem, 'en')}", err=True)
        click.echo("Nothing recorded.", err=True)
        sys.exit(1)
    except RuleViolation as error:
        _problems(error)
    click.echo(f"R{request_id}: answer recorded, awaiting review.")


@request_group.command("list")
@click.option("--state", "states", multiple=True, help="Only these states (repeatable).")
@click.option("--overdue", is_flag=True, help="Only requests still outstanding past their due date.")
@click.pass_context
def request_list(ctx: click.Context, states: tuple[str, ...], overdue: bool) -> None:
    """Requests, soonest due first (answers awaiting review on top), tab-separated."""
    from .services import requests

    from . import settings
    from .domain.local_times import shown

    context = _context(ctx)
    zone = settings.load().timezone
    rows, total = requests.requests_page(context, states=list(states) or None,
                                         overdue_on=context.today if overdue else None, limit=10_000)
    _tsv("id", "state", "set", "due", "engagement", "entrustee", "business", "answered by", "answered at")
    for r in rows:
        _tsv(f"R{r['id']}", r["state"], r["set_id"], r["due_on"], r["engagement_ref"], r["entrustee_name"],
             r["business_name"], r["answered_by"], shown(r["answered_at"], zone))
    click.echo(f"{total} request(s)", err=True)


@request_group.command("show")
@click.argument("request_id", type=REQUEST_REF)
@click.option("--lang", "language", type=click.Choice(["ja", "en"]), default="ja", show_default=True,
              help="Language of the questions and labels.")
@click.pass_context
def request_show(ctx: click.Context, request_id: int, language: str) -> None:
    """A request as the review screen shows it: who answered and when, what to check before deciding,
    the findings, every answer (last accepted beside it) and the files attached."""
    from .services import requests
    from .services.context import NotFound

    try:
        lines = requests.request_text(_context(ctx), request_id, language)
    except NotFound:
        raise click.BadParameter(f"no request R{request_id}", param_hint="REQUEST_ID") from None
    for line in lines:
        click.echo(line)


@request_group.command("accept")
@click.argument("request_id", type=REQUEST_REF)
@click.option("--as", "username", required=True, help="The user deciding (their role must allow it).")
@click.option("--result", type=click.Choice(["approved", "conditional", "rejected"]),
              help="A selection checksheet's result (required for one; never assumed).")
@click.option("--conditions", default="", help="Conditions of a conditional approval.")
@click.option("--activate", is_flag=True, help="A selection approved: make the proposed link active.")
@click.option("--action-owner", default="", help="Who owns the corrective actions of an annual report's findings.")
@click.option("--action-due", type=click.DateTime(["%Y-%m-%d"]), default=None, help="When they are due.")
@click.pass_context
def request_accept(ctx: click.Context, request_id: int, username: str, result: str | None, conditions: str,
                   activate: bool, action_owner: str, action_due) -> None:
    """Accept an answer awaiting review: it records what it means, as on the Requests screen."""
    from .services import requests

    _decide(ctx, username, request_id, "accept", lambda context, version: requests.accept(
        context, request_id, version, requests.Acceptance(
            result=result, decided_by=context.actor.display_name, conditions=conditions, activate=activate,
            action_owner=action_owner, action_due_on=action_due.date() if action_due else None)))
    click.echo(f"R{request_id}: accepted.")


def _decide(ctx: click.Context, username: str, request_id: int, what: str, decision) -> None:
    """Run ``decision(context, version)`` as the named user on the request as it is now; a broken
    rule or a missing permission is said plainly (exit 1)."""
    from .domain.problems import RuleViolation
    from .services import requests
    from .services.context import PermissionDenied

    context = _context_of(ctx, username)
    try:
        decision(context, requests.request_view(context, request_id).row["version"])
    except RuleViolation as error:
        _problems(error)
    except PermissionDenied:
        click.echo(f"Error: {username} may not {what} requests.", err=True)
        sys.exit(1)


@request_group.command("return")
@click.argument("request_id", type=REQUEST_REF)
@click.option("--as", "username", required=True, help="The user returning it (their role must allow it).")
@click.option("--comment", required=True, help="What the vendor should change.")
@click.pass_context
def request_return(ctx: click.Context, request_id: int, username: str, comment: str) -> None:
    """Send an answer back to the vendor with comments; its link works again until it expires."""
    from .services import requests

    _decide(ctx, username, request_id, "return", lambda context, version: requests.return_to_vendor(
        context, request_id, version, comment))
    click.echo(f"R{request_id}: returned to the vendor.")


@main.group("incident")
def incident_group() -> None:
    """Breach incidents: the report to the PPC and the notice to the individuals."""


@incident_group.command("report")
@click.argument("incident_id", type=int)
@click.option("--stage", type=click.Choice(["preliminary", "final"]), required=True,
              help="速報 (preliminary, what is known so far) or 確報 (final, every item).")
@click.option("--lang", "language", type=click.Choice(["ja", "en"]), default="ja", show_default=True,
              help="Japanese (filed), or English as a translation for group companies.")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the .docx.")
@click.pass_context
def incident_report(ctx: click.Context, incident_id: int, stage: str, language: str, out: Path) -> None:
    """Write the report to the PPC of a reportable incident (APPI Art. 26(1), Enforcement Rules Art. 8;
    for My Number data, My Number Act Art. 29-4)."""
    from .domain.breach_report import Stage
    from .domain.problems import RuleViolation
    from .services import breach_reports

    try:
        _, data = breach_reports.report_file(_context(ctx), incident_id, Stage(stage), language)
    except RuleViolation as error:
        _problems(error)
    out.write_bytes(data)
    click.echo(f"Report ({stage}) written to {out}")


@incident_group.command("notice")
@click.argument("incident_id", type=int)
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the .docx.")
@click.pass_context
def incident_notice(ctx: click.Context, incident_id: int, out: Path) -> None:
    """Write the letter to the individuals affected (APPI Art. 26(2), Enforcement Rules Art. 10), a draft."""
    from .domain.problems import RuleViolation
    from .services import breach_reports

    try:
        _, data = breach_reports.notice_file(_context(ctx), incident_id)
    except RuleViolation as error:
        _problems(error)
    out.write_bytes(data)
    click.echo(f"Notice written to {out}")


def _loaded(counts: dict[str, int]) -> str:
    return "Demo data loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items())


if __name__ == "__main__":
    main()
