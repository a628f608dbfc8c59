"""What needs attention now: clusters by state and those not reporting, today's jobs, what runs, what failed."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...core import formatting as fmt
from ...core import tones
from ...core.cloudcasa import CLUSTERS, JOBS
from ...core.overview import Attention, Overview, StateCounts, bar, gather_overview
from ...core.session import Session
from ...core.summaries import JobSummary
from ..actions import bindings
from ..cells import fit
from ..colour_modes import toned
from ..messages import OpenCollection, OpenJob
from ..safe import plain, safe_text
from ..widgets.footer import CasaFooter

REFRESH_SECONDS = 15.0


def heading(text: str) -> Option:
    return Option(Text(f"\n{text}", style="bold underline"), disabled=True)


def entry(target: str, *parts: tuple[str, str] | str) -> Option:
    """One line of the overview; its parts quote server names and messages, made visible here."""
    return Option(safe_text(Text.assemble("  ", *parts)), id=target)


def state_lines(counts: StateCounts, collection: str, extra: str = "") -> list[Option]:
    """One line per state, then "other" and "no state": lines that add up to the heading's total."""
    options = [
        entry(f"table|{collection}|{counts.field}={state}{extra}", (f"{state:<12}", fmt.state_style(state)), f"{n:>5}")
        for state, n in counts.states.items()
    ]
    if counts.other:
        options.append(entry(f"table|{collection}|{counts.other_filter(extra)}", (f"{'other':<12}", "italic"),
                             f"{counts.other:>5}"))  # fmt: skip
    if counts.no_state:
        options.append(entry(f"table|{collection}|!has:{counts.field}{extra}", (f"{'no state':<12}", "italic"),
                             f"{counts.no_state:>5}"))  # fmt: skip
    return options


def could_not_load() -> Option:
    return Option(toned("  could not load (see below)", tones.BAD), disabled=True)


def overview_options(data: Overview, now: float) -> list[Option]:
    """The overview's lines (what `show` lists), each quoting server names and messages through the boundary."""
    options: list[Option] = []
    for fix in data.fixes:  # first: what makes the rest load
        options.append(Option(toned(f"{plain(fix)}.", tones.BAD, style="bold"), disabled=True))
    if data.clusters is not None:
        options.append(heading(f"Clusters ({data.clusters.total})"))
        options += state_lines(data.clusters, CLUSTERS)
    elif CLUSTERS in data.failed_parts:
        options += [heading("Clusters"), could_not_load()]
    if data.silent_clusters:
        options.append(heading("Agents not reporting"))
        for cluster in data.silent_clusters:
            last = f"last heartbeat {fmt.relative(cluster.heard, now)}" if cluster.heard else "no heartbeat yet"
            options.append(
                entry(
                    document_target(cluster),
                    (fit(plain(cluster.name), 22), "bold"),
                    f" {cluster.state:<9} {last:<28} ",
                    (fmt.one_line(cluster.detail), "dim"),
                )
            )
    recent = f" {data.jobs_time_field}>-24h"
    if data.jobs_today is not None:
        options.append(heading(f"Jobs of the last 24 hours ({data.jobs_today.total})"))
        options += state_lines(data.jobs_today, JOBS, recent)
    elif JOBS in data.failed_parts:
        options += [heading("Jobs of the last 24 hours"), could_not_load()]
    if data.running:
        options.append(heading(f"Running now ({len(data.running)})"))
        options += [running_option(job, now) for job in data.running]
    if JOBS in data.failed_parts:
        options += [heading("Failed and partial, last 24 hours"), could_not_load()]
    elif data.jobs_today is not None:
        options.append(heading(f"Failed and partial, last 24 hours, newest first ({len(data.failed)})"))
        if not data.failed:
            options.append(Option(toned("  none", tones.GOOD), disabled=True))
    for job in data.failed:
        options.append(
            entry(
                f"job|{job.id}",
                (f"{fmt.relative(job.start, now) if job.start else '':>8}  ", "dim"),
                (f"{job.state:<8}", fmt.state_style(job.state)),
                (" " + fit(plain(job.title), 24), "bold"),
                " " + fit(plain(job.context), 18) + " ",
                (fmt.one_line(job.message), ""),  # as long as the line holds (the list ends it with an ellipsis)
            )
        )
    if data.storage or data.accounts:
        options.append(heading("Storage and cloud accounts not ready"))
    for store in data.storage:
        options.append(
            entry(
                document_target(store),
                (plain(store.name), "bold"),
                "  ",
                (store.state, fmt.state_style(store.state)),
                f"  {fmt.one_line(store.detail)}",
            )
        )
    for account in data.accounts:
        options.append(
            entry(
                document_target(account),
                (plain(account.name), "bold"),
                f"  {account.kind}  ",
                (account.state, fmt.state_style(account.state)),
            )
        )
    for problem in data.problems:
        options.append(Option(toned(f"  could not load {plain(problem)}", tones.BAD), disabled=True))
    return options


def document_target(item: Attention) -> str:
    return f"doc|{item.collection}|{item.id}"


def running_option(job: JobSummary, now: float) -> Option:
    text = Text("  ")
    text.append(fit(plain(job.title), 24), style="bold")
    text.append(f" {job.type:<9} ")
    if job.copy:
        done, total = job.copy.done, job.copy.total
        files = f"  {job.copy.files[0]:,}/{job.copy.files[1]:,} files" if job.copy.files else ""
        text.append(bar(done, total), style="cyan")
        text.append(f" {done / total:4.0%}  {fmt.size(done)} of {fmt.size(total)}{files}")
    elif job.snapshot:
        done, total, failed = job.snapshot.done, job.snapshot.total, job.snapshot.failed
        text.append(bar(done, total), style="cyan")
        text.append(f" {done}/{total} volumes" + (f", {failed} failed" if failed else ""))
    if job.start:
        text.append(f"  running {fmt.duration(now - job.start)}", style="dim")
    return Option(safe_text(text), id=f"job|{job.id}")


class OverviewScreen(Screen[None]):
    DEFAULT_CSS = """
    OverviewScreen #overview-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    OverviewScreen OptionList, OverviewScreen OptionList:focus {
        height: 1fr; border: none; text-wrap: nowrap; text-overflow: ellipsis;
    }
    """
    SCOPE = "overview"
    BINDINGS: ClassVar[list[BindingType]] = [*bindings("overview")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.data: Overview | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="overview-title", markup=False)
        yield OptionList(Option(Text("Gathering…", style="dim"), disabled=True), id="overview")
        yield CasaFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()
        self.set_interval(REFRESH_SECONDS, self.load)

    @property
    def now(self) -> float:
        return self.session.now()

    def action_refresh(self) -> None:
        self.load()

    @work(group="overview", exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        try:
            data = await gather_overview(self.session.client, self.session.profiles, self.now)
        except Exception as error:  # not an API error (each part reports those): never "Gathering…" for ever
            listing = self.query_one(OptionList)
            listing.clear_options()
            why = self.session.client.scrub(f"{type(error).__name__}: {error}")
            said = safe_text(f"  The overview could not be gathered: {why}. r tries again.")
            said.stylize(tones.BAD)
            listing.add_option(Option(said, disabled=True))
            return
        self.data = data
        self.show(data)

    def show(self, data: Overview) -> None:
        now = self.now
        title = Text(f"Overview · {plain(self.session.profile)} · {plain(self.session.client.root)}")
        title.append(f"   as of {fmt.local_time(now, now)} (every {REFRESH_SECONDS:g} s)", style="dim")
        self.query_one("#overview-title", Static).update(title)
        options = overview_options(data, now)
        listing = self.query_one(OptionList)
        highlighted = listing.highlighted_option.id if listing.highlighted_option else None
        listing.clear_options()
        listing.add_options(options)
        ids = [o.id for o in options]
        listing.highlighted = (
            ids.index(highlighted)
            if highlighted in ids
            else next((i for i, o in enumerate(options) if not o.disabled), None)
        )

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        target = event.option.id or ""
        kind, _, rest = target.partition("|")
        if kind == "table":
            collection, _, filter_text = rest.partition("|")
            self.post_message(OpenCollection(collection, filter_text))
        elif kind == "doc":
            collection, _, item_id = rest.partition("|")
            self.post_message(OpenCollection(collection, f"_id={item_id}"))
        elif kind == "job":
            self.post_message(OpenJob(rest))

    def action_close(self) -> None:
        self.dismiss(None)
