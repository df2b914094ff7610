"""Turning a ``POST /articles`` body into records for :func:`newsfold.pipeline.fold_records`.

Pure functions of bytes and JSON values: no store, no web framework. The HTTP layer maps
:class:`BodyError` to its status code.

A body is one JSON article (an object), a JSON array of articles, or JSON lines (one object per line;
``Content-Type: application/x-ndjson`` or ``application/jsonl`` forces this reading). An article is an
object with the fields of the JSONL reader:

- ``text`` (required, a non-empty string),
- ``id`` (a string or a number; when absent the id is ``api-`` plus a hash of the text, so that posting the
  same text twice stores it once),
- ``title``, ``published`` (or ``date``; ISO 8601 or any form the normalizer reads), ``outlet``,
  ``language``, ``url`` (strings),
- anything else goes to ``Article.meta``.

A body that cannot be parsed is refused whole (nothing is stored); an article that parses but is not
usable (no text, a text that is not a string) becomes a :class:`~newsfold.model.Skipped` that is counted
and answered, like a bad record in a file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from newsfold.model import RawDocument, Skipped

NDJSON_TYPES: frozenset[str] = frozenset(
    {"application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines"}
)
"""Content types that are always read as JSON lines."""

TEXT_FIELD = "text"
ID_FIELD = "id"
DATE_FIELDS: tuple[str, ...] = ("published", "date")
STRING_FIELDS: tuple[str, ...] = ("title", "outlet", "language", "url")


class BodyError(Exception):
    """A request body refused whole: ``status`` is the HTTP status (400 or 413), ``reason`` says why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def parse_body(body: bytes, content_type: str | None, *, max_batch: int) -> list[Any]:
    """The JSON values of a ``POST /articles`` body, in order.

    Raises :class:`BodyError` (400) for an empty body, bytes that are not UTF-8 or JSON that does not
    parse (naming the line), and (413) for more than ``max_batch`` articles.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BodyError(400, f"the body is not UTF-8 (byte {error.start})") from error
    if not text.strip():
        raise BodyError(400, "the body is empty: send one JSON article or JSON lines")
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in NDJSON_TYPES:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            if len([line for line in text.splitlines() if line.strip()]) < 2:
                raise BodyError(
                    400, f"malformed JSON: {error.msg} (line {error.lineno}, column {error.colno})"
                ) from error
        else:
            values = value if isinstance(value, list) else [value]
            _check_batch(len(values), max_batch)
            return values
    values = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            values.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise BodyError(400, f"line {number}: malformed JSON: {error.msg} (column {error.colno})") from error
        _check_batch(len(values), max_batch)
    return values


def _check_batch(count: int, max_batch: int) -> None:
    if count > max_batch:
        raise BodyError(
            413, f"the batch holds more than {max_batch} articles (the server's limit); send smaller batches"
        )


def derived_id(text: str) -> str:
    """The id given to an article posted without one: ``api-`` and 16 hex digits of the text's SHA-256."""
    return "api-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def record_to_document(record: Any, location: str) -> RawDocument | Skipped:
    """One posted JSON value as a :class:`RawDocument`, or a :class:`Skipped` saying why it is not one.

    ``location`` names the record (``api:<time>:<request>#<index>``); it becomes the article's ``source``.
    Skipped kinds are the readers' own: ``not_object``, ``missing_field``, ``bad_field``, ``empty``.
    """
    if not isinstance(record, Mapping):
        return Skipped(location, f"{location}: an article must be a JSON object, got {_json_type(record)}",
                       "not_object")
    if TEXT_FIELD not in record:
        present = ", ".join(sorted(str(k) for k in record)[:12]) or "none"
        return Skipped(location, f"{location}: no 'text' field (fields present: {present})", "missing_field")
    text = record[TEXT_FIELD]
    if not isinstance(text, str):
        return Skipped(location, f"{location}: 'text' is not a string (got {_json_type(text)})", "bad_field")
    if not text.strip():
        return Skipped(location, f"{location}: 'text' is empty", "empty")
    given = record.get(ID_FIELD)
    if given is not None and (isinstance(given, bool) or not isinstance(given, str | int | float)):
        return Skipped(location, f"{location}: 'id' must be a string or a number (got {_json_type(given)})",
                       "bad_field")
    given_id = (given if isinstance(given, str) else json.dumps(given)) if given not in (None, "") else None
    strings: dict[str, str | None] = {}
    for name in STRING_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return Skipped(location, f"{location}: {name!r} is not a string (got {_json_type(value)})",
                           "bad_field")
        strings[name] = (value.strip() or None) if isinstance(value, str) else None
    date_key = next((k for k in DATE_FIELDS if record.get(k) not in (None, "")), None)
    published = record[date_key] if date_key else None
    if published is not None and not isinstance(published, str):
        return Skipped(location, f"{location}: {date_key!r} must be a date string (got {_json_type(published)})",
                       "bad_field")
    used = {TEXT_FIELD, ID_FIELD, *DATE_FIELDS, *STRING_FIELDS}
    return RawDocument(
        location=location,
        text=text,
        given_id=given_id,
        derived_id=derived_id(text),
        title=strings["title"],
        published=published,
        outlet=strings["outlet"],
        language=strings["language"],
        url=strings["url"],
        meta={key: value for key, value in record.items() if key not in used},
    )


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__
