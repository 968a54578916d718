"""Finding the Python files to lint under the paths a user names."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

SKIPPED_DIRECTORIES = frozenset(
    {"__pycache__", "build", "dist", "node_modules", "site-packages", "venv"}
)


class MissingPath(Exception):
    """A path named on the command line does not exist."""


def python_files_by_origin(paths: list[Path]) -> Iterator[tuple[Path, Path]]:
    """Files named directly, and `*.py` files under named directories, each once, in order,
    with the named path each was found under.

    Hidden directories, virtual environments (a directory holding `pyvenv.cfg`), `__pycache__`,
    `build`, `dist` and `node_modules` are skipped. Symbolic links to directories are not
    followed, so a link loop cannot trap the walk.
    """
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = walk_python_files(path)
        elif path.exists() or path.is_symlink():
            found = iter([path])
        else:
            raise MissingPath(str(path))
        for file in found:
            if file not in seen:
                seen.add(file)
                yield file, path


def walk_python_files(directory: Path) -> Iterator[Path]:
    """The `*.py` files under a directory, in a stable order, skipping the folders above."""
    for root, directories, files in os.walk(directory, onerror=None):
        directories[:] = sorted(
            name
            for name in directories
            if not name.startswith(".")
            and name not in SKIPPED_DIRECTORIES
            and not (Path(root, name) / "pyvenv.cfg").exists()
        )
        for name in sorted(files):
            if name.endswith(".py"):
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
