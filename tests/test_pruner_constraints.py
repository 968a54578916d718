"""The table of pruner constraints against the installed Optuna: this test is the authority.

Every pruner is built with the boundary values of each parameter, alone and in pairs; the
constructor must raise exactly where `optuna_lint.pruner_constraints` says it does, with the
exception the table names for the first constraint broken.
"""

from __future__ import annotations

import inspect
import itertools

import pytest

from optuna_lint.optuna_api import OPTUNA_PRUNERS
from optuna_lint.pruner_constraints import (
    INT,
    INT_OR_AUTO,
    NUMBER,
    OPTIONAL_NUMBER,
    PRUNER,
    PRUNER_TABLES,
    violations,
)

optuna = pytest.importorskip("optuna")

PROBES = {
    INT: (-1, 0, 1, 2, 3),
    NUMBER: (-1, -0.5, 0, 0.5, 1, 1.5, 50, 100, 100.5),
    OPTIONAL_NUMBER: (None, -1, 0, 0.5, 1, 100),
    INT_OR_AUTO: (-1, 0, 1, 2, 2.5, "auto", "max"),
    PRUNER: (None,),
}


def baseline(class_name: str) -> dict[str, object]:
    """Arguments that build the pruner: its defaults, and valid values for required ones."""
    arguments: dict[str, object] = {}
    for parameter in PRUNER_TABLES[class_name].signature.parameters:
        if parameter.required:
            arguments[parameter.name] = {"percentile": 25.0, "patience": 1}.get(
                parameter.name, optuna.pruners.NopPruner()
            )
        else:
            arguments[parameter.name] = parameter.default
    if class_name == "ThresholdPruner":
        arguments["lower"] = 0.0  # one bound is needed
    return arguments


def variations(class_name: str):
    """The baseline with each parameter, then each pair of parameters, set to every probe."""
    parameters = PRUNER_TABLES[class_name].signature.parameters
    for size in (1, 2):
        for chosen in itertools.combinations(parameters, size):
            for values in itertools.product(*(PROBES[p.kind] for p in chosen)):
                arguments = baseline(class_name)
                arguments.update({p.name: v for p, v in zip(chosen, values, strict=True)})
                yield arguments


def test_the_table_covers_every_pruner() -> None:
    assert set(PRUNER_TABLES) == OPTUNA_PRUNERS


@pytest.mark.parametrize("class_name", sorted(OPTUNA_PRUNERS))
def test_the_signature_is_the_installed_one(class_name: str) -> None:
    installed = inspect.signature(getattr(optuna.pruners, class_name)).parameters
    if class_name == "NopPruner":
        return  # it takes and ignores anything
    table = PRUNER_TABLES[class_name].signature
    assert [p.name for p in table.parameters] == list(installed)
    for parameter in table.parameters:
        real = installed[parameter.name]
        assert (real.default is inspect.Parameter.empty) == parameter.required
        if not parameter.required:
            assert real.default == parameter.default
    positional = [
        name
        for name, real in installed.items()
        if real.kind in (real.POSITIONAL_ONLY, real.POSITIONAL_OR_KEYWORD)
    ]
    assert len(positional) == table.positional


@pytest.mark.parametrize("class_name", sorted(OPTUNA_PRUNERS - {"NopPruner"}))
def test_the_constructor_raises_exactly_where_the_table_says(class_name: str) -> None:
    pruner_class = getattr(optuna.pruners, class_name)
    disagreements = []
    for arguments in variations(class_name):
        judged = {
            k: v for k, v in arguments.items() if not isinstance(v, optuna.pruners.BasePruner)
        }
        broken = violations(class_name, judged)
        try:
            pruner_class(**arguments)
            raised = None
        except (TypeError, ValueError) as error:
            raised = type(error).__name__
        expected = broken[0].exception if broken else None
        if raised != expected:
            disagreements.append((judged, raised, expected))
    assert disagreements == []


@pytest.mark.parametrize(
    ("class_name", "required"),
    [
        (class_name, parameter.name)
        for class_name, table in sorted(PRUNER_TABLES.items())
        for parameter in table.signature.parameters
        if parameter.required
    ],
)
def test_a_required_argument_left_out_raises(class_name: str, required: str) -> None:
    arguments = baseline(class_name)
    del arguments[required]
    with pytest.raises(TypeError):
        getattr(optuna.pruners, class_name)(**arguments)
