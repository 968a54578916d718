"""Reading `[tool.optuna-lint]` in `pyproject.toml`, or `optuna-lint.toml`, into settings.

The configuration of a file is the closest one above it: in each folder from the file's upwards,
an `optuna-lint.toml`, else a `pyproject.toml` that has a `[tool.optuna-lint]` table. A file can
inherit another with `extend = "../pyproject.toml"`; its own keys then override the inherited
ones, except `extend-exclude`, which adds to them, and the rule selection, which is resolved
layer by layer as in ruff (`rule_selection.selected_codes`). Patterns (`exclude`,
`extend-exclude`, `per-file-ignores`) are gitignore-style and relative to the folder of the file
that writes them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from optuna_lint.patterns import InvalidPattern, compile_patterns
from optuna_lint.rule_selection import (
    SelectionLayer,
    UnknownSelector,
    checked_selectors,
    selected_codes,
    without,
)
from optuna_lint.settings import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_FILE_NAME = "optuna-lint.toml"
PYPROJECT_NAME = "pyproject.toml"
TOOL_TABLE = "optuna-lint"
# Keys whose values add up along an `extend` chain instead of replacing each other.
ACCUMULATED_KEYS = ("extend-exclude",)
# Keys of the rule selection, resolved layer by layer rather than merged (`SelectionLayer`).
SELECTION_KEYS = ("select", "extend-select", "ignore")


class ConfigError(Exception):
    """A configuration file that cannot be read or holds a bad key or value."""


def _codes(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError('a list of rule codes or prefixes, such as ["OPL1", "OPL201"]')
    return checked_selectors(value)  # raises UnknownSelector, naming the selector


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("a list of strings")
    return tuple(value)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("true or false")
    return value


def _positive_integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("a positive whole number")
    return value


def _patterns(value: Any) -> tuple[str, ...]:
    patterns = _strings(value)
    compile_patterns(patterns)  # raises InvalidPattern, naming the pattern
    return patterns


def _per_file_ignores(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ValueError('a table of glob patterns to codes, such as {"tests/*" = ["OPL2"]}')
    compile_patterns(value)
    return tuple((pattern, _codes(codes)) for pattern, codes in value.items())


def _path(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("the path of another configuration file")
    return value


# Every key, and what reads its value (raising ValueError naming what is allowed).
KEYS: dict[str, Callable[[Any], Any]] = {
    "extend": _path,
    "select": _codes,
    "extend-select": _codes,
    "ignore": _codes,
    "per-file-ignores": _per_file_ignores,
    "exclude": _patterns,
    "extend-exclude": _patterns,
    "respect-gitignore": _boolean,
    "assume-default-pruner": _boolean,
    "metric-sinks": _strings,
    "fix": _boolean,
    "unsafe-fixes": _boolean,
    "max-file-size": _positive_integer,
}


@dataclass(frozen=True)
class Patterns:
    """Gitignore-style patterns, written in the file whose folder they are relative to."""

    directory: Path
    patterns: tuple[str, ...]

    def matches(self, path: Path) -> bool:
        try:
            relative = path.relative_to(self.directory)
        except ValueError:
            return False
        if not self.patterns:
            return False
        spec = compile_patterns(self.patterns)
        text = relative.as_posix()
        return spec.match_file(text) or (path.is_dir() and spec.match_file(text + "/"))


@dataclass(frozen=True)
class Configuration:
    """The options read for one folder: from a file (and what it extends), or the defaults."""

    path: Path | None  # the file read; None when no file applies
    values: Mapping[str, Any] = field(default_factory=dict)
    # Patterns keep the folder of the file that wrote them.
    exclude: tuple[Patterns, ...] = ()
    extend_exclude: tuple[Patterns, ...] = ()
    per_file_ignores: tuple[tuple[Patterns, tuple[str, ...]], ...] = ()
    # The rule selection of each file of the `extend` chain, the extended file first.
    selection: tuple[SelectionLayer, ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    @property
    def respect_gitignore(self) -> bool:
        return bool(self.get("respect-gitignore", True))

    def is_excluded(self, path: Path) -> bool:
        """Whether `exclude` or `extend-exclude` (or the default exclusions, when `exclude` is
        not set) leave the path out."""
        patterns = self.extend_exclude + (self.exclude if "exclude" in self.values else ())
        return any(found.matches(path) for found in patterns)

    def ignored_codes(self, path: Path) -> tuple[str, ...]:
        """The codes `per-file-ignores` turns off for this file."""
        codes: list[str] = []
        for patterns, ignored in self.per_file_ignores:
            if patterns.matches(path) or _matches_name(patterns.patterns, path.name):
                codes.extend(ignored)
        return tuple(codes)

    def settings_for(self, path: Path | None, overrides: Mapping[str, Any]) -> Settings:
        """The settings of one file (or, for None, of the run as a whole, without
        `per-file-ignores`): this configuration, then what the command line says.

        The rules are chosen layer by layer, as in ruff: the files extended, this file, then
        the command line (see `selected_codes`); the settings name the rules that are on one
        by one. The metric sinks of the command line are more sinks: they add to the file's."""
        values = {**self.values, **overrides}
        select = selected_codes((*self.selection, SelectionLayer.from_values(overrides)))
        if path is not None:
            select = without(select, self.ignored_codes(path))
        settings = Settings(
            select=select,
            unsafe_fixes=bool(values.get("unsafe-fixes", False)),
            assume_default_pruner=bool(values.get("assume-default-pruner", False)),
            metric_sinks=(
                *self.values.get("metric-sinks", ()),
                *overrides.get("metric-sinks", ()),
            ),
        )
        if "max-file-size" in values:
            settings = replace(settings, max_file_size=values["max-file-size"])
        return settings


def _matches_name(patterns: tuple[str, ...], name: str) -> bool:
    """A pattern without a slash also matches the file's name, as in ruff."""
    plain = [pattern for pattern in patterns if "/" not in pattern]
    return bool(plain) and compile_patterns(plain).match_file(name)


def find_configuration_file(directory: Path) -> Path | None:
    """The closest configuration file at or above `directory`."""
    for folder in (directory, *directory.parents):
        candidate = folder / CONFIG_FILE_NAME
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT_NAME
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        return TOOL_TABLE in _read_toml(pyproject).get("tool", {})
    except ConfigError:
        # A broken pyproject.toml that may well hold our table: reading it reports why.
        return True


def load_configuration(path: Path, _seen: tuple[Path, ...] = ()) -> Configuration:
    """Read and check a configuration file and the ones it extends."""
    path = Path(path).absolute()
    if path in _seen:
        chain = " -> ".join(str(p) for p in (*_seen, path))
        raise ConfigError(f"{path}: `extend` goes round in a circle ({chain})")
    table = _read_toml(path)
    if path.name == PYPROJECT_NAME:
        table = table.get("tool", {}).get(TOOL_TABLE, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{TOOL_TABLE}] is not a table")
    values: dict[str, Any] = {}
    for key, raw in table.items():
        reader = KEYS.get(key)
        if reader is None:
            known = ", ".join(KEYS)
            raise ConfigError(f"{path}: unknown key `{key}`; the keys are: {known}")
        try:
            values[key] = reader(raw)
        except (InvalidPattern, UnknownSelector) as error:
            raise ConfigError(f"{path}: `{key}`: {error}") from None
        except ValueError as error:
            raise ConfigError(f"{path}: `{key}` must be {error}") from None

    directory = path.parent
    base = Configuration(path=None)
    if "extend" in values:
        extended = (directory / values.pop("extend")).resolve()
        if not extended.is_file():
            raise ConfigError(f"{path}: `extend` names {extended}, which does not exist")
        base = load_configuration(extended, (*_seen, path))

    merged = {**base.values, **values}
    for key in SELECTION_KEYS:
        merged.pop(key, None)
    for key in ACCUMULATED_KEYS:
        if key in base.values and key in values:
            merged[key] = base.values[key] + values[key]
    own_exclude = (Patterns(directory, values["exclude"]),) if "exclude" in values else ()
    own_extend = (
        (Patterns(directory, values["extend-exclude"]),) if "extend-exclude" in values else ()
    )
    own_ignores = tuple(
        (Patterns(directory, (pattern,)), codes)
        for pattern, codes in values.get("per-file-ignores", ())
    )
    return Configuration(
        path=path,
        values=merged,
        exclude=own_exclude or base.exclude,
        extend_exclude=base.extend_exclude + own_extend,
        per_file_ignores=own_ignores if "per-file-ignores" in values else base.per_file_ignores,
        selection=(*base.selection, SelectionLayer.from_values(values)),
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read it: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except UnicodeDecodeError as error:
        # TOML is UTF-8 by definition; tomllib lets the decoding error through as it is.
        byte = error.object[error.start]
        raise ConfigError(
            f"{path}: not valid TOML: it is not UTF-8 (byte 0x{byte:02x} at offset {error.start})"
        ) from None


class ConfigurationFinder:
    """The configuration of each folder, each file read once; or one for all (`--config`), or
    none (`--isolated`)."""

    def __init__(self, config_file: Path | None = None, isolated: bool = False) -> None:
        self._fixed: Configuration | None = None
        if isolated:
            self._fixed = Configuration(path=None)
        elif config_file is not None:
            self._fixed = load_configuration(config_file)
        self._by_directory: dict[Path, Configuration] = {}
        self._by_file: dict[Path, Configuration] = {}

    def for_directory(self, directory: Path) -> Configuration:
        if self._fixed is not None:
            return self._fixed
        directory = directory.absolute()
        if directory not in self._by_directory:
            found = find_configuration_file(directory)
            if found is None:
                configuration = Configuration(path=None)
            else:
                if found not in self._by_file:
                    self._by_file[found] = load_configuration(found)
                configuration = self._by_file[found]
            self._by_directory[directory] = configuration
        return self._by_directory[directory]

    def for_file(self, path: Path) -> Configuration:
        return self.for_directory(path.absolute().parent)
