"""Which files of a project are analysed before the trial is followed anywhere."""

from __future__ import annotations

import pytest

from optuna_lint.project import may_run_trials
from optuna_lint.relevance import can_matter


@pytest.mark.parametrize(
    "text",
    [
        "study.optimize(objective, n_trials=10)",
        "study.optimize (objective)",
        "study.optimize\\\n    (objective)",
        "optuna.create_study().optimize(\n    objective\n)",
        "def objective(trial: optuna.Trial):",
        "def objective(trial: optuna.trial.Trial) -> float:",
        "def objective(self, trial:Trial):",
        "def objective(trial: 'optuna.Trial'):",
        'def objective(trial: "Trial"):',
        "def objective(trial: (ot.Trial)):",
        "def objective(\n    trial: optuna.Trial,\n    data,\n):",
        "from optuna import Trial as T",
    ],
)
def test_files_that_can_run_trials_are_kept(text: str) -> None:
    assert may_run_trials(text)


@pytest.mark.parametrize(
    "text",
    [
        "def fit(trial, model):\n    trial.report(loss, epoch)",
        "from optuna.trial import FrozenTrial, TrialState",
        "def sample(study, trial: FrozenTrial) -> dict:",
        "raise optuna.TrialPruned()",
        "optimizer = torch.optim.Adam(model.parameters())",
        "def f(x: TrialState):",
    ],
)
def test_files_that_cannot_run_trials_are_left_until_the_trial_reaches_them(text: str) -> None:
    assert not may_run_trials(text)


@pytest.mark.parametrize(
    "text",
    [
        "import optuna",
        "from optuna_integration import PyTorchLightningPruningCallback",
        "def fit(trial, model):",
        "def objective(t: Trial):",
        "raise TrialPruned()",
        "if t.should_prune():",
        "pruner = make_pruner(config)",
        "class EarlyStop(PyTorchLightningPruningCallback):",
        "handler = PyTorchIgnitePruningHandler(t, 'accuracy', trainer)",
        "hook = TensorFlowPruningHook(t, estimator, 'loss', 10)",
        "s = create_study()",
        "self.study.optimize(self)",
        "runner.optimize(objective)",
        "runner.optimize \\\n    (objective)",
        "# OPTUNA is configured elsewhere",
    ],
)
def test_files_with_an_optuna_word_are_analysed(text: str) -> None:
    assert can_matter(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "def fit(t, model):\n    t.report(loss, epoch)",
        "import torch\nmodel = torch.nn.Linear(2, 1)",
        "def goal(t):\n    return t.suggest_float('x', 0, 1)",
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\noptimizer.step()",
        "import torch.nn.utils.prune as prune\nprune.l1_unstructured(layer, 'weight', 0.2)",
    ],
)
def test_files_without_one_wait_until_the_model_reaches_them(text: str) -> None:
    assert not can_matter(text)
