"""Turning the caller's inputs (files, folders, globs) into a deterministic stream of source files.

This module knows nothing about file formats: it finds files, names them, and reports what cannot be
walked. Formats are chosen later, by suffix, in :mod:`newsfold.readers.registry`.
"""

from __future__ import annotations

import glob
import logging
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsfold.errors import UsageError
from newsfold.model import Skipped

logger = logging.getLogger(__name__)

_GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file to read.

    ``path`` is absolute. ``name`` is the file's stable name for derived ids: its path relative to the
    folder (or glob root) it was found under, in posix form with the suffix kept, or its bare file name
    when it was given directly.
    """

    path: Path
    name: str
    location: str = field(init=False, compare=False)
    """The absolute path as a string, the start of every location this file yields."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "location", str(self.path))


@dataclass(frozen=True, slots=True)
class ResolvedInput:
    """One caller input, resolved: either a single file or a set of files under a root folder."""

    given: str
    root: Path
    files: tuple[Path, ...] | None  # None: walk ``root``; else these files (a direct file or glob matches)


def resolve_inputs(inputs: Sequence[str | Path]) -> list[ResolvedInput]:
    """Check every input exists (or a glob matches something) before anything is read.

    Raises :class:`~newsfold.errors.UsageError` naming the first input that is missing, so a typo fails
    at once instead of after an hour of reading the other inputs.
    """
    if isinstance(inputs, str | Path):
        raise UsageError(
            f"inputs must be a list of paths, not a single {type(inputs).__name__}: [{inputs!r}]"
        )
    resolved: list[ResolvedInput] = []
    for raw in inputs:
        given = os.fspath(raw)
        path = Path(given).expanduser()
        if path.is_dir():
            resolved.append(ResolvedInput(given, _absolute(path), None))
        elif path.exists() or path.is_symlink():
            resolved.append(ResolvedInput(given, _absolute(path).parent, (_absolute(path),)))
        elif _GLOB_CHARACTERS & set(given):
            resolved.append(_resolve_glob(given))
        else:
            raise UsageError(f"input not found: {given}")
    return resolved


def _resolve_glob(pattern: str) -> ResolvedInput:
    """A glob's files are named relative to its root: the longest leading part without glob characters."""
    expanded = os.path.expanduser(pattern)
    matches = sorted(glob.glob(expanded, recursive=True))
    if not matches:
        raise UsageError(f"no files match the pattern: {pattern}")
    parts = Path(expanded).parts
    root_parts: list[str] = []
    for part in parts[:-1]:
        if _GLOB_CHARACTERS & set(part):
            break
        root_parts.append(part)
    root = _absolute(Path(*root_parts)) if root_parts else Path.cwd()
    return ResolvedInput(pattern, root, tuple(_absolute(Path(match)) for match in matches))


def iter_source_files(inputs: Sequence[ResolvedInput]) -> Iterator[SourceFile | Skipped]:
    """Yield every file under the inputs, in input order, and sorted by relative path within an input.

    Folders are recursed lazily, one listing at a time (symbolic links followed, each real folder visited
    once per input, so link loops end). Names starting with ``.`` (``.git``, ``.DS_Store``) are hidden
    files, not documents, and are left out, as ``ls`` and ``rg`` do. Folders that cannot be listed and
    things that are not regular files (sockets, pipes, broken links) become
    :class:`~newsfold.model.Skipped`. A file named by two inputs is read twice, with the same ids.
    """
    for item in inputs:
        found = _walk(item.root) if item.files is None else _expand_matches(item)
        for relative, path, problem in found:
            if problem is not None:
                yield problem
            else:
                yield SourceFile(path=path, name=relative)


_Found = tuple[str, Path, Skipped | None]


def _expand_matches(item: ResolvedInput) -> Iterator[_Found]:
    assert item.files is not None
    direct = len(item.files) == 1 and not (_GLOB_CHARACTERS & set(item.given))
    for path in item.files:
        if path.is_dir():
            yield from _walk(path, prefix=_relative_name(path, item.root))
        elif direct:
            yield from _check_regular(path.name, path)
        else:
            yield from _check_regular(_relative_name(path, item.root), path)


def _relative_name(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _walk(root: Path, prefix: str = "") -> Iterator[_Found]:
    """All files below ``root``, in the order of their posix paths relative to it, streamed.

    Within a folder, entries are sorted by name with a folder's name read as ``name/``; that is exactly
    the order of the full relative paths as strings (``a.txt`` before ``a/b.txt``, since ``.`` sorts
    before ``/``), the same on every OS, while only the listings of the folders on the current path are
    held in memory.
    """
    visited: set[Path] = set()
    pending: list[Iterator[tuple[str, bool, Path]]] = []
    first = _list_folder(root, prefix, visited)
    if isinstance(first, Skipped):
        yield str(root), root, first
        return
    pending.append(iter(first))
    while pending:
        entry = next(pending[-1], None)
        if entry is None:
            pending.pop()
            continue
        relative, is_dir, path = entry
        if not is_dir:
            yield from _check_regular(relative, path)
            continue
        listing = _list_folder(path, relative, visited)
        if isinstance(listing, Skipped):
            yield relative, path, listing
        else:
            pending.append(iter(listing))


def _list_folder(
    folder: Path, relative_folder: str, visited: set[Path]
) -> list[tuple[str, bool, Path]] | Skipped:
    """The visible entries of ``folder`` as ``(relative path, is a folder, path)`` in walk order; empty
    for a real folder already visited (a link loop), a ``Skipped`` when it cannot be listed."""
    real_folder = folder.resolve()
    if real_folder in visited:
        logger.debug("%s: folder already read through another link, passed over", folder)
        return []
    visited.add(real_folder)
    entries: list[tuple[str, str, bool, Path]] = []
    try:
        with os.scandir(folder) as listing:
            for child in listing:
                if child.name.startswith("."):
                    continue
                try:
                    is_dir = child.is_dir(follow_symlinks=True)
                except OSError:
                    is_dir = False
                relative = f"{relative_folder}/{child.name}" if relative_folder else child.name
                entries.append(
                    (child.name + "/" if is_dir else child.name, relative, is_dir, Path(child.path))
                )
    except OSError as error:
        reason = f"{relative_folder or folder}: cannot list folder ({_why(error)})"
        return Skipped(str(folder), reason, "unreadable")
    entries.sort()
    return [(relative, is_dir, path) for _, relative, is_dir, path in entries]


def _check_regular(relative: str, path: Path) -> Iterator[_Found]:
    try:
        mode = path.stat().st_mode
    except OSError as error:
        yield (
            relative,
            path,
            Skipped(str(path), f"{relative}: cannot read file ({_why(error)})", "unreadable"),
        )
        return
    if not stat.S_ISREG(mode):
        yield relative, path, Skipped(str(path), f"{relative}: not a regular file", "unsupported")
        return
    yield relative, path, None


def _absolute(path: Path) -> Path:
    """Absolute and with ``..`` folded away, but symbolic links kept as the caller named them."""
    return Path(os.path.abspath(path))


def _why(error: OSError) -> str:
    return error.strerror or type(error).__name__
