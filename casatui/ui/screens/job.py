"""One job: what it is, where it ran, how it went, its activity as a timeline; live while it runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ...api.errors import ApiError
from ...api.models import Item
from ...core import formatting as fmt
from ...core.cloudcasa import JOBS
from ...core.overview import bar, copy_progress, snapshot_progress
from ...core.profiles import Profile, Profiles
from ...core.session import Session
from ..actions import bindings
from ..messages import OpenCollection
from ..safe import plain, safe_text
from ..widgets.footer import CasaFooter

LIVE_SECONDS = 2.0  # how often a running job is checked (If-None-Match: unchanged costs a 304)
COUNTERS = (
    ("num_total_resources", "resources"),
    ("num_backup_resources", "backed up"),
    ("num_restored_resources", "restored"),
    ("num_volume_snapshots_attempted", "snapshots tried"),
    ("num_volume_snapshots_completed", "snapshots done"),
    ("num_errors", "errors"),
    ("num_warnings", "warnings"),
)


def render_job(
    job: dict[str, Any],
    now: float,
    profile: Profile | None = None,
    names: Mapping[str, Mapping[str, str]] | None = None,
) -> Group:
    """The job as a Rich Group; every server string in it goes through `safe_text` (`_clean`). `names` are the
    names casatui knows of referenced documents (collection -> id -> name)."""
    profile = profile or Profiles()[JOBS]
    state = profile.state_of(job)
    title = _clean(
        Text.assemble(
            (profile.name_of(job), "bold"),
            "  ",
            (f" {state} ", f"reverse {fmt.state_style(state)}"),
            f"  {job.get('type', '')}",
        )
    )
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    facts.add_row("Job", _clean(f"{job.get('name', '')}  ({job.get('_id', '')})"))
    for key, collection in profile.references.items():
        if isinstance(job.get(key), str) and job.get(key):
            # CloudCasa writes the name beside the id (`cluster_name` beside `cluster`); else a name casatui knows.
            named = job.get(f"{key}_name") or (names or {}).get(collection, {}).get(job[key]) or job[key]
            label = key.removesuffix("_id").replace("_", " ").capitalize()
            facts.add_row(label, _clean(f"{named}  in {collection}  (f follows)"))
    start, end = (fmt.as_epoch(value) for value in profile.times_of(job))
    facts.add_row("Started", Text(fmt.when(start, now) if start else ""))
    if end:
        facts.add_row("Ended", Text(fmt.when(end, now)))
    if start:
        facts.add_row("Duration", Text(fmt.duration((end or now) - start) + ("" if end else " so far")))
    counters = "   ".join(f"{label} {job[key]}" for key, label in COUNTERS if job.get(key) is not None)
    if counters:
        facts.add_row("Counts", _clean(counters))
    parts: list[Any] = [title, facts]
    copying, snapping = copy_progress(job), snapshot_progress(job)
    if copying:
        done, total, files, all_files = copying
        parts.append(
            Text.assemble(
                ("\nCopy      ", "bold"),
                (bar(done, total, 40), "cyan"),
                f" {done / total:5.1%}  {fmt.size(done)} of {fmt.size(total)}  {files:,} of {all_files:,} files",
            )
        )
    if snapping:
        done, total, failed = snapping
        parts.append(
            Text.assemble(
                ("\nVolumes   ", "bold"),
                (bar(done, total, 40), "cyan"),
                f" {done} of {total} snapshotted" + (f", {failed} failed" if failed else ""),
            )
        )
    message = str(job.get("message") or "")
    if message.strip():
        said = Text.assemble(("\nMessage\n", "bold"), (message, fmt.state_style(state) or ""))
        parts.append(_clean(said, newlines=True))
    activity = job.get("activity") or []
    if activity:
        parts.append(Text("\nActivity", style="bold"))
        for line in activity:
            when, _, what = str(line).partition(" UTC: ")
            parts.append(_clean(Text.assemble((f"  {when} UTC  " if what else "  ", "dim"), what or str(line))))
    return Group(*parts)


def _clean(text: Text | str, *, newlines: bool = False) -> Text:
    return safe_text(text, newlines=newlines)


class JobScreen(Screen[None]):
    DEFAULT_CSS = """
    JobScreen VerticalScroll { padding: 0 1; }
    """
    SCOPE = "job"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("job")]

    def __init__(self, session: Session, item: Item) -> None:
        super().__init__()
        self.session = session
        self.item = item
        self.updates = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="job-body", markup=False)
        yield CasaFooter()

    @property
    def now(self) -> float:
        return self.session.now()

    @property
    def profile(self) -> Profile:
        return self.session.profile_of(JOBS)

    def on_mount(self) -> None:
        self.draw()
        self.set_interval(LIVE_SECONDS, self.poll)
        self.name_references()

    @work(group="names", exit_on_error=False)
    async def name_references(self) -> None:
        """Names of what the job points at, where the job does not carry them (`policy_id`)."""
        learned = False
        for key, collection in self.profile.references.items():
            value = self.item.data.get(key)
            if isinstance(value, str) and value and not self.item.data.get(f"{key}_name"):
                learned |= await self.session.resolve_names(collection, [value])
        if learned:
            self.draw()

    def draw(self) -> None:
        self.query_one("#job-body", Static).update(
            render_job(self.item.data, self.now, self.profile, self.session.names)
        )

    def poll(self) -> None:
        profile = self.profile
        state = profile.state_of(self.item.data)
        if profile.is_live(state) or (state and not profile.is_final(state)):  # a state casatui does not know
            self.check()

    def action_refresh(self) -> None:
        self.check()

    @work(group="job", exclusive=True, exit_on_error=False)
    async def check(self) -> None:
        try:
            fresh = await self.session.client.get(JOBS, self.item.id, if_none_match=self.item.etag)
        except ApiError as error:
            self.notify(str(error), title=error.title, severity="error", timeout=6, markup=False)
            return
        if fresh is None:
            return  # 304: unchanged
        profile = self.profile
        was = profile.state_of(self.item.data)
        self.item = fresh
        self.updates += 1
        self.draw()
        state = profile.state_of(fresh.data)
        if state != was and profile.is_final(state):
            severity: Literal["information", "warning"] = "information" if state == "COMPLETED" else "warning"
            self.notify(
                f"{profile.name_of(fresh.data)}: {state}",
                title="Job finished",
                severity=severity,
                timeout=8,
                markup=False,
            )

    def action_follow(self) -> None:
        targets = [(collection, self.item.data.get(key)) for key, collection in self.profile.references.items()]
        found = [(c, i) for c, i in targets if isinstance(i, str) and i]
        if not found:
            return
        from rich.text import Text as RichText

        from .pick import PickScreen

        def go(choice: str | None) -> None:
            if choice:
                collection, _, item_id = choice.partition("|")
                self.post_message(OpenCollection(collection, f"_id={item_id}"))

        choices = [(f"{c}|{i}", RichText(f"{c}  {plain(i)}")) for c, i in found]
        self.app.push_screen(PickScreen("Follow", choices, narrow=False), go)

    def action_close(self) -> None:
        self.dismiss(None)
