"""The one exception family of newsfold."""

from __future__ import annotations


class NewsfoldError(Exception):
    """Base of every error newsfold raises on purpose."""


class UsageError(NewsfoldError):
    """The caller asked for something that cannot be done (bad option, missing path)."""


class ReadError(NewsfoldError):
    """A record or file could not be read; the message names where and why."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason


class StoreError(NewsfoldError):
    """The store could not be opened, migrated or written."""


class MissingDependency(NewsfoldError):
    """An optional feature needs a package that is not installed; the message gives the pip line."""
