"""Turning the caller's inputs (files, folders, globs) into a deterministic stream of source files.

This module knows nothing about file formats: it finds files, names them, and reports what cannot be
walked. Formats are chosen later, by suffix, in :mod:`newsfold.read.registry`.
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

    Folders are recursed (symbolic links followed, each real folder visited once). Names starting with
    ``.`` (``.git``, ``.DS_Store``) are hidden files, not documents, and are left out, as ``ls`` and
    ``rg`` do. A file reached twice (the same file named by two inputs) is read once. Folders that cannot
    be listed and things that are not regular files (sockets, pipes, broken links) become
    :class:`~newsfold.model.Skipped`.
    """
    seen_files: set[Path] = set()
    for item in inputs:
        if item.files is None:
            found = _walk(item.root)
        else:
            found = _expand_matches(item)
        for relative, path, problem in found:
            if problem is not None:
                yield problem
                continue
            real = path.resolve()
            if real in seen_files:
                logger.info("%s was already read through an earlier input; reading it once", path)
                continue
            seen_files.add(real)
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
    """All files below ``root`` sorted by their posix path relative to it (deterministic on every OS)."""
    entries: list[tuple[str, Path]] = []
    problems: list[Skipped] = []
    visited: set[Path] = set()
    stack: list[tuple[Path, str]] = [(root, prefix)]
    while stack:
        folder, relative_folder = stack.pop()
        real_folder = folder.resolve()
        if real_folder in visited:
            continue
        visited.add(real_folder)
        try:
            with os.scandir(folder) as listing:
                children = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            problems.append(
                Skipped(
                    str(folder),
                    f"{relative_folder or folder}: cannot list folder ({_why(error)})",
                    "unreadable",
                )
            )
            continue
        for child in children:
            if child.name.startswith("."):
                continue
            relative = f"{relative_folder}/{child.name}" if relative_folder else child.name
            try:
                is_dir = child.is_dir(follow_symlinks=True)
            except OSError:
                is_dir = False
            if is_dir:
                stack.append((Path(child.path), relative))
            else:
                entries.append((relative, Path(child.path)))
    yield from ((problem.location, Path(problem.location), problem) for problem in problems)
    for relative, path in sorted(entries):
        yield from _check_regular(relative, path)


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
