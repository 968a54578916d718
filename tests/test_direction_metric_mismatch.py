"""OPL305: the study's direction against the names of what its objective reports."""

from __future__ import annotations

import textwrap

import pytest
from conftest import codes_and_rows, lint

from optuna_lint.rules.direction_metric_mismatch import metric_kind, name_tokens

CODE = textwrap.dedent(
    """\
    import optuna

    def objective(trial):
        {name} = 0.0
        for epoch in range(10):
            {name} = evaluate(epoch)
            trial.report({name}, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return {name}

    study = optuna.{factory}({arguments})
    study.optimize(objective)
    """
)


def code(name: str, arguments: str = "", factory: str = "create_study") -> str:
    return CODE.format(name=name, arguments=arguments, factory=factory)


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("val_acc", ["val", "acc"]),
        ("valAUC", ["val", "auc"]),
        ("f1_score", ["f1", "score"]),
        ("R2", ["r2"]),
        ("self.best_val_loss", ["best", "val", "loss"]),
        ("scores", ["scores"]),
    ],
)
def test_name_tokens(name: str, tokens: list[str]) -> None:
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("val_acc", "score"),
        ("mse", "loss"),
        ("neg_mse", None),
        ("best_score", None),
        ("acc_loss", None),
        ("losses", None),
        ("value", None),
    ],
)
def test_metric_kind(name: str, kind: str | None) -> None:
    assert metric_kind(name) == kind


def test_a_score_in_a_minimising_study_is_reported_once_at_the_study() -> None:
    assert lint(code("val_accuracy")) == [
        (
            "OPL305",
            12,
            9,
            "The study minimizes, but its objective `objective` reports `val_accuracy`, a score "
            "to maximise: the sampler and the pruner favour the worst trials",
        )
    ]


def test_a_loss_in_a_maximising_study_is_reported() -> None:
    assert codes_and_rows(code("val_loss", 'direction="maximize"')) == [("OPL305", 12)]


@pytest.mark.parametrize(
    ("name", "arguments", "factory"),
    [
        ("val_accuracy", 'direction="maximize"', "create_study"),
        ("val_loss", "", "create_study"),
        ("val_accuracy", 'study_name="s", storage="sqlite:///s.db"', "load_study"),
        ("neg_mse", 'direction="maximize"', "create_study"),
        ("val_accuracy", "direction=DIRECTION", "create_study"),
    ],
)
def test_silent_when_they_agree_or_the_direction_is_not_known(
    name: str, arguments: str, factory: str
) -> None:
    assert [c for c in codes_and_rows(code(name, arguments, factory)) if c[0] == "OPL305"] == []
