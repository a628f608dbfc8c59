"""One backup (or copy) definition: its last runs and success rate, its schedule in words, its next run."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ...api.errors import ApiError
from ...api.models import Item
from ...core import formatting as fmt
from ...core.cloudcasa import JOBS, POLICIES
from ...core.overview import success_rate
from ...core.profiles import Profile
from ...core.schedule import CronError, describe, next_run
from ...core.session import Session
from ..actions import bindings
from ..messages import OpenCollection, OpenJob
from ..safe import plain, safe_text
from ..widgets.footer import CasaFooter

RUNS = 25


def schedule_lines(policy: dict[str, Any] | None, paused: bool, now: float) -> list[Text]:
    if policy is None:
        return [Text("No policy: runs only when started (ADHOC).", style="dim")]
    zone = str(policy.get("timezone") or "UTC")
    lines = [Text.assemble(("Policy ", "dim"), (plain(policy.get("name", "")), "bold"), (f"  ({plain(zone)})", "dim"))]
    soonest: datetime | None = None
    for entry in policy.get("schedules") or []:
        cron = str((entry.get("schedule") or {}).get("cronSpec") or "")
        try:
            upcoming = next_run(cron, zone, datetime.fromtimestamp(now, timezone.utc))
        except CronError:
            upcoming = None
        soonest = upcoming if upcoming and (soonest is None or upcoming < soonest) else soonest
        keep = f"keep {entry.get('retainDays', '?')} days" + (", SafeLock" if entry.get("locked") else "")
        lines.append(safe_text(Text.assemble("  ", (describe(cron), "bold"), f"  ({cron}; {keep})")))
    if paused:
        lines.append(Text("Paused: scheduled runs do not start (P resumes in the table).", style="bold yellow"))
    elif soonest is not None:
        lines.append(
            Text.assemble(
                ("Next run ", "dim"),
                (soonest.strftime("%a %Y-%m-%d %H:%M %Z"), "bold"),
                f"  ({fmt.relative(soonest.timestamp(), now)})",
            )
        )
    return lines


class BackupScreen(Screen[None]):
    DEFAULT_CSS = """
    BackupScreen #backup-head { padding: 0 1; height: auto; }
    BackupScreen DataTable { height: 1fr; }
    """
    SCOPE = "backup"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("backup")]

    def __init__(self, session: Session, collection: str, item: Item) -> None:
        super().__init__()
        self.session = session
        self.collection = collection
        self.item = item
        self.runs: list[dict[str, Any]] = []
        self.policy: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="backup-head"):
            yield Static("", id="backup-info", markup=False)
        yield DataTable(cursor_type="row", id="runs")
        yield CasaFooter()

    @property
    def now(self) -> float:
        return self.session.now()

    @property
    def profile(self) -> Profile:
        return self.session.profile_of(self.collection)

    @property
    def jobs(self) -> Profile:
        return self.session.profile_of(JOBS)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("State", 10), ("Started", 22), ("Duration", 9), ("Type", 10), ("Message", 60)):
            table.add_column(label, width=width)
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(group="backup", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        client, data, profile = self.session.client, self.item.data, self.profile
        policy_ref = next(((f, c) for f, c in profile.references.items() if c == POLICIES and data.get(f)), None)
        link = profile.jobs_link
        try:
            if policy_ref is not None and isinstance(data.get(policy_ref[0]), str):
                policy = await client.get(POLICIES, str(data[policy_ref[0]]))
                self.policy = policy.data if policy else None
            if link is None:
                return  # jobs do not point at this collection: no runs to show
            jobs = self.jobs
            page = await client.list(JOBS, where={link: self.item.id}, sort=list(jobs.default_sort), max_results=RUNS)
        except ApiError as error:
            self.notify(str(error), title=error.title, severity="error", timeout=8, markup=False)
            return
        self.runs = page.items
        self.draw()

    def draw(self) -> None:
        now, data = self.now, self.item.data
        jobs = self.jobs
        good, finished = success_rate(self.runs, jobs)
        head = Table.grid(padding=(0, 2))
        head.add_column(style="dim")
        head.add_column()
        profile = self.profile
        head.add_row("Definition", safe_text(f"{profile.name_of(data)}  ({self.collection})", style="bold"))
        for field, target in profile.references.items():
            if isinstance(data.get(field), str) and data.get(field) and target != POLICIES:
                named = self.session.known_name(target, str(data[field])) or data[field]
                head.add_row(field.replace("_", " ").capitalize(), safe_text(str(named)))
        paused = bool(data.get(profile.pause_field)) if profile.pause_field else False
        trigger = f"{data.get('trigger_type', '')}   " if data.get("trigger_type") else ""
        head.add_row("Trigger", safe_text(trigger + f"paused: {'yes' if paused else 'no'}"))
        rate = (
            f"{good} of {finished} finished runs succeeded ({good / finished:.0%})" if finished else "no finished runs"
        )
        head.add_row(
            "Success",
            Text(
                rate + f", over the last {len(self.runs)} loaded",
                style="green" if finished and good == finished else "yellow" if finished else "dim",
            ),
        )
        last = [entry.get("state") for entry in (data.get("status") or {}).get("jobs") or []][:3]
        if last:
            head.add_row("Last runs", safe_text(" ".join(f"{fmt.STATE_GLYPH.get(str(s), '?')} {s}" for s in last)))
        lines = schedule_lines(self.policy, paused, now)
        self.query_one("#backup-info", Static).update(Group(head, Text(""), *lines))
        table = self.query_one(DataTable)
        table.clear()
        for run in self.runs:
            start, end = (fmt.as_epoch(value) for value in jobs.times_of(run))
            state = jobs.state_of(run)
            table.add_row(
                safe_text(state, style=fmt.state_style(state)),
                Text(fmt.when(start, now) if start else ""),
                Text(fmt.duration((end or now) - start) if start else ""),
                safe_text(str(run.get("type", ""))),
                Text(fmt.one_line(str(run.get("message") or ""))),
                key=str(run["_id"]),
            )

    @on(DataTable.RowSelected)
    def _open_run(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.post_message(OpenJob(str(event.row_key.value)))

    def action_jobs(self) -> None:
        link = self.profile.jobs_link
        if link is None:
            self.notify(f"Jobs do not point at {self.collection}.", timeout=3, markup=False)
            return
        self.post_message(OpenCollection(JOBS, f"{link}={self.item.id}"))

    def action_close(self) -> None:
        self.dismiss(None)
