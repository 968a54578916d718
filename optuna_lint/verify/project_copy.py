"""Which of the user's files a variant runs among, and copying them.

A module reads files beside it, imports its project's packages (often by putting a folder
above it on `sys.path`) and opens paths relative to the working directory. So each variant
runs in a copy of the module's project: the nearest folder above it holding `pyproject.toml`,
`setup.py`, `setup.cfg` or `.git`, without version control, virtual environments and caches.
A project too large to copy in a moment gives way to the module's own folder, and that to the
module alone; the plan says so. Copies, not the user's folders, so that whatever the
objective writes (checkpoints, logs) lands in the temporary directory.
"""

from __future__ import annotations

import functools
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        ".ipynb_checkpoints",
        ".optuna_lint_cache",
        "node_modules",
    }
)
# Both variants of every objective get a copy: the bound keeps that to seconds.
MAX_BYTES = 64 * 2**20
MAX_FILES = 4000


@dataclass(frozen=True)
class CopySource:
    """The folder copied for each variant (None: the module alone) and why it was chosen."""

    root: Path | None
    note: str | None  # set when the project could not be copied whole


def choose_copy_source(module: Path) -> CopySource:
    """The module's project when it is small enough to copy, else its folder, else nothing
    but the module."""
    folder = module.resolve().parent
    project = project_root(folder)
    if project is not None and _small_enough(project):
        return CopySource(project, None)
    limit = f"over {MAX_BYTES // 2**20} MiB or {MAX_FILES} files"
    if project not in (None, folder):
        if _small_enough(folder):
            too_large = f"the project {project} is too large to copy ({limit})"
            return CopySource(folder, f"{too_large}: only the module's folder is copied")
        return CopySource(
            None, f"the project {project} is too large to copy ({limit}): only the module is copied"
        )
    if _small_enough(folder):
        return CopySource(folder, None)
    return CopySource(
        None, f"the folder {folder} is too large to copy ({limit}): only the module is copied"
    )


def project_root(folder: Path) -> Path | None:
    """The nearest folder at or above `folder` that holds a project marker; the home folder
    and the file system's root are never taken for a project."""
    home = Path.home().resolve()
    for candidate in (folder, *folder.parents):
        if candidate == home or candidate == Path(candidate.anchor):
            return None
        if any((candidate / marker).exists() for marker in PROJECT_MARKERS):
            return candidate
    return None


def _skipped(folder: Path, name: str) -> bool:
    return name in SKIPPED_FOLDERS or (folder / name / "pyvenv.cfg").is_file()


@functools.cache
def _small_enough(root: Path) -> bool:
    """Whether the files a copy of `root` would hold stay within the bounds."""
    total_bytes = total_files = 0
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if not _skipped(Path(folder), name)]
        for name in files:
            try:
                total_bytes += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                continue
            total_files += 1
            if total_bytes > MAX_BYTES or total_files > MAX_FILES:
                return False
    return True


def copy_source(source: CopySource, destination: Path) -> None:
    """Copy the chosen folder to `destination`, which must not exist (symbolic links stay
    links)."""
    if source.root is None:
        destination.mkdir(parents=True)
        return

    def ignored(folder: str, names: list[str]) -> set[str]:
        return {name for name in names if _skipped(Path(folder), name)}

    shutil.copytree(source.root, destination, symlinks=True, ignore=ignored)


def module_in_copy(source: CopySource, destination: Path, module: Path) -> Path:
    """Where the copy at `destination` holds `module`."""
    if source.root is None:
        return destination / module.name
    return destination / module.resolve().relative_to(source.root)


def working_directory_in_copy(
    source: CopySource, destination: Path, module: Path, working_directory: Path
) -> Path:
    """The user's working directory in the copy, when the copy holds it (a module run from
    its project's root opens paths relative to that root); else the module's folder there."""
    if source.root is not None:
        try:
            copied = destination / working_directory.resolve().relative_to(source.root)
        except ValueError:
            copied = None
        if copied is not None and copied.is_dir():  # not a folder the copy skips
            return copied
    return module_in_copy(source, destination, module).parent


def missing_file_hint(source: CopySource | None, errors: list[str]) -> str | None:
    """A hint for errors of a file or module not found: the copy may lack it."""
    if source is None or not any(
        marker in error
        for error in errors
        for marker in ("FileNotFoundError", "ModuleNotFoundError", "No such file")
    ):
        return None
    if source.root is None:
        copied = "the module alone"
    else:
        copied = f"{source.root}, less version control, virtual environments and caches"
    return (
        f"hint: each variant runs in a temporary copy of {copied} (see Verify in the README); "
        "a file or package outside it is not there"
    )
