"""The HSDS API's parameters: each checked against its rule in the OpenAPI document, and paging."""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from portal.directory.openapi import PARAMETERS
from portal.forms import query_text

UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", re.ASCII)
_INTEGER = re.compile(r"\d{1,9}", re.ASCII)
_NUMBER = re.compile(r"-?\d{1,12}(\.\d{1,12})?([eE][+-]?\d{1,3})?", re.ASCII)
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})", re.ASCII)


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def param(params, name: str):
    """A query parameter checked against its schema in PARAMETERS; raises ApiError(400) when it does not fit."""
    schema, _ = PARAMETERS[name]
    raw = params.get(name)
    kind, fmt = schema["type"], schema.get("format")
    if kind == "string" and not fmt and "enum" not in schema:
        return query_text(params, name, 200)
    if raw is None:
        return schema.get("default")
    if kind == "integer":
        low, high = schema["minimum"], schema["maximum"]
        if not _INTEGER.fullmatch(raw) or not low <= int(raw) <= high:
            raise ApiError(400, f"{name} must be a whole number from {low} to {high}, not {raw[:40]!r}.")
        return int(raw)
    if kind == "number":
        high = schema["maximum"]
        if not _NUMBER.fullmatch(raw) or not 0 < float(raw) <= high:
            raise ApiError(400, f"{name} must be a number of metres above 0 and at most {high}, not {raw[:40]!r}.")
        return float(raw)
    if kind == "boolean":
        if raw not in ("true", "false"):
            raise ApiError(400, f"{name} must be true or false, not {raw[:40]!r}.")
        return raw == "true"
    if "enum" in schema:
        if raw not in schema["enum"]:
            raise ApiError(400, f"{name} must be one of {', '.join(schema['enum'])}, not {raw[:40]!r}.")
        return raw
    if fmt == "uuid":
        if not UUID_TEXT.fullmatch(raw):
            raise ApiError(400, f"{name} must be a UUID, not {raw[:40]!r}.")
        return uuid.UUID(raw)
    if fmt == "date-time":
        try:
            if not _DATE_TIME.fullmatch(raw):
                raise ValueError
            return datetime.fromisoformat(raw.upper().replace("Z", "+00:00")).astimezone(UTC)
        except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved past the calendar's end
            raise ApiError(400, f"{name} must be a date and time with a time zone, like 2026-01-31T00:00:00Z, not {raw[:40]!r}.") from None
    raise AssertionError(f"no rule for the parameter {name}")


def record_id(request) -> uuid.UUID:
    raw = request.path_params["id"]
    if not UUID_TEXT.fullmatch(raw):
        raise ApiError(404, f"There is no record with the id {raw[:40]!r}: ids are UUIDs.")
    return uuid.UUID(raw)


def not_found(what: str, record_id: uuid.UUID) -> ApiError:
    return ApiError(404, f"There is no {what} with the id {record_id}.")


@dataclass
class Paging:
    number: int
    per_page: int
    stream: bool

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    def envelope(self, total: int, contents: list) -> dict:
        pages = math.ceil(total / self.per_page)
        return {"total_items": total, "total_pages": pages, "page_number": self.number, "size": len(contents),
                "first_page": self.number == 1, "last_page": self.number >= pages, "empty": not contents,
                "contents": contents}


def paging_from(params) -> Paging:
    return Paging(param(params, "page"), param(params, "per_page"), param(params, "format") == "ndjson")
