"""The project model: the trial is followed across the modules of a project.

Each test writes a small project of one to three modules, lints it with `lint_paths`, and
asserts the exact findings. Most trees come in two variants: in one the code the trial reaches
never reports (OPL101 fires on the objective, in the file that defines it), in the other it
reports and checks (no finding). The trial is followed into helpers of other modules however
they are imported, into classes that store it, through class-instance objectives,
`functools.partial`, lambdas, imported objectives, Optuna's integration pruning callbacks,
`TorchDistributedTrial` and closures; wherever it goes out of sight the linter stays silent.

Linting some files analyses the whole project they belong to (the tree under the nearest
`pyproject.toml` or `.git`) and reports on the named files only, so a file's findings are the
same whether it is linted alone or with its project: the last test checks that for every tree
of this file.
"""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import pytest

from optuna_lint import Settings, lint_paths
from optuna_lint.engine import Linter
from optuna_lint.findings import Finding

Tree = dict[str, str]
Found = tuple[str, str, int, int, str]

# Every tree of this file, by name, for the equivalence check at the end.
TREES: dict[str, Tree] = {}

# A line `# report: VARIABLE` in a tree stands for the reporting part of a training loop
# (`loss` and `epoch` are bound there): `variant(tree, reports=True)` puts a report and a
# prune check on VARIABLE in its place, `variant(tree, reports=False)` one line that reports
# nothing. The flagged variant is the one with `reports=False`, and its rows are the ones the
# tests assert.
REPORT_MARKER = re.compile(r"^(?P<indent>[ \t]*)# report: (?P<variable>[\w.]+)$", re.MULTILINE)


def tree(name: str, files: Tree) -> Tree:
    """Register a tree (paths relative to the project root, sources dedented) and return it."""
    assert name not in TREES, name
    built = {path: textwrap.dedent(source) for path, source in files.items()}
    TREES[name] = built
    return built


def has_variants(files: Tree) -> bool:
    return any(REPORT_MARKER.search(source) for source in files.values())


def variant(files: Tree, *, reports: bool) -> Tree:
    def fill(match: re.Match[str]) -> str:
        indent, variable = match.group("indent"), match.group("variable")
        if not reports:
            return f"{indent}print(epoch, loss)"
        return (
            f"{indent}{variable}.report(loss, epoch)\n"
            f"{indent}if {variable}.should_prune():\n"
            f"{indent}    raise optuna.TrialPruned()"
        )

    return {path: REPORT_MARKER.sub(fill, source) for path, source in files.items()}


def module(*parts: str) -> str:
    """A module made of several sources, each dedented on its own."""
    return "".join(textwrap.dedent(part) for part in parts)


def write_tree(root: Path, files: Tree) -> None:
    """Write each file (dedented) under `root`, creating its folders."""
    for path, source in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(source))


# The rules about how the trial is wired, which the project model decides; the OPL3xx rules
# about API usage (such as OPL308 on `optuna.integration` imports) are tested on their own.
WIRING_RULES = Settings(select=("OPL1", "OPL2"))


def lint(*paths: str) -> list[Found]:
    """The findings of `lint_paths(paths)` as (filename, code, row, column, message)."""
    return [
        (f.filename, f.code, f.location.row, f.location.column, f.message)
        for f in lint_paths(list(paths), WIRING_RULES)
    ]


def unfed(name: str, pruner: str = "MedianPruner", trial: str = "trial") -> str:
    return (
        f"Objective `{name}` never reports to its study's {pruner}: without "
        f"`{trial}.report(...)` and a prune check, no trial is ever pruned"
    )


def expect_unless(reports: bool, *found: Found) -> list[Found]:
    """The findings of the flagged variant; none when the trial is reported to."""
    return [] if reports else list(found)


REPORTS = pytest.mark.parametrize("reports", [False, True], ids=["never_reports", "reports"])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder outside any project, as the working directory."""
    for folder in [tmp_path, *tmp_path.parents]:
        if (folder / "pyproject.toml").exists() or (folder / ".git").exists():
            pytest.skip(f"the temporary folder lies inside a project ({folder})")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# Shared modules

# A training helper that takes the model first and the trial second.
LOOP = """\
    import optuna


    def fit(model, trial, epochs=10):
        rate = trial.suggest_float("rate", 0.01, 0.1)
        loss = 0.0
        for epoch in range(epochs):
            loss = model(epoch) * rate
            # report: trial
        return loss
    """

# A training function that takes the trial first and the data second.
TRAINER = """\
    import optuna


    def train(trial, data):
        loss = 0.0
        for epoch in range(10):
            loss = data / (epoch + 1)
            # report: trial
        return loss
    """

# An objective defined in its own module; `def objective` is on row 4.
OBJECTIVES = """\
    import optuna


    def objective(trial):
        x = trial.suggest_float("x", -10.0, 10.0)
        loss = 0.0
        for epoch in range(10):
            loss = (x - 2.0) ** 2 / (epoch + 1)
            # report: trial
        return loss
    """


# 1. Helpers in other modules, however they are imported

HELPER_LAYOUTS = {
    "sibling_script_from_import": (
        tree(
            "sibling_script_from_import",
            {
                "run.py": """\
                    import optuna

                    from loop import fit


                    def objective(trial):
                        return fit(lambda epoch: 1.0 / (epoch + 1), trial)


                    study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                    study.optimize(objective, n_trials=20)
                    """,
                "loop.py": LOOP,
            },
        ),
        "run.py",
    ),
    "sibling_script_module_import": (
        tree(
            "sibling_script_module_import",
            {
                "run.py": """\
                    import optuna

                    import loop


                    def objective(trial):
                        return loop.fit(lambda epoch: 1.0 / (epoch + 1), trial)


                    study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                    study.optimize(objective, n_trials=20)
                    """,
                "loop.py": LOOP,
            },
        ),
        "run.py",
    ),
    "package_relative_from_import": (
        tree(
            "package_relative_from_import",
            {
                "pkg/__init__.py": "",
                "pkg/search.py": """\
                    import optuna

                    from .loop import fit


                    def objective(trial):
                        return fit(lambda epoch: 1.0 / (epoch + 1), trial)


                    def main():
                        study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                        study.optimize(objective, n_trials=20)
                    """,
                "pkg/loop.py": LOOP,
            },
        ),
        "pkg/search.py",
    ),
    "package_relative_module_import": (
        tree(
            "package_relative_module_import",
            {
                "pkg/__init__.py": "",
                "pkg/search.py": """\
                    import optuna

                    from . import loop


                    def objective(trial):
                        return loop.fit(lambda epoch: 1.0 / (epoch + 1), trial)


                    def main():
                        study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                        study.optimize(objective, n_trials=20)
                    """,
                "pkg/loop.py": LOOP,
            },
        ),
        "pkg/search.py",
    ),
    "package_absolute_import": (
        tree(
            "package_absolute_import",
            {
                "run.py": """\
                    import optuna

                    from pkg.loop import fit


                    def objective(trial):
                        return fit(lambda epoch: 1.0 / (epoch + 1), trial)


                    study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                    study.optimize(objective, n_trials=20)
                    """,
                "pkg/__init__.py": "",
                "pkg/loop.py": LOOP,
            },
        ),
        "run.py",
    ),
    "src_layout": (
        tree(
            "src_layout",
            {
                "pyproject.toml": '[project]\nname = "pkg"\nversion = "0.1"\n',
                "src/pkg/__init__.py": "",
                "src/pkg/search.py": """\
                    import optuna

                    from pkg.loop import fit


                    def objective(trial):
                        return fit(lambda epoch: 1.0 / (epoch + 1), trial)


                    def main():
                        study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                        study.optimize(objective, n_trials=20)
                    """,
                "src/pkg/loop.py": LOOP,
            },
        ),
        "src/pkg/search.py",
    ),
    "reexport_through_package_init": (
        tree(
            "reexport_through_package_init",
            {
                "run.py": """\
                    import optuna

                    from pkg import fit


                    def objective(trial):
                        return fit(lambda epoch: 1.0 / (epoch + 1), trial)


                    study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                    study.optimize(objective, n_trials=20)
                    """,
                "pkg/__init__.py": """\
                    from .loop import fit

                    __all__ = ["fit"]
                    """,
                "pkg/loop.py": LOOP,
            },
        ),
        "run.py",
    ),
}


@REPORTS
@pytest.mark.parametrize("layout", HELPER_LAYOUTS)
def test_trial_followed_into_a_helper_of_another_module(
    project: Path, layout: str, reports: bool
) -> None:
    files, objective_file = HELPER_LAYOUTS[layout]
    write_tree(project, variant(files, reports=reports))
    assert lint(".") == expect_unless(reports, (objective_file, "OPL101", 6, 1, unfed("objective")))


# 2. Handed over by keyword

KEYWORD_HANDOFF = tree(
    "keyword_handoff",
    {
        "run.py": """\
            import optuna

            from loop import fit


            def objective(t):
                return fit(lambda epoch: 1.0 / (epoch + 1), trial=t, epochs=20)


            study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
            study.optimize(objective, n_trials=20)
            """,
        "loop.py": LOOP,
    },
)


@REPORTS
def test_trial_followed_by_keyword_into_another_module(project: Path, reports: bool) -> None:
    write_tree(project, variant(KEYWORD_HANDOFF, reports=reports))
    assert lint(".") == expect_unless(
        reports, ("run.py", "OPL101", 6, 1, unfed("objective", trial="t"))
    )


# 3. Classes that store the trial

REPORTER = """\
    import optuna


    class Reporter:
        def __init__(self, trial):
            self.trial = trial

        def on_epoch_end(self, epoch, loss):
            # report: self.trial
    """

STORED_IN_CLASS = {
    "same_module": (
        tree(
            "class_stores_trial_same_module",
            {
                "run.py": """\
                    import optuna


                    class Reporter:
                        def __init__(self, trial):
                            self.trial = trial

                        def on_epoch_end(self, epoch, loss):
                            # report: self.trial


                    def objective(trial):
                        reporter = Reporter(trial)
                        loss = 0.0
                        for epoch in range(10):
                            loss = 1.0 / (epoch + 1)
                            reporter.on_epoch_end(epoch, loss)
                        return loss


                    study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                    study.optimize(objective, n_trials=20)
                    """
            },
        ),
        12,
    ),
    "other_module": (
        tree(
            "class_stores_trial_other_module",
            {
                "run.py": """\
                    import optuna

                    from callbacks import Reporter


                    def objective(trial):
                        reporter = Reporter(trial)
                        loss = 0.0
                        for epoch in range(10):
                            loss = 1.0 / (epoch + 1)
                            reporter.on_epoch_end(epoch, loss)
                        return loss


                    study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                    study.optimize(objective, n_trials=20)
                    """,
                "callbacks.py": REPORTER,
            },
        ),
        6,
    ),
    "subclass": (
        tree(
            "class_stores_trial_subclass",
            {
                "run.py": """\
                    import optuna

                    from callbacks import Reporter


                    class EpochLogger(Reporter):
                        def log(self, epoch, loss):
                            print(f"epoch {epoch}: {loss}")


                    def objective(trial):
                        logger = EpochLogger(trial)
                        loss = 0.0
                        for epoch in range(10):
                            loss = 1.0 / (epoch + 1)
                            logger.log(epoch, loss)
                            logger.on_epoch_end(epoch, loss)
                        return loss


                    study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                    study.optimize(objective, n_trials=20)
                    """,
                "callbacks.py": REPORTER,
            },
        ),
        11,
    ),
}


@REPORTS
@pytest.mark.parametrize("where", STORED_IN_CLASS)
def test_trial_followed_into_a_class_that_stores_it(
    project: Path, where: str, reports: bool
) -> None:
    files, row = STORED_IN_CLASS[where]
    write_tree(project, variant(files, reports=reports))
    assert lint(".") == expect_unless(reports, ("run.py", "OPL101", row, 1, unfed("objective")))


# 4. Class-instance objectives

OBJECTIVE_CLASS = """\
    import optuna


    class Objective:
        def __init__(self, data):
            self.data = data

        def __call__(self, trial):
            loss = 0.0
            for epoch in range(10):
                loss = self.data / (epoch + 1)
                # report: trial
            return loss
    """

CLASS_INSTANCE_OBJECTIVES = {
    "instance_passed_directly": (
        tree(
            "instance_objective_passed_directly",
            {
                "run.py": module(
                    OBJECTIVE_CLASS,
                    """\


                    study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                    study.optimize(Objective(3.0), n_trials=20)
                    """,
                )
            },
        ),
        "run.py",
    ),
    "instance_bound_to_a_name": (
        tree(
            "instance_objective_bound_to_a_name",
            {
                "run.py": module(
                    OBJECTIVE_CLASS,
                    """\


                    objective = Objective(3.0)
                    study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                    study.optimize(objective, n_trials=20)
                    """,
                )
            },
        ),
        "run.py",
    ),
    "class_from_another_module": (
        tree(
            "instance_objective_from_another_module",
            {
                "run.py": """\
                    import optuna

                    from objectives import Objective

                    study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                    study.optimize(Objective(3.0), n_trials=20)
                    """,
                "objectives.py": OBJECTIVE_CLASS,
            },
        ),
        "objectives.py",
    ),
}


@REPORTS
@pytest.mark.parametrize("form", CLASS_INSTANCE_OBJECTIVES)
def test_class_instance_objective_is_reported_at_its_call_method(
    project: Path, form: str, reports: bool
) -> None:
    files, objective_file = CLASS_INSTANCE_OBJECTIVES[form]
    write_tree(project, variant(files, reports=reports))
    assert lint(".") == expect_unless(
        reports, (objective_file, "OPL101", 8, 5, unfed("Objective.__call__"))
    )


# 5. functools.partial

PARTIAL_POSITIONAL = tree(
    "partial_positional",
    {
        "run.py": """\
            import functools

            import optuna


            def train(data, trial):
                loss = 0.0
                for epoch in range(10):
                    loss = data / (epoch + 1)
                    # report: trial
                return loss


            study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
            study.optimize(functools.partial(train, 3.0), n_trials=20)
            """
    },
)


@REPORTS
def test_partial_binding_the_data_positionally(project: Path, reports: bool) -> None:
    write_tree(project, variant(PARTIAL_POSITIONAL, reports=reports))
    assert lint(".") == expect_unless(reports, ("run.py", "OPL101", 6, 1, unfed("train")))


PARTIAL_KEYWORD = tree(
    "partial_keyword_other_module",
    {
        "run.py": """\
            from functools import partial

            import optuna

            from trainer import train

            study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
            study.optimize(partial(train, data=3.0), n_trials=20)
            """,
        "trainer.py": TRAINER,
    },
)


@REPORTS
def test_partial_binding_the_data_by_keyword_of_a_function_in_another_module(
    project: Path, reports: bool
) -> None:
    write_tree(project, variant(PARTIAL_KEYWORD, reports=reports))
    assert lint(".") == expect_unless(reports, ("trainer.py", "OPL101", 4, 1, unfed("train")))


# 6. A lambda handing the trial to a function of another module

LAMBDA_TO_OTHER_MODULE = tree(
    "lambda_to_other_module",
    {
        "run.py": """\
            import optuna

            from trainer import train

            study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
            study.optimize(lambda t: train(t, 3.0), n_trials=20)
            """,
        "trainer.py": TRAINER,
    },
)


@REPORTS
def test_lambda_is_reported_when_the_function_it_calls_never_reports(
    project: Path, reports: bool
) -> None:
    write_tree(project, variant(LAMBDA_TO_OTHER_MODULE, reports=reports))
    assert lint(".") == expect_unless(
        reports, ("run.py", "OPL101", 6, 16, unfed("<lambda>", trial="t"))
    )


# 7. An objective imported from another module

IMPORTED_OBJECTIVES = {
    "from_import": tree(
        "imported_objective_from_import",
        {
            "run.py": """\
                import optuna

                from objectives import objective

                study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                study.optimize(objective, n_trials=20)
                """,
            "objectives.py": OBJECTIVES,
        },
    ),
    "module_import": tree(
        "imported_objective_module_import",
        {
            "run.py": """\
                import optuna

                import objectives

                study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                study.optimize(objectives.objective, n_trials=20)
                """,
            "objectives.py": OBJECTIVES,
        },
    ),
}


@REPORTS
@pytest.mark.parametrize("form", IMPORTED_OBJECTIVES)
def test_imported_objective_is_reported_where_it_is_defined(
    project: Path, form: str, reports: bool
) -> None:
    write_tree(project, variant(IMPORTED_OBJECTIVES[form], reports=reports))
    assert lint(".") == expect_unless(
        reports, ("objectives.py", "OPL101", 4, 1, unfed("objective"))
    )


# 8. Optuna's integration pruning callbacks

LIGHTNING_HEADER = """\
    import lightning.pytorch as pl
    import optuna
    from optuna.integration import PyTorchLightningPruningCallback

    from model import Net


    """

STUDY_FOOTER = """\


    study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
    study.optimize(objective, n_trials=20)
    """


def lightning_script(objective: str) -> str:
    return module(LIGHTNING_HEADER, objective, STUDY_FOOTER)


PASSED_CALLBACKS = {
    "lightning_inline_in_callbacks": tree(
        "callback_lightning_inline",
        {
            "run.py": lightning_script(
                """\
                def objective(trial):
                    model = Net(dropout=trial.suggest_float("dropout", 0.0, 0.5))
                    trainer = pl.Trainer(
                        max_epochs=10,
                        callbacks=[PyTorchLightningPruningCallback(trial, monitor="val_loss")],
                    )
                    trainer.fit(model)
                    return trainer.callback_metrics["val_loss"].item()
                """
            )
        },
    ),
    "lightning_bound_to_a_name": tree(
        "callback_lightning_bound",
        {
            "run.py": lightning_script(
                """\
                def objective(trial):
                    model = Net(dropout=trial.suggest_float("dropout", 0.0, 0.5))
                    pruning = PyTorchLightningPruningCallback(trial, monitor="val_loss")
                    trainer = pl.Trainer(max_epochs=10, callbacks=[pruning])
                    trainer.fit(model)
                    return trainer.callback_metrics["val_loss"].item()
                """
            )
        },
    ),
    "lightning_appended_inline": tree(
        "callback_lightning_appended_inline",
        {
            "run.py": lightning_script(
                """\
                def objective(trial):
                    model = Net(dropout=trial.suggest_float("dropout", 0.0, 0.5))
                    callbacks = [pl.callbacks.EarlyStopping(monitor="val_loss")]
                    callbacks.append(PyTorchLightningPruningCallback(trial, monitor="val_loss"))
                    trainer = pl.Trainer(max_epochs=10, callbacks=callbacks)
                    trainer.fit(model)
                    return trainer.callback_metrics["val_loss"].item()
                """
            )
        },
    ),
    "lightning_appended_by_name": tree(
        "callback_lightning_appended_by_name",
        {
            "run.py": lightning_script(
                """\
                def objective(trial):
                    model = Net(dropout=trial.suggest_float("dropout", 0.0, 0.5))
                    pruning = PyTorchLightningPruningCallback(trial, monitor="val_loss")
                    callbacks = []
                    callbacks.append(pruning)
                    trainer = pl.Trainer(max_epochs=10, callbacks=callbacks)
                    trainer.fit(model)
                    return trainer.callback_metrics["val_loss"].item()
                """
            )
        },
    ),
    "optuna_integration_package": tree(
        "callback_optuna_integration_package",
        {
            "run.py": """\
                import lightning.pytorch as pl
                import optuna
                import optuna_integration

                from model import Net


                def objective(trial):
                    model = Net(dropout=trial.suggest_float("dropout", 0.0, 0.5))
                    pruning = optuna_integration.PyTorchLightningPruningCallback(
                        trial, monitor="val_loss"
                    )
                    trainer = pl.Trainer(max_epochs=10, callbacks=[pruning])
                    trainer.fit(model)
                    return trainer.callback_metrics["val_loss"].item()


                study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                study.optimize(objective, n_trials=20)
                """
        },
    ),
    "xgboost_through_optuna_integration_attribute": tree(
        "callback_xgboost",
        {
            "run.py": """\
                import optuna
                import xgboost as xgb

                from data import dtrain, dvalid


                def objective(trial):
                    params = {"eta": trial.suggest_float("eta", 0.01, 0.3)}
                    pruning = optuna.integration.XGBoostPruningCallback(trial, "validation-logloss")
                    booster = xgb.train(
                        params, dtrain, evals=[(dvalid, "validation")], callbacks=[pruning]
                    )
                    return booster.best_score


                study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                study.optimize(objective, n_trials=20)
                """
        },
    ),
    "ignite_pruning_handler": tree(
        "callback_ignite_handler",
        {
            "run.py": """\
                import optuna
                from ignite.engine import Events
                from optuna.integration import PyTorchIgnitePruningHandler

                from engines import build_engines, train_loader


                def objective(trial):
                    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
                    trainer, evaluator = build_engines(lr)
                    pruning = PyTorchIgnitePruningHandler(trial, "accuracy", trainer)
                    evaluator.add_event_handler(Events.COMPLETED, pruning)
                    trainer.run(train_loader, max_epochs=10)
                    return evaluator.state.metrics["accuracy"]


                study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                study.optimize(objective, n_trials=20)
                """
        },
    ),
    "tensorflow_pruning_hook_trial_by_keyword": tree(
        "callback_tensorflow_hook",
        {
            "run.py": """\
                import optuna
                import tensorflow as tf
                from optuna_integration import TensorFlowPruningHook

                from estimators import build_estimator, eval_spec, train_input_fn


                def objective(trial):
                    estimator = build_estimator(trial.suggest_float("lr", 1e-4, 1e-1, log=True))
                    hook = TensorFlowPruningHook(
                        trial=trial, estimator=estimator, metric="accuracy", run_every_steps=10
                    )
                    train_spec = tf.estimator.TrainSpec(
                        input_fn=train_input_fn, max_steps=1000, hooks=[hook]
                    )
                    metrics, _ = tf.estimator.train_and_evaluate(estimator, train_spec, eval_spec)
                    return metrics["accuracy"]


                study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                study.optimize(objective, n_trials=20)
                """
        },
    ),
    "subclass_in_another_module": tree(
        "callback_subclass_in_another_module",
        {
            "run.py": """\
                import lightning.pytorch as pl
                import optuna

                from callbacks import LoggingPruningCallback
                from model import Net


                def objective(trial):
                    model = Net(dropout=trial.suggest_float("dropout", 0.0, 0.5))
                    trainer = pl.Trainer(
                        max_epochs=10,
                        callbacks=[LoggingPruningCallback(trial, monitor="val_loss")],
                    )
                    trainer.fit(model)
                    return trainer.callback_metrics["val_loss"].item()


                study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                study.optimize(objective, n_trials=20)
                """,
            "callbacks.py": """\
                from optuna.integration import PyTorchLightningPruningCallback


                class LoggingPruningCallback(PyTorchLightningPruningCallback):
                    def on_validation_end(self, trainer, pl_module):
                        print(trainer.callback_metrics)
                        super().on_validation_end(trainer, pl_module)
                """,
        },
    ),
}


@pytest.mark.parametrize("form", PASSED_CALLBACKS)
def test_integration_pruning_callback_created_with_the_trial_and_passed_on_counts(
    project: Path, form: str
) -> None:
    write_tree(project, PASSED_CALLBACKS[form])
    assert lint(".") == []


CALLBACK_NEVER_PASSED = tree(
    "callback_never_passed",
    {
        "run.py": lightning_script(
            """\
            def objective(trial):
                model = Net(dropout=trial.suggest_float("dropout", 0.0, 0.5))
                PyTorchLightningPruningCallback(trial, monitor="val_loss")
                trainer = pl.Trainer(max_epochs=10)
                trainer.fit(model)
                return trainer.callback_metrics["val_loss"].item()
            """
        )
    },
)


def test_integration_pruning_callback_that_is_never_passed_on_does_not_count(
    project: Path,
) -> None:
    write_tree(project, CALLBACK_NEVER_PASSED)
    assert lint(".") == [
        ("run.py", "OPL101", 8, 1, unfed("objective")),
        (
            "run.py",
            "OPL108",
            10,
            5,
            "`PyTorchLightningPruningCallback(...)` is created with the trial but never passed "
            "on to the framework: it never runs, so nothing is reported or pruned",
        ),
    ]


USER_CLASS_NAMED_LIKE_A_CALLBACK = tree(
    "user_class_named_like_a_pruning_callback",
    {
        "run.py": """\
            import optuna

            from callbacks import PrintPruningCallback


            def objective(trial):
                callback = PrintPruningCallback(trial)
                loss = 0.0
                for epoch in range(10):
                    loss = 1.0 / (epoch + 1)
                    callback.on_epoch_end(epoch, loss)
                return loss


            study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
            study.optimize(objective, n_trials=20)
            """,
        "callbacks.py": """\
            class PrintPruningCallback:
                def __init__(self, trial):
                    self.trial = trial

                def on_epoch_end(self, epoch, loss):
                    print(self.trial.number, epoch, loss)
            """,
    },
)


def test_a_tree_class_named_like_a_pruning_callback_is_not_an_integration_callback(
    project: Path,
) -> None:
    write_tree(project, USER_CLASS_NAMED_LIKE_A_CALLBACK)
    assert lint(".") == [("run.py", "OPL101", 6, 1, unfed("objective"))]


# 9. TorchDistributedTrial

DISTRIBUTED_TRIAL = tree(
    "torch_distributed_trial",
    {
        "run.py": """\
            import optuna


            def objective(trial):
                dist = optuna.integration.TorchDistributedTrial(trial)
                lr = dist.suggest_float("lr", 1e-4, 1e-1, log=True)
                loss = 0.0
                for epoch in range(10):
                    loss = lr / (epoch + 1)
                    # report: dist
                return loss


            study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
            study.optimize(objective, n_trials=20)
            """
    },
)


@REPORTS
def test_torch_distributed_trial_is_the_trial(project: Path, reports: bool) -> None:
    write_tree(project, variant(DISTRIBUTED_TRIAL, reports=reports))
    assert lint(".") == expect_unless(reports, ("run.py", "OPL101", 4, 1, unfed("objective")))


DISTRIBUTED_TRIAL_TO_HELPER = tree(
    "torch_distributed_trial_to_helper",
    {
        "run.py": """\
            import optuna
            from optuna_integration import TorchDistributedTrial

            from loop import fit


            def objective(trial):
                dist = TorchDistributedTrial(trial)
                return fit(lambda epoch: 1.0 / (epoch + 1), dist)


            study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
            study.optimize(objective, n_trials=20)
            """,
        "loop.py": LOOP,
    },
)


@REPORTS
def test_torch_distributed_trial_followed_into_a_helper_of_another_module(
    project: Path, reports: bool
) -> None:
    write_tree(project, variant(DISTRIBUTED_TRIAL_TO_HELPER, reports=reports))
    assert lint(".") == expect_unless(reports, ("run.py", "OPL101", 7, 1, unfed("objective")))


# 10. Nested functions using the trial by closure

CLOSURE_CALLED_IN_OBJECTIVE = tree(
    "closure_called_in_objective",
    {
        "run.py": """\
            import optuna


            def objective(trial):
                def on_epoch_end(epoch, loss):
                    trial.set_user_attr("last_epoch", epoch)
                    # report: trial

                loss = 0.0
                for epoch in range(10):
                    loss = 1.0 / (epoch + 1)
                    on_epoch_end(epoch, loss)
                return loss


            study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
            study.optimize(objective, n_trials=20)
            """
    },
)

CLOSURE_HANDED_TO_HELPER = tree(
    "closure_handed_to_helper",
    {
        "run.py": """\
            import optuna

            from loop import fit


            def objective(trial):
                def on_epoch_end(epoch, loss):
                    trial.set_user_attr("last_epoch", epoch)
                    # report: trial

                return fit(lambda epoch: 1.0 / (epoch + 1), 10, on_epoch_end)


            study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
            study.optimize(objective, n_trials=20)
            """,
        "loop.py": """\
            def fit(model, epochs, on_epoch_end):
                loss = 0.0
                for epoch in range(epochs):
                    loss = model(epoch)
                    on_epoch_end(epoch, loss)
                return loss
            """,
    },
)

CLOSURES = {
    "called_in_the_objective": (CLOSURE_CALLED_IN_OBJECTIVE, 4),
    "handed_to_a_helper_of_another_module": (CLOSURE_HANDED_TO_HELPER, 6),
}


@REPORTS
@pytest.mark.parametrize("form", CLOSURES)
def test_nested_function_reporting_by_closure_counts(
    project: Path, form: str, reports: bool
) -> None:
    files, row = CLOSURES[form]
    write_tree(project, variant(files, reports=reports))
    assert lint(".") == expect_unless(reports, ("run.py", "OPL101", row, 1, unfed("objective")))


# 11. Silence where the linter cannot see

UNKNOWN = {
    "helper_from_outside_the_tree": tree(
        "unknown_helper_outside_tree",
        {
            "run.py": """\
                import optuna
                from somelib import fit


                def objective(trial):
                    return fit(lambda epoch: 1.0 / (epoch + 1), trial)


                study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                study.optimize(objective, n_trials=20)
                """
        },
    ),
    "dynamic_call": tree(
        "unknown_dynamic_call",
        {
            "run.py": """\
                import optuna

                import helpers


                def objective(trial):
                    return getattr(helpers, "fit")(lambda epoch: 1.0 / (epoch + 1), trial)


                study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                study.optimize(objective, n_trials=20)
                """,
            # never reports: the silence comes from the dynamic call, not from the helper
            "helpers.py": """\
                def fit(model, trial):
                    return model(trial.suggest_int("epochs", 1, 10))
                """,
        },
    ),
    "trial_stored_in_a_dict": tree(
        "unknown_trial_in_dict",
        {
            "run.py": """\
                import optuna

                from loop import fit


                def objective(trial):
                    config = {"trial": trial, "epochs": 10}
                    return fit(lambda epoch: 1.0 / (epoch + 1), config)


                study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                study.optimize(objective, n_trials=20)
                """,
            "loop.py": """\
                def fit(model, config):
                    loss = 0.0
                    for epoch in range(config["epochs"]):
                        loss = model(epoch)
                    return loss
                """,
        },
    ),
    "pruner_from_a_factory": tree(
        "unknown_pruner_from_factory",
        {
            "run.py": """\
                import optuna

                from objectives import objective
                from settings import make_pruner

                study = optuna.create_study(pruner=make_pruner())
                study.optimize(objective, n_trials=20)
                """,
            "settings.py": """\
                import optuna


                def make_pruner():
                    return optuna.pruners.MedianPruner()
                """,
            "objectives.py": OBJECTIVES,
        },
    ),
    "pruner_from_a_config_lookup": tree(
        "unknown_pruner_from_config",
        {
            "run.py": """\
                import optuna

                from objectives import objective
                from settings import PRUNERS

                study = optuna.create_study(pruner=PRUNERS["median"])
                study.optimize(objective, n_trials=20)
                """,
            "settings.py": """\
                import optuna

                PRUNERS = {"median": optuna.pruners.MedianPruner(), "none": None}
                """,
            "objectives.py": OBJECTIVES,
        },
    ),
}


@pytest.mark.parametrize("form", UNKNOWN)
def test_silent_when_the_trial_or_the_pruner_is_out_of_sight(project: Path, form: str) -> None:
    # Every tree here holds an objective that, as far as the linter could tell, never reports.
    write_tree(project, variant(UNKNOWN[form], reports=False))
    assert lint(".") == []


def helper_chain(name: str, length: int) -> Tree:
    """`objective` calls `step1(trial)` of chain.py, which calls `step2(trial)`, and so on;
    `step{length}` runs the training loop."""
    steps = [f"def step{n}(trial):\n    return step{n + 1}(trial)\n\n\n" for n in range(1, length)]
    last = (
        f"def step{length}(trial):\n"
        "    loss = 0.0\n"
        "    for epoch in range(10):\n"
        "        loss = 1.0 / (epoch + 1)\n"
        "        # report: trial\n"
        "    return loss\n"
    )
    return tree(
        name,
        {
            "run.py": """\
                import optuna

                from chain import step1


                def objective(trial):
                    return step1(trial)


                study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                study.optimize(objective, n_trials=20)
                """,
            "chain.py": "import optuna\n\n\n" + "".join(steps) + last,
        },
    )


CHAIN_OF_8 = helper_chain("helper_chain_8_calls", 8)
CHAIN_OF_9 = helper_chain("helper_chain_9_calls", 9)


@REPORTS
def test_chain_of_8_helper_calls_is_followed(project: Path, reports: bool) -> None:
    write_tree(project, variant(CHAIN_OF_8, reports=reports))
    assert lint(".") == expect_unless(reports, ("run.py", "OPL101", 6, 1, unfed("objective")))


def test_chain_deeper_than_8_helper_calls_is_unknown(project: Path) -> None:
    write_tree(project, variant(CHAIN_OF_9, reports=False))
    assert lint(".") == []


# 12. Studies

STUDIES = {
    "create_study": (
        """\
        import optuna

        from objectives import objective

        study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
        study.optimize(objective, n_trials=20)
        """,
        "MedianPruner",
    ),
    "load_study": (
        """\
        import optuna

        from objectives import objective

        study = optuna.load_study(
            study_name="search", storage="sqlite:///search.db", pruner=optuna.pruners.MedianPruner()
        )
        study.optimize(objective, n_trials=20)
        """,
        "MedianPruner",
    ),
    "import_alias": (
        """\
        import optuna as opt

        from objectives import objective

        study = opt.create_study(pruner=opt.pruners.HyperbandPruner())
        study.optimize(objective, n_trials=20)
        """,
        "HyperbandPruner",
    ),
    "from_optuna_import": (
        """\
        from optuna import create_study
        from optuna.pruners import MedianPruner

        from objectives import objective

        study = create_study(pruner=MedianPruner())
        study.optimize(objective, n_trials=20)
        """,
        "MedianPruner",
    ),
    "optimize_on_create_study": (
        """\
        import optuna

        from objectives import objective

        optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective, n_trials=20)
        """,
        "MedianPruner",
    ),
    "pruner_in_a_variable": (
        """\
        import optuna

        from objectives import objective

        pruner = optuna.pruners.HyperbandPruner()
        study = optuna.create_study(pruner=pruner)
        study.optimize(objective, n_trials=20)
        """,
        "HyperbandPruner",
    ),
    "patient_pruner": (
        """\
        import optuna

        from objectives import objective

        pruner = optuna.pruners.PatientPruner(optuna.pruners.MedianPruner(), patience=3)
        study = optuna.create_study(pruner=pruner)
        study.optimize(objective, n_trials=20)
        """,
        "PatientPruner(MedianPruner)",
    ),
    "in_a_main_function": (
        """\
        import optuna

        from objectives import objective


        def main():
            study = optuna.create_study(
                study_name="search", pruner=optuna.pruners.MedianPruner(), direction="minimize"
            )
            study.optimize(objective, n_trials=20)


        if __name__ == "__main__":
            main()
        """,
        "MedianPruner",
    ),
}
STUDY_TREES = {
    form: tree(f"study_{form}", {"run.py": run, "objectives.py": OBJECTIVES})
    for form, (run, _) in STUDIES.items()
}


@REPORTS
@pytest.mark.parametrize("form", STUDIES)
def test_study_forms_running_an_imported_objective(project: Path, form: str, reports: bool) -> None:
    write_tree(project, variant(STUDY_TREES[form], reports=reports))
    pruner = STUDIES[form][1]
    assert lint(".") == expect_unless(
        reports, ("objectives.py", "OPL101", 4, 1, unfed("objective", pruner=pruner))
    )


NOP_STUDIES = {
    "nop_pruner": tree(
        "study_nop_pruner",
        {
            "run.py": """\
                import optuna

                from objectives import objective

                study = optuna.create_study(pruner=optuna.pruners.NopPruner())
                study.optimize(objective, n_trials=20)
                """,
            "objectives.py": OBJECTIVES,
        },
    ),
    "patient_nop_pruner": tree(
        "study_patient_nop_pruner",
        {
            "run.py": """\
                import optuna

                from objectives import objective

                pruner = optuna.pruners.PatientPruner(optuna.pruners.NopPruner(), patience=1)
                study = optuna.create_study(pruner=pruner)
                study.optimize(objective, n_trials=20)
                """,
            "objectives.py": OBJECTIVES,
        },
    ),
}


@pytest.mark.parametrize("form", NOP_STUDIES)
def test_a_study_that_never_prunes_is_not_flagged(project: Path, form: str) -> None:
    write_tree(project, variant(NOP_STUDIES[form], reports=False))
    assert lint(".") == []


STUDY_ON_SELF = tree(
    "study_on_self",
    {
        "search.py": """\
            import optuna


            class Search:
                def __init__(self, epochs):
                    self.epochs = epochs
                    self.study = optuna.create_study(pruner=optuna.pruners.MedianPruner())

                def objective(self, trial):
                    loss = 0.0
                    for epoch in range(self.epochs):
                        loss = 1.0 / (epoch + 1)
                        # report: trial
                    return loss

                def run(self):
                    self.study.optimize(self.objective, n_trials=20)
            """
    },
)


@REPORTS
def test_study_held_on_self_runs_a_method_objective(project: Path, reports: bool) -> None:
    write_tree(project, variant(STUDY_ON_SELF, reports=reports))
    assert lint(".") == expect_unless(
        reports, ("search.py", "OPL101", 9, 5, unfed("Search.objective"))
    )


# 13. User pruners

PLATEAU_PRUNER = """\
    from optuna.pruners import BasePruner


    class PlateauPruner(BasePruner):
        def prune(self, study, trial):
            values = trial.intermediate_values
            return len(values) > 3 and min(values.values()) == values[max(values)]
    """

USER_PRUNERS = {
    "same_module": tree(
        "user_pruner_same_module",
        {
            "run.py": """\
                import optuna

                from objectives import objective


                class PlateauPruner(optuna.pruners.BasePruner):
                    def prune(self, study, trial):
                        return False


                study = optuna.create_study(pruner=PlateauPruner())
                study.optimize(objective, n_trials=20)
                """,
            "objectives.py": OBJECTIVES,
        },
    ),
    "other_module": tree(
        "user_pruner_other_module",
        {
            "run.py": """\
                import optuna

                from objectives import objective
                from pruners import PlateauPruner

                study = optuna.create_study(pruner=PlateauPruner())
                study.optimize(objective, n_trials=20)
                """,
            "pruners.py": PLATEAU_PRUNER,
            "objectives.py": OBJECTIVES,
        },
    ),
}


@REPORTS
@pytest.mark.parametrize("where", USER_PRUNERS)
def test_user_pruner_deriving_from_base_pruner(project: Path, where: str, reports: bool) -> None:
    write_tree(project, variant(USER_PRUNERS[where], reports=reports))
    assert lint(".") == expect_unless(
        reports, ("objectives.py", "OPL101", 4, 1, unfed("objective", pruner="PlateauPruner"))
    )


NOT_PRUNERS = {
    "no_base_class": tree(
        "user_class_not_a_pruner",
        {
            "run.py": """\
                import optuna

                from objectives import objective
                from pruners import PlateauPruner

                study = optuna.create_study(pruner=PlateauPruner())
                study.optimize(objective, n_trials=20)
                """,
            "pruners.py": """\
                class PlateauPruner:
                    def prune(self, study, trial):
                        return False
                """,
            "objectives.py": OBJECTIVES,
        },
    ),
    "base_class_out_of_sight": tree(
        "user_pruner_unresolved_base",
        {
            "run.py": """\
                import optuna

                from objectives import objective
                from pruners import PlateauPruner

                study = optuna.create_study(pruner=PlateauPruner())
                study.optimize(objective, n_trials=20)
                """,
            "pruners.py": """\
                from somelib import Base


                class PlateauPruner(Base):
                    def prune(self, study, trial):
                        return False
                """,
            "objectives.py": OBJECTIVES,
        },
    ),
    "class_from_outside_the_tree": tree(
        "user_pruner_outside_tree",
        {
            "run.py": """\
                import optuna
                from somelib import PlateauPruner

                from objectives import objective

                study = optuna.create_study(pruner=PlateauPruner())
                study.optimize(objective, n_trials=20)
                """,
            "objectives.py": OBJECTIVES,
        },
    ),
}


@pytest.mark.parametrize("form", NOT_PRUNERS)
def test_pruner_class_not_known_to_derive_from_an_optuna_pruner_is_unknown(
    project: Path, form: str
) -> None:
    write_tree(project, variant(NOT_PRUNERS[form], reports=False))
    assert lint(".") == []


# OPL201 in a helper of another module

ATTR_AFTER_CHECK_IN_HELPER = tree(
    "user_attr_after_check_in_helper",
    {
        "run.py": """\
            import optuna

            from loop import fit


            def objective(trial):
                return fit(lambda epoch: 1.0 / (epoch + 1), trial)


            study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
            study.optimize(objective, n_trials=20)
            """,
        "loop.py": """\
            import optuna


            def fit(model, trial, epochs=10):
                loss = 0.0
                for epoch in range(epochs):
                    loss = model(epoch)
                    trial.report(loss, epoch)
                    if trial.should_prune():
                        raise optuna.TrialPruned()
                    trial.set_user_attr('loss', loss)
                return loss
            """,
    },
)

ATTR_BEFORE_CHECK_IN_HELPER = tree(
    "user_attr_before_check_in_helper",
    {
        "run.py": ATTR_AFTER_CHECK_IN_HELPER["run.py"],
        "loop.py": """\
            import optuna


            def fit(model, trial, epochs=10):
                loss = 0.0
                for epoch in range(epochs):
                    loss = model(epoch)
                    trial.set_user_attr('loss', loss)
                    trial.report(loss, epoch)
                    if trial.should_prune():
                        raise optuna.TrialPruned()
                return loss
            """,
    },
)


def test_user_attr_after_the_prune_check_in_a_helper_of_another_module(project: Path) -> None:
    write_tree(project, ATTR_AFTER_CHECK_IN_HELPER)
    in_helper = (
        "loop.py",
        "OPL201",
        11,
        9,
        "`trial.set_user_attr('loss', ...)` runs after the prune check on line 9: a pruned "
        "trial raises there and never stores `loss`",
    )
    assert lint(".") == [in_helper]
    # the helper holds the trial because run.py hands it over, even when loop.py is named alone
    assert lint("loop.py") == [in_helper]


def test_user_attr_before_the_prune_check_in_a_helper_of_another_module(project: Path) -> None:
    write_tree(project, ATTR_BEFORE_CHECK_IN_HELPER)
    assert lint(".") == []


# Project scope

SCOPE = tree(
    "scope_with_pyproject",
    {
        "pyproject.toml": '[project]\nname = "search"\nversion = "0.1"\n',
        "run.py": IMPORTED_OBJECTIVES["from_import"]["run.py"],
        "objectives.py": OBJECTIVES,
    },
)


def test_linting_one_file_analyses_its_whole_project(project: Path) -> None:
    write_tree(project, variant(SCOPE, reports=False))
    in_objectives = ("objectives.py", "OPL101", 4, 1, unfed("objective"))
    assert lint("objectives.py") == [in_objectives]
    assert lint("run.py") == []  # the finding is in objectives.py, which was not named
    assert lint(".") == [in_objectives]


def test_a_file_named_through_a_parent_folder_finds_its_project(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(project / "search", variant(SCOPE, reports=False))
    (project / "search" / "pyproject.toml").write_text('[project]\nname = "search"\n')
    (project / "elsewhere").mkdir()
    monkeypatch.chdir(project / "elsewhere")
    assert lint("../search/objectives.py") == [
        ("../search/objectives.py", "OPL101", 4, 1, unfed("objective"))
    ]


PACKAGE_SCOPE = tree(
    "scope_package_below_the_root",
    {
        "run.py": """\
            import optuna

            from pkg.objectives import objective

            study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
            study.optimize(objective, n_trials=20)
            """,
        "pkg/__init__.py": "",
        "pkg/objectives.py": OBJECTIVES,
    },
)


@pytest.mark.parametrize("marker", ["pyproject.toml", ".git"])
def test_project_root_is_the_nearest_folder_with_a_marker(project: Path, marker: str) -> None:
    write_tree(project, variant(PACKAGE_SCOPE, reports=False))
    if marker == ".git":
        (project / ".git").mkdir()
    else:
        (project / marker).write_text('[project]\nname = "search"\nversion = "0.1"\n')
    in_package = ("pkg/objectives.py", "OPL101", 4, 1, unfed("objective"))
    assert lint("pkg/objectives.py") == [in_package]
    assert lint("pkg") == [in_package]
    assert lint(".") == [in_package]


def test_without_a_marker_the_project_is_the_named_folder_or_the_file_folder(
    project: Path,
) -> None:
    write_tree(project, variant(PACKAGE_SCOPE, reports=False))
    # pkg/ alone holds no study: run.py, which runs the objective, is not part of it
    assert lint("pkg/objectives.py") == []
    assert lint("pkg") == []
    assert lint(".") == [("pkg/objectives.py", "OPL101", 4, 1, unfed("objective"))]


# A file's findings do not depend on what else is named

EQUIVALENCE_CASES = [
    pytest.param(name, reports, id=f"{name}-{'reports' if reports else 'never_reports'}")
    for name, files in TREES.items()
    for reports in ([False, True] if has_variants(files) else [False])
]


@pytest.mark.parametrize(("name", "reports"), EQUIVALENCE_CASES)
def test_a_file_linted_alone_has_the_findings_it_has_in_its_project(
    project: Path, name: str, reports: bool
) -> None:
    files = variant(TREES[name], reports=reports)
    if "pyproject.toml" not in files:
        files = {**files, "pyproject.toml": '[project]\nname = "tree"\nversion = "0.1"\n'}
    write_tree(project, files)
    whole = lint(".")
    modules = sorted(path for path in files if path.endswith(".py"))
    assert {found[0] for found in whole} <= set(modules)
    for module in modules:
        assert lint(module) == [found for found in whole if found[0] == module], module


def every_finding(paths: list[str], analyse_everything: bool) -> list[Found]:
    """Every rule's findings, with or without the text test that skips unrelated files."""
    linter = Linter(Settings(), analyse_everything=analyse_everything)
    files = linter.load_paths([Path(p) for p in paths], Path.cwd())
    linter.lint(files)
    found = [finding for linted in files for finding in linted.findings]
    return [
        (f.filename, f.code, f.location.row, f.location.column, f.message)
        for f in sorted(found, key=Finding.sort_key)
    ]


@pytest.mark.parametrize(("name", "reports"), EQUIVALENCE_CASES)
def test_skipping_files_without_optuna_words_loses_no_finding(
    project: Path, name: str, reports: bool
) -> None:
    # With every file named and with each named alone: the files the text test leaves out
    # are analysed when the model reaches them, so nothing depends on the test.
    files = variant(TREES[name], reports=reports)
    write_tree(project, {**files, "pyproject.toml": '[project]\nname = "tree"\n'})
    whole = every_finding(["."], analyse_everything=True)
    assert every_finding(["."], analyse_everything=False) == whole
    for module in sorted(path for path in files if path.endswith(".py")):
        alone = [found for found in whole if found[0] == module]
        assert every_finding([module], analyse_everything=False) == alone, module


def test_a_named_module_without_optuna_words_is_analysed_when_the_trial_reaches_it(
    project: Path,
) -> None:
    write_tree(
        project,
        {
            "pyproject.toml": '[project]\nname = "tree"\n',
            # Neither loops.py nor goal.py has a word of the text test: the trial is `t` there.
            "loops.py": """\
                import logging

                from checks import step


                def fit(t, epochs):
                    try:
                        for epoch in range(epochs):
                            step(t, 1.0 / (epoch + 1), epoch)
                    except Exception:
                        logging.exception("epoch failed")
                    return 0.0
                """,
            "checks.py": """\
                import optuna


                def step(trial, loss, epoch):
                    trial.report(loss, epoch)
                    if trial.should_prune():
                        raise optuna.TrialPruned()
                """,
            "goal.py": """\
                from loops import fit


                def goal(t):
                    return fit(t, 10)
                """,
            "unrelated.py": "def add(a, b):\n    return a +\n",
            "run.py": """\
                import optuna
                from goal import goal

                optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(goal)
                """,
        },
    )
    found = every_finding(["loops.py", "goal.py", "unrelated.py"], analyse_everything=False)
    assert [(path, code, row) for path, code, row, _, _ in found] == [("loops.py", "OPL107", 10)]
    # The broken module is never parsed: nothing in it can matter to an Optuna rule.
    assert every_finding(["unrelated.py"], analyse_everything=True)[0][1] == "OPL001"
    assert every_finding(["unrelated.py"], analyse_everything=False) == []


def test_an_objective_without_optuna_words_is_analysed_when_a_study_runs_it(
    project: Path,
) -> None:
    write_tree(
        project,
        {
            "pyproject.toml": '[project]\nname = "tree"\n',
            "goal.py": "def goal(t):\n    return t.suggest_float('x', 0, 1)\n",
            "run.py": """\
                import optuna
                from goal import goal

                optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(goal)
                """,
        },
    )
    expected = [("goal.py", "OPL101", 1, 1, unfed("goal", trial="t"))]
    assert every_finding(["goal.py"], analyse_everything=False) == expected
    assert every_finding(["."], analyse_everything=False) == expected


def test_a_project_nested_in_a_repository_is_also_a_module_of_it(project: Path) -> None:
    # A library with its own pyproject.toml inside a repository whose scripts import it.
    write_tree(
        project,
        {
            "libs/core/pyproject.toml": '[project]\nname = "core"\n',
            "libs/core/src/core/__init__.py": "",
            "libs/core/src/core/train.py": """\
                def fit(trial):
                    return 0.0
                """,
            "scripts/tune.py": """\
                import optuna
                from core.train import fit


                def objective(trial):
                    return fit(trial)


                optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
                """,
        },
    )
    (project / ".git").mkdir()
    found = [("scripts/tune.py", "OPL101", 5, 1, unfed("objective"))]
    assert lint(".") == found
    assert lint("scripts/tune.py") == found


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_in_the_project_is_never_read(project: Path) -> None:
    write_tree(project, variant(SCOPE, reports=False))
    os.mkfifo(project / "pipe.py")
    assert lint("objectives.py") == [("objectives.py", "OPL101", 4, 1, unfed("objective"))]
    assert ("pipe.py", "OPL002", 1, 1, "File not linted: it is not a regular file") in lint(".")


def test_standard_input_without_optuna_words_is_analysed_for_the_file_it_stands_for(
    project: Path,
) -> None:
    # The text on disk reports through a helper; the text piped in (an editor's unsaved
    # buffer) does not. The piped text is the one linted, in the file's place.
    write_tree(
        project,
        {
            "pyproject.toml": '[project]\nname = "tree"\n',
            "goal.py": "from loops import fit\n\n\ndef goal(t):\n    return fit(t)\n",
            "run.py": """\
                import optuna
                from goal import goal

                optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(goal)
                """,
        },
    )
    linter = Linter(Settings())
    piped = b"def goal(t):\n    return t.suggest_float('x', 0, 1)\n"
    linted = linter.load_stdin(piped, Path("goal.py"), Path.cwd())
    linter.lint([linted])
    assert [(f.code, f.location.row) for f in linted.findings] == [("OPL101", 1)]
