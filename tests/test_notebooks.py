"""Jupyter notebooks: linted cell by cell, fixed in place, the rest of the file kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from optuna_lint.cli import main

nbformat = pytest.importorskip("nbformat")

OBJECTIVE = (
    "def objective(trial):\n"
    "    lr = trial.suggest_float('lr', 1e-3, 1.0)\n"
    "    for epoch in range(3):\n"
    "        loss = lr / (epoch + 1)\n"
    "    return loss"
)
OBJECTIVE_FIXED = OBJECTIVE.replace(
    "        loss = lr / (epoch + 1)\n",
    "        loss = lr / (epoch + 1)\n"
    "        trial.report(loss, epoch)\n"
    "        if trial.should_prune():\n"
    "            raise optuna.TrialPruned()\n",
)


def notebook(objective: str) -> str:
    """A notebook as nbformat writes it, with magics, a shell escape, a cell magic, outputs
    and metadata."""
    document = nbformat.v4.new_notebook()
    document.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    document.cells = [
        nbformat.v4.new_markdown_cell("# Tuning with pruning"),
        nbformat.v4.new_code_cell("%matplotlib inline\n!pip list\nimport optuna"),
        nbformat.v4.new_code_cell(objective),
        nbformat.v4.new_code_cell(
            "study = optuna.create_study(pruner=optuna.pruners.MedianPruner())\n"
            "study.optimize(objective, n_trials=3)\n"
            "files = !ls\n"
            "study.best_params?"
        ),
        nbformat.v4.new_code_cell("%%bash\necho this is not Python: ("),
    ]
    for number, cell in enumerate(document.cells):
        cell.id = f"cell-{number}"  # nbformat draws them at random
    document.cells[2].outputs = [nbformat.v4.new_output("stream", text="caf\u00e9\n")]
    document.cells[2].execution_count = 7
    return nbformat.writes(document) + "\n"


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    status = main(list(arguments))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_findings_are_shown_in_their_cell(in_tmp: Path, capsys) -> None:
    (in_tmp / "tune.ipynb").write_text(notebook(OBJECTIVE))
    status, out, err = run(capsys, "--output-format", "concise")
    assert (status, err) == (1, "")
    assert out.splitlines() == [
        "tune.ipynb:cell 3:1:1: OPL101 Objective `objective` never reports to its study's "
        "MedianPruner: without `trial.report(...)` and a prune check, no trial is ever pruned",
        "Found 1 finding: 1 more with --fix --unsafe-fixes.",
    ]


def test_fix_changes_the_cell_and_nothing_else(in_tmp: Path, capsys) -> None:
    path = in_tmp / "tune.ipynb"
    path.write_text(notebook(OBJECTIVE))
    assert run(capsys, "--fix", "--unsafe-fixes")[:2] == (
        0,
        "Found 1 finding (1 fixed, 0 remaining).\n",
    )
    # Byte for byte what nbformat writes for the notebook with the fixed cell: magics, the
    # cell magic, outputs, execution counts and metadata are all kept.
    assert path.read_text() == notebook(OBJECTIVE_FIXED)
    assert run(capsys, "--fix", "--unsafe-fixes")[:2] == (0, "All checks passed!\n")
    assert path.read_text() == notebook(OBJECTIVE_FIXED)


def test_a_noqa_in_a_cell_suppresses_its_line(in_tmp: Path, capsys) -> None:
    text = OBJECTIVE.replace("def objective(trial):", "def objective(trial):  # noqa: OPL101")
    (in_tmp / "tune.ipynb").write_text(notebook(text))
    assert run(capsys) == (0, "All checks passed!\n", "")


def test_a_notebook_in_another_layout_keeps_it(in_tmp: Path, capsys) -> None:
    document = json.loads(notebook(OBJECTIVE))
    path = in_tmp / "tune.ipynb"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False))
    assert run(capsys, "--fix", "--unsafe-fixes")[0] == 0
    fixed = json.loads(notebook(OBJECTIVE_FIXED))
    assert path.read_text() == json.dumps(fixed, indent=2, ensure_ascii=False)


def test_a_file_that_is_not_a_notebook_is_a_syntax_error(in_tmp: Path, capsys) -> None:
    (in_tmp / "broken.ipynb").write_text("{not json")
    (in_tmp / "list.ipynb").write_text("[]")
    status, out, _ = run(capsys, "--output-format", "concise")
    assert status == 1
    assert out.splitlines()[:2] == [
        "broken.ipynb:1:1: OPL001 Cannot parse the file: not a notebook: Expecting property "
        "name enclosed in double quotes: line 1 column 2 (char 1)",
        "list.ipynb:1:1: OPL001 Cannot parse the file: not a notebook: it has no list of cells",
    ]
