"""The schema, built by sqlite-utils migrations. Add a new function for every change; never edit
one that has shipped, so that existing databases upgrade without losing data."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from .connection import connect
from .due_items import rebuild_all

migrations = Migrations("tracker")


@migrations()
def m001_registry(db: Database) -> None:
    """Settings, parties, businesses, engagements and approvals."""
    for statement in _REGISTRY_DDL:
        db.execute(statement)


_REGISTRY_DDL = [
    """
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE parties (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL CHECK (trim(name) <> ''),
        kana TEXT,
        corporate_number TEXT UNIQUE,
        address TEXT,
        country TEXT NOT NULL DEFAULT 'JP',
        contact_person TEXT,
        email TEXT,
        phone TEXT,
        parent_party_id INTEGER REFERENCES parties(id),
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
    )
    """,
    "CREATE INDEX idx_parties_name ON parties(name)",
    "CREATE INDEX idx_parties_parent ON parties(parent_party_id)",
    """
    CREATE TABLE businesses (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE CHECK (trim(name) <> ''),
        owner_department TEXT NOT NULL CHECK (trim(owner_department) <> ''),
        description TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
    )
    """,
    # entruster_party_id NULL means us. tier and path_key are computed from the parent when the
    # link is created (the parent never changes afterwards): path_key orders a whole business
    # depth-first through one index, and finds ancestors and sub-trees without recursion.
    """
    CREATE TABLE engagements (
        id INTEGER PRIMARY KEY,
        business_id INTEGER NOT NULL REFERENCES businesses(id),
        parent_engagement_id INTEGER REFERENCES engagements(id),
        entruster_party_id INTEGER REFERENCES parties(id),
        entrustee_party_id INTEGER NOT NULL REFERENCES parties(id),
        tier INTEGER NOT NULL CHECK (tier >= 1),
        path_key TEXT NOT NULL UNIQUE,
        work TEXT NOT NULL CHECK (trim(work) <> ''),
        purpose TEXT,
        data_categories TEXT NOT NULL,
        individuals_count INTEGER CHECK (individuals_count IS NULL OR individuals_count >= 0),
        processing_countries TEXT NOT NULL DEFAULT '[]',
        storage_countries TEXT NOT NULL DEFAULT '[]',
        start_date TEXT,
        end_date TEXT,
        status TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'ended')),
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        CHECK ((parent_engagement_id IS NULL) = (tier = 1)),
        CHECK ((parent_engagement_id IS NULL) = (entruster_party_id IS NULL))
    )
    """,
    "CREATE INDEX idx_engagements_business_path ON engagements(business_id, path_key)",
    "CREATE INDEX idx_engagements_parent ON engagements(parent_engagement_id)",
    "CREATE INDEX idx_engagements_entrustee ON engagements(entrustee_party_id)",
    "CREATE INDEX idx_engagements_entruster ON engagements(entruster_party_id)",
    "CREATE INDEX idx_engagements_status_tier ON engagements(status, tier)",
    # approver_party_id NULL means we (the original entruster) decided.
    """
    CREATE TABLE approvals (
        id INTEGER PRIMARY KEY,
        engagement_id INTEGER NOT NULL UNIQUE REFERENCES engagements(id),
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        approver_party_id INTEGER REFERENCES parties(id),
        decided_by TEXT,
        decided_on TEXT,
        conditions TEXT,
        note TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
    )
    """,
    "CREATE INDEX idx_approvals_status ON approvals(status)",
]


@migrations()
def m002_contracts(db: Database) -> None:
    """Contracts and their clause checklists."""
    for statement in _CONTRACTS_DDL:
        db.execute(statement)


_CONTRACTS_DDL = [
    """
    CREATE TABLE contracts (
        id INTEGER PRIMARY KEY,
        engagement_id INTEGER NOT NULL REFERENCES engagements(id),
        title TEXT NOT NULL CHECK (trim(title) <> ''),
        kind TEXT NOT NULL CHECK (kind IN ('master', 'dpa', 'addendum', 'standard_terms')),
        signed_on TEXT,
        valid_until TEXT,
        auto_renewal INTEGER NOT NULL DEFAULT 0 CHECK (auto_renewal IN (0, 1)),
        note TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
    )
    """,
    "CREATE INDEX idx_contracts_engagement ON contracts(engagement_id)",
    # clause_version: the catalogue version the entry was recorded against
    """
    CREATE TABLE clause_coverage (
        id INTEGER PRIMARY KEY,
        contract_id INTEGER NOT NULL REFERENCES contracts(id) ON DELETE CASCADE,
        clause_id TEXT NOT NULL,
        clause_version INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('covered', 'partial', 'not_covered')),
        article TEXT,
        note TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        UNIQUE (contract_id, clause_id)
    )
    """,
    "CREATE INDEX idx_engagements_children ON engagements(parent_engagement_id, status)",
]


@migrations()
def m003_coverage_masks(db: Database) -> None:
    """Each contract keeps its covered and partial clauses as bit masks (derived from
    clause_coverage, kept equal by store.coverage_masks) so that the gaps of the whole registry
    read one small row per contract instead of every coverage entry."""
    db.execute("""CREATE TABLE clause_bits (
                      clause_id TEXT PRIMARY KEY,
                      bit INTEGER NOT NULL UNIQUE CHECK (bit BETWEEN 0 AND 62))""")
    db.execute("ALTER TABLE contracts ADD COLUMN covered_mask INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE contracts ADD COLUMN partial_mask INTEGER NOT NULL DEFAULT 0")
    # the masks of the contracts already recorded, computed here as they were when this shipped: a
    # migration never calls live code, which may change after it
    for bit, (clause_id,) in enumerate(db.execute("SELECT DISTINCT clause_id FROM clause_coverage ORDER BY clause_id")
                                       .fetchall()):
        db.execute("INSERT INTO clause_bits(clause_id, bit) VALUES (?, ?)", [clause_id, bit])
    db.execute("""UPDATE contracts SET
                      covered_mask = coalesce((SELECT sum(1 << b.bit) FROM clause_coverage c JOIN clause_bits b
                                               ON b.clause_id = c.clause_id
                                               WHERE c.contract_id = contracts.id AND c.status = 'covered'), 0),
                      partial_mask = coalesce((SELECT sum(1 << b.bit) FROM clause_coverage c JOIN clause_bits b
                                               ON b.clause_id = c.clause_id
                                               WHERE c.contract_id = contracts.id AND c.status = 'partial'), 0)""")


@migrations()
def m004_audit_users_attachments(db: Database) -> None:
    """The audit trail, users and attachments."""
    for statement in _AUDIT_USERS_ATTACHMENTS_DDL:
        db.execute(statement)


_AUDIT_USERS_ATTACHMENTS_DDL = [
    # append-only, hash-chained (domain.audit_chain); the head hash is kept in settings
    """
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        username TEXT NOT NULL,
        action TEXT NOT NULL,
        table_name TEXT,
        row_id INTEGER,
        before TEXT,
        after TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )
    """,
    "CREATE INDEX idx_audit_object ON audit_log(table_name, row_id)",
    "CREATE INDEX idx_audit_user_at ON audit_log(username, at)",
    "CREATE INDEX idx_audit_at ON audit_log(at)",
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE CHECK (trim(username) <> ''),
        display_name TEXT NOT NULL,
        email TEXT,
        role TEXT NOT NULL CHECK (role IN ('procurement', 'privacy_officer', 'manager', 'admin')),
        password_hash TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE attachments (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL,
        original_name TEXT NOT NULL,
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
    )
    """,
    "CREATE INDEX idx_attachments_sha ON attachments(sha256)",
    "ALTER TABLE contracts ADD COLUMN attachment_id INTEGER REFERENCES attachments(id)",
]



@migrations()
def m005_supervision(db: Database) -> None:
    """Selection checks, certifications, reviews and the schedule of what is due."""
    for statement in _SUPERVISION_DDL:
        db.execute(statement)
    # due_items is filled by ``migrate`` once every migration has run: the rebuild reads columns
    # that later migrations add, so it cannot run at this step of an old database's upgrade


_AUDIT_COLUMNS = """
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL"""

_SUPERVISION_DDL = [
    "ALTER TABLE engagements ADD COLUMN inspection_interval_months INTEGER NOT NULL DEFAULT 12"
    " CHECK (inspection_interval_months BETWEEN 1 AND 60)",
    "ALTER TABLE engagements ADD COLUMN owner_user_id INTEGER REFERENCES users(id)",
    # why it became active without an approved selection check (a finding until one is recorded)
    "ALTER TABLE engagements ADD COLUMN selection_override_reason TEXT",
    "ALTER TABLE parties ADD COLUMN owner_user_id INTEGER REFERENCES users(id)",
    "ALTER TABLE contracts ADD COLUMN report_interval_months INTEGER"
    " CHECK (report_interval_months IS NULL OR report_interval_months BETWEEN 1 AND 60)",
    f"""
    CREATE TABLE certifications (
        id INTEGER PRIMARY KEY,
        party_id INTEGER NOT NULL REFERENCES parties(id),
        scheme TEXT NOT NULL CHECK (scheme IN ('isms', 'pmark', 'soc2', 'other')),
        scheme_name TEXT,
        number TEXT NOT NULL,
        issuer TEXT,
        valid_until TEXT NOT NULL,
        attachment_id INTEGER REFERENCES attachments(id),{_AUDIT_COLUMNS}
    )
    """,
    "CREATE INDEX idx_certifications_party ON certifications(party_id)",
    f"""
    CREATE TABLE selection_checks (
        id INTEGER PRIMARY KEY,
        engagement_id INTEGER NOT NULL REFERENCES engagements(id),
        checked_on TEXT NOT NULL,
        areas TEXT NOT NULL,
        methods TEXT NOT NULL,
        past_incidents TEXT,
        result TEXT NOT NULL CHECK (result IN ('approved', 'conditional', 'rejected')),
        conditions TEXT,
        decided_by TEXT NOT NULL,
        note TEXT,{_AUDIT_COLUMNS}
    )
    """,
    "CREATE INDEX idx_selection_checks_engagement ON selection_checks(engagement_id, checked_on)",
    f"""
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        engagement_id INTEGER NOT NULL REFERENCES engagements(id),
        kind TEXT NOT NULL CHECK (kind IN ('inspection', 'report', 'foreign_check', 'reevaluation')),
        completed_on TEXT NOT NULL,
        method TEXT CHECK (method IS NULL OR method IN ('on_site', 'remote', 'document')),
        remote_reason TEXT,
        performed_via TEXT NOT NULL DEFAULT 'us' CHECK (performed_via IN ('us', 'entrustee')),
        inspector TEXT NOT NULL,
        checklist TEXT,
        findings TEXT,
        note TEXT,{_AUDIT_COLUMNS}
    )
    """,
    "CREATE INDEX idx_reviews_engagement ON reviews(engagement_id, kind, completed_on)",
    f"""
    CREATE TABLE corrective_actions (
        id INTEGER PRIMARY KEY,
        review_id INTEGER NOT NULL REFERENCES reviews(id),
        description TEXT NOT NULL,
        owner TEXT,
        due_on TEXT NOT NULL,
        closed_on TEXT,{_AUDIT_COLUMNS}
    )
    """,
    "CREATE INDEX idx_corrective_actions_review ON corrective_actions(review_id)",
    # Derived from the tables above by store.due_items (never edited, so not audited): one row per
    # thing due, so that lists, counts and reminders are indexed queries.
    """
    CREATE TABLE due_items (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        ref_id INTEGER,
        engagement_id INTEGER REFERENCES engagements(id),
        party_id INTEGER NOT NULL REFERENCES parties(id),
        business_id INTEGER REFERENCES businesses(id),
        tier INTEGER,
        nominal_on TEXT NOT NULL,
        due_on TEXT NOT NULL,
        notice_days INTEGER NOT NULL,
        owner_user_id INTEGER REFERENCES users(id)
    )
    """,
    "CREATE INDEX idx_due_items_due ON due_items(due_on)",
    "CREATE INDEX idx_due_items_owner ON due_items(owner_user_id, due_on)",
    "CREATE INDEX idx_due_items_engagement ON due_items(engagement_id)",
    "CREATE INDEX idx_due_items_party ON due_items(party_id, kind)",
]


@migrations()
def m006_addenda(db: Database) -> None:
    """Generated addenda (覚書) and the engagements each one amends."""
    for statement in _ADDENDA_DDL:
        db.execute(statement)


_ADDENDA_DDL = [
    # entruster_party_id NULL: we are the entruster (a tier-1 addendum)
    f"""
    CREATE TABLE addenda (
        id INTEGER PRIMARY KEY,
        entruster_party_id INTEGER REFERENCES parties(id),
        entrustee_party_id INTEGER NOT NULL REFERENCES parties(id),
        base_contract_id INTEGER REFERENCES contracts(id),
        language TEXT NOT NULL CHECK (language IN ('ja', 'en', 'both')),
        clause_ids TEXT NOT NULL,
        effective_on TEXT NOT NULL,
        breach_report_days INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('generated', 'sent', 'signed')),
        generated_on TEXT NOT NULL,
        sent_on TEXT,
        signed_on TEXT,
        attachment_id INTEGER NOT NULL REFERENCES attachments(id),
        signed_attachment_id INTEGER REFERENCES attachments(id),{_AUDIT_COLUMNS}
    )
    """,
    # contract_id: the addendum contract recorded for this engagement when the addendum was signed
    """
    CREATE TABLE addendum_links (
        id INTEGER PRIMARY KEY,
        addendum_id INTEGER NOT NULL REFERENCES addenda(id),
        engagement_id INTEGER NOT NULL REFERENCES engagements(id),
        contract_id INTEGER REFERENCES contracts(id),
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        UNIQUE (addendum_id, engagement_id)
    )
    """,
    "CREATE INDEX idx_addendum_links_engagement ON addendum_links(engagement_id)",
]


@migrations()
def m007_incidents_terminations(db: Database) -> None:
    """Breach incidents with the notices up the chain; terminations and the deletion certificates
    each party of the ended sub-tree owes."""
    for statement in _INCIDENTS_TERMINATIONS_DDL:
        db.execute(statement)


_STEP_COLUMNS = "".join(f"\n        step_{s}_on TEXT," for s in
                        ("containment", "facts", "scope", "prevention", "individuals", "publication"))

_INCIDENTS_TERMINATIONS_DDL = [
    # learned_on: when the entrustee where it happened learned of it; we_learned_on: when we heard
    # directly (else we learn from the tier-1 entrustee's notice)
    f"""
    CREATE TABLE incidents (
        id INTEGER PRIMARY KEY,
        engagement_id INTEGER NOT NULL REFERENCES engagements(id),
        title TEXT NOT NULL CHECK (trim(title) <> ''),
        description TEXT,
        data_items TEXT,
        occurred_on TEXT,
        learned_on TEXT NOT NULL,
        we_learned_on TEXT,
        individuals_count INTEGER CHECK (individuals_count IS NULL OR individuals_count >= 0),
        individuals_at_most INTEGER CHECK (individuals_at_most IS NULL OR individuals_at_most >= 0),
        sensitive INTEGER NOT NULL DEFAULT 0,
        financial_risk INTEGER NOT NULL DEFAULT 0,
        wrongful_purpose INTEGER NOT NULL DEFAULT 0,
        public_exposure INTEGER NOT NULL DEFAULT 0,
        encrypted INTEGER NOT NULL DEFAULT 0,{_STEP_COLUMNS}
        preliminary_filed_on TEXT,
        final_filed_on TEXT,
        individuals_notified_on TEXT,
        individuals_notice_method TEXT,
        closed_on TEXT,{_AUDIT_COLUMNS}
    )
    """,
    "CREATE INDEX idx_incidents_engagement ON incidents(engagement_id)",
    "CREATE INDEX idx_incidents_open ON incidents(closed_on)",
    """
    CREATE TABLE incident_notices (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        engagement_id INTEGER NOT NULL REFERENCES engagements(id),
        notified_on TEXT NOT NULL,
        note TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        UNIQUE (incident_id, engagement_id)
    )
    """,
    f"""
    CREATE TABLE terminations (
        id INTEGER PRIMARY KEY,
        engagement_id INTEGER NOT NULL UNIQUE REFERENCES engagements(id),
        ended_on TEXT NOT NULL,
        reason TEXT,
        closed_on TEXT,
        override_reason TEXT,{_AUDIT_COLUMNS}
    )
    """,
    "CREATE INDEX idx_terminations_open ON terminations(closed_on)",
    f"""
    CREATE TABLE deletion_certificates (
        id INTEGER PRIMARY KEY,
        termination_id INTEGER NOT NULL REFERENCES terminations(id),
        engagement_id INTEGER NOT NULL REFERENCES engagements(id),
        party_id INTEGER NOT NULL REFERENCES parties(id),
        received_on TEXT,
        items TEXT,
        media TEXT,
        quantity TEXT,
        method TEXT CHECK (method IS NULL OR method IN ('return', 'deletion', 'destruction')),
        responsible_person TEXT,
        done_on TEXT,
        witness TEXT,
        certificate_attachment_id INTEGER REFERENCES attachments(id),
        photo_attachment_id INTEGER REFERENCES attachments(id),{_AUDIT_COLUMNS},
        UNIQUE (termination_id, engagement_id)
    )
    """,
    "CREATE INDEX idx_deletion_certificates_owed ON deletion_certificates(received_on, termination_id)",
]


@migrations()
def m008_schedule_speed(db: Database) -> None:
    """Measured at 200,000 engagements: status conditions read (due_on, notice_days) from covering
    indexes instead of table rows, and "done" lists need completed reviews by date."""
    db.execute("CREATE INDEX idx_due_items_due_notice ON due_items(due_on, notice_days)")
    db.execute("CREATE INDEX idx_due_items_owner_notice ON due_items(owner_user_id, due_on, notice_days)")
    db.execute("CREATE INDEX idx_reviews_completed ON reviews(completed_on)")


@migrations()
def m009_incident_data_kinds(db: Database) -> None:
    """Whether My Number data leaked is a fact of the incident, like 要配慮 and payment data, not of
    the link it happened at: a new column, set for past incidents from their link's data."""
    db.execute("ALTER TABLE incidents ADD COLUMN my_number INTEGER NOT NULL DEFAULT 0")
    db.execute("UPDATE incidents SET my_number = 1 WHERE engagement_id IN (SELECT e.id FROM engagements e, "
               "json_each(e.data_categories) c WHERE c.value = 'my_number')")


@migrations()
def m010_signatories_and_english_names(db: Database) -> None:
    """What a 覚書 needs to be signed as it is: the party's representative (title and name), and
    optional English names of parties and businesses for the English text."""
    for column in ("name_en", "representative_title", "representative_name"):
        db.execute(f"ALTER TABLE parties ADD COLUMN {column} TEXT")
    db.execute("ALTER TABLE businesses ADD COLUMN name_en TEXT")
    # the registry lists parties by reading (フリガナ, else the name): an index in that order
    db.execute("CREATE INDEX idx_parties_reading ON parties(coalesce(nullif(kana, ''), name), id)")


@migrations()
def m011_vendor_requests(db: Database) -> None:
    """Requests answered by the vendors themselves (checksheets, reports, declarations, certificates),
    the throttle on wrong links, and the risk tier a privacy officer may set on a link."""
    for statement in _REQUESTS_DDL:
        db.execute(statement)


@migrations()
def m012_failures_by_time(db: Database) -> None:
    """Wrong links are counted over the last minute from every client (the cap on what guessing may
    write): an index by time alone."""
    db.execute("CREATE INDEX idx_request_link_failures_at ON request_link_failures(at)")


@migrations()
def m013_breach_report_items(db: Database) -> None:
    """The items of the report to the PPC that an incident did not hold (施行規則第8条第1項 第4号
    原因, 第5号 二次被害, 第8号 再発防止策, 第9号 その他): the report is written from the incident."""
    for column in ("cause", "secondary_harm", "prevention_measures", "other_notes"):
        db.execute(f"ALTER TABLE incidents ADD COLUMN {column} TEXT")



@migrations()
def m014_ledger_refs(db: Database) -> None:
    """Each link keeps the number its ledger gave it (台帳番号, any text: IT-2024-003), or E<id> given
    once: what every screen, export and command prints and accepts. Unique whatever its case."""
    db.execute("ALTER TABLE engagements ADD COLUMN ref TEXT")
    db.execute("UPDATE engagements SET ref = 'E' || id")
    db.execute("CREATE UNIQUE INDEX idx_engagements_ref ON engagements(ref COLLATE NOCASE)")


@migrations()
def m015_api_tokens(db: Database) -> None:
    """Personal API tokens: kept as their hash, each acting as its user with the user's role, read-only
    or not, until it expires or is revoked; its last use recorded."""
    db.execute("""CREATE TABLE api_tokens (
                      id INTEGER PRIMARY KEY,
                      user_id INTEGER NOT NULL REFERENCES users(id),
                      name TEXT NOT NULL CHECK (trim(name) <> ''),
                      token_hash TEXT NOT NULL UNIQUE,
                      read_only INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1)),
                      expires_on TEXT NOT NULL,
                      revoked_at TEXT,
                      last_used_at TEXT,
                      version INTEGER NOT NULL DEFAULT 1,
                      created_at TEXT NOT NULL,
                      created_by TEXT NOT NULL,
                      updated_at TEXT NOT NULL,
                      updated_by TEXT NOT NULL,
                      UNIQUE (user_id, name))""")


@migrations()
def m016_webhooks(db: Database) -> None:
    """Outbound webhooks: the endpoints an administrator registered, the outbox of events (written
    in the same transaction as the change), and each delivery with its attempts."""
    for statement in _WEBHOOKS_DDL:
        db.execute(statement)


@migrations()
def m017_sign_in_failures(db: Database) -> None:
    """Failed sign-ins by key (a typed name, a browser session) for the throttle, in the database so
    that several app processes enforce one limit."""
    db.execute("CREATE TABLE sign_in_failures (id INTEGER PRIMARY KEY, key TEXT NOT NULL, at TEXT NOT NULL)")
    db.execute("CREATE INDEX idx_sign_in_failures ON sign_in_failures(key, at)")
    db.execute("CREATE INDEX idx_sign_in_failures_at ON sign_in_failures(at)")


@migrations()
def m018_party_incidents(db: Database) -> None:
    """An incident at a company recorded once for every chain it is in: the chains' incidents share
    one row here, each following its own notices and deadlines."""
    db.execute(f"""CREATE TABLE party_incidents (
                       id INTEGER PRIMARY KEY,
                       party_id INTEGER NOT NULL REFERENCES parties(id),{_AUDIT_COLUMNS})""")
    db.execute("ALTER TABLE incidents ADD COLUMN party_incident_id INTEGER REFERENCES party_incidents(id)")
    db.execute("CREATE INDEX idx_incidents_party_incident ON incidents(party_incident_id)")


@migrations()
def m019_successions(db: Database) -> None:
    """A company's links handed over to a successor: each old link and the new one proposed under the
    same parent, and the termination that ended the old one once the new one was approved."""
    db.execute(f"""CREATE TABLE successions (
                       id INTEGER PRIMARY KEY,
                       old_engagement_id INTEGER NOT NULL REFERENCES engagements(id),
                       new_engagement_id INTEGER NOT NULL UNIQUE REFERENCES engagements(id),
                       reason TEXT NOT NULL,
                       termination_id INTEGER REFERENCES terminations(id),{_AUDIT_COLUMNS})""")
    db.execute("CREATE INDEX idx_successions_old ON successions(old_engagement_id)")


@migrations()
def m020_shared_requests(db: Database) -> None:
    """A request to a company answered once for several of its links (each link it also counts for),
    and the accepted request a new one starts from (the vendor confirms or changes those answers)."""
    db.execute("""CREATE TABLE request_links (
                      id INTEGER PRIMARY KEY,
                      request_id INTEGER NOT NULL REFERENCES requests(id),
                      engagement_id INTEGER NOT NULL REFERENCES engagements(id),
                      created_at TEXT NOT NULL, created_by TEXT NOT NULL,
                      updated_at TEXT NOT NULL, updated_by TEXT NOT NULL,
                      UNIQUE (request_id, engagement_id))""")
    db.execute("CREATE INDEX idx_request_links_engagement ON request_links(engagement_id)")
    db.execute("ALTER TABLE requests ADD COLUMN starts_from_id INTEGER REFERENCES requests(id)")


@migrations()
def m021_party_search_index(db: Database) -> None:
    """A trigram index of the parties' names, readings and numbers: a search for one company (a
    substring of three characters or more) reads the few parties that hold it instead of scanning
    all 50,000 (~50 ms). Kept by triggers, so every way a party is written keeps it."""
    for statement in _PARTY_SEARCH_DDL:
        db.execute(statement)
    db.execute("INSERT INTO parties_search(rowid, name, kana, corporate_number) "
               "SELECT id, name, kana, corporate_number FROM parties")


_PARTY_SEARCH_DDL = [
    """CREATE VIRTUAL TABLE parties_search USING fts5(name, kana, corporate_number, content='parties',
           content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER parties_search_insert AFTER INSERT ON parties BEGIN
           INSERT INTO parties_search(rowid, name, kana, corporate_number)
           VALUES (new.id, new.name, new.kana, new.corporate_number);
       END""",
    """CREATE TRIGGER parties_search_delete AFTER DELETE ON parties BEGIN
           INSERT INTO parties_search(parties_search, rowid, name, kana, corporate_number)
           VALUES ('delete', old.id, old.name, old.kana, old.corporate_number);
       END""",
    """CREATE TRIGGER parties_search_update AFTER UPDATE OF name, kana, corporate_number ON parties BEGIN
           INSERT INTO parties_search(parties_search, rowid, name, kana, corporate_number)
           VALUES ('delete', old.id, old.name, old.kana, old.corporate_number);
           INSERT INTO parties_search(rowid, name, kana, corporate_number)
           VALUES (new.id, new.name, new.kana, new.corporate_number);
       END""",
]


@migrations()
def m022_contracts_in_force_index(db: Database) -> None:
    """The contracts in force with their masks, read from a narrow index instead of the wide rows:
    after every contract saved each process reads them all again (178,000 at 50,000 parties)."""
    db.execute("CREATE INDEX idx_contracts_in_force ON contracts(signed_on, auto_renewal, valid_until, engagement_id,"
               " covered_mask, partial_mask)")


@migrations()
def m023_contract_changes(db: Database) -> None:
    """Which links' contracts changed at which revision of the contracts (the revision their
    transaction commits as), kept by triggers for the last ``CONTRACT_CHANGES_KEPT`` revisions: after
    a contract is saved each process updates the registry's coverage for those links alone instead
    of reading every contract again (services.gaps)."""
    for statement in _CONTRACT_CHANGES_DDL:
        db.execute(statement)


CONTRACT_CHANGES_KEPT = 1000
# the revision the writing transaction commits as: bump_revision adds one to the counter at its end
_NEXT_CONTRACTS_REVISION = ("(SELECT coalesce((SELECT CAST(value AS INTEGER) FROM settings "
                            "WHERE key = 'revision:contracts'), 0) + 1)")


def _contract_change(row: str) -> str:
    return (f"INSERT INTO contract_changes(revision, engagement_id) VALUES ({_NEXT_CONTRACTS_REVISION}, {row}.engagement_id);"
            f" DELETE FROM contract_changes WHERE revision < {_NEXT_CONTRACTS_REVISION} - {CONTRACT_CHANGES_KEPT};")


_CONTRACT_CHANGES_DDL = [
    "CREATE TABLE contract_changes (revision INTEGER NOT NULL, engagement_id INTEGER NOT NULL)",
    "CREATE INDEX idx_contract_changes_revision ON contract_changes(revision)",
    f"CREATE TRIGGER contract_changes_insert AFTER INSERT ON contracts BEGIN {_contract_change('new')} END",
    f"CREATE TRIGGER contract_changes_update AFTER UPDATE ON contracts BEGIN {_contract_change('new')}"
    f" {_contract_change('old')} END",
    f"CREATE TRIGGER contract_changes_delete AFTER DELETE ON contracts BEGIN {_contract_change('old')} END",
]


_WEBHOOKS_DDL = [
    """CREATE TABLE webhook_endpoints (
           id INTEGER PRIMARY KEY,
           url TEXT NOT NULL,
           events TEXT NOT NULL,
           secret TEXT NOT NULL,
           allow_http INTEGER NOT NULL DEFAULT 0 CHECK (allow_http IN (0, 1)),
           active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
           version INTEGER NOT NULL DEFAULT 1,
           created_at TEXT NOT NULL, created_by TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL)""",
    # message_id: the webhook-id every attempt of every delivery of the event carries
    """CREATE TABLE webhook_events (
           id INTEGER PRIMARY KEY,
           message_id TEXT NOT NULL UNIQUE,
           type TEXT NOT NULL,
           payload TEXT NOT NULL,
           created_at TEXT NOT NULL,
           dedupe_key TEXT UNIQUE)""",
    """CREATE TABLE webhook_deliveries (
           id INTEGER PRIMARY KEY,
           event_id INTEGER NOT NULL REFERENCES webhook_events(id),
           endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints(id),
           state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
           attempts INTEGER NOT NULL DEFAULT 0,
           next_attempt_at TEXT,
           delivered_at TEXT)""",
    "CREATE INDEX idx_webhook_deliveries_due ON webhook_deliveries(state, next_attempt_at)",
    """CREATE TABLE webhook_attempts (
           id INTEGER PRIMARY KEY,
           delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id),
           at TEXT NOT NULL,
           status_code INTEGER,
           error TEXT)""",
    "CREATE INDEX idx_webhook_attempts_delivery ON webhook_attempts(delivery_id)",
]

_REQUESTS_DDL = [
    "ALTER TABLE engagements ADD COLUMN risk_tier_override TEXT"
    " CHECK (risk_tier_override IS NULL OR risk_tier_override IN ('high', 'medium', 'low'))",
    "ALTER TABLE engagements ADD COLUMN risk_tier_reason TEXT",
    # answers: JSON by question id, each {"v": question version, "a": answer}; the token only as its hash
    f"""
    CREATE TABLE requests (
        id INTEGER PRIMARY KEY,
        engagement_id INTEGER NOT NULL REFERENCES engagements(id),
        set_id TEXT NOT NULL,
        set_version INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('draft', 'sent', 'opened', 'answered', 'accepted', 'returned',
                                             'expired', 'withdrawn')),
        due_on TEXT NOT NULL,
        contact_name TEXT,
        contact_email TEXT,
        token_hash TEXT UNIQUE,
        link_expires_on TEXT,
        forwarded_from_id INTEGER REFERENCES requests(id),
        termination_id INTEGER REFERENCES terminations(id),
        answers TEXT NOT NULL DEFAULT '{{}}',
        answered_by TEXT,
        sent_on TEXT,
        opened_at TEXT,
        answered_at TEXT,
        decided_on TEXT,
        decided_by TEXT,
        comment TEXT,
        effect TEXT,
        owner_user_id INTEGER REFERENCES users(id),{_AUDIT_COLUMNS}
    )
    """,
    "CREATE INDEX idx_requests_state_due ON requests(state, due_on)",
    "CREATE INDEX idx_requests_engagement ON requests(engagement_id, set_id, state)",
    "CREATE INDEX idx_requests_forwarded ON requests(forwarded_from_id)",
    """
    CREATE TABLE request_link_failures (
        id INTEGER PRIMARY KEY,
        client TEXT NOT NULL,
        at TEXT NOT NULL
    )
    """,
    "CREATE INDEX idx_request_link_failures ON request_link_failures(client, at)",
]


def migrate(path: Path | str) -> None:
    """Create the database file if needed, switch it to WAL and apply every pending migration."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = connect(path)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        changed = bool(migrations.pending(db))
        migrations.apply(db)
        if changed:  # derived rows follow the schema they derive from (what is due, and when): the
            with db.conn:  # runner, not a migration, calls the live code that derives them
                rebuild_all(db)
    finally:
        db.close()


def pending(path: Path | str) -> list[str]:
    """The names of the migrations not yet applied to the database at ``path``."""
    db = connect(path)
    try:
        return [m.name for m in migrations.pending(db)]
    finally:
        db.close()
