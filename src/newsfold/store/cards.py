"""Reading event cards and storyline summaries: the fields every interface shows, read tolerantly.

Cards and summaries are JSON mappings written by the events and stories stages. :func:`card_summary`
reads the fields listed in ``docs/ui.md`` and degrades to empty fields where a stage wrote less. It lives
in the store package because the store's event index (schema version 4) is built from it, so that the
index and the views can never disagree about what a card says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

__all__ = ["card_summary"]


def _names(value: Any) -> list[str]:
    """Entity names from a card field: a string, a list of strings, or dicts with a name."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, Mapping):
        for key in ("name", "label", "text", "key", "place"):
            if isinstance(value.get(key), str):
                return [value[key]]
        return []
    if isinstance(value, list | tuple):
        return [name for item in value for name in _names(item)]
    return [str(value)]


def _iso_day(value: Any) -> str | None:
    """The ``YYYY-MM-DD`` day of a date, datetime or ISO string; ``None`` if it is none of these."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            return None
    return None


def card_summary(card: Mapping[str, Any]) -> dict[str, Any]:
    """The fields every interface shows of an event card (or a storyline summary).

    ``headline`` (``headline`` or ``title``), ``start``/``end`` (ISO days, from ``when`` as a day or a
    ``{"start", "end"}``/``{"date"}`` mapping, else ``start``/``end``/``date``; ``end`` is ``start`` when
    the card gives no end, so a dated card always has both), ``who`` (people and organizations),
    ``where`` (places) and ``entities`` (all names, for filtering).
    """
    headline = card.get("headline") or card.get("title")
    when = card.get("when")
    start = end = None
    if isinstance(when, Mapping):
        start = _iso_day(when.get("start") or when.get("date"))
        end = _iso_day(when.get("end"))
    elif when is not None:
        start = _iso_day(when)
    start = start or _iso_day(card.get("start") or card.get("date"))
    end = end or _iso_day(card.get("end")) or start
    who = _names(card.get("who")) + [n for k in ("people", "orgs", "organizations") for n in _names(card.get(k))]
    where = _names(card.get("where")) + _names(card.get("places"))
    entities = list(dict.fromkeys([*who, *where, *_names(card.get("entities"))]))
    return {
        "headline": str(headline) if headline is not None else None,
        "start": start,
        "end": end,
        "who": list(dict.fromkeys(who)),
        "where": list(dict.fromkeys(where)),
        "entities": entities,
    }
