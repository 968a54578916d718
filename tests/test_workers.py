"""Analysing files in worker processes gives what one process gives, in the same order."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from optuna_lint.analysis import analyse_text
from optuna_lint.cli import _wants_progress, main
from optuna_lint.workers import MIN_FILES_FOR_WORKERS, AnalysisJob, AnalysisPool

REPOSITORY = Path(__file__).parent.parent


def test_the_pool_returns_the_analyses_in_the_order_given() -> None:
    texts = [f"import optuna\n{'x = 1' * size}\n" for size in (1, 40, 3, 900, 2, 60, 5, 7, 11)]
    texts.append("import optuna\ndef broken(:\n")
    jobs = [AnalysisJob(text, f"m{index}.py", ()) for index, text in enumerate(texts)]
    assert len(jobs) >= MIN_FILES_FOR_WORKERS
    pool = AnalysisPool(2)
    try:
        parallel = pool.analyse(jobs)
    finally:
        pool.close()
    assert parallel == [analyse_text(job.text, job.display_path) for job in jobs]
    assert parallel[-1].problem is not None and parallel[-1].problem.code == "OPL001"


@pytest.mark.slow
def test_two_jobs_report_what_one_job_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(REPOSITORY / "fixtures", tree / "fixtures")
    shutil.copytree(REPOSITORY / "tests" / "cases", tree / "cases")
    (tree / "pyproject.toml").write_text('[project]\nname = "tree"\n')
    monkeypatch.chdir(tree)
    outputs = []
    for jobs in ("1", "2"):
        status = main(["--no-cache", "--jobs", jobs, "--output-format", "json", "."])
        outputs.append((status, capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 1 and outputs[0][1].count('"code"') > 20


def test_a_progress_bar_shows_only_when_asked_and_for_long_runs(capsys) -> None:
    many = [AnalysisJob("import optuna\n", f"m{index}.py", ()) for index in range(200)]
    AnalysisPool(1, progress=False).analyse(many)
    AnalysisPool(1, progress=True).analyse(many[:10])
    assert capsys.readouterr().err == ""
    AnalysisPool(1, progress=True).analyse(many)
    assert "analysing" in capsys.readouterr().err


def test_the_command_line_asks_for_progress_on_a_terminal_outside_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    options = argparse.Namespace(quiet=False)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    monkeypatch.delenv("CI", raising=False)
    assert _wants_progress(options)
    monkeypatch.setenv("CI", "true")
    assert not _wants_progress(options)
    monkeypatch.delenv("CI")
    assert not _wants_progress(argparse.Namespace(quiet=True))
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    assert not _wants_progress(options)
