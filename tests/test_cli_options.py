"""Command-line options around a run: standard input, statistics, the fixes shown, the report
written to a file, and the exit status after fixes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from optuna_lint.cli import main

UNFED = (
    "import optuna\n\n\ndef objective(trial):\n    for epoch in range(3):\n"
    "        loss = 1.0 / (epoch + 1)\n    return loss\n\n\n"
    "optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)\n"
)
UNFED_FIXED = UNFED.replace(
    "        loss = 1.0 / (epoch + 1)\n",
    "        loss = 1.0 / (epoch + 1)\n        trial.report(loss, epoch)\n"
    "        if trial.should_prune():\n            raise optuna.TrialPruned()\n",
)
UNFED_LINE = (
    "{path}:4:1: OPL101 {marker}Objective `objective` never reports to its study's MedianPruner: "
    "without `trial.report(...)` and a prune check, no trial is ever pruned"
)


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    status = main(list(arguments))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_stdin_is_linted_as_the_named_file_of_its_project(in_tmp: Path) -> None:
    # A subprocess: pytest's captured stdout has no byte buffer for the fixed text.
    (in_tmp / "pyproject.toml").write_text(
        '[tool.optuna-lint]\nper-file-ignores = {"b.py" = ["OPL1"]}\n'
    )
    command = [sys.executable, "-m", "optuna_lint", "-", "--stdin-filename"]
    result = subprocess.run([*command, "pkg/a.py"], input=UNFED, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == UNFED_LINE.format(path="pkg/a.py", marker="")
    # The file's configuration applies, as it would on disk.
    ignored = subprocess.run([*command, "pkg/b.py"], input=UNFED, capture_output=True, text=True)
    assert (ignored.returncode, ignored.stdout) == (0, "All checks passed!\n")


def test_stdin_filename_without_a_path_reads_stdin(in_tmp: Path) -> None:
    (in_tmp / "other.py").write_text(UNFED)
    result = subprocess.run(
        [sys.executable, "-m", "optuna_lint", "--stdin-filename", "pkg/a.py", "--quiet"],
        input="import optuna\n",
        capture_output=True,
        text=True,
    )
    # The text read is clean; other.py, which is not, was not linted.
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_fix_on_stdin_prints_the_fixed_source_and_reports_on_stderr(in_tmp: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "optuna_lint", "-", "--fix", "--unsafe-fixes"],
        input=UNFED,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert result.stdout == UNFED_FIXED
    assert result.stderr == "Found 1 finding (1 fixed, 0 remaining).\n"
    assert list(in_tmp.iterdir()) == []


def test_force_exclude_leaves_out_an_excluded_stdin_filename(in_tmp: Path) -> None:
    (in_tmp / "pyproject.toml").write_text('[tool.optuna-lint]\nextend-exclude = ["scratch/"]\n')
    command = [sys.executable, "-m", "optuna_lint", "-", "--stdin-filename", "scratch/a.py"]

    def run_on_stdin(*options: str) -> tuple[int, str, str]:
        result = subprocess.run([*command, *options], input=UNFED, capture_output=True, text=True)
        return result.returncode, result.stdout, result.stderr

    # Named, an excluded file is linted; --force-exclude leaves it out, as for a path.
    assert run_on_stdin()[0] == 1
    assert run_on_stdin("--force-exclude") == (0, "All checks passed!\n", "")
    # With --fix the text comes back unchanged, and the report goes to standard error.
    fixing = ("--force-exclude", "--fix", "--unsafe-fixes")
    assert run_on_stdin(*fixing) == (0, UNFED, "All checks passed!\n")


def test_stdin_cannot_be_mixed_with_paths(in_tmp: Path, capsys) -> None:
    assert run(capsys, "-", "a.py") == (
        2,
        "",
        "optuna-lint: error: `-` (standard input) cannot be mixed with paths\n",
    )


def test_statistics_count_each_rule(in_tmp: Path, capsys) -> None:
    for name in ("a.py", "b.py"):
        (in_tmp / name).write_text(UNFED)
    (in_tmp / "c.py").write_text(UNFED.replace("MedianPruner()", "MedianPruner"))
    status, out, _ = run(capsys, "--statistics")
    assert status == 1
    # The class in c.py is not a pruner yet: OPL101 waits for its fix.
    assert out == "2  OPL101  pruner-never-fed\n1  OPL306  [*] pruner-not-an-instance\n"
    # As JSON, ruff's items: the same numbers for programs.
    status, out, _ = run(capsys, "--statistics", "--output-format", "json")
    assert status == 1
    assert json.loads(out) == [
        {"code": "OPL101", "name": "pruner-never-fed", "count": 2, "fixable": False},
        {"code": "OPL306", "name": "pruner-not-an-instance", "count": 1, "fixable": True},
    ]
    assert run(capsys, "--statistics", "--output-format", "json", "--select", "OPL2") == (
        0,
        "[]\n",
        "",
    )


def test_show_fixes_and_exit_non_zero_on_fix(in_tmp: Path, capsys) -> None:
    path = in_tmp / "a.py"
    path.write_text(UNFED)
    status, out, _ = run(
        capsys, "--fix", "--unsafe-fixes", "--show-fixes", "--exit-non-zero-on-fix"
    )
    assert status == 1
    assert out == (
        "Found 1 finding (1 fixed, 0 remaining).\n"
        "Fixed 1 finding:\n- a.py:\n    1 x OPL101 (pruner-never-fed)\n"
    )
    assert path.read_text() == UNFED_FIXED
    # Nothing left to fix: the status is 0 again.
    assert run(capsys, "--fix", "--exit-non-zero-on-fix")[0] == 0


def test_output_file_holds_the_report(in_tmp: Path, capsys) -> None:
    (in_tmp / "a.py").write_text(UNFED)
    assert run(capsys, "a.py", "--output-format", "concise", "--output-file", "report.txt") == (
        1,
        "",
        "",
    )
    assert (in_tmp / "report.txt").read_text().splitlines() == [
        UNFED_LINE.format(path="a.py", marker=""),
        "Found 1 finding: 1 more with --fix --unsafe-fixes.",
    ]
    status, _, err = run(capsys, "a.py", "--output-file", "missing/report.txt")
    assert status == 2
    assert err == (
        "optuna-lint: error: missing/report.txt: cannot write the report: "
        "No such file or directory\n"
    )


def test_exit_zero_wins(in_tmp: Path, capsys) -> None:
    (in_tmp / "a.py").write_text(UNFED)
    assert run(capsys, "--exit-zero")[0] == 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--select", "NOPE"], "--select: unknown rule selector `NOPE`"),
        (["--select", "OPL999"], "--select: unknown rule selector `OPL999`"),
        (["--select", "OPL1,opl2"], "--select: unknown rule selector `opl2`"),
        (["--extend-select", "OPL9,OPL7"], "--extend-select: unknown rule selector `OPL7`"),
        (["--ignore", "OPL1x"], "--ignore: unknown rule selector `OPL1x`"),
    ],
)
def test_an_unknown_rule_selector_is_a_usage_error(
    in_tmp: Path, capsys, arguments: list[str], message: str
) -> None:
    (in_tmp / "a.py").write_text(UNFED)
    assert run(capsys, *arguments) == (2, "", f"optuna-lint: error: {message}\n")


@pytest.mark.parametrize(
    ("selector", "status"),
    [("OPL", 1), ("OPL1", 1), ("OPL10", 1), ("OPL101", 1), (" OPL101 ", 1), ("OPL2", 0)],
)
def test_a_code_or_a_prefix_of_codes_is_a_selector(
    in_tmp: Path, capsys, selector: str, status: int
) -> None:
    (in_tmp / "a.py").write_text(UNFED)
    found_status, out, err = run(capsys, "--select", selector, "--output-format", "concise")
    assert (found_status, err) == (status, "")
    assert (UNFED_LINE.format(path="a.py", marker="") in out) == (status == 1)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--add-noqa", "--fix"], "--add-noqa cannot be used with --fix"),
        (["--diff", "--add-noqa"], "--add-noqa cannot be used with --diff"),
        (
            ["a.py", "--stdin-filename", "a.py"],
            "--stdin-filename names the text read from `-`: give no other path",
        ),
        (
            ["-", "b.py", "--stdin-filename", "a.py"],
            "--stdin-filename names the text read from `-`: give no other path",
        ),
        (["--max-file-size", "-1"], "--max-file-size must be a positive whole number (not -1)"),
        (["--max-file-size=0"], "--max-file-size must be a positive whole number (not 0)"),
    ],
)
def test_bad_values_and_options_that_cannot_go_together_are_a_usage_error(
    in_tmp: Path, capsys, arguments: list[str], message: str
) -> None:
    (in_tmp / "a.py").write_text(UNFED)
    assert run(capsys, *arguments) == (2, "", f"optuna-lint: error: {message}\n")
    assert (in_tmp / "a.py").read_text() == UNFED


def test_add_noqa_adds_comments_even_when_the_configuration_fixes(in_tmp: Path, capsys) -> None:
    (in_tmp / "pyproject.toml").write_text("[tool.optuna-lint]\nfix = true\nunsafe-fixes = true\n")
    (in_tmp / "a.py").write_text(UNFED)
    assert run(capsys, "--add-noqa") == (0, "Added 1 noqa directive.\n", "")
    assert (in_tmp / "a.py").read_text() == UNFED.replace(
        "def objective(trial):\n", "def objective(trial):  # noqa: OPL101\n"
    )
