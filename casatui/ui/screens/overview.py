"""What needs attention now: clusters by state and those not reporting, today's jobs, what runs, what failed."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...core import formatting as fmt
from ...core.cloudcasa import JOBS
from ...core.overview import CLUSTERS, Overview, StateCounts, bar, copy_progress, gather_overview, snapshot_progress
from ...core.profiles import Profile, Profiles
from ...core.session import Session
from ..actions import bindings
from ..cells import fit
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
    return Option(Text("  could not load (see below)", style="red"), disabled=True)


def overview_options(data: Overview, now: float, jobs: Profile | None = None) -> list[Option]:
    """The overview's lines (what `show` lists), each quoting server names and messages through the boundary."""
    jobs = jobs or Profiles()[JOBS]
    options: list[Option] = []
    if data.clusters is not None:
        options.append(heading(f"Clusters ({data.clusters.total})"))
        options += state_lines(data.clusters, CLUSTERS)
    elif CLUSTERS in data.failed_parts:
        options += [heading("Clusters"), could_not_load()]
    if data.silent_clusters:
        options.append(heading("Agents not reporting"))
        for cluster in data.silent_clusters:
            status = cluster.get("status") or {}
            seen = fmt.as_epoch(status.get("updateTime"))
            last = f"last heartbeat {fmt.relative(seen, now)}" if seen else "no heartbeat yet"
            options.append(
                entry(
                    f"doc|{CLUSTERS}|{cluster['_id']}",
                    (fit(plain(cluster.get("name", "")), 22), "bold"),
                    f" {status.get('state', ''):<9} {last:<28} ",
                    (fmt.one_line(str(status.get("message") or "")), "dim"),
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
        options += [running_option(job, now, jobs) for job in data.running]
    if JOBS in data.failed_parts:
        options += [heading("Failed and partial, last 24 hours"), could_not_load()]
    elif data.jobs_today is not None:
        options.append(heading(f"Failed and partial, last 24 hours, newest first ({len(data.failed)})"))
        if not data.failed:
            options.append(Option(Text("  none", style="green"), disabled=True))
    for job in data.failed:
        started = fmt.as_epoch(jobs.times_of(job)[0])
        state = jobs.state_of(job)
        options.append(
            entry(
                f"job|{job['_id']}",
                (f"{fmt.relative(started, now) if started else '':>8}  ", "dim"),
                (f"{state:<8}", fmt.state_style(state)),
                (" " + fit(plain(jobs.name_of(job)), 24), "bold"),
                " " + fit(plain(jobs.context_of(job)), 18) + " ",
                (fmt.one_line(str(job.get("message") or ""), 90), ""),
            )
        )
    if data.storage or data.accounts:
        options.append(heading("Storage and cloud accounts not ready"))
    for store in data.storage:
        options.append(
            entry(
                f"doc|objectstores|{store['_id']}",
                (plain(store.get("name", "")), "bold"),
                "  ",
                (str(store.get("validate_state", "")), fmt.state_style(store.get("validate_state"))),
                f"  {fmt.one_line(str(store.get('validate_message') or ''))}",
            )
        )
    for account in data.accounts:
        state = (account.get("status") or {}).get("state", "")
        options.append(
            entry(
                f"doc|cloudaccounts|{account['_id']}",
                (plain(account.get("name", "")), "bold"),
                f"  {account.get('provider_type', '')}  ",
                (str(state), fmt.state_style(state)),
            )
        )
    for problem in data.problems:
        options.append(Option(Text(f"  could not load {plain(problem)}", style="red"), disabled=True))
    return options


def running_option(job: dict[str, Any], now: float, jobs: Profile) -> Option:
    text = Text("  ")
    text.append(fit(plain(jobs.name_of(job)), 24), style="bold")
    text.append(f" {job.get('type', ''):<9} ")
    copying, snapping = copy_progress(job), snapshot_progress(job)
    if copying:
        done, total, files, all_files = copying
        text.append(bar(done, total), style="cyan")
        text.append(f" {done / total:4.0%}  {fmt.size(done)} of {fmt.size(total)}  {files:,}/{all_files:,} files")
    elif snapping:
        done, total, failed = snapping
        text.append(bar(done, total), style="cyan")
        text.append(f" {done}/{total} volumes" + (f", {failed} failed" if failed else ""))
    started = fmt.as_epoch(jobs.times_of(job)[0])
    if started:
        text.append(f"  running {fmt.duration(now - started)}", style="dim")
    return Option(safe_text(text), id=f"job|{job['_id']}")


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
        data = await gather_overview(self.session.client, self.session.profiles, self.now)
        self.data = data
        self.show(data)

    def show(self, data: Overview) -> None:
        now = self.now
        title = Text(f"Overview · {plain(self.session.profile)} · {plain(self.session.client.root)}")
        title.append(f"   as of {fmt.local_time(now, now)} (r refreshes; every {REFRESH_SECONDS:g} s)", style="dim")
        self.query_one("#overview-title", Static).update(title)
        options = overview_options(data, now, self.session.profile_of(JOBS))
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
