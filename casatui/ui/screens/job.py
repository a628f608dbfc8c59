"""One job: what it is, where it ran, how it went, its activity as a timeline; live while it runs."""

from __future__ import annotations

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
from ...core.overview import bar
from ...core.profiles import Profile
from ...core.session import Session
from ...core.summaries import JobSummary, Reference, succeeded, summarize_job
from ..actions import bindings
from ..messages import OpenCollection
from ..safe import safe_text
from ..widgets.footer import CasaFooter

LIVE_SECONDS = 2.0  # how often a running job is checked (If-None-Match: unchanged costs a 304)


def render_job(job: JobSummary, now: float) -> Group:
    """The job as a Rich Group; every server string in it goes through `safe_text` (`_clean`)."""
    state = job.state
    badge = Text(f" {state} ", style="reverse")
    badge.stylize(fmt.state_style(state))
    title = _clean(Text.assemble((job.title, "bold"), "  ", badge, f"  {job.type}"))
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    facts.add_row("Job", _clean(f"{job.run_name}  ({job.id})"))
    for reference in job.references:
        facts.add_row(reference.label, _clean(f"{reference.name}  in {reference.collection}  (f follows)"))
    start, end = job.start, job.end
    facts.add_row("Started", Text(fmt.when(start, now) if start else ""))
    if end:
        facts.add_row("Ended", Text(fmt.when(end, now)))
    if start:
        facts.add_row("Duration", Text(fmt.duration((end or now) - start) + ("" if end else " so far")))
    counters = "   ".join(f"{label} {value}" for label, value in job.counters)
    if counters:
        facts.add_row("Counts", _clean(counters))
    parts: list[Any] = [title, facts]
    if job.copy:
        done, total = job.copy.done, job.copy.total
        files = f"  {job.copy.files[0]:,} of {job.copy.files[1]:,} files" if job.copy.files else ""
        parts.append(
            Text.assemble(
                ("\nCopy      ", "bold"),
                (bar(done, total, 40), "cyan"),
                f" {done / total:5.1%}  {fmt.size(done)} of {fmt.size(total)}{files}",
            )
        )
    if job.snapshot:
        done, total, failed = job.snapshot.done, job.snapshot.total, job.snapshot.failed
        parts.append(
            Text.assemble(
                ("\nVolumes   ", "bold"),
                (bar(done, total, 40), "cyan"),
                f" {done} of {total} snapshotted" + (f", {failed} failed" if failed else ""),
            )
        )
    if job.message:
        said = Text.assemble(("\nMessage\n", "bold"), (job.message, fmt.state_style(state) or ""))
        parts.append(_clean(said, newlines=True))
    if job.activity:
        parts.append(Text("\nActivity", style="bold"))
        for line in job.activity:
            parts.append(_clean(Text.assemble((f"  {line.when}  " if line.when else "  ", "dim"), line.what)))
    return Group(*parts)


def follow_label(reference: Reference) -> str:
    """As the explorer labels a reference: field, collection, name, the id's tail."""
    named = f" {reference.name}" if reference.name != reference.id else ""
    return f"{reference.field} → {reference.collection}{named} ({reference.id[-6:]})"


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

    @property
    def summary(self) -> JobSummary:
        return summarize_job(self.item.data, self.profile, self.session.names)

    @work(group="names", exit_on_error=False)
    async def name_references(self) -> None:
        """Names of what the job points at, where the job does not carry them (`policy_id`)."""
        learned = False
        for reference in self.summary.references:
            if not reference.carried:
                learned |= await self.session.resolve_names(reference.collection, [reference.id])
        if learned:
            self.draw()

    def draw(self) -> None:
        self.query_one("#job-body", Static).update(render_job(self.summary, self.now))

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
            severity: Literal["information", "warning"] = "information" if succeeded(state) else "warning"
            self.notify(
                f"{profile.name_of(fresh.data)}: {state}",
                title="Job finished",
                severity=severity,
                timeout=8,
                markup=False,
            )

    def action_follow(self) -> None:
        references = self.summary.references
        known = self.session.names
        if any(not r.carried and r.id not in known.get(r.collection, {}) for r in references):
            self.follow_named()  # names first, as the explorer shows them
        else:
            self.pick_reference()

    @work(group="follow", exclusive=True, exit_on_error=False)
    async def follow_named(self) -> None:
        for reference in self.summary.references:
            if not reference.carried:
                await self.session.resolve_names(reference.collection, [reference.id])
        self.draw()
        self.pick_reference()

    def pick_reference(self) -> None:
        """Choose what to follow, by name; going back from where it leads comes back to this job."""
        found = self.summary.references
        if not found:
            return
        from .pick import PickScreen

        def go(choice: str | None) -> None:
            if choice:
                reference = found[int(choice)]
                self.post_message(OpenCollection(reference.collection, f"_id={reference.id}", from_job=self.item.id))

        choices = [(str(i), Text(follow_label(reference))) for i, reference in enumerate(found)]
        self.app.push_screen(PickScreen("Follow", choices, narrow=False), go)

    def action_close(self) -> None:
        self.dismiss(None)
