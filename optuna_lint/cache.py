"""Facts of files analysed before, kept on disk by content, so unchanged files are not parsed.

A project's cache lives in `.optuna_lint_cache/` at its root (or in the folder `--cache-dir`
names), with a `.gitignore` that keeps it out of the repository. An entry holds the facts of
one text, under a key made of the text itself, the metric sinks that shaped the facts and a
fingerprint of the linter's own code, so a changed file, other settings or another version of
the linter never read an entry that was not made for them. The findings of a run are kept too,
under a key made of everything they depend on: the named files' texts and settings and the
text of every other file of their projects. A run whose key was seen before reports them
without loading a single fact; a run with one file changed loads the facts from the cache and
links the project again.

Entries are written to a temporary file and renamed, so two runs sharing a cache each read
whole entries; an entry that cannot be read for any reason is a miss. They are pickles, read
by an unpickler that builds nothing but the linter's own fact classes, so a cache planted in a
repository cannot run code. When a run adds entries and the cache outgrows its bound, the
entries used longest ago are removed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import importlib.metadata
import io
import logging
import os
import pickle
import sys
import tempfile
from functools import cache
from pathlib import Path

import optuna_lint
from optuna_lint import facts as facts_module
from optuna_lint import findings as findings_module
from optuna_lint.facts import FileFacts
from optuna_lint.findings import Finding

logger = logging.getLogger(__name__)

CACHE_FOLDER = ".optuna_lint_cache"
MAX_CACHE_BYTES = 256 * 1024 * 1024
_MAGIC = b"optuna-lint facts 1\n"
_GITIGNORE = "# Created by optuna-lint: the cache of analysed files.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This folder is a cache made by optuna-lint; backup tools may skip it.\n"
)
# The classes a cache entry may build: the facts and the positions inside them.
_ALLOWED_MODULES = (facts_module, findings_module)


@cache
def code_fingerprint() -> str:
    """A digest of the linter's own source and of the Python and LibCST that run it: facts
    made by other code are never read."""
    # LibCST's version from its metadata: importing it would cost more than the whole lookup.
    libcst_version = importlib.metadata.version("libcst")
    digest = hashlib.sha256(f"{sys.version_info[:2]}\0{libcst_version}".encode())
    package = Path(optuna_lint.__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def entry_key(text: str, metric_sinks: tuple[str, ...]) -> str:
    digest = hashlib.sha256("\0".join(metric_sinks).encode() + b"\0\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class FactsCache:
    """The cache folder of one project."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._entries = directory / "facts" / code_fingerprint()
        self._writable = True
        self.written = 0

    def get(self, text: str, metric_sinks: tuple[str, ...]) -> FileFacts | None:
        found = self._read(self._entry(entry_key(text, metric_sinks)))
        return found if isinstance(found, FileFacts) else None

    def put(self, text: str, metric_sinks: tuple[str, ...], facts: FileFacts) -> None:
        self._write(self._entry(entry_key(text, metric_sinks)), facts)

    def get_findings(self, run_key: str) -> dict[str, list[Finding]] | None:
        """The findings of each named file of a run whose inputs `run_key` digests."""
        found = self._read(self._entry("run-" + run_key))
        if not isinstance(found, dict) or not all(
            isinstance(name, str)
            and isinstance(findings, list)
            and all(isinstance(finding, Finding) for finding in findings)
            for name, findings in found.items()
        ):
            return None
        return found

    def put_findings(self, run_key: str, findings: dict[str, list[Finding]]) -> None:
        self._write(self._entry("run-" + run_key), findings)

    def _read(self, path: Path) -> object | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if not data.startswith(_MAGIC):
            return None
        try:
            found = _FactsUnpickler(io.BytesIO(data[len(_MAGIC) :])).load()
        except Exception:  # a damaged or foreign entry is a miss
            logger.debug("unreadable cache entry %s", path, exc_info=True)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # marks it as used, for pruning
        return found

    def _write(self, path: Path, value: object) -> None:
        if not self._writable:
            return
        data = _MAGIC + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self._prepare()
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".entry-")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as error:
            # A read-only checkout: lint without a cache rather than fail.
            logger.debug("cache %s not writable: %s", self.directory, error)
            self._writable = False
            return
        self.written += 1

    def prune(self, max_bytes: int = MAX_CACHE_BYTES) -> None:
        """Remove the entries used longest ago until the cache holds at most 80% of
        `max_bytes`, when it holds more than `max_bytes`."""
        entries = []
        for path in (self.directory / "facts").rglob("*"):
            with contextlib.suppress(OSError):
                status = path.stat()
                if path.is_file():
                    entries.append((status.st_mtime, status.st_size, path))
        total = sum(size for _, size, _ in entries)
        if total <= max_bytes:
            return
        for _, size, path in sorted(entries):
            if total <= max_bytes * 0.8:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size

    def _entry(self, key: str) -> Path:
        return self._entries / key[:2] / key[2:]

    def _prepare(self) -> None:
        """Create the folder with its `.gitignore` and cache tag the first time."""
        if (self.directory / ".gitignore").exists():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "CACHEDIR.TAG").write_text(_CACHEDIR_TAG, encoding="utf-8")
        (self.directory / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")


class FactsCaches:
    """The cache of each project of a run: its own folder, or one folder for all."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory
        self._caches: dict[Path, FactsCache] = {}

    def for_root(self, root: Path | None) -> FactsCache | None:
        """The cache of the project at `root`; None for text that belongs to no project."""
        if self._directory is not None:
            folder = self._directory
        elif root is not None:
            folder = root / CACHE_FOLDER
        else:
            return None
        if folder not in self._caches:
            self._caches[folder] = FactsCache(folder)
        return self._caches[folder]

    def prune(self) -> None:
        for cache_folder in self._caches.values():
            if cache_folder.written:
                cache_folder.prune()


class _FactsUnpickler(pickle.Unpickler):
    """Builds only the dataclasses and enumerations of the facts and findings modules."""

    def find_class(self, module: str, name: str) -> type:
        found = _FACT_CLASSES.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not a fact class")
        return found


_FACT_CLASSES = {
    (module.__name__, name): value
    for module in _ALLOWED_MODULES
    for name, value in vars(module).items()
    if isinstance(value, type)
    and value.__module__ == module.__name__
    and (dataclasses.is_dataclass(value) or issubclass(value, enum.Enum))
}
