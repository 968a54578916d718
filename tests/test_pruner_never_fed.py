"""OPL101: a study's pruner that its objective never feeds."""

from __future__ import annotations

import textwrap

import pytest
from conftest import assert_fix, codes_and_rows, lint

UNFED = textwrap.dedent(
    """\
    import optuna

    def objective(trial):
        for epoch in range(10):
            loss = 1.0 / (epoch + 1)
        return loss

    study = optuna.create_study(pruner={pruner})
    study.optimize(objective)
    """
)


def test_message_names_objective_pruner_and_trial() -> None:
    assert lint(UNFED.format(pruner="optuna.pruners.MedianPruner()")) == [
        (
            "OPL101",
            3,
            1,
            "Objective `objective` never reports to its study's MedianPruner: without "
            "`trial.report(...)` and a prune check, no trial is ever pruned",
        )
    ]


@pytest.mark.parametrize(
    "pruner",
    [
        "optuna.pruners.HyperbandPruner()",
        "optuna.pruners.PatientPruner(None, patience=2)",
        "optuna.pruners.PatientPruner(optuna.pruners.MedianPruner(), patience=2)",
        "optuna.pruners.ThresholdPruner(upper=1.0)",
        "optuna.pruners.WilcoxonPruner()",
    ],
)
def test_fires_for_every_pruner_that_can_prune(pruner: str) -> None:
    assert codes_and_rows(UNFED.format(pruner=pruner)) == [("OPL101", 3)]


@pytest.mark.parametrize(
    "pruner",
    [
        "optuna.pruners.NopPruner()",
        "optuna.pruners.PatientPruner(optuna.pruners.NopPruner(), patience=2)",
        "None",
        "make_pruner()",
        "config['pruner']",
        "optuna.pruners.NotAPruner()",
    ],
)
def test_silent_without_a_known_pruner_that_can_prune(pruner: str) -> None:
    # A misspelt pruner class is OPL304's finding.
    assert lint(UNFED.format(pruner=pruner), select=("OPL101",)) == []


def test_default_pruner_counts_only_when_assumed() -> None:
    code = UNFED.replace("pruner={pruner}", "")
    assert lint(code) == []
    assert codes_and_rows(code, assume_default_pruner=True) == [("OPL101", 3)]


def test_silent_for_several_directions() -> None:
    code = UNFED.format(pruner="optuna.pruners.MedianPruner(), directions=['minimize', 'maximize']")
    # The pruner given to a multi-objective study is OPL301's finding.
    assert lint(code, select=("OPL101",)) == []


def test_one_direction_in_a_list_is_single_objective() -> None:
    code = UNFED.format(pruner="optuna.pruners.MedianPruner(), directions=['minimize']")
    assert codes_and_rows(code) == [("OPL101", 3)]


def test_pruner_through_variable_and_import_aliases() -> None:
    code = """\
        from optuna import create_study
        from optuna.pruners import MedianPruner as MP

        def objective(t):
            return t.suggest_float("x", 0, 1)

        def main():
            pruner = MP()
            study = create_study(pruner=pruner)
            study.optimize(objective)
        """
    assert codes_and_rows(code) == [("OPL101", 4)]


def test_variable_with_unknown_binding_is_silent() -> None:
    code = """\
        import optuna

        def objective(trial):
            return 1.0

        pruner = optuna.pruners.MedianPruner()
        if fast:
            pruner = build()
        optuna.create_study(pruner=pruner).optimize(objective)
        """
    assert lint(code) == []


def test_a_name_that_is_not_optuna_is_not_a_study() -> None:
    code = """\
        from mylib import create_study
        import optuna

        def objective(trial):
            return 1.0

        create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
        """
    assert lint(code) == []


def test_reporting_through_a_helper_of_the_same_module_is_silent() -> None:
    code = """\
        import optuna

        def fit(model, trial, epochs=3):
            for epoch in range(epochs):
                trial.report(model(epoch), epoch)
                if trial.should_prune():
                    raise optuna.TrialPruned()

        def objective(trial):
            fit(lambda e: e, trial=trial)
            return 0.0

        optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
        """
    assert lint(code) == []


def test_helper_that_does_not_report_does_not_help() -> None:
    code = """\
        import optuna

        def build(trial):
            return trial.suggest_int("n", 1, 3)

        def objective(trial):
            return build(trial)

        optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
        """
    assert codes_and_rows(code) == [("OPL101", 6)]


@pytest.mark.parametrize(
    "use",
    [
        "external.train(trial)",  # a function the linter cannot see
        "callbacks.append(trial)",  # the trial stored
        'state["trial"] = trial',  # the trial stored where the analysis cannot follow it
        "run(*[trial])",  # a call it cannot map to a parameter
    ],
)
def test_trial_handed_to_something_unknown_is_silent(use: str) -> None:
    code = f"""\
        import optuna
        import external

        def run(*args):
            pass

        def objective(trial):
            {use}
            return 0.0

        optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
        """
    assert lint(code) == []


def test_method_objective_and_closure() -> None:
    code = """\
        import optuna

        class Search:
            def objective(self, trial):
                return self.fit(trial)

            def fit(self, trial):
                def step(value, epoch):
                    trial.report(value, epoch)
                for epoch in range(3):
                    step(1.0, epoch)
                return 1.0

            def lazy(self, trial):
                return 1.0

            def run(self):
                study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                study.optimize(self.objective)
                study.optimize(self.lazy)
        """
    assert codes_and_rows(code) == [("OPL101", 14)]


def test_lambda_objective() -> None:
    code = """\
        import optuna

        def objective(trial, data):
            return data

        study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
        study.optimize(lambda t: objective(t, 3))
        """
    assert codes_and_rows(code) == [("OPL101", 7)]


def test_one_finding_per_objective_for_several_studies() -> None:
    code = """\
        import optuna

        def objective(trial):
            return 1.0

        for pruner in range(2):
            pass
        optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
        optuna.create_study(pruner=optuna.pruners.HyperbandPruner()).optimize(objective)
        """
    assert codes_and_rows(code) == [("OPL101", 3)]


def test_fix_reports_the_returned_value_at_the_loop_index() -> None:
    assert_fix(
        """\
        import optuna
        import torch

        def objective(trial):
            model = torch.nn.Linear(2, 1)
            for epoch in range(10):
                with torch.no_grad():
                    loss = torch.nn.functional.mse_loss(model(x), y)
            return loss

        optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
        """,
        """\
        import optuna
        import torch

        def objective(trial):
            model = torch.nn.Linear(2, 1)
            for epoch in range(10):
                with torch.no_grad():
                    loss = torch.nn.functional.mse_loss(model(x), y)
                trial.report(float(loss), epoch)
                if trial.should_prune():
                    raise optuna.TrialPruned()
            return loss

        optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
        """,
        unsafe=True,
    )


def test_fix_uses_the_trial_pruned_name_already_imported() -> None:
    assert_fix(
        """\
        from optuna import TrialPruned, create_study
        from optuna.pruners import MedianPruner

        def objective(t):
            for i, batch in enumerate(batches):
                err = step(batch)
            return err

        create_study(pruner=MedianPruner()).optimize(objective)
        """,
        """\
        from optuna import TrialPruned, create_study
        from optuna.pruners import MedianPruner

        def objective(t):
            for i, batch in enumerate(batches):
                err = step(batch)
                t.report(err, i)
                if t.should_prune():
                    raise TrialPruned()
            return err

        create_study(pruner=MedianPruner()).optimize(objective)
        """,
        unsafe=True,
    )


def test_fix_adds_import_optuna_when_nothing_suitable_is_bound() -> None:
    assert_fix(
        """\
        \"\"\"Tuning.\"\"\"
        from optuna import create_study
        from optuna.pruners import MedianPruner

        def objective(trial):
        \tfor epoch in range(3):
        \t\tloss = 1.0 / (epoch + 1)
        \treturn loss

        create_study(pruner=MedianPruner()).optimize(objective)
        """,
        """\
        \"\"\"Tuning.\"\"\"
        from optuna import create_study
        from optuna.pruners import MedianPruner
        import optuna

        def objective(trial):
        \tfor epoch in range(3):
        \t\tloss = 1.0 / (epoch + 1)
        \t\ttrial.report(loss, epoch)
        \t\tif trial.should_prune():
        \t\t\traise optuna.TrialPruned()
        \treturn loss

        create_study(pruner=MedianPruner()).optimize(objective)
        """,
        unsafe=True,
    )


@pytest.mark.parametrize(
    "body",
    [
        "    while loss > 1:\n        loss = loss / 2\n",  # a while loop has no index
        "    for epoch in range(3):\n        if epoch:\n            loss = 1.0\n",  # not every path
        "    for a, b in pairs:\n        loss = a\n",  # no plain index
    ],
)
def test_no_fix_without_loop_value_and_index(body: str) -> None:
    code = (
        "import optuna\n\ndef objective(trial):\n    loss = 2.0\n"
        + body
        + "    return loss\n\noptuna.create_study(pruner=optuna.pruners.MedianPruner())"
        ".optimize(objective)\n"
    )
    from optuna_lint import lint_source

    (finding,) = lint_source(code)
    assert finding.code == "OPL101"
    assert finding.fix is None


def test_no_fix_is_applied_without_unsafe_fixes() -> None:
    from optuna_lint import fix_source

    code = UNFED.format(pruner="optuna.pruners.MedianPruner()")
    result = fix_source(code)
    assert result.text == code
    assert [f.code for f in result.remaining] == ["OPL101"]


def test_parameter_named_optuna_is_not_the_package() -> None:
    from optuna_lint import lint_source

    code = (
        "def objective(trial):\n    return 1.0\n\n\ndef main(optuna):\n"
        "    optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)\n"
    )
    assert lint_source(code) == []


def test_import_inside_a_function_resolves_but_the_fix_imports_at_module_level() -> None:
    assert_fix(
        '''\
        """Search."""


        def objective(trial):
            for step in range(2):
                loss = step
            return loss


        def main():
            import optuna

            optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
        ''',
        '''\
        """Search."""
        import optuna


        def objective(trial):
            for step in range(2):
                loss = step
                trial.report(loss, step)
                if trial.should_prune():
                    raise optuna.TrialPruned()
            return loss


        def main():
            import optuna

            optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
        ''',
        unsafe=True,
    )


def test_method_objective_calling_methods_a_subclass_may_override_is_silent() -> None:
    # `self` may be a `CNNSearch`, whose `train` reports; the linter cannot tell which class
    # `run` is called on.
    code = """\
        import optuna

        class Search:
            def train(self, trial):
                raise NotImplementedError

            def objective(self, trial):
                return self.train(trial)

            def run(self):
                study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
                study.optimize(self.objective, n_trials=10)

        class CNNSearch(Search):
            def train(self, trial):
                for epoch in range(10):
                    trial.report(1.0 / (epoch + 1), epoch)
                    if trial.should_prune():
                        raise optuna.TrialPruned()
                return 0.0
        """
    assert lint(code) == []
    kept_on_self = code.replace(
        "return self.train(trial)", "self.trial = trial\n                return self.train(trial)"
    )
    assert lint(kept_on_self) == []


def test_instance_objective_calling_its_own_methods_is_followed() -> None:
    # Built here, the instance is exactly an `Objective`: its `train` is the one that runs.
    code = """\
        import optuna

        class Objective:
            def train(self, trial):
                return 0.0

            def __call__(self, trial):
                return self.train(trial)

        study = optuna.create_study(pruner=optuna.pruners.MedianPruner())
        study.optimize(Objective(), n_trials=10)
        """
    assert codes_and_rows(code) == [("OPL101", 7)]


NESTED = """\
    import optuna

    def objective(trial):
        {decorator}def report(epoch, loss):
            trial.report(loss, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()

        loss = 1.0
        for epoch in range(10):
            loss = loss / 2
            {use}
        return loss

    optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
    """


@pytest.mark.parametrize(
    ("decorator", "use", "flagged"),
    [
        ("", "report(epoch, loss)", False),  # called
        ("", "train(callback=report)", False),  # handed on as a callback
        ("@engine.on('epoch_completed')\n        ", "pass", False),  # registered by a decorator
        ("", "pass", True),  # defined and never used: it never runs
    ],
)
def test_a_nested_function_counts_where_it_can_run(decorator: str, use: str, flagged: bool) -> None:
    code = NESTED.format(decorator=decorator, use=use)
    assert codes_and_rows(code) == ([("OPL101", 3)] if flagged else [])


@pytest.mark.parametrize(
    ("use", "flagged"),
    [
        ("trainer.fit(model, callbacks=[callback])", False),
        ("trainer.fit(model)", True),  # bound to a name nothing reads: never passed on
    ],
)
def test_an_integration_callback_bound_to_a_name_counts_when_the_name_is_used(
    use: str, flagged: bool
) -> None:
    code = f"""\
        import optuna
        from optuna_integration import PyTorchLightningPruningCallback

        def objective(trial):
            callback = PyTorchLightningPruningCallback(trial, monitor="val_loss")
            {use}
            return 0.0

        optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
        """
    # A callback never passed on is also OPL108's finding.
    assert codes_and_rows(code, select=("OPL101",)) == ([("OPL101", 4)] if flagged else [])
