"""OPL401 to OPL405: pruner settings that never prune, prune the wrong trials, or crash."""

from __future__ import annotations

import textwrap

import pytest
from conftest import lint

STUDY = textwrap.dedent(
    """\
    import optuna

    EPOCHS = 5

    def objective(trial):
        loss = 1.0
        for epoch in range({loop}):
            loss = loss / 2
            trial.report(loss, {step})
            if trial.should_prune():
                raise optuna.TrialPruned()
        return loss

    study = optuna.create_study({study}pruner={pruner})
    study.optimize(objective, n_trials={n_trials})
    """
)


def findings(
    pruner: str, *, loop: str = "EPOCHS", step: str = "epoch", study: str = "", n_trials: str = "20"
) -> list[tuple[str, int, int, str]]:
    code = STUDY.format(loop=loop, step=step, study=study, pruner=pruner, n_trials=n_trials)
    return lint(code)


def codes(pruner: str, **parts: str) -> list[str]:
    return [found[0] for found in findings(pruner, **parts)]


# OPL401 warmup-outlasts-training


def test_a_warmup_longer_than_the_training_loop() -> None:
    assert findings("optuna.pruners.MedianPruner(n_warmup_steps=5)") == [
        (
            "OPL401",
            14,
            64,
            "`n_warmup_steps=5`, but the objective reports steps up to 4 only: the "
            "MedianPruner can first prune at step 5, so it never prunes",
        )
    ]


def test_a_warmup_of_the_pruner_inside_a_patient_pruner_from_constants() -> None:
    pruner = (
        "optuna.pruners.PatientPruner(optuna.pruners.ThresholdPruner(upper=1.0, "
        "n_warmup_steps=EPOCHS * 2), patience=2)"
    )
    assert findings(pruner) == [
        (
            "OPL401",
            14,
            107,
            "`n_warmup_steps=10`, but the objective reports steps up to 4 only: the "
            "ThresholdPruner can first prune at step 10, so it never prunes",
        )
    ]


def test_a_range_with_a_start_and_a_stride() -> None:
    assert findings("optuna.pruners.PercentilePruner(25.0, n_warmup_steps=20)", loop="2, 20, 3")[0][
        3
    ] == (
        "`n_warmup_steps=20`, but the objective reports steps up to 17 only: the "
        "PercentilePruner can first prune at step 20, so it never prunes"
    )


@pytest.mark.parametrize(
    ("pruner", "parts"),
    [
        ("optuna.pruners.MedianPruner(n_warmup_steps=4)", {}),  # step 4 can be pruned
        ("optuna.pruners.MedianPruner(n_warmup_steps=5)", {"step": "epoch + 1"}),
        ("optuna.pruners.MedianPruner(n_warmup_steps=5)", {"loop": "trial.number"}),
        ("optuna.pruners.MedianPruner(n_warmup_steps=5)", {"loop": "len(data)"}),
        ("optuna.pruners.MedianPruner(n_warmup_steps=warmup)", {}),
        ("optuna.pruners.MedianPruner(n_warmup_steps=5)", {"loop": "0"}),  # reports nothing
        ("optuna.pruners.HyperbandPruner(min_resource=5)", {}),
        ("make_pruner(n_warmup_steps=5)", {}),
    ],
)
def test_warmup_silent_cases(pruner: str, parts: dict[str, str]) -> None:
    assert "OPL401" not in codes(pruner, **parts)


WARMUP_SILENT = {
    "an imported bound": """\
        import optuna
        from settings import EPOCHS

        def objective(trial):
            for epoch in range(EPOCHS):
                trial.report(1.0, epoch)
                if trial.should_prune():
                    raise optuna.TrialPruned()
            return 1.0

        study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_warmup_steps=50))
        study.optimize(objective, n_trials=20)
        """,
    "a constant changed later": """\
        import optuna
        EPOCHS = 5
        EPOCHS += 100

        def objective(trial):
            for epoch in range(EPOCHS):
                trial.report(1.0, epoch)
                if trial.should_prune():
                    raise optuna.TrialPruned()
            return 1.0

        study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_warmup_steps=50))
        study.optimize(objective, n_trials=20)
        """,
    "a trial handed to code outside the project": """\
        import optuna
        from trainer import fit

        def objective(trial):
            for epoch in range(5):
                trial.report(1.0, epoch)
            fit(trial)
            return 1.0

        study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_warmup_steps=50))
        study.optimize(objective, n_trials=20)
        """,
    "an integration pruning callback": """\
        import optuna
        from optuna_integration import XGBoostPruningCallback
        import xgboost as xgb

        def objective(trial):
            for epoch in range(5):
                trial.report(1.0, epoch)
            callback = XGBoostPruningCallback(trial, "validation-logloss")
            xgb.train({}, None, callbacks=[callback])
            return 1.0

        study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_warmup_steps=50))
        study.optimize(objective, n_trials=20)
        """,
    "an unknown objective": """\
        import optuna
        from models import objective

        study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_warmup_steps=50))
        study.optimize(objective, n_trials=20)
        """,
}


@pytest.mark.parametrize("name", sorted(WARMUP_SILENT))
def test_warmup_is_silent_when_the_steps_are_not_all_known(name: str) -> None:
    assert [found for found in lint(WARMUP_SILENT[name]) if found[0] == "OPL401"] == []


def test_the_reports_of_a_helper_count() -> None:
    code = """\
        import optuna

        def train(trial):
            for epoch in range(3):
                trial.report(1.0, epoch)
                if trial.should_prune():
                    raise optuna.TrialPruned()

        def objective(trial):
            train(trial)
            return 1.0

        study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_warmup_steps=3))
        study.optimize(objective, n_trials=20)
        """
    assert [found[:3] for found in lint(code)] == [("OPL401", 13, 64)]


# OPL402 startup-outlasts-study

STARTUP_MESSAGE = (
    "`n_startup_trials=20`, and the study runs {n} trials: the MedianPruner prunes nothing "
    "before 20 trials complete, so it never prunes; use a `n_startup_trials` below {n}, or "
    "`NopPruner()` if no pruning is meant"
)


@pytest.mark.parametrize("n_trials", ["20", "EPOCHS * 2", "10"])
def test_startup_trials_at_least_the_trial_budget(n_trials: str) -> None:
    total = {"20": 20, "EPOCHS * 2": 10, "10": 10}[n_trials]
    assert findings("optuna.pruners.MedianPruner(n_startup_trials=20)", n_trials=n_trials) == [
        ("OPL402", 14, 64, STARTUP_MESSAGE.format(n=total))
    ]


def test_the_trials_of_every_optimize_call_add_up() -> None:
    code = STUDY.format(
        loop="EPOCHS",
        step="epoch",
        study="",
        pruner="optuna.pruners.MedianPruner(n_startup_trials=20)",
        n_trials="10",
    )
    assert [f[0] for f in lint(code + "study.optimize(objective, n_trials=10)\n")] == ["OPL402"]
    assert [f[0] for f in lint(code + "study.optimize(objective, n_trials=11)\n")] == []


@pytest.mark.parametrize(
    ("pruner", "parts"),
    [
        ("optuna.pruners.MedianPruner(n_startup_trials=20)", {"n_trials": "21"}),
        ("optuna.pruners.MedianPruner()", {"n_trials": "3"}),  # Optuna's default, not chosen
        ("optuna.pruners.MedianPruner(n_startup_trials=20)", {"n_trials": "n_trials"}),
        ("optuna.pruners.MedianPruner(n_startup_trials=20)", {"n_trials": "None, timeout=60"}),
        (
            "optuna.pruners.MedianPruner(n_startup_trials=20)",
            {"study": 'storage="sqlite:///s.db", '},
        ),
        ("optuna.pruners.MedianPruner(n_startup_trials=20)", {"study": "load_if_exists=False, "}),
        ("optuna.pruners.MedianPruner(n_startup_trials=20)", {"study": "**options, "}),
        ("optuna.pruners.MedianPruner(n_startup_trials=startup)", {}),
        ("optuna.pruners.ThresholdPruner(lower=0.0)", {}),
    ],
)
def test_startup_silent_cases(pruner: str, parts: dict[str, str]) -> None:
    assert "OPL402" not in codes(pruner, **parts)


STARTUP_SILENT = {
    "optimize in a loop": """\
        import optuna
        study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=20))
        for _ in range(3):
            study.optimize(objective, n_trials=10)
        """,
    "optimize in a comprehension": """\
        import optuna
        study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=20))
        [study.optimize(objective, n_trials=10) for _ in range(3)]
        """,
    "optimize in another function": """\
        import optuna
        study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=20))

        def run():
            study.optimize(objective, n_trials=10)
        """,
    "a study returned to its caller": """\
        import optuna

        def make_study():
            study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=20))
            study.optimize(objective, n_trials=10)
            return study
        """,
    # Trials run in ways the linter does not count (found by a tester):
    "a second name for the study": """\
        import optuna
        study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=15))
        study.optimize(objective, n_trials=10)
        again = study
        again.optimize(objective, n_trials=100)
        """,
    "optimize handed to threads": """\
        import threading
        import optuna
        study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=15))
        study.optimize(objective, n_trials=10)
        workers = [
            threading.Thread(target=study.optimize, args=(objective,), kwargs={"n_trials": 25})
            for _ in range(4)
        ]
        """,
    "optimize handed to joblib": """\
        import optuna
        from joblib import Parallel, delayed
        study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=15))
        study.optimize(objective, n_trials=10)
        Parallel(n_jobs=4)(delayed(study.optimize)(objective, n_trials=25) for _ in range(4))
        """,
    "the study handed to a helper": """\
        import optuna
        study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=15))
        study.optimize(objective, n_trials=10)
        tune_more(study)
        """,
}


@pytest.mark.parametrize("name", sorted(STARTUP_SILENT))
def test_startup_is_silent_when_the_trial_budget_is_not_known(name: str) -> None:
    code = "def objective(trial):\n    return 1.0\n" + textwrap.dedent(STARTUP_SILENT[name])
    assert [found for found in lint(code) if found[0] == "OPL402"] == []


def test_a_study_created_in_a_loop_counts_its_own_trials() -> None:
    code = """\
        import optuna

        def objective(trial):
            return 1.0

        for seed in range(3):
            study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=9))
            study.optimize(objective, n_trials=9)
        """
    assert [found[:3] for found in lint(code) if found[0] == "OPL402"] == [("OPL402", 7, 68)]


# OPL403 pruner-arguments-invalid

PRUNER = "import optuna\n\npruner = optuna.pruners.{call}\n"


@pytest.mark.parametrize(
    ("call", "column", "message"),
    [
        ("ThresholdPruner(n_warmup_steps=2)", 10, "it needs `lower`, `upper` or both"),
        ("ThresholdPruner(lower=None, upper=None)", 10, "it needs `lower`, `upper` or both"),
        ("ThresholdPruner(lower=2.0, upper=1.0)", 41, "`lower` is above `upper`"),
        ("MedianPruner(n_startup_trials=-1)", 38, "`n_startup_trials` cannot be negative"),
        ("MedianPruner(5, -1)", 41, "`n_warmup_steps` cannot be negative"),
        ("MedianPruner(interval_steps=0)", 38, "`interval_steps` must be at least 1"),
        ("MedianPruner(n_min_trials=0)", 38, "`n_min_trials` must be at least 1"),
        ("PercentilePruner(101.0)", 42, "`percentile` must be between 0 and 100"),
        ("PercentilePruner(percentile=-5)", 42, "`percentile` must be between 0 and 100"),
        (
            "PatientPruner(optuna.pruners.MedianPruner(), patience=-1)",
            70,
            "`patience` cannot be negative",
        ),
        (
            "PatientPruner(None, patience=1, min_delta=-0.5)",
            57,
            "`min_delta` cannot be negative",
        ),
        (
            "SuccessiveHalvingPruner(reduction_factor=1)",
            49,
            "`reduction_factor` must be at least 2",
        ),
        (
            "SuccessiveHalvingPruner(min_resource=1, reduction_factor=1.5)",
            65,
            "`reduction_factor` must be at least 2",
        ),
        (
            "SuccessiveHalvingPruner(min_resource=0)",
            49,
            '`min_resource` must be a positive integer or "auto"',
        ),
        (
            "SuccessiveHalvingPruner(bootstrap_count=2)",
            49,
            'a `bootstrap_count` above 0 needs an integer `min_resource`, not "auto" (the default)',
        ),
        (
            "HyperbandPruner(min_resource=1, bootstrap_count=2)",
            57,
            'a `bootstrap_count` above 0 needs an integer `max_resource`, not "auto" (the default)',
        ),
        ("HyperbandPruner(max_resource=10.0)", 41, '`max_resource` must be an integer or "auto"'),
        ("WilcoxonPruner(p_threshold=1.5)", 40, "`p_threshold` must be between 0 and 1"),
    ],
)
def test_arguments_the_constructor_rejects(call: str, column: int, message: str) -> None:
    class_name = call.split("(")[0]
    exception = "TypeError" if "needs `lower`" in message else "ValueError"
    assert lint(PRUNER.format(call=call)) == [
        ("OPL403", 3, column, f"`{class_name}` raises `{exception}` when it is built: {message}")
    ]


def test_a_required_argument_left_out() -> None:
    assert lint(PRUNER.format(call="PatientPruner(optuna.pruners.MedianPruner())")) == [
        (
            "OPL403",
            3,
            10,
            "`PatientPruner` raises `TypeError` when it is built: its required argument "
            "`patience` is left out",
        )
    ]


@pytest.mark.parametrize(
    "call",
    [
        "ThresholdPruner(lower=0.0, upper=1.0)",
        "ThresholdPruner(upper=bound)",
        "ThresholdPruner(**options)",
        "MedianPruner(n_startup_trials=-N)",  # N is not a module constant
        "MedianPruner(n_startup_trials=True)",  # not a number the table judges
        "SuccessiveHalvingPruner(min_resource=1, bootstrap_count=2)",
        "SuccessiveHalvingPruner(min_resource=0.5)",  # the constructor does not check a float
        "HyperbandPruner(min_resource=0, reduction_factor=1)",  # not checked when built
        "PercentilePruner(percentile=100)",
        "MedianPruner(n_startup_tirals=-1)",  # an unknown keyword is OPL304's
    ],
)
def test_arguments_the_constructor_accepts_or_that_are_not_known(call: str) -> None:
    assert "OPL403" not in [found[0] for found in lint(PRUNER.format(call=call))]


# OPL404 bootstrap-prunes-everything


def test_a_bootstrap_count_above_zero() -> None:
    call = "SuccessiveHalvingPruner(min_resource=1, bootstrap_count=2)"
    assert lint(PRUNER.format(call=call)) == [
        (
            "OPL404",
            3,
            65,
            "`bootstrap_count=2`: every trial that reaches a rung is pruned until more than 2 "
            "trials have reached it, so the first trials are all pruned, and in a small study "
            "nearly every trial is",
        )
    ]


def test_hyperband_with_one_bootstrap_trial() -> None:
    call = "HyperbandPruner(max_resource=EPOCHS, bootstrap_count=1)"
    code = "import optuna\n\nEPOCHS = 9\n" + PRUNER.format(call=call).split("\n", 2)[2]
    assert [found[:3] for found in lint(code)] == [("OPL404", 4, 62)]
    assert "more than 1 trial has" in lint(code)[0][3]


@pytest.mark.parametrize(
    "call",
    [
        "SuccessiveHalvingPruner(min_resource=1, bootstrap_count=0)",
        "SuccessiveHalvingPruner(min_resource=1, bootstrap_count=count)",
        "SuccessiveHalvingPruner(bootstrap_count=2)",  # raises: OPL403 only
        "HyperbandPruner(max_resource=9)",
    ],
)
def test_bootstrap_silent_cases(call: str) -> None:
    assert "OPL404" not in [found[0] for found in lint(PRUNER.format(call=call))]


# OPL405 threshold-against-direction


@pytest.mark.parametrize(
    ("direction", "bounds", "column", "message"),
    [
        (
            "maximize",
            "upper=0.9",
            "direction='maximize', pruner=optuna.pruners.ThresholdPruner(".__len__() + 29,
            "`ThresholdPruner` has only `upper=0.9`, and the study maximises: it prunes trials "
            "whose value is above 0.9, the best ones",
        ),
        (
            "minimize",
            "lower=0.1",
            "direction='minimize', pruner=optuna.pruners.ThresholdPruner(".__len__() + 29,
            "`ThresholdPruner` has only `lower=0.1`, and the study minimises: it prunes trials "
            "whose value is below 0.1, the best ones",
        ),
    ],
)
def test_a_threshold_on_the_side_of_the_best_trials(
    direction: str, bounds: str, column: int, message: str
) -> None:
    code = (
        "import optuna\n\nstudy = optuna.create_study("
        f"direction='{direction}', pruner=optuna.pruners.ThresholdPruner({bounds}))\n"
    )
    assert lint(code) == [("OPL405", 3, column, message)]


def test_the_default_direction_minimises() -> None:
    code = "import optuna\n\noptuna.create_study(pruner=optuna.pruners.ThresholdPruner(0.1))\n"
    assert [found[:3] for found in lint(code)] == [("OPL405", 3, 59)]


@pytest.mark.parametrize(
    ("direction", "bounds"),
    [
        ("maximize", "lower=0.1"),
        ("minimize", "upper=0.9"),
        ("maximize", "lower=0.1, upper=0.9"),
        ("maximize", "upper=bound"),
        ("maximize", "upper=0.9, lower=floor"),
    ],
)
def test_threshold_silent_cases(direction: str, bounds: str) -> None:
    code = (
        "import optuna\n\nstudy = optuna.create_study("
        f"direction='{direction}', pruner=optuna.pruners.ThresholdPruner({bounds}))\n"
    )
    assert "OPL405" not in [found[0] for found in lint(code)]


def test_threshold_is_silent_when_the_direction_is_not_known() -> None:
    code = (
        "import optuna\n\nstudy = optuna.create_study("
        "direction=direction, pruner=optuna.pruners.ThresholdPruner(upper=0.9))\n"
    )
    assert lint(code) == []


@pytest.mark.parametrize(
    "call",
    [
        "optuna.load_study(study_name='acc', storage='sqlite:///db.sqlite3', pruner=PRUNER)",
        "optuna.create_study(storage='sqlite:///db.sqlite3', load_if_exists=True, pruner=PRUNER)",
    ],
)
def test_threshold_is_silent_on_a_study_whose_direction_is_stored(call: str) -> None:
    # The study may exist already, maximising: the direction the code shows is not its own.
    pruner = "optuna.pruners.ThresholdPruner(lower=0.1)"
    assert lint(f"import optuna\n\nstudy = {call.replace('PRUNER', pruner)}\n") == []


def test_reading_the_results_of_the_study_does_not_silence_it() -> None:
    code = (
        "def objective(trial):\n    return 1.0\n\n\nimport optuna\n"
        "study = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=15))\n"
        "study.optimize(objective, n_trials=10)\nprint(study.best_value, study.best_params)\n"
    )
    assert "OPL402" in [found[0] for found in lint(code)]
