"""Which file of a project each importable module name refers to.

The linter never imports code, so it answers the way Python's import system would from the
files alone: a file's module name comes from the packages (`__init__.py` folders) around it;
a module run as a script imports its sibling files by their bare names; a `src/` layout and
folders without `__init__.py` (namespace packages) are importable from the project root. When a
name could mean more than one file, it means none: the analysis then treats the call as
unknown rather than guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from optuna_lint.discovery import absolute_path

_SOURCE_ROOTS = ("src", "lib")


class ModuleIndex:
    """Module names of the files of one or more projects, keyed by the names the linter shows
    the files by. A name is looked up only among the files of the importer's own project."""

    def __init__(self) -> None:
        self._path_of: dict[str, Path] = {}
        self._root_of: dict[str, Path] = {}
        self._key_of: dict[Path, str] = {}
        self._package_name: dict[str, str] = {}
        self._keys_by_name: dict[tuple[Path, str], set[str]] = {}
        self._is_package: dict[Path, bool] = {}

    def add(self, key: str, path: Path, root: Path) -> None:
        """Index a file under the names it has in the project at `root`. A file can be added
        for several roots (a project nested in another); names are looked up in the first."""
        path = absolute_path(path)
        self._path_of[key] = path
        self._root_of.setdefault(key, root)
        self._key_of[path] = key
        package_name = self._package_module_name(path)
        self._package_name[key] = package_name
        for name in {package_name, *_root_relative_names(path, root)}:
            self._keys_by_name.setdefault((root, name), set()).add(key)

    def path(self, key: str) -> Path:
        return self._path_of[key]

    def root(self, key: str) -> Path:
        """The root of the project a file was first indexed for."""
        return self._root_of[key]

    def __contains__(self, key: str) -> bool:
        return key in self._path_of

    def module_name(self, key: str) -> str | None:
        """The dotted name a file has from the packages around it."""
        return self._package_name.get(key)

    def absolute(self, name: str, importer: str) -> str | None:
        """`name` with the leading dots of a relative import resolved against the importing
        module's package; None when it climbs above the top package."""
        level = len(name) - len(name.lstrip("."))
        if not level:
            return name
        package = self._package_name.get(importer, "").split(".")
        path = self._path_of.get(importer)
        if path is None or path.name != "__init__.py":
            package = package[:-1]
        if level - 1 > len(package) or (level - 1 == len(package) and not name[level:]):
            return None
        base = package[: len(package) - (level - 1)]
        rest = name[level:]
        return ".".join([*base, rest] if rest else base) or None

    def module(self, name: str, importer: str) -> str | None:
        """The key of the file that `import <name>` loads when run from `importer`, or None
        when no file of the project is that module, or more than one could be."""
        keys = self._keys_by_name.get((self._root_of.get(importer, Path()), name), set())
        importer_path = self._path_of.get(importer)
        if importer_path is not None:
            sibling = importer_path.parent.joinpath(*name.split("."))
            for candidate in (sibling.with_suffix(".py"), sibling / "__init__.py"):
                key = self._key_of.get(candidate)
                if key is None:
                    continue
                # A script imports its siblings; a module of a package does only when it is
                # run as a script, and otherwise gets the project's module of that name.
                in_package = self._package(importer_path.parent)
                return key if not in_package or keys <= {key} else None
        return next(iter(keys)) if len(keys) == 1 else None

    def _package_module_name(self, path: Path) -> str:
        """The dotted name of a file from the `__init__.py` packages around it."""
        parts = [] if path.name == "__init__.py" else [path.stem]
        directory = path.parent
        while directory.parent != directory and self._package(directory):
            parts.append(directory.name)
            directory = directory.parent
        return ".".join(reversed(parts))

    def _package(self, directory: Path) -> bool:
        if directory not in self._is_package:
            self._is_package[directory] = (directory / "__init__.py").is_file()
        return self._is_package[directory]


def _root_relative_names(path: Path, root: Path) -> Iterable[str]:
    """`a.b.c` for `<root>/a/b/c.py`, and `b.c` too when `a` is a source folder (`src`)."""
    try:
        relative = path.relative_to(root)
    except ValueError:
        return
    parts = list(relative.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    if parts:
        yield ".".join(parts)
    if len(parts) > 1 and parts[0] in _SOURCE_ROOTS:
        yield ".".join(parts[1:])
