"""One backup (or copy) definition: its last runs and success rate, its schedule in words, its next run."""

from __future__ import annotations

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
from ...core import tones
from ...core.cloudcasa import JOBS
from ...core.overview import success_rate
from ...core.profiles import Profile
from ...core.session import Session
from ...core.summaries import PolicySchedule, policy_schedule, summarize_definition, summarize_job
from ..actions import bindings
from ..colour_modes import toned
from ..messages import OpenCollection, OpenJob
from ..safe import plain, safe_text
from ..widgets.footer import CasaFooter

RUNS = 25


def schedule_lines(schedule: PolicySchedule | None, paused: bool, now: float) -> list[Text]:
    if schedule is None:
        return [Text("No policy: runs only when started (ADHOC).", style="dim")]
    lines = [
        Text.assemble(("Policy ", "dim"), (plain(schedule.name), "bold"), (f"  ({plain(schedule.timezone)})", "dim"))
    ]
    for entry in schedule.entries:
        keep = ", ".join(
            ([f"keep {entry.keep_days} days"] if entry.keep_days is not None else [])
            + (["SafeLock"] if entry.locked else [])
        )
        said = "; ".join(part for part in (entry.cron, keep) if part)
        lines.append(safe_text(Text.assemble("  ", (entry.words, "bold"), f"  ({said})")))
    soonest = schedule.next_run
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


class RunsTable(DataTable[Text]):
    """The definition's runs, moved through with the explorer table's keys (j/k, g/G, enter)."""

    BINDINGS: ClassVar[list[BindingType]] = [*bindings("table")]

    def action_cursor(self, step: int) -> None:
        self.move_cursor(row=max(0, self.cursor_row + step))

    def action_edge(self, last: int) -> None:
        self.move_cursor(row=self.row_count - 1 if last else 0)

    def action_open(self) -> None:
        self.action_select_cursor()


class BackupScreen(Screen[None]):
    AUTO_FOCUS = "#runs"  # j/k/enter move through the runs at once (the scrolling head above would take focus)
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
        yield RunsTable(cursor_type="row", id="runs")
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
        client, profile = self.session.client, self.profile
        policy = summarize_definition(self.item.data, profile).policy
        link = profile.jobs_link
        try:
            if policy is not None:
                found = await client.get(policy.collection, policy.id)
                self.policy = found.data if found else None
            if link is not None:  # else jobs do not point at this collection: no runs to show
                jobs = self.jobs
                page = await client.list(
                    JOBS, where={link: self.item.id}, sort=list(jobs.default_sort), max_results=RUNS
                )
                self.runs = page.items
        except ApiError as error:
            self.notify(str(error), title=error.title, severity="error", timeout=8, markup=False)
        self.draw()  # what is known: the definition itself, whatever could not be fetched

    def draw(self) -> None:
        now, jobs = self.now, self.jobs
        definition = summarize_definition(self.item.data, self.profile, self.session.names)
        good, finished = success_rate(self.runs, jobs)
        head = Table.grid(padding=(0, 2))
        head.add_column(style="dim")
        head.add_column()
        head.add_row("Definition", safe_text(f"{definition.title}  ({definition.collection})", style="bold"))
        for reference in definition.references:
            head.add_row(reference.label, safe_text(reference.name))
        paused = definition.paused
        trigger = f"{definition.trigger}   " if definition.trigger else ""
        head.add_row("Trigger", safe_text(trigger + f"paused: {'yes' if paused else 'no'}"))
        rate = (
            f"{good} of {finished} finished runs succeeded ({good / finished:.0%})" if finished else "no finished runs"
        )
        head.add_row(
            "Success",
            toned(
                rate + f", over the last {len(self.runs)} loaded",
                tones.GOOD if finished and good == finished else tones.WARN if finished else "dim",
            ),
        )
        if definition.last_runs:
            shown = " ".join(f"{fmt.STATE_GLYPH.get(s, '?')} {s}".rstrip() for s in definition.last_runs)
            head.add_row("Last runs", safe_text(shown))
        schedule = None
        if definition.policy is not None and self.policy is not None:
            policies = self.session.profile_of(definition.policy.collection)
            schedule = policy_schedule(self.policy, policies, now)
        lines = schedule_lines(schedule, paused, now)
        self.query_one("#backup-info", Static).update(Group(head, Text(""), *lines))
        table = self.query_one(DataTable)
        table.clear()
        for run in (summarize_job(run, jobs) for run in self.runs):
            start, end, state = run.start, run.end, run.state
            table.add_row(
                safe_text(state, style=fmt.state_style(state)),
                Text(fmt.when(start, now) if start else ""),
                Text(fmt.duration((end or now) - start) if start else ""),
                safe_text(run.type),
                Text(fmt.one_line(run.message)),
                key=run.id,
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
