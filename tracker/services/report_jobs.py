"""Reports written in the background. At 50,000 parties the workbook takes minutes: the manager
starts it, keeps using the app (the page's session is not held), watches its progress, and
downloads it when it is ready. One report per user at a time; the file stays in a temporary
folder until the same user starts the next one or the process ends."""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.permissions import Action
from . import reports
from .context import Context, PermissionDenied
from .reports import ReportFilter

log = logging.getLogger(__name__)
_FOLDER = Path(tempfile.gettempdir()) / "tracker-reports"
_jobs: dict[str, ReportJob] = {}  # by user name
_lock = threading.Lock()


@dataclass
class ReportJob:
    owner: str
    file_name: str
    path: Path
    filters: ReportFilter = ReportFilter()  # what it was made for
    started: float = field(default_factory=time.monotonic)
    sheets_done: int = 0
    sheets_total: int = 1
    writing: str = ""  # the sheet being written
    finished: bool = False
    error: str | None = None
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def fraction(self) -> float:
        """How far the report is, for the progress bar."""
        return 1.0 if self.finished else min(0.99, self.sheets_done / max(self.sheets_total, 1))

    @property
    def ready(self) -> bool:
        """Whether the file is written and can be downloaded."""
        return self.finished and self.error is None

    def advance(self, done: int, total: int, title: str) -> None:
        """Record that ``done`` of ``total`` sheets are written and ``title`` is next."""
        self.sheets_done, self.sheets_total, self.writing = done, total, title


def start(ctx: Context, filters: ReportFilter, lang: str) -> ReportJob:
    """Start writing the report in a thread of its own; a report already being written for this
    user is returned instead of starting a second one."""
    ctx.require(Action.EXPORT_REPORTS)
    owner = ctx.actor.username
    with _lock:
        previous = _jobs.get(owner)
        if previous is not None and not previous.finished:
            return previous
        if previous is not None:
            previous.path.unlink(missing_ok=True)
        _FOLDER.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(suffix=".xlsx", dir=_FOLDER)  # readable by this user only
        os.close(handle)
        job = ReportJob(owner, reports.file_name(ctx, filters, lang), Path(name), filters)
        _jobs[owner] = job
    threading.Thread(target=_write, args=(ctx, filters, lang, job), name=f"report-{owner}", daemon=True).start()
    return job


def current(ctx: Context) -> ReportJob | None:
    """This user's latest report (being written or ready), if any."""
    return _jobs.get(ctx.actor.username)


def content(ctx: Context, job: ReportJob) -> bytes:
    """The finished workbook, for its owner only."""
    ctx.require(Action.EXPORT_REPORTS)
    if job.owner != ctx.actor.username or not job.ready:
        raise PermissionDenied(ctx.actor, Action.EXPORT_REPORTS)
    return job.path.read_bytes()


def _write(ctx: Context, filters: ReportFilter, lang: str, job: ReportJob) -> None:
    try:
        with open(job.path, "wb") as out:
            job.rows = reports.write_report(ctx, out, filters, lang, progress=job.advance)
    except Exception as error:  # shown on the page; the trace goes to the log
        log.exception("report for %s failed", job.owner)
        job.error = str(error) or type(error).__name__
    finally:
        job.finished = True
