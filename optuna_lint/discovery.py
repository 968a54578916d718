"""Finding the Python files to lint under the paths a user names."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol


class MissingPath(Exception):
    """A path named on the command line does not exist."""


class Excluder(Protocol):
    def excludes(self, path: Path, is_directory: bool) -> bool: ...

    def excludes_named(self, path: Path) -> bool: ...


class DefaultExclusion:
    """Without a configuration: hidden folders and the usual build and package folders."""

    def excludes(self, path: Path, is_directory: bool) -> bool:
        return is_directory and (path.name.startswith(".") or path.name in SKIPPED_DIRECTORIES)

    def excludes_named(self, path: Path) -> bool:
        return False


SKIPPED_DIRECTORIES = frozenset(
    {"__pycache__", "build", "dist", "node_modules", "site-packages", "venv"}
)


def python_files_by_origin(
    paths: list[Path], exclusion: Excluder | None = None, force_exclude: bool = False
) -> Iterator[tuple[Path, Path]]:
    """Files named directly, and `*.py` files under named directories, each once, in order,
    with the named path each was found under.

    Under a named directory, what `exclusion` excludes is skipped (by default hidden
    directories, `__pycache__`, `build`, `dist` and `node_modules`), and so are virtual
    environments (a directory holding `pyvenv.cfg`). A file named directly is linted even when
    excluded, unless `force_exclude` is set. Symbolic links to directories are not followed, so
    a link loop cannot trap the walk.
    """
    exclusion = exclusion or DefaultExclusion()
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = walk_python_files(path, exclusion)
        elif path.exists() or path.is_symlink():
            found = iter([] if force_exclude and exclusion.excludes_named(path) else [path])
        else:
            raise MissingPath(str(path))
        for file in found:
            if file not in seen:
                seen.add(file)
                yield file, path


def walk_python_files(
    directory: Path, exclusion: Excluder | None = None, notebooks: bool = True
) -> Iterator[Path]:
    """The `*.py` files (and, with `notebooks`, `*.ipynb` files) under a directory, in a
    stable order, leaving out what is excluded."""
    suffixes = (".py", ".ipynb") if notebooks else (".py",)
    exclusion = exclusion or DefaultExclusion()
    for root, directories, files in os.walk(directory, onerror=None):
        directories[:] = sorted(
            name
            for name in directories
            if not (Path(root, name) / "pyvenv.cfg").exists()
            and not exclusion.excludes(Path(root, name), is_directory=True)
        )
        for name in sorted(files):
            if name.endswith(suffixes) and not exclusion.excludes(Path(root, name), False):
                yield Path(root, name)


def absolute_path(path: Path) -> Path:
    """The absolute form of a path with `..` and `.` folded away (symbolic links are kept, so a
    file is shown and keyed by the name it was reached by)."""
    return Path(os.path.abspath(path))


def display_path(path: Path, working_directory: Path) -> str:
    """The path relative to the working directory when it lies under it, else as given."""
    try:
        return str(absolute_path(path).relative_to(working_directory))
    except ValueError:
        return str(path)
