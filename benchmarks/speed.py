"""How fast optuna-lint is on big trees, next to what parsing costs and to its peers.

The script builds two corpora from packages installed, without their dependencies, in a
virtual environment of its own (so anyone can rebuild them):

* optuna-heavy: the source of optuna, optuna-integration and the packages of the real-input
  corpus (rl-zoo3, pytorch-forecasting, darts, neuralforecast, skorch);
* mixed: the same plus the Python source of torch, thousands of files of which few mention
  Optuna.

Then it runs each measurement several times, alternating them (Fixit, the slowest, once per
corpus), and prints the median wall time, the CPU time (user plus system, of every process of
the run) and the peak memory (the largest sum, over the processes of the run, of their
resident memory, sampled every 20 ms), followed by the ratios the README's targets are about.

Run it from the repository root, with the project installed and psutil importable::

    python benchmarks/speed.py                 # 3 runs of each measurement
    python benchmarks/speed.py --runs 1 --only heavy

Everything it builds lives under ``~/.cache/optuna-lint/speed/`` (``--work-dir``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

# Releases of 2026-12-03 (as benchmarks/real_corpus.py pins them); torch is the CPU build this
# machine keeps.
CORPUS_PACKAGES = {
    "optuna": ("optuna==5.1.0", "optuna"),
    "optuna-integration": ("optuna-integration==5.0.0", "optuna_integration"),
    "rl-zoo3": ("rl-zoo3==2.9.2", "rl_zoo3"),
    "pytorch-forecasting": ("pytorch-forecasting==1.8.0", "pytorch_forecasting"),
    "darts": ("darts==0.48.1", "darts"),
    "neuralforecast": ("neuralforecast==3.3.0", "neuralforecast"),
    "skorch": ("skorch==1.4.0", "skorch"),
}
TORCH = ("torch==2.13.0", "torch")
# The tools compared, installed with their dependencies.
PEERS = ["fixit==2.2.1", "ruff==0.17.6"]
# The file edited for "one file changed", and the small file linted "as pre-commit runs it".
CHANGED_FILE = "optuna/study/study.py"
SMALL_FILE = "optuna/pruners/_nop.py"

TRIVIAL_FIXIT_RULE = '''\
import libcst as cst
from fixit import LintRule


class NoPassStatements(LintRule):
    """A rule with as little work as a rule can have: it visits `pass` statements."""

    VALID = []
    INVALID = []

    def visit_Pass(self, node: cst.Pass) -> None:
        pass
'''

# Run by the measured interpreter: parse every file named in a list with LibCST or ast.
PARSE_ONLY = """\
import ast, sys
from pathlib import Path
import libcst

paths = Path(sys.argv[2]).read_text().splitlines()
for path in paths:
    text = Path(path).read_bytes().decode("utf-8", "replace")
    try:
        if sys.argv[1] == "libcst":
            libcst.parse_module(text)
        else:
            ast.parse(text)
    except Exception:
        pass
"""


@dataclass
class Measurement:
    name: str
    command: list[str]
    before: Callable[[int], None] | None = None  # run before each timed run, with its number
    after: Callable[[], None] | None = None  # run after each timed run
    environment: dict[str, str] = field(default_factory=dict)
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)  # MiB, summed over the processes
    largest: list[float] = field(default_factory=list)  # MiB, the largest single process

    def run(self, number: int) -> None:
        if self.before is not None:
            self.before(number)
        try:
            wall, cpu, peak, largest = measure(self.command, self.environment)
        finally:
            if self.after is not None:
                self.after()
        self.walls.append(wall)
        self.cpus.append(cpu)
        self.peaks.append(peak)
        self.largest.append(largest)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)


def measure(command: list[str], environment: dict[str, str]) -> tuple[float, float, float, float]:
    """Wall seconds, CPU seconds of every process, peak summed and single-process RSS (MiB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **environment},
    )
    watched = psutil.Process(process.pid)
    peak = largest = 0.0
    while process.poll() is None:
        try:
            tree = [watched, *watched.children(recursive=True)]
            sizes = []
            for member in tree:
                with contextlib.suppress(psutil.Error):  # a process that just ended
                    sizes.append(member.memory_info().rss)
            peak = max(peak, sum(sizes) / 2**20)
            largest = max(largest, max(sizes, default=0) / 2**20)
        except psutil.Error:
            pass
        time.sleep(0.02)
    wall = time.perf_counter() - started
    errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{errors}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, peak, largest


def build(work: Path) -> tuple[Path, dict[str, Path]]:
    """The benchmark's virtual environment and the two corpora."""
    venv = work / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        specs = [spec for spec, _ in CORPUS_PACKAGES.values()] + [TORCH[0]]
        # Installed without their dependencies on purpose: pip's complaints about them go.
        pip = [str(python), "-m", "pip", "install", "--quiet", "--no-warn-conflicts"]
        subprocess.run([*pip, "--no-deps", *specs], check=True)
        subprocess.run([*pip, *PEERS], check=True)
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    corpora = {}
    for name, packages in (
        ("heavy", [module for _, module in CORPUS_PACKAGES.values()]),
        ("mixed", [module for _, module in CORPUS_PACKAGES.values()] + [TORCH[1]]),
    ):
        folder = work / "corpora" / name
        if not folder.exists():
            for module in packages:
                shutil.copytree(
                    site / module,
                    folder / module,
                    ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.a", "*.pyc"),
                )
            # One project: the root the linter finds for every file.
            (folder / "pyproject.toml").write_text('[project]\nname = "corpus"\n')
        corpora[name] = folder
    rules = work / "fixit_rules"
    rules.mkdir(exist_ok=True)
    (rules / "bench_rules.py").write_text(TRIVIAL_FIXIT_RULE)
    return venv, corpora


def python_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py") if path.is_file())


def measurements(corpus: Path, venv: Path, work: Path) -> dict[str, Measurement]:
    files = python_files(corpus)
    sys.path.insert(0, str(Path(__file__).parent.parent))
    from optuna_lint.relevance import can_matter

    passing = [path for path in files if can_matter(path.read_bytes().decode("utf-8", "replace"))]
    lists = work / "lists" / corpus.name
    lists.mkdir(parents=True, exist_ok=True)
    (lists / "all.txt").write_text("\n".join(map(str, files)))
    (lists / "passing.txt").write_text("\n".join(map(str, passing)))
    (work / "parse_only.py").write_text(PARSE_ONLY)
    print(
        f"{corpus.name}: {len(files)} files, "
        f"{sum(path.stat().st_size for path in files) / 2**20:.1f} MiB; "
        f"{len(passing)} pass the text test"
    )

    lint = [sys.executable, "-m", "optuna_lint", "--exit-zero", "-q", "--output-format", "concise"]
    caches = work / "caches" / corpus.name
    warm_cache = caches / "warm"
    # Filled again by this run's linter: a cache left by another version would make the first
    # warm run a cold one.
    shutil.rmtree(warm_cache, ignore_errors=True)
    changed = corpus / CHANGED_FILE
    original_changed = changed.read_bytes()

    def empty_cache(folder: Path) -> Callable[[int], None]:
        return lambda number: shutil.rmtree(folder, ignore_errors=True)

    def filled_cache(number: int) -> None:
        changed.write_bytes(original_changed)
        if not warm_cache.exists():
            subprocess.run([*lint, "--cache-dir", str(warm_cache), str(corpus)], check=True)

    def change_one_file(number: int) -> None:
        filled_cache(number)
        changed.write_bytes(original_changed + f"# edited for run {number}\n".encode())

    # The interpreter and LibCST that run optuna-lint, so the floor is measured on the same.
    parse = [sys.executable, str(work / "parse_only.py")]
    found = {
        "optuna-lint cold": Measurement(
            "optuna-lint cold",
            [*lint, "--cache-dir", str(caches / "cold"), str(corpus)],
            empty_cache(caches / "cold"),
        ),
        "optuna-lint cold --jobs 1": Measurement(
            "optuna-lint cold --jobs 1",
            [*lint, "--jobs", "1", "--cache-dir", str(caches / "cold1"), str(corpus)],
            empty_cache(caches / "cold1"),
        ),
        "optuna-lint warm": Measurement(
            "optuna-lint warm",
            [*lint, "--cache-dir", str(warm_cache), str(corpus)],
            filled_cache,
        ),
        "optuna-lint one file changed": Measurement(
            "optuna-lint one file changed",
            [*lint, "--cache-dir", str(warm_cache), str(corpus)],
            change_one_file,
        ),
        "optuna-lint one small file, warm": Measurement(
            "optuna-lint one small file, warm",
            [*lint, "--cache-dir", str(warm_cache), str(corpus / SMALL_FILE)],
            filled_cache,
        ),
        "python -c 'import libcst'": Measurement(
            "python -c 'import libcst'", [sys.executable, "-c", "import libcst"]
        ),
        "LibCST parse, every file": Measurement(
            "LibCST parse, every file", [*parse, "libcst", str(lists / "all.txt")]
        ),
        "LibCST parse, text-test files": Measurement(
            "LibCST parse, text-test files", [*parse, "libcst", str(lists / "passing.txt")]
        ),
        "ast.parse, every file": Measurement(
            "ast.parse, every file", [*parse, "ast", str(lists / "all.txt")]
        ),
        "ruff check (default rules)": Measurement(
            "ruff check (default rules)",
            [str(venv / "bin" / "ruff"), "check", "--no-cache", "--exit-zero", "-q", str(corpus)],
        ),
        "Fixit, one trivial rule": Measurement(
            "Fixit, one trivial rule",
            [str(venv / "bin" / "fixit"), "--rules", "bench_rules", "lint", str(corpus)],
            environment={"PYTHONPATH": str(work / "fixit_rules")},
        ),
    }
    found["optuna-lint one file changed"].after = lambda: changed.write_bytes(original_changed)
    if corpus.name == "mixed":
        # The cache, the changed file and the small file are measured on the heavy corpus.
        for key in (
            "optuna-lint warm",
            "optuna-lint one file changed",
            "optuna-lint one small file, warm",
        ):
            del found[key]
    return found


def report(corpus: str, found: dict[str, Measurement]) -> list[str]:
    lines = [
        f"### {corpus}",
        "",
        "| run | wall (median) | CPU, all processes | peak memory, all processes | "
        "largest process | runs |",
        "|---|---|---|---|---|---|",
    ]
    for measurement in found.values():
        if not measurement.walls:
            continue
        lines.append(
            f"| {measurement.name} | {measurement.wall:.2f} s | {measurement.cpu:.2f} s | "
            f"{max(measurement.peaks):.0f} MiB | {max(measurement.largest):.0f} MiB | "
            f"{len(measurement.walls)} |"
        )
    return lines


def ratios(name: str, found: dict[str, Measurement]) -> list[str]:
    def wall(key: str) -> float:
        return found[key].wall

    lines = [""]
    cold, cold1 = wall("optuna-lint cold"), wall("optuna-lint cold --jobs 1")
    if name == "heavy":
        checks = [
            (
                "cold --jobs 1 / LibCST parse of every file",
                cold1 / wall("LibCST parse, every file"),
                "<= 2.5",
            ),
            ("cold --jobs 1 / cold (2 jobs)", cold1 / cold, ">= 1.7"),
            ("warm / cold", wall("optuna-lint warm") / cold, "<= 0.05"),
            ("one file changed / cold", wall("optuna-lint one file changed") / cold, "<= 0.10"),
            (
                "one small file, warm / python -c 'import libcst'",
                wall("optuna-lint one small file, warm") / wall("python -c 'import libcst'"),
                "<= 2",
            ),
        ]
    else:
        checks = [
            (
                "cold --jobs 1 / LibCST parse of the text-test files",
                cold1 / wall("LibCST parse, text-test files"),
                "<= 2.5",
            ),
        ]
    if found["Fixit, one trivial rule"].cpus:
        checks.append(
            (
                "Fixit CPU / optuna-lint cold --jobs 1 CPU",
                found["Fixit, one trivial rule"].cpu / found["optuna-lint cold --jobs 1"].cpu,
                ">= 50" if name == "mixed" else "-",
            )
        )
    peak = max(max(m.largest) for key, m in found.items() if key.startswith("optuna-lint"))
    checks.append(("largest optuna-lint process (MiB)", peak, "<= 300"))
    lines.append("| ratio | measured | target |")
    lines.append("|---|---|---|")
    lines.extend(f"| {label} | {value:.3g} | {target} |" for label, value, target in checks)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work-dir", type=Path, default=Path.home() / ".cache/optuna-lint/speed")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (3)")
    parser.add_argument("--only", choices=["heavy", "mixed"], action="append")
    parser.add_argument("--skip-fixit", action="store_true", help="leave Fixit out")
    options = parser.parse_args()

    work = options.work_dir.expanduser()
    work.mkdir(parents=True, exist_ok=True)
    venv, corpora = build(work)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {platform.platform()}"
    )
    output: list[str] = []
    for name in options.only or ["heavy", "mixed"]:
        found = measurements(corpora[name], venv, work)
        fixit = found.pop("Fixit, one trivial rule")
        for number in range(options.runs):
            for measurement in found.values():
                measurement.run(number)
                print(
                    f"  {name} run {number + 1}: {measurement.name}: {measurement.walls[-1]:.2f} s",
                    flush=True,
                )
        if not options.skip_fixit:
            fixit.run(0)
            print(f"  {name}: {fixit.name}: {fixit.walls[-1]:.2f} s", flush=True)
        found[fixit.name] = fixit
        output.extend(report(name, found))
        output.extend(ratios(name, found))
        output.append("")
    print()
    print("\n".join(output))


if __name__ == "__main__":
    main()
