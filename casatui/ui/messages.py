"""What screens ask of the app: to open a collection or a job. Screens post these; the app handles them, so no
screen reaches into another (or into the app) to get somewhere."""

from __future__ import annotations

from textual.message import Message


class OpenCollection(Message):
    """Show a collection in the explorer, with a filter (the explorer's back stack keeps where the user was).
    `from_job`: the job whose view this leaves (following one of its references): going back reopens it."""

    def __init__(self, collection: str, filter_text: str = "", *, from_job: str | None = None) -> None:
        super().__init__()
        self.collection = collection
        self.filter_text = filter_text
        self.from_job = from_job


class OpenJob(Message):
    """Show one job (fetched fresh) on its own screen."""

    def __init__(self, job_id: str) -> None:
        super().__init__()
        self.job_id = job_id
