"""Page reruns in this process (Streamlit AppTest): the first and the median of RUNS reruns of each page,
the median of RUNS reruns each right after a committed write (someone saved something: every cache
keyed by the database's revision is stale), and this process's peak memory. Run by ``python -m
tests.bench`` in a child process; prints one JSON line."""

import json, statistics, sys, time, resource
from datetime import date
from streamlit.testing.v1 import AppTest
from tracker.domain.permissions import Role
from tracker import config
from tracker.services import contracts
from tracker.services.contracts import ContractInput
from tracker.store import connection
from tracker.services.context import Actor, Context
app, runs, pages = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
officer = Actor("bench", "ベンチ 担当", Role.PRIVACY_OFFICER)


def save_something(n: int) -> None:
    """A committed write through the services, as a user's save is, and one that every cached result
    of the gaps depends on: a contract is edited (the worst case; a review or an incident would
    leave the gaps' cache valid)."""
    ctx = Context(config.db_path(), officer, config.today())
    with connection.reading(config.db_path()) as db:
        contract_id = db.execute("SELECT min(id) FROM contracts").fetchone()[0]
    row = contracts.get_contract(ctx, contract_id)
    contracts.update_contract(ctx, contract_id, row["version"], ContractInput(
        row["title"], row["kind"], row["signed_on"] and date.fromisoformat(row["signed_on"]),
        row["valid_until"] and date.fromisoformat(row["valid_until"]), bool(row["auto_renewal"]), f"bench {n}",
        row["report_interval_months"]))
result = {}
for name, (page, state, query) in pages.items():
    at = AppTest.from_file(app, default_timeout=600)
    at.session_state["actor"] = officer
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    for key, value in state.items():
        at.session_state[key] = value
    start = time.perf_counter(); at.run(); first = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"{name}: {[e.value for e in at.exception]}")
    times = []
    for _ in range(runs):
        start = time.perf_counter(); at.run(); times.append(time.perf_counter() - start)
    after_write = []
    for n in range(runs):
        save_something(n)
        start = time.perf_counter(); at.run(); after_write.append(time.perf_counter() - start)
    result[name] = {"first": first, "median": statistics.median(times), "after_write": statistics.median(after_write)}
result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
