"""Analysing files in worker processes gives what one process gives, in the same order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from optuna_lint.analysis import analyse_text
from optuna_lint.cli import main
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
