"""OPL301, OPL306 and OPL307: what the study is given or told, against what it can do."""

from __future__ import annotations

import textwrap

import pytest
from conftest import assert_fix, codes_and_rows, lint

OBJECTIVE = textwrap.dedent(
    """\
    import optuna

    def objective(trial):
        error = 1.0
        for step in range(10):
            error = error / 2
            {body}
        return error, 0.5

    study = optuna.create_study({study})
    study.optimize(objective, n_trials=30)
    """
)
TWO = "directions=['minimize', 'minimize']"


def test_report_and_check_in_a_multi_objective_study_are_each_reported() -> None:
    code = OBJECTIVE.format(
        body="trial.report(error, step)\n        if trial.should_prune():\n"
        "            raise optuna.TrialPruned()",
        study=TWO,
    )
    assert lint(code) == [
        (
            "OPL301",
            7,
            9,
            "`trial.report(...)` in an objective of a study with 2 directions: Optuna raises "
            "`NotImplementedError`, since multi-objective studies cannot be pruned",
        ),
        (
            "OPL301",
            8,
            12,
            "`trial.should_prune()` in an objective of a study with 2 directions: Optuna "
            "raises `NotImplementedError`, since multi-objective studies cannot be pruned",
        ),
    ]


def test_a_pruner_given_to_a_multi_objective_study_is_reported_at_the_keyword() -> None:
    code = OBJECTIVE.format(body="pass", study=TWO + ", pruner=optuna.pruners.MedianPruner()")
    assert lint(code) == [
        (
            "OPL301",
            10,
            66,
            "A study with 2 directions is given a MedianPruner: Optuna never prunes "
            "multi-objective studies, so it can never act",
        )
    ]


@pytest.mark.parametrize(
    ("body", "study"),
    [
        ("trial.report(error, step)", "directions=['minimize']"),  # one direction
        ("if len(trial.study.directions) == 1:\n            trial.report(error, step)", TWO),
        ("pass", TWO + ", pruner=optuna.pruners.NopPruner()"),
    ],
)
def test_silent_cases(body: str, study: str) -> None:
    code = OBJECTIVE.format(body=body, study=study)
    assert [c for c in codes_and_rows(code) if c[0] == "OPL301"] == []


STUDY = "import optuna\n\nstudy = optuna.create_study(pruner={pruner})\n"


@pytest.mark.parametrize(
    ("pruner", "message"),
    [
        (
            "optuna.pruners.MedianPruner",
            "`pruner=` gets the class `MedianPruner`, not an instance: the first "
            "`should_prune()` fails and stops `optimize`",
        ),
        (
            "True",
            "`pruner=` gets a value that is not a pruner: the first `should_prune()` fails and "
            "stops `optimize`",
        ),
        (
            '"median"',
            "`pruner=` gets a value that is not a pruner: the first `should_prune()` "
            "fails and stops `optimize`",
        ),
        ("0", "`pruner=` gets a falsy value: Optuna silently uses the default MedianPruner"),
        ("False", "`pruner=` gets a falsy value: Optuna silently uses the default MedianPruner"),
    ],
)
def test_pruner_values_that_are_not_pruners(pruner: str, message: str) -> None:
    assert lint(STUDY.format(pruner=pruner)) == [("OPL306", 3, 36, message)]


def test_a_class_needing_no_argument_is_called_by_the_fix() -> None:
    assert_fix(
        STUDY.format(pruner="optuna.pruners.HyperbandPruner"),
        STUDY.format(pruner="optuna.pruners.HyperbandPruner()"),
    )


def test_a_class_needing_arguments_has_no_fix() -> None:
    from optuna_lint import lint_source

    (finding,) = lint_source(STUDY.format(pruner="optuna.pruners.ThresholdPruner"))
    assert finding.code == "OPL306" and finding.fix is None


def test_a_pruner_instance_or_a_variable_is_silent() -> None:
    assert codes_and_rows(STUDY.format(pruner="optuna.pruners.MedianPruner()")) == []
    assert codes_and_rows(STUDY.format(pruner="pruner")) == []


def write(root, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text))


CREATE = """\
    import optuna

    optuna.create_study(
        study_name="search", storage="sqlite:///s.db", pruner=optuna.pruners.HyperbandPruner()
    )
    """


@pytest.mark.parametrize(
    "worker",
    [
        'study = optuna.load_study(study_name="search", storage="sqlite:///s.db")',
        'study = optuna.create_study(study_name="search", storage=URL, load_if_exists=True)',
    ],
)
def test_a_worker_loading_a_study_without_its_pruner(in_tmp, worker: str) -> None:
    from optuna_lint import lint_paths

    worker_module = f"import optuna\n\n{worker}\nstudy.optimize(objective, n_trials=10)\n"
    write(in_tmp, {"create.py": CREATE, "worker.py": worker_module})
    factory = "load_study" if "load_study" in worker else "create_study"
    found = [(f.filename, f.code, f.location.row, f.message) for f in lint_paths(["."])]
    assert found == [
        (
            "worker.py",
            "OPL307",
            3,
            f'`{factory}` of study "search" gets no pruner: Optuna does not store pruners, so it '
            "prunes with the default MedianPruner, not the HyperbandPruner the study is created "
            "with at create.py:3",
        )
    ]
    assert [(f.filename, f.code) for f in lint_paths(["worker.py"])] == [("worker.py", "OPL307")]


def test_a_worker_passing_the_pruner_or_another_name_is_silent(in_tmp) -> None:
    from optuna_lint import lint_paths

    write(
        in_tmp,
        {
            "create.py": CREATE,
            "worker.py": "import optuna\n\n"
            'a = optuna.load_study(study_name="search", storage=URL, pruner=P)\n'
            'b = optuna.load_study(study_name="other", storage=URL)\n',
        },
    )
    assert lint_paths(["."]) == []


def test_a_study_loaded_only_to_read_results_is_silent(in_tmp) -> None:
    from optuna_lint import lint_paths

    write(
        in_tmp,
        {
            "create.py": CREATE,
            "analyze.py": "import optuna\n\n"
            'study = optuna.load_study(study_name="search", storage="sqlite:///s.db")\n'
            "print(study.best_params)\n",
        },
    )
    assert lint_paths(["."]) == []


def test_a_default_median_pruner_is_what_a_worker_gets_anyway(in_tmp) -> None:
    from optuna_lint import lint_paths

    write(
        in_tmp,
        {
            "create.py": CREATE.replace(
                "optuna.pruners.HyperbandPruner()", "optuna.pruners.MedianPruner()"
            ),
            "worker.py": "import optuna\n\n"
            'study = optuna.load_study(study_name="search", storage="sqlite:///s.db")\n'
            "study.optimize(objective, n_trials=10)\n",
        },
    )
    assert lint_paths(["."]) == []
