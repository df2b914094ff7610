"""Mapping one record (a JSON object, CSV row or Parquet row) to a :class:`RawDocument`.

Shared by the JSON, CSV and Parquet readers so that a field means the same thing in every format.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from typing import Any

from newsfold.model import RawDocument, Skipped
from newsfold.readers._sources import SourceFile
from newsfold.readers.options import (
    DATE_FIELDS,
    ID_FIELDS,
    LANGUAGE_FIELDS,
    OUTLET_FIELDS,
    TEXT_FIELDS,
    TITLE_FIELDS,
    URL_FIELDS,
    ReadOptions,
)

# Epoch numbers in a date field are read as seconds (or milliseconds) only inside this plausible range.
_EPOCH_SECONDS_MIN = 0
_EPOCH_SECONDS_MAX = 4_102_444_800  # 2100-01-01


MAX_REASON_CHARS = 300


def skipped(source: SourceFile, position: str | None, kind: str, reason: str) -> Skipped:
    """A ``Skipped`` whose location is ``/abs/path[:position]`` and whose reason names file and position.

    The reason is made one printable line of at most :data:`MAX_REASON_CHARS` characters: library error
    messages can quote raw bytes of the damaged input.
    """
    reason = one_line(reason)
    if position is None:
        return Skipped(source.location, f"{source.name}: {reason}", kind)
    return Skipped(f"{source.location}:{position}", f"{source.name} {position}: {reason}", kind)


def one_line(text: str, limit: int = MAX_REASON_CHARS) -> str:
    """``text`` with control and other unprintable characters as spaces, runs of spaces as one, and
    cut to ``limit`` characters (ending in an ellipsis when cut)."""
    if not text.isprintable():
        text = "".join(character if character.isprintable() else " " for character in text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def find_field(record: Mapping[str, Any], explicit: str | None, candidates: tuple[str, ...]) -> str | None:
    """The key of ``record`` to use: ``explicit`` if given (``None`` when absent), else the first candidate
    present by exact name, else the first present ignoring case."""
    if explicit is not None:
        return explicit if explicit in record else None
    for name in candidates:
        if name in record:
            return name
    lowered = {key.lower(): key for key in record if isinstance(key, str)}
    for name in candidates:
        if name in lowered:
            return lowered[name]
    return None


class FieldMapper:
    """Which key of a record plays which part, worked out once per set of keys.

    Records of one file nearly always share their keys, so the lookups of :func:`find_field` are cached
    by the record's key tuple (at most :attr:`CACHE_SIZE` key sets; the cache starts afresh past that).
    """

    CACHE_SIZE = 256

    def __init__(self, options: ReadOptions) -> None:
        self.options = options
        self._cache: dict[tuple[Any, ...], _Roles] = {}

    def roles(self, record: Mapping[str, Any]) -> _Roles:
        """The keys for text, id, title, date, url, outlet and language (``None`` where absent)."""
        keys = tuple(record)
        found = self._cache.get(keys)
        if found is None:
            if len(self._cache) >= self.CACHE_SIZE:
                self._cache.clear()
            found = self._cache[keys] = self._find_roles(record)
        return found

    def _find_roles(self, record: Mapping[str, Any]) -> _Roles:
        options = self.options
        text_key = find_field(record, options.text_field, TEXT_FIELDS)
        used: set[str] = {text_key} if text_key is not None else set()
        return (
            text_key,
            _take(record, options.id_field, ID_FIELDS, used),
            _take(record, options.title_field, TITLE_FIELDS, used),
            _take(record, options.date_field, DATE_FIELDS, used),
            _take(record, None, URL_FIELDS, used),
            _take(record, None, OUTLET_FIELDS, used),
            _take(record, None, LANGUAGE_FIELDS, used),
        )


_Roles = tuple[str | None, str | None, str | None, str | None, str | None, str | None, str | None]


def record_to_document(
    record: Mapping[str, Any],
    source: SourceFile,
    position: str | None,
    derived_id: str,
    mapper: FieldMapper,
) -> RawDocument | Skipped:
    """Map ``record`` to a document, or to a ``Skipped`` (``missing_field``, ``bad_field``, ``empty``,
    ``too_large``) saying why not. ``position`` is ``line N``/``record N`` or ``None`` for one-record
    files."""
    options = mapper.options
    text_key, id_key, title_key, date_key, url_key, outlet_key, language_key = mapper.roles(record)
    if text_key is None:
        if options.text_field is not None:
            reason = f"no {options.text_field!r} field (the text_field option)"
        else:
            present = ", ".join(sorted(str(key) for key in record)[:12]) or "none"
            reason = f"no text field (looked for {', '.join(TEXT_FIELDS)}; fields present: {present})"
        return skipped(source, position, "missing_field", reason)
    text_value = record[text_key]
    if isinstance(text_value, list) and all(isinstance(part, str) for part in text_value):
        text_value = "\n\n".join(text_value)
    if text_value is None:
        return skipped(source, position, "empty", f"text field {text_key!r} is empty (null)")
    if not isinstance(text_value, str):
        kind_name = type(text_value).__name__
        return skipped(
            source, position, "bad_field", f"text field {text_key!r} is not a string (got {kind_name})"
        )
    if not text_value or text_value.isspace():
        return skipped(source, position, "empty", f"text field {text_key!r} is empty")
    limit = options.max_document_bytes
    if len(text_value) > limit or (len(text_value) * 4 > limit and len(text_value.encode("utf-8")) > limit):
        size = len(text_value.encode("utf-8"))
        reason = f"text is {size:,} bytes, over max_document_bytes ({limit:,})"
        return skipped(source, position, "too_large", reason)

    used = (text_key, id_key, title_key, date_key, url_key, outlet_key, language_key)
    return RawDocument(
        location=f"{source.location}:{position}" if position else source.location,
        text=text_value,
        given_id=_as_id(record[id_key]) if id_key else None,
        derived_id=derived_id,
        title=_as_text(record[title_key]) if title_key else None,
        published=_as_date(record[date_key]) if date_key else None,
        outlet=_as_outlet(record[outlet_key]) if outlet_key else None,
        language=_as_text(record[language_key]) if language_key else None,
        url=_as_text(record[url_key]) if url_key else None,
        meta={key: value for key, value in record.items() if key not in used},
    )


def _take(
    record: Mapping[str, Any], explicit: str | None, candidates: tuple[str, ...], used: set[str]
) -> str | None:
    key = find_field(record, explicit, candidates)
    if key is None or key in used:
        return None
    used.add(key)
    return key


def _as_id(value: Any) -> str | None:
    """The caller's id as a string exactly as given: ``"a-1"`` stays ``"a-1"``, ``42`` becomes ``"42"``."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return str(value)


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    text = text.strip()
    return text or None


def _as_outlet(value: Any) -> str | None:
    """An outlet name; NewsAPI-style ``{"id": ..., "name": "..."}`` objects give their name."""
    if isinstance(value, Mapping):
        for key in ("name", "title", "id"):
            if isinstance(value.get(key), str) and value[key].strip():
                return str(value[key]).strip()
        return None
    return _as_text(value)


def _as_date(value: Any) -> dt.date | dt.datetime | str | None:
    """Dates and datetimes pass through; numbers are Unix epochs (seconds or milliseconds) when they
    fall between 1970 and 2100 and become UTC datetimes; strings are kept for normalize to parse."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            return None
        seconds = float(value)
        if seconds > _EPOCH_SECONDS_MAX:
            seconds /= 1000.0
        if _EPOCH_SECONDS_MIN <= seconds <= _EPOCH_SECONDS_MAX:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        return str(value)
    return _as_text(value)
