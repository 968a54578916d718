"""Run optuna-lint over a corpus of real, published code that uses Optuna.

The corpus is a fixed set of pinned PyPI releases (the table below), fetched with pip without
their dependencies. Source distributions are preferred because they carry the packages' tests
and examples; a package whose sdist cannot be fetched falls back to its wheel. Each release is
unpacked once into a cache folder outside the repository
(``~/.cache/optuna-lint/corpus/<name>-<version>/`` unless ``--cache-dir`` says otherwise) and
reused on later runs.

Run it from the repository root::

    python benchmarks/real_corpus.py
    python benchmarks/real_corpus.py --only optuna --only skorch --json-out findings.json
    python benchmarks/real_corpus.py --extra-args="--select OPL101"

It prints the number of ``.py`` files in each package and in all, the findings counted by code,
the linter's wall time, and then every finding as ``path:row:col: CODE message`` with the path
relative to the cache folder, so each one can be read and judged by a person. It exits with the
linter's exit status: 0, or 2 when the linter hit internal errors (whatever it printed on stderr
is shown).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

# Chosen with `pip index versions NAME` on 2026-12-03 (the newest release of each).
# fmt: off
PINS: dict[str, str] = {
    # name                   version
    "optuna":                "5.1.0",
    "optuna-integration":    "5.0.0",
    "rl-zoo3":               "2.9.2",
    "pytorch-forecasting":   "1.8.0",
    "darts":                 "0.48.1",
    "neuralforecast":        "3.3.0",
    "skorch":                "1.4.0",
}
# fmt: on

# The line `optuna-lint check --verbose` logs with the time of each phase.
TIMING = re.compile(
    r"optuna-lint: timing: \d+ files analysed in (?P<analyse>[\d.]+) s, projects indexed in "
    r"(?P<index>[\d.]+) s, linked and checked in (?P<link>[\d.]+) s\n?"
)
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "optuna-lint" / "corpus"
REPO_ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIR_NAMES = frozenset({"__pycache__", "build", "dist", "node_modules"})
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tar", ".zip", ".whl")


class CorpusError(Exception):
    """A package could not be fetched or unpacked."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Fetch pinned releases of Optuna-using packages and run optuna-lint on them."
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=DEFAULT_CACHE_DIR,
        help=f"where releases are unpacked (default: {DEFAULT_CACHE_DIR})",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(PINS),
        metavar="NAME",
        help="lint only this package (repeatable); one of: " + ", ".join(PINS),
    )
    parser.add_argument(
        "--json-out", type=Path, metavar="FILE", help="also write the raw findings to FILE"
    )
    parser.add_argument(
        "--extra-args",
        action="append",
        default=[],
        metavar="ARGS",
        help='arguments for optuna-lint, split as a shell would: --extra-args="--select X"',
    )
    return parser.parse_args(argv)


def package_folder(cache_dir: Path, name: str, version: str) -> Path:
    return cache_dir / f"{name}-{version}"


def pip_download(
    name: str, version: str, dest: Path, sdist: bool
) -> subprocess.CompletedProcess[str]:
    kind_args = ["--no-binary", ":all:"] if sdist else ["--only-binary", ":all:"]
    command = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
        "--dest", str(dest), *kind_args, f"{name}=={version}",
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True)


def downloaded_archive(dest: Path) -> Path:
    archives = [p for p in dest.iterdir() if p.name.endswith(ARCHIVE_SUFFIXES)]
    if len(archives) != 1:
        found = ", ".join(p.name for p in dest.iterdir()) or "nothing"
        raise CorpusError(f"expected one archive in {dest}, found: {found}")
    return archives[0]


def download_release(name: str, version: str, dest: Path) -> Path:
    """Download the sdist of name==version into dest, or its wheel if the sdist fails."""
    sdist_attempt = pip_download(name, version, dest, sdist=True)
    if sdist_attempt.returncode == 0:
        return downloaded_archive(dest)
    print(f"  no usable sdist for {name}=={version}, trying the wheel", flush=True)
    for leftover in dest.iterdir():
        leftover.unlink()
    wheel_attempt = pip_download(name, version, dest, sdist=False)
    if wheel_attempt.returncode == 0:
        return downloaded_archive(dest)
    raise CorpusError(
        f"pip could not download {name}=={version}\n"
        f"--- sdist attempt ---\n{sdist_attempt.stderr}\n"
        f"--- wheel attempt ---\n{wheel_attempt.stderr}"
    )


def safe_member_path(member_name: str, archive: Path) -> PurePosixPath | None:
    """The member's path inside the archive, refusing absolute paths and '..'.

    Returns None for the archive's root entry ('./'), which carries nothing to write.
    """
    path = PurePosixPath(member_name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise CorpusError(f"refusing member {member_name!r} of {archive.name}")
    parts = [part for part in path.parts if part != "."]
    return PurePosixPath(*parts) if parts else None


def archive_files(archive: Path) -> Iterator[tuple[PurePosixPath, bytes]]:
    """Each regular file in a tar, zip or wheel archive, as (safe relative path, contents).

    Links and special files are skipped: the corpus only needs plain source files, and a link
    could point outside the folder it is unpacked into.
    """
    if archive.name.endswith((".zip", ".whl")):
        with zipfile.ZipFile(archive) as zipped:
            for info in zipped.infolist():
                path = safe_member_path(info.filename, archive)
                if path is not None and not info.is_dir():
                    yield path, zipped.read(info)
        return
    with tarfile.open(archive) as tarred:
        for member in tarred:
            path = safe_member_path(member.name, archive)
            if path is None or not member.isfile():
                continue
            extracted = tarred.extractfile(member)
            if extracted is not None:
                yield path, extracted.read()


def strip_common_top_folder(
    files: list[tuple[PurePosixPath, bytes]],
) -> list[tuple[PurePosixPath, bytes]]:
    """Drop the 'name-version/' folder that every sdist wraps its files in."""
    tops = {path.parts[0] for path, _ in files}
    if len(tops) != 1 or any(len(path.parts) < 2 for path, _ in files):
        return files
    return [(PurePosixPath(*path.parts[1:]), data) for path, data in files]


def unpack_archive(archive: Path, target: Path) -> None:
    files = strip_common_top_folder(list(archive_files(archive)))
    if not files:
        raise CorpusError(f"{archive.name} holds no files")
    for relative, data in files:
        destination = target.joinpath(*relative.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data)


def fetch_release(cache_dir: Path, name: str, version: str) -> Path:
    """Unpack name==version into the cache unless it is there already; return its folder."""
    folder = package_folder(cache_dir, name, version)
    if folder.is_dir():
        return folder
    print(f"fetching {name}=={version}", flush=True)
    # Unpack under a temporary name and rename at the end, so an interrupted run never leaves
    # a half-unpacked folder that a later run would take for a complete one.
    partial = cache_dir / f".{folder.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".download-") as download_dir:
        archive = download_release(name, version, Path(download_dir))
        print(f"  unpacking {archive.name}", flush=True)
        unpack_archive(archive, partial)
    partial.rename(folder)
    return folder


def is_skipped_dir(path: Path) -> bool:
    """The linter's rule for folders it does not descend into."""
    return (
        path.name.startswith(".")
        or path.name in SKIPPED_DIR_NAMES
        or (path / "pyvenv.cfg").exists()
    )


def python_files(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        root_path = Path(root)
        dirs[:] = sorted(d for d in dirs if not is_skipped_dir(root_path / d))
        for file_name in sorted(files):
            if file_name.endswith(".py"):
                yield root_path / file_name


def folder_size(folder: Path) -> int:
    """The bytes of the release's `.py` files (a cache a linter left there is not counted)."""
    return sum(path.stat().st_size for path in folder.rglob("*.py") if path.is_file())


def print_corpus_summary(folders: list[Path]) -> None:
    total_files = 0
    total_bytes = 0
    for folder in folders:
        count = sum(1 for _ in python_files(folder))
        size = folder_size(folder)
        total_files += count
        total_bytes += size
        print(f"  {folder.name:<32} {count:>6} .py files {size / 1e6:>8.1f} MB")
    print(f"  {'total':<32} {total_files:>6} .py files {total_bytes / 1e6:>8.1f} MB")


def run_linter(
    folders: list[Path], extra_args: list[str]
) -> tuple[subprocess.CompletedProcess[str], float]:
    command = [
        sys.executable, "-m", "optuna_lint", "check", "--output-format", "json", "--exit-zero",
        # Without the cache: the time is that of a first run (benchmarks/speed.py times the
        # cache).
        "--no-cache", "--verbose", *extra_args, *(str(folder) for folder in folders),
    ]  # fmt: skip
    started = time.perf_counter()
    # From the repository root, so that `-m optuna_lint` works even when it is not installed.
    completed = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT)
    return completed, time.perf_counter() - started


def display_path(filename: str, cache_dir: Path) -> str:
    path = Path(filename)
    if not path.is_absolute():
        path = REPO_ROOT / path
    try:
        return str(path.resolve().relative_to(cache_dir.resolve()))
    except ValueError:
        return filename


def print_counts_by_code(findings: list[dict[str, Any]]) -> None:
    counts = Counter(finding["code"] for finding in findings)
    names = {finding["code"]: finding.get("name", "") for finding in findings}
    print(f"findings by code ({len(findings)} in all):")
    for code in sorted(counts):
        print(f"  {code:<8} {counts[code]:>6}  {names[code]}")


def print_findings(findings: list[dict[str, Any]], cache_dir: Path) -> None:
    rows = sorted(
        (
            display_path(finding["filename"], cache_dir),
            finding["location"]["row"],
            finding["location"]["column"],
            finding["code"],
            finding["message"],
        )
        for finding in findings
    )
    for path, row, column, code, message in rows:
        print(f"{path}:{row}:{column}: {code} {message}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    cache_dir: Path = args.cache_dir.expanduser()
    cache_dir.mkdir(parents=True, exist_ok=True)
    names = args.only or list(PINS)
    try:
        folders = {name: fetch_release(cache_dir, name, PINS[name]) for name in names}
    except CorpusError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    print(f"corpus in {cache_dir}:")
    print_corpus_summary(list(folders.values()))

    extra_args = [arg for chunk in args.extra_args for arg in shlex.split(chunk)]
    completed, wall_time = run_linter(list(folders.values()), extra_args)
    sys.stdout.flush()  # keep the summary above the linter's stderr when both are piped
    timing = TIMING.search(completed.stderr)
    stderr = TIMING.sub("", completed.stderr).strip("\n")
    if stderr:
        print("--- optuna-lint stderr ---", file=sys.stderr)
        print(stderr, file=sys.stderr)
    if completed.returncode not in (0, 2):
        print(f"optuna-lint failed with exit status {completed.returncode}", file=sys.stderr)
        return completed.returncode
    try:
        findings: list[dict[str, Any]] = json.loads(completed.stdout)
    except json.JSONDecodeError as error:
        print(f"optuna-lint printed no valid JSON ({error}):", file=sys.stderr)
        print(completed.stdout[:2000], file=sys.stderr)
        return completed.returncode or 1

    if args.json_out is not None:
        args.json_out.write_text(json.dumps(findings, indent=2) + "\n", encoding="utf-8")
    print_counts_by_code(findings)
    print(f"wall time: {wall_time:.2f} s")
    if timing is not None:
        analyse, index, link = (float(timing.group(name)) for name in ("analyse", "index", "link"))
        print(
            f"  reading, parsing and analysing files: {analyse:.2f} s; indexing projects: "
            f"{index:.2f} s; linking and rules: {link:.2f} s "
            f"({100 * link / wall_time:.1f}% of the wall time)"
        )
    print()
    print_findings(findings, cache_dir)
    return completed.returncode


if __name__ == "__main__":
    sys.exit(main())
