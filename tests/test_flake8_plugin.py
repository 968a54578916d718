"""The flake8 plugin reports, for each file flake8 parses, what `optuna-lint FILE` reports."""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from optuna_lint import lint_source
from optuna_lint.cli import main
from optuna_lint.flake8_plugin import OptunaLintChecker

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("flake8") is None, reason="flake8 is not installed"
)

# A small project: a study in one module runs the objective of another and a helper of a third,
# a file the configuration turns a rule off for, and a folder whose own configuration turns the
# opt-in OPL9 checks on.
PROJECT = {
    "pyproject.toml": (
        '[project]\nname = "tuning"\n\n'
        '[tool.optuna-lint]\nper-file-ignores = { "quiet.py" = ["OPL101"] }\n'
    ),
    "never_reports.py": (
        "import optuna\n\n\ndef objective(trial):\n"
        '    x = trial.suggest_float("x", -1.0, 1.0)\n'
        "    for epoch in range(10):\n        loss = (x - 0.5) ** 2 / (epoch + 1)\n"
        "    return loss\n\n\n"
        "study = optuna.create_study(pruner=optuna.pruners.MedianPruner())\n"
        "study.optimize(objective, n_trials=5)\n"
    ),
    "attrs_after_check.py": (
        "import optuna\n\n\ndef objective(trial):\n"
        '    loss = trial.suggest_float("x", 0.0, 1.0)\n'
        "    trial.report(loss, 0)\n    if trial.should_prune():\n"
        "        raise optuna.TrialPruned()\n"
        '    trial.set_user_attr("loss", loss)\n    return loss\n\n\n'
        "optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)\n"
    ),
    "objectives.py": (
        'def objective(trial):\n    x = trial.suggest_float("x", -1.0, 1.0)\n'
        "    return (x - 0.5) ** 2\n"
    ),
    "helpers.py": (
        "import optuna\n\n\ndef train(trial, epochs):\n    loss = 1.0\n"
        "    for epoch in range(epochs):\n        loss = loss / 2\n"
        "        trial.report(loss, epoch)\n        if trial.should_prune():\n"
        "            raise optuna.TrialPruned()\n"
        '        trial.set_user_attr("loss", loss)\n    return loss\n'
    ),
    # The last line puts a non-ASCII character before the finding's column: both tools count
    # columns in characters.
    "run.py": (
        "import optuna\n\nfrom helpers import train\nfrom objectives import objective\n\n\n"
        "def tuned(trial):\n"
        '    return train(trial, epochs=trial.suggest_int("epochs", 1, 5))\n\n\n'
        "optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)\n"
        "optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(tuned)\n"
        'draft = optuna.create_study(study_name="étude", pruner=optuna.pruners.MedianPruner)\n'
    ),
    "sub/optuna-lint.toml": 'extend-select = ["OPL9"]\n',
    "sub/stale_noqa.py": "import optuna\n\nLIMIT = 3  # noqa: OPL201\n",
}
PROJECT["quiet.py"] = PROJECT["never_reports.py"]
LINTED = sorted(name for name in PROJECT if name.endswith(".py"))

# What the project's files must give, so that an empty answer from both tools cannot pass.
EXPECTED_CODES = {
    "attrs_after_check.py": ["OPL201"],
    "helpers.py": ["OPL201"],
    "never_reports.py": ["OPL101"],
    "objectives.py": ["OPL101"],
    "quiet.py": [],
    "run.py": ["OPL306"],
    "sub/stale_noqa.py": ["OPL901"],
}

FLAKE8_LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<row>\d+):(?P<column>\d+): (?P<code>\S+) (?P<text>.*)$"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name, text in PROJECT.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def command_line_findings(name: str, capsys: pytest.CaptureFixture[str]) -> list[tuple]:
    """(file, row, column, code, message) of each finding `optuna-lint FILE` reports."""
    main(["--output-format", "json", name])
    return [
        (
            item["filename"],
            item["location"]["row"],
            item["location"]["column"],
            item["code"],
            item["message"],
        )
        for item in json.loads(capsys.readouterr().out)
    ]


def plugin_findings(name: str) -> list[tuple]:
    """What the plugin class gives flake8 for a file, with flake8's printed column."""
    text = Path(name).read_text(encoding="utf-8")
    checker = OptunaLintChecker(ast.parse(text), name, text.splitlines(keepends=True))
    findings = []
    for row, offset, message, checker_type in checker.run():
        assert checker_type is OptunaLintChecker
        code, message = message.split(" ", 1)
        findings.append((name, row, offset + 1, code, message))
    return findings


def run_flake8(project: Path, *arguments: str, stdin: str | None = None) -> list[tuple]:
    """(file, row, column, code, message) of each line the real flake8 prints."""
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "OPL", *arguments],
        cwd=project,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert result.returncode in (0, 1), result.stderr
    assert result.stderr == ""
    findings = []
    for line in result.stdout.splitlines():
        match = FLAKE8_LINE.match(line)
        assert match is not None, line
        path = match["path"].removeprefix("./")
        findings.append(
            (path, int(match["row"]), int(match["column"]), match["code"], match["text"])
        )
    return findings


@pytest.mark.parametrize("name", LINTED)
def test_plugin_gives_what_the_command_line_gives(project: Path, capsys, name: str) -> None:
    expected = command_line_findings(name, capsys)

    assert [found[3] for found in expected] == EXPECTED_CODES[name]
    assert plugin_findings(name) == expected


def test_objective_linted_inside_its_project(project: Path) -> None:
    # Alone, objectives.py has no study: OPL101 comes from the study in run.py.
    assert lint_source(PROJECT["objectives.py"], "objectives.py") == []
    assert [found[3] for found in plugin_findings("objectives.py")] == ["OPL101"]


def test_file_that_is_not_on_disk_is_linted_as_a_module_of_its_own(project: Path) -> None:
    text = PROJECT["never_reports.py"]
    checker = OptunaLintChecker(ast.parse(text), "stdin", text.splitlines(keepends=True))

    found = [(row, offset + 1, message) for row, offset, message, _ in checker.run()]

    expected = lint_source(text, "stdin")
    assert found == [(f.location.row, f.location.column, f"{f.code} {f.message}") for f in expected]
    assert [row for row, _, _ in found] == [4]


def test_flake8_entry_point_is_registered() -> None:
    entry_points = importlib.metadata.entry_points(group="flake8.extension")
    assert any(
        entry.name == "OPL" and entry.value == "optuna_lint.flake8_plugin:OptunaLintChecker"
        for entry in entry_points
    ), "install the package (pip install -e .) so that flake8 finds the plugin"


def test_flake8_prints_what_the_command_line_prints(project: Path, capsys) -> None:
    expected = sorted(finding for name in LINTED for finding in command_line_findings(name, capsys))

    found = sorted(run_flake8(project, *LINTED))

    assert found == expected
    assert {finding[3] for finding in found} == {"OPL101", "OPL201", "OPL306", "OPL901"}


def test_noqa_is_silent_in_flake8(project: Path, capsys) -> None:
    (project / "never_reports.py").write_text(
        PROJECT["never_reports.py"].replace(
            "def objective(trial):\n", "def objective(trial):  # noqa: OPL101\n"
        ),
        encoding="utf-8",
    )

    assert command_line_findings("never_reports.py", capsys) == []
    assert run_flake8(project, "never_reports.py") == []


UNPARSABLE = {
    "broken.py": "import optuna\n\n\ndef objective(trial:\n    return 1.0\n",
    # PEP 695 (Python 3.12): newer than the interpreter, which flake8 parses with.
    "newer.py": "import optuna\n\ntype Loss = float\n\n\ndef objective(trial):\n    return 1.0\n",
}


@pytest.mark.parametrize("name", sorted(UNPARSABLE))
def test_file_flake8_cannot_parse_is_its_own_E999(project: Path, name: str) -> None:
    if name == "newer.py" and sys.version_info >= (3, 12):
        pytest.skip("this interpreter parses `type` statements")
    (project / name).write_text(UNPARSABLE[name], encoding="utf-8")

    found = run_flake8(project, "--select", "OPL,E999", name)

    assert [finding[3] for finding in found] == ["E999"]


def test_stdin_is_linted_as_a_module_of_its_own(project: Path) -> None:
    found = run_flake8(project, "-", stdin=PROJECT["never_reports.py"])

    expected = lint_source(PROJECT["never_reports.py"], "stdin")
    assert found == [
        ("stdin", f.location.row, f.location.column, f.code, f.message) for f in expected
    ]
    assert [finding[3] for finding in found] == ["OPL101"]


def test_stdin_named_as_a_project_file_takes_that_files_place(project: Path) -> None:
    # An editor pipes its unsaved buffer: the objective reports now, unlike the file on disk,
    # and still runs under run.py's study.
    edited = PROJECT["objectives.py"].replace(
        "    return (x - 0.5) ** 2\n",
        "    trial.report((x - 0.5) ** 2, 0)\n    return (x - 0.5) ** 2\n",
    )

    found = run_flake8(project, "--stdin-display-name", "objectives.py", "-", stdin=edited)

    # Reporting without a prune check is a finding only under the study of run.py.
    assert [(finding[0], finding[3]) for finding in found] == [("objectives.py", "OPL103")]


def test_flake8_hides_opl901_on_a_bare_noqa(project: Path, capsys) -> None:
    # A known difference: flake8's own bare noqa directive covers every code on its line,
    # OPL901 included, and in a flake8 project such a directive often serves other plugins.
    (project / "sub" / "bare_noqa.py").write_text("LIMIT = 3  # noqa\n", encoding="utf-8")

    assert [found[3] for found in command_line_findings("sub/bare_noqa.py", capsys)] == ["OPL901"]
    assert run_flake8(project, "sub/bare_noqa.py") == []
    assert [found[3] for found in run_flake8(project, "--disable-noqa", "sub/bare_noqa.py")] == [
        "OPL901"
    ]


def test_a_broken_configuration_is_one_line_per_file_not_a_traceback(project: Path) -> None:
    (project / "optuna-lint.toml").write_text("select = [\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "OPL", "never_reports.py"],
        cwd=project,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert (result.returncode, result.stderr) == (1, "")
    (line,) = result.stdout.splitlines()
    assert line.startswith(
        "never_reports.py:1:1: OPL002 File not linted: broken configuration: "
        f"{project / 'optuna-lint.toml'}: not valid TOML: "
    ), line
