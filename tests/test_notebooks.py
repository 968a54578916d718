"""Jupyter notebooks: linted cell by cell, fixed in place, the rest of the file kept."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

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


def test_machine_readable_formats_name_the_notebook_file_and_the_cell_apart(
    in_tmp: Path, capsys
) -> None:
    (in_tmp / "tune.ipynb").write_text(notebook(OBJECTIVE))
    message = (
        "Objective `objective` never reports to its study's MedianPruner: without "
        "`trial.report(...)` and a prune check, no trial is ever pruned"
    )

    def output(output_format: str) -> str:
        status, out, err = run(capsys, "--output-format", output_format, "tune.ipynb")
        assert (status, err) == (1, "")
        return out

    (item,) = json.loads(output("json"))
    assert (item["filename"], item["cell"], item["location"], item["end_location"]) == (
        "tune.ipynb",
        3,
        {"row": 1, "column": 1},
        {"row": 5, "column": 16},
    )
    # The fix's edit is placed in the cell too: after the loop's body, on the cell's row 5.
    assert [edit["location"] for edit in item["fix"]["edits"]] == [{"row": 5, "column": 1}]
    assert json.loads(output("json-lines"))["cell"] == 3

    assert output("github") == (
        "::error title=optuna-lint (OPL101),file=tune.ipynb,line=1,col=1,endLine=5,"
        f"endColumn=16::OPL101 cell 3: {message}\n"
    )
    assert output("pylint") == f"tune.ipynb:1: [OPL101] cell 3: {message}\n"

    (result,) = json.loads(output("sarif"))["runs"][0]["results"]
    assert result["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "tune.ipynb"},
                "region": {"startLine": 1, "startColumn": 1, "endLine": 5, "endColumn": 16},
            }
        }
    ]
    assert result["properties"] == {"cell": 3}
    assert "fixes" not in result  # its edits are in the cell's source, not in the file

    (issue,) = json.loads(output("gitlab"))
    assert issue["description"] == f"OPL101 cell 3: {message}"
    assert issue["location"] == {"path": "tune.ipynb", "lines": {"begin": 1, "end": 5}}

    cases = ElementTree.fromstring(output("junit")).find("testsuite").findall("testcase")
    assert [case.attrib for case in cases] == [
        {
            "classname": "tune.ipynb",
            "name": "OPL101 at cell 3:1:1",
            "file": "tune.ipynb",
            "line": "1",
        }
    ]
    assert cases[0].find("failure").text == f"tune.ipynb:cell 3:1:1: {message}"


def test_findings_are_listed_by_cell_number(in_tmp: Path, capsys) -> None:
    # Cells 3 and 12 (after seven notes) each hold an objective that never reports; as text,
    # "cell 12" would sort before "cell 3".
    document = json.loads(notebook(OBJECTIVE))
    notes = [nbformat.v4.new_markdown_cell("A note.") for _ in range(7)]
    late = nbformat.v4.new_code_cell(
        "def other(trial):\n    for step in range(3):\n        pass\n    return 1.0\n\n\n"
        "study.optimize(other)"
    )
    document["cells"][4:4] = [*notes, late]
    for number, cell in enumerate(document["cells"]):
        cell["id"] = f"cell-{number}"
    (in_tmp / "tune.ipynb").write_text(json.dumps(document, indent=1))

    status, out, _ = run(capsys, "--output-format", "json", "tune.ipynb")
    assert status == 1
    assert [(item["filename"], item["cell"], item["location"]) for item in json.loads(out)] == [
        ("tune.ipynb", 3, {"row": 1, "column": 1}),
        ("tune.ipynb", 12, {"row": 1, "column": 1}),
    ]
    status, out, _ = run(capsys, "--output-format", "concise", "tune.ipynb")
    assert [line.split(": OPL101")[0] for line in out.splitlines()[:2]] == [
        "tune.ipynb:cell 3:1:1",
        "tune.ipynb:cell 12:1:1",
    ]


def test_diff_shows_each_changed_cell_as_the_notebook_shows_it(in_tmp: Path, capsys) -> None:
    # `import optuna` is added to cell 2, whose magics are shown as written, and the prune
    # check to cell 3; the notebook's JSON and the linter's own markers are never shown.
    document = json.loads(notebook(OBJECTIVE))
    imports = "from optuna import create_study, pruners"
    document["cells"][1]["source"] = f"%matplotlib inline\n!pip list\n{imports}"
    study = "".join(document["cells"][3]["source"]).replace("optuna.", "")
    document["cells"][3]["source"] = study
    text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    (in_tmp / "tune.ipynb").write_text(text)

    assert run(capsys, "--diff", "--unsafe-fixes", "tune.ipynb") == (
        1,
        "--- a/tune.ipynb:cell 2\n"
        "+++ b/tune.ipynb:cell 2\n"
        "@@ -1,3 +1,4 @@\n"
        " %matplotlib inline\n"
        " !pip list\n"
        "-from optuna import create_study, pruners\n"
        "\\ No newline at end of file\n"
        "+from optuna import create_study, pruners\n"
        "+import optuna\n"
        "\\ No newline at end of file\n"
        "--- a/tune.ipynb:cell 3\n"
        "+++ b/tune.ipynb:cell 3\n"
        "@@ -2,4 +2,7 @@\n"
        "     lr = trial.suggest_float('lr', 1e-3, 1.0)\n"
        "     for epoch in range(3):\n"
        "         loss = lr / (epoch + 1)\n"
        "+        trial.report(loss, epoch)\n"
        "+        if trial.should_prune():\n"
        "+            raise optuna.TrialPruned()\n"
        "     return loss\n"
        "\\ No newline at end of file\n",
        "",
    )
    assert (in_tmp / "tune.ipynb").read_text() == text


def test_a_directive_that_cannot_be_read_is_named_by_its_cell(in_tmp: Path, capsys, caplog) -> None:
    text = OBJECTIVE.replace("def objective(trial):", "def objective(trial):  # noqa:")
    (in_tmp / "tune.ipynb").write_text(notebook(text))
    status, out, _ = run(capsys, "--output-format", "concise", "tune.ipynb")
    assert (status, out.split(": OPL101")[0]) == (1, "tune.ipynb:cell 3:1:1")
    assert caplog.messages == [
        "tune.ipynb:cell 3:1: `# noqa:` suppresses nothing: no code follows `# noqa:` "
        "(as in `# noqa: OPL201`)"
    ]
    # --add-noqa cannot suppress it either, and says where it is.
    assert run(capsys, "--add-noqa", "tune.ipynb") == (
        1,
        "Added 0 noqa directives.\n",
        "optuna-lint: tune.ipynb:cell 3:1: OPL101 is not suppressed: the `# noqa` of its line "
        "cannot be read\n",
    )
