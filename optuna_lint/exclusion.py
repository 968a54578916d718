"""Which files and folders a run leaves out: the configuration's `exclude` and `extend-exclude`
(or, without `exclude`, the folders skipped by default) and, unless `respect-gitignore = false`,
whatever the `.gitignore` files above a path ignore, with git's own pattern rules (pathspec)."""

from __future__ import annotations

from pathlib import Path

import pathspec

from optuna_lint.configuration import ConfigurationFinder
from optuna_lint.discovery import DefaultExclusion
from optuna_lint.patterns import compile_gitignore


class Exclusion:
    """Exclusion by each folder's configuration, and by the `.gitignore` files."""

    def __init__(self, configurations: ConfigurationFinder) -> None:
        self.configurations = configurations
        self._gitignores: dict[Path, pathspec.GitIgnoreSpec | None] = {}
        self._folders: dict[Path, tuple[Path, ...]] = {}

    def excludes(self, path: Path, is_directory: bool) -> bool:
        """Whether a file or folder met while walking a named folder is left out."""
        path = path.absolute()
        configuration = self.configurations.for_directory(path.parent)
        # `exclude` replaces the folders skipped by default, as in ruff.
        if "exclude" not in configuration.values and DefaultExclusion().excludes(
            path, is_directory
        ):
            return True
        if configuration.is_excluded(path):
            return True
        return configuration.respect_gitignore and self._gitignored(path, is_directory)

    def excludes_named(self, path: Path) -> bool:
        """Whether a file named on the command line is left out under `--force-exclude`: it or
        one of the folders it lies in is excluded."""
        path = path.absolute()
        if self.excludes(path, is_directory=False):
            return True
        working_directory = Path.cwd()
        return any(
            self.excludes(folder, is_directory=True)
            for folder in path.parents
            if folder != working_directory and working_directory in folder.parents
        )

    def _gitignored(self, path: Path, is_directory: bool) -> bool:
        """Git's answer: the deepest `.gitignore` that has a say about the path decides."""
        ignored = False
        for folder in self._gitignore_folders(path.parent):  # from the outermost inwards
            spec = self._gitignore(folder)
            if spec is None:
                continue
            relative = path.relative_to(folder).as_posix() + ("/" if is_directory else "")
            result = spec.check_file(relative)
            if result.include is not None:
                ignored = result.include
        return ignored

    def _gitignore_folders(self, folder: Path) -> tuple[Path, ...]:
        """The folders, from the outermost, whose `.gitignore` applies to what `folder` holds:
        `folder` and those above it, up to the repository's root. Asked for every file of a
        walk, so each folder's answer is kept."""
        if folder not in self._folders:
            at_root = (folder / ".git").exists() or folder.parent == folder
            above = () if at_root else self._gitignore_folders(folder.parent)
            has_own = (folder / ".gitignore").is_file()
            self._folders[folder] = (*above, folder) if has_own else above
        return self._folders[folder]

    def _gitignore(self, folder: Path) -> pathspec.GitIgnoreSpec | None:
        if folder not in self._gitignores:
            try:
                lines = (folder / ".gitignore").read_text(encoding="utf-8").splitlines()
                self._gitignores[folder] = compile_gitignore(lines)
            except (OSError, UnicodeDecodeError):
                self._gitignores[folder] = None
        return self._gitignores[folder]
