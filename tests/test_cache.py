"""The cache of analyses: unchanged files are not parsed again, and nothing else changes."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from optuna_lint import analysis
from optuna_lint.cache import CACHE_FOLDER, FactsCache, entry_key
from optuna_lint.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project of every fixture, as the working directory."""
    folder = tmp_path / "project"
    shutil.copytree(FIXTURES, folder, ignore=shutil.ignore_patterns("expected", "__pycache__"))
    (folder / "pyproject.toml").write_text('[project]\nname = "tuning"\n')
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files analysed (not read from the cache), in this process."""
    analysed: list[str] = []
    real = analysis.analyse_text

    def counting(text: str, display_path: str, metric_sinks: tuple[str, ...] = ()):
        analysed.append(display_path)
        return real(text, display_path, metric_sinks)

    monkeypatch.setattr("optuna_lint.workers.analyse_text", counting)
    return analysed


def lint(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str]:
    status = main(["--jobs", "1", "--output-format", "concise", *arguments])
    return status, capsys.readouterr().out


def test_unchanged_files_are_read_from_the_cache(project: Path, parses: list[str], capsys) -> None:
    cold = lint(capsys)
    modules = sorted(path.name for path in project.glob("*.py"))
    assert sorted(parses) == modules
    assert cold[0] == 1 and "OPL201" in cold[1]

    parses.clear()
    assert lint(capsys) == cold
    assert parses == []

    # One file changed: only it is analysed again, and its findings follow the change.
    changed = project / "regression_user_attrs.py"
    changed.write_text(changed.read_text().replace("trial.set_user_attr", "print"))
    parses.clear()
    status, out = lint(capsys)
    assert status == 1
    assert parses == ["regression_user_attrs.py"]
    assert "OPL201" not in out
    assert out.splitlines()[:-1] == [
        line for line in cold[1].splitlines()[:-1] if "regression_user_attrs" not in line
    ]


def test_the_cache_folder_keeps_out_of_the_repository(project: Path, capsys) -> None:
    lint(capsys)
    folder = project / CACHE_FOLDER
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (
        (folder / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    )


def test_other_metric_sinks_are_other_entries(project: Path, parses: list[str], capsys) -> None:
    lint(capsys)
    parses.clear()
    lint(capsys, "--metric-sink", "neptune.log_*")
    assert len(parses) == len(list(project.glob("*.py")))


def test_no_cache_and_cache_dir(project: Path, tmp_path: Path, parses: list[str], capsys) -> None:
    lint(capsys, "--no-cache")
    assert not (project / CACHE_FOLDER).exists()

    elsewhere = tmp_path / "cache"
    lint(capsys, "--cache-dir", str(elsewhere))
    assert not (project / CACHE_FOLDER).exists()
    assert (elsewhere / ".gitignore").is_file()
    parses.clear()
    lint(capsys, "--cache-dir", str(elsewhere))
    assert parses == []


class _Planted:
    """Pickles into a call of `os.system`, as a hostile cache entry would."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def test_an_entry_that_would_run_code_is_a_miss(tmp_path: Path) -> None:
    cache = FactsCache(tmp_path / "cache")
    text = "import optuna\n"
    cache.put(text, (), analysis.analyse_text(text, "a.py").facts)
    assert cache.get(text, ()) is not None
    entry = next(path for path in (tmp_path / "cache" / "facts").rglob("*") if path.is_file())
    marker = tmp_path / "ran"
    header = entry.read_bytes().split(b"\n", 1)[0] + b"\n"
    entry.write_bytes(header + pickle.dumps(_Planted(f"touch {marker}")))

    assert cache.get(text, ()) is None
    assert not marker.exists()
    entry.write_bytes(b"not a cache entry")
    assert cache.get(text, ()) is None


def test_a_cache_that_cannot_be_written_is_left_alone(project: Path, capsys) -> None:
    # A file where the folder should be: no user can create the cache there.
    blocked = project / "not-a-folder"
    blocked.write_text("")
    status, out = lint(capsys, "--cache-dir", str(blocked))
    assert status == 1
    assert out == lint(capsys, "--no-cache")[1]
    assert blocked.read_text() == ""


def test_the_entries_used_longest_ago_go_when_the_cache_outgrows_its_bound(
    tmp_path: Path,
) -> None:
    cache = FactsCache(tmp_path / "cache")
    texts = [f"import optuna\nx = {number}\n" for number in range(6)]
    for age, text in enumerate(texts):
        cache.put(text, (), analysis.analyse_text(text, "a.py").facts)
        entry = cache._entry(entry_key(text, ()))
        os.utime(entry, (1_000_000 + age, 1_000_000 + age))
    size = cache._entry(entry_key(texts[0], ())).stat().st_size

    cache.prune(max_bytes=size * 4)

    kept = [cache.get(text, ()) is not None for text in texts]
    assert kept == [False, False, False, True, True, True]


@pytest.mark.slow
def test_two_runs_can_share_a_cache_at_once(project: Path) -> None:
    command = [sys.executable, "-m", "optuna_lint", "--output-format", "concise", "--jobs", "2"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    outputs = [process.communicate(timeout=300)[0] for process in (first, second)]
    alone = subprocess.run([*command, "--no-cache"], capture_output=True, text=True).stdout
    assert outputs == [alone, alone]
    assert subprocess.run(command, capture_output=True, text=True).stdout == alone


@pytest.fixture
def facts_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many facts were read from the cache, in this process."""
    count = [0]
    real = FactsCache.get

    def counting(self: FactsCache, text: str, metric_sinks: tuple[str, ...]):
        found = real(self, text, metric_sinks)
        count[0] += found is not None
        return found

    monkeypatch.setattr(FactsCache, "get", counting)
    return count


def test_a_run_with_the_same_inputs_reads_no_facts(
    project: Path, parses: list[str], facts_read: list[int], capsys
) -> None:
    cold = lint(capsys)
    parses.clear()
    facts_read[0] = 0
    assert lint(capsys) == cold
    assert (parses, facts_read[0]) == ([], 0)
    # Other settings are other inputs.
    ignoring = lint(capsys, "--ignore", "OPL201")
    assert "OPL201" not in ignoring[1] and "OPL201" in cold[1]
    assert facts_read[0] > 0


def test_a_change_in_a_file_nobody_named_is_a_change_of_the_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    folder = tmp_path / "tuning"
    folder.mkdir()
    (folder / "pyproject.toml").write_text('[project]\nname = "tuning"\n')
    (folder / "goal.py").write_text("def goal(trial):\n    return trial.suggest_float('x', 0, 1)\n")
    run = folder / "run.py"
    run.write_text(
        "import optuna\nfrom goal import goal\n\n"
        "optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(goal)\n"
    )
    monkeypatch.chdir(folder)
    status, out = lint(capsys, "goal.py")
    assert status == 1 and "OPL101" in out
    # The study that runs the objective loses its pruner: the named file's finding goes.
    run.write_text(run.read_text().replace("pruner=optuna.pruners.MedianPruner()", ""))
    assert lint(capsys, "goal.py") == (0, "All checks passed!\n")


def test_fixing_after_a_cached_run_fixes(project: Path, capsys) -> None:
    lint(capsys)
    lint(capsys)
    status = main(["--jobs", "1", "--fix", "--output-format", "concise", "."])
    out = capsys.readouterr().out
    assert status == 1
    assert "fixed" in out.splitlines()[-1]
    assert "OPL201" not in lint(capsys)[1]


def test_a_findings_entry_that_would_run_code_is_a_miss(tmp_path: Path) -> None:
    cache = FactsCache(tmp_path / "cache")
    cache.put_findings("key", {"a.py": []})
    assert cache.get_findings("key") == {"a.py": []}
    entry = next(path for path in (tmp_path / "cache" / "facts").rglob("*") if path.is_file())
    marker = tmp_path / "ran"
    header = entry.read_bytes().split(b"\n", 1)[0] + b"\n"
    entry.write_bytes(header + pickle.dumps({"a.py": [_Planted(f"touch {marker}")]}))
    assert cache.get_findings("key") is None
    assert not marker.exists()
