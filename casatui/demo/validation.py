"""CloudCasa's validation rules beyond Eve's: objectstore location uniqueness, the free plan's schedule limit."""

from __future__ import annotations

from typing import Any

from eve.io.mongo import Validator
from flask import current_app

LOCATION_FIELDS = ("provider_type", "region", "prefix", "bucket_name")


def is_sub_daily(schedule: dict[str, Any]) -> bool:
    """True when a cron schedule runs more than once a day (minute or hour not a single number)."""
    fields = cron_fields(schedule)
    if fields is None:
        return False
    minute, hour = fields[0], fields[1]
    return not (minute.isdecimal() and hour.isdecimal())


def cron_fields(schedule: dict[str, Any]) -> list[str] | None:
    """The five cron fields of a schedule; `cronSpec` wins over the separate fields, as on CloudCasa."""
    spec = schedule.get("cronSpec")
    if isinstance(spec, str) and spec.strip():
        parts = spec.split()
        return parts if len(parts) == 5 else None
    names = ("minute", "hour", "dayOfMonth", "month", "dayOfWeek")
    if all(isinstance(schedule.get(name), str) for name in names):
        return [schedule[name] for name in names]
    return None


class DemoValidator(Validator):
    def _validate_readonly(self, read_only: bool, field: str, value: Any) -> None:
        """{'type': 'boolean'}"""
        # Clients such as the Terraform provider always send `"status": {}`; CloudCasa accepts and ignores it.
        if read_only and value == {}:
            return
        super()._validate_readonly(read_only, field, value)

    def _validate_daily_or_slower(self, enabled: bool, field: str, value: Any) -> None:
        """{'type': 'boolean'}"""
        if not enabled or not isinstance(value, list):
            return
        for entry in value:
            if not isinstance(entry, dict):
                continue
            schedule = entry.get("schedule") or {}
            if isinstance(schedule, dict) and cron_fields(schedule) is None:
                self._error(field, "schedule needs a cronSpec of five fields, or all five separate fields")
                return
            if isinstance(schedule, dict) and is_sub_daily(schedule):
                self._error(field, "Schedules more frequent than daily are not allowed for free accounts")
                return

    def _validate_unique_location(self, enabled: bool, field: str, value: Any) -> None:
        """{'type': 'boolean'}"""
        if not enabled:
            return
        merged = {**(self.persisted_document or {}), **self.document}
        query: dict[str, Any] = {}
        for name in LOCATION_FIELDS:
            current = merged.get(name)
            query[name] = current if current else {"$in": ["", None]}
        if self.document_id is not None:
            query["_id"] = {"$ne": self.document_id}
        datasource = current_app.config["DOMAIN"][self.resource]["datasource"]["source"]
        if current_app.data.driver.db[datasource].find_one(query, {"_id": 1}):  # type: ignore[attr-defined]
            self._error(
                field,
                "an objectstore with the same provider_type, region, prefix and bucket_name already exists",
            )
