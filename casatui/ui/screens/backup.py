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
from ...core.overview import success_rate
from ...core.schedule import CronError, describe, next_run
from ...core.session import Session
from ..actions import bindings
from ..safe import plain, safe_text
from ..widgets.footer import CasaFooter

RUNS = 25
LINKS = {"kubebackups": "backupdef", "kubeoffloads": "offloaddef"}


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
        clock = getattr(self.app, "clock", None)
        return float(clock()) if callable(clock) else 0.0

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("State", 10), ("Started", 22), ("Duration", 9), ("Type", 10), ("Message", 60)):
            table.add_column(label, width=width)
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(group="backup", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        client, data = self.session.client, self.item.data
        policy_id = data.get("policy") or data.get("copy_policy")
        try:
            if isinstance(policy_id, str) and policy_id:
                policy = await client.get("policies", policy_id)
                self.policy = policy.data if policy else None
            page = await client.list(
                "jobs",
                where={LINKS.get(self.collection, "backupdef"): self.item.id},
                sort="-start_time",
                max_results=RUNS,
            )
        except ApiError as error:
            self.notify(str(error), title=error.title, severity="error", timeout=8, markup=False)
            return
        self.runs = page.items
        self.draw()

    def draw(self) -> None:
        now, data = self.now, self.item.data
        good, finished = success_rate(self.runs)
        head = Table.grid(padding=(0, 2))
        head.add_column(style="dim")
        head.add_column()
        head.add_row("Definition", safe_text(f"{data.get('name', '')}  ({self.collection})", style="bold"))
        cluster = self.session.known_name("kubeclusters", str(data.get("cluster", ""))) or data.get("cluster", "")
        head.add_row("Cluster", safe_text(str(cluster)))
        head.add_row(
            "Trigger", safe_text(f"{data.get('trigger_type', '')}   paused: {'yes' if data.get('pause') else 'no'}")
        )
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
        lines = schedule_lines(self.policy, bool(data.get("pause")), now)
        self.query_one("#backup-info", Static).update(Group(head, Text(""), *lines))
        table = self.query_one(DataTable)
        table.clear()
        for run in self.runs:
            start, end = fmt.as_epoch(run.get("start_time")), fmt.as_epoch(run.get("end_time"))
            state = str(run.get("state", ""))
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
        app: Any = self.app
        if event.row_key.value:
            app.open_job(str(event.row_key.value))

    def action_jobs(self) -> None:
        app: Any = self.app
        self.dismiss(None)
        app.open_collection("jobs", f"{LINKS.get(self.collection, 'backupdef')}={self.item.id}")

    def action_close(self) -> None:
        self.dismiss(None)
