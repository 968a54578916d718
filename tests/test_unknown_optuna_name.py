"""OPL304: names of Optuna's API that current Optuna lacks, checked against the generated table."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import optuna
import pytest
from conftest import assert_fix, codes_and_rows, lint

from optuna_lint import lint_source
from optuna_lint.optuna_names import OPTUNA_VERSION

SCRIPT = Path(__file__).parent.parent / "scripts" / "generate_optuna_names.py"
TABLE = Path(__file__).parent.parent / "optuna_lint" / "optuna_names.py"


def test_a_typo_in_a_pruner_class_is_renamed() -> None:
    code = (
        "import optuna\n\npruner = optuna.pruners.ThreshholdPruner(upper=50.0)\n"
        "study = optuna.create_study(pruner=pruner)\n"
    )
    assert lint(code) == [
        (
            "OPL304",
            3,
            25,
            f"`optuna.pruners.ThreshholdPruner` does not exist in Optuna {OPTUNA_VERSION}; "
            "did you mean `ThresholdPruner`?",
        )
    ]
    assert_fix(code, code.replace("ThreshholdPruner", "ThresholdPruner"))


def test_a_typo_in_a_from_import_is_reported_without_a_fix() -> None:
    # Renaming the imported name alone would leave its uses under the old name.
    code = "from optuna.pruners import SuccessiveHalvingPrunner\n\np = SuccessiveHalvingPrunner()\n"
    (finding,) = lint_source(code)
    assert (finding.code, finding.location.row, finding.fix) == ("OPL304", 1, None)
    assert finding.message.endswith("did you mean `SuccessiveHalvingPruner`?")


def test_no_fix_when_several_names_are_close() -> None:
    (finding,) = lint_source("from optuna.pruners import MedianPrunner\n")
    assert finding.fix is None
    assert finding.message.endswith("did you mean `MedianPruner`?")


def test_a_removed_alias_is_replaced_keeping_the_module_s_spelling() -> None:
    code = "import optuna as opt\n\n\ndef f():\n    raise opt.structs.TrialPruned()\n"
    assert lint(code) == [("OPL304", 5, 15, "`optuna.structs` was removed from Optuna")]
    assert_fix(code, code.replace("opt.structs.TrialPruned", "opt.TrialPruned"))


def test_a_keyword_a_pruner_does_not_accept() -> None:
    code = (
        "from optuna.pruners import MedianPruner\n\np = MedianPruner(n_warmup_step=5)\nprint(p)\n"
    )
    assert lint(code) == [
        (
            "OPL304",
            3,
            18,
            "`MedianPruner` has no parameter `n_warmup_step`; did you mean `n_warmup_steps`?",
        )
    ]
    assert_fix(code, code.replace("n_warmup_step=", "n_warmup_steps="))


def test_positional_arguments_to_the_study_factories_have_no_fix() -> None:
    (finding,) = lint_source("import optuna\n\nstudy = optuna.create_study('sqlite:///x.db')\n")
    assert (finding.code, finding.location.column, finding.fix) == ("OPL304", 29, None)
    assert finding.message == (
        "`create_study` takes keyword arguments only: positional arguments are an error since "
        "Optuna 5.0"
    )


@pytest.mark.parametrize(
    "code",
    [
        "import optuna\n\np = optuna.pruners.MedianPruner(n_warmup_steps=5)\nprint(p)\n",
        "from optuna.trial import TrialState, FrozenTrial\n",
        "import optuna\n\nx = optuna.samplers.TPESampler()\n",  # a module outside the table
        "from optuna.pruners import NopPruner\n\np = NopPruner(anything=1)\nprint(p)\n",
    ],
)
def test_real_names_are_silent(code: str) -> None:
    assert codes_and_rows(code) == []


@pytest.mark.skipif(optuna.__version__ != OPTUNA_VERSION, reason="table made from another Optuna")
@pytest.mark.skipif(
    importlib.util.find_spec("optuna_integration") is None,
    reason="the table also lists optuna-integration's names",
)
def test_the_table_is_what_the_script_generates_from_the_installed_optuna() -> None:
    spec = importlib.util.spec_from_file_location("generate_optuna_names", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.render() == TABLE.read_text(encoding="utf-8")


def test_the_table_has_every_optuna_pruner() -> None:
    from optuna_lint.optuna_api import OPTUNA_PRUNERS
    from optuna_lint.optuna_names import PRUNER_PARAMETERS, PUBLIC_NAMES

    assert set(PRUNER_PARAMETERS) == OPTUNA_PRUNERS
    assert PUBLIC_NAMES["optuna.pruners"] >= OPTUNA_PRUNERS


TRIAL_CODE = (
    "import optuna\n\n\ndef objective(trial: optuna.Trial) -> float:\n    {line}\n    return 0.0\n"
)


def test_a_removed_trial_method_is_reported_without_a_fix() -> None:
    code = TRIAL_CODE.format(line="trial.set_system_attr('seed', 1)")
    assert lint(code) == [
        (
            "OPL304",
            5,
            11,
            f"A trial has no method `set_system_attr` in Optuna {OPTUNA_VERSION}; did you mean "
            "`set_user_attr`?",
        )
    ]
    # `set_user_attr` stores somewhere else: the rename is the author's call.
    (finding,) = lint_source(code)
    assert finding.fix is None


def test_should_prune_with_an_argument_is_reported_without_a_fix() -> None:
    (finding,) = lint_source(TRIAL_CODE.format(line="pruned = trial.should_prune(3)"))
    assert (finding.code, finding.location.row, finding.fix) == ("OPL304", 5, None)
    assert finding.message == (
        "`should_prune()` takes no argument: it checks the last reported step"
    )


def test_real_trial_methods_and_other_variables_are_silent() -> None:
    code = TRIAL_CODE.format(line="x = trial.suggest_float('x', 0, 1) + model.anything()")
    assert codes_and_rows(code) == []
    # Private methods are Optuna's own business, as private modules are.
    assert codes_and_rows(TRIAL_CODE.format(line="x = trial._suggest('x', dist)")) == []


@pytest.mark.parametrize(
    "line",
    [
        "if hasattr(trial, 'set_system_attr'): trial.set_system_attr('seed', 1)",
        "trial.set_system_attr('seed', 1) if hasattr(trial, 'set_system_attr') else None",
        "hasattr(trial, 'set_system_attr') and trial.set_system_attr('seed', 1)",
    ],
)
def test_a_trial_method_called_only_where_it_exists_is_silent(line: str) -> None:
    assert codes_and_rows(TRIAL_CODE.format(line=line)) == []


def test_compatibility_imports_for_older_optuna_are_silent() -> None:
    code = (
        "import optuna\n"
        "try:\n"
        "    from optuna.structs import TrialPruned\n"
        "except ImportError:\n"
        "    from optuna.exceptions import TrialPruned\n"
        "try:\n"
        "    Pruned = optuna.structs.TrialPruned\n"
        "except AttributeError:\n"
        "    Pruned = optuna.exceptions.TriallPruned\n"
        "if hasattr(optuna.pruners, 'WilcoxonPrunerX'):\n"
        "    pruner = optuna.pruners.WilcoxonPrunerX()\n"
    )
    assert codes_and_rows(code) == []


def test_a_hasattr_test_of_another_name_or_a_narrow_handler_does_not_silence() -> None:
    code = TRIAL_CODE.format(line="if hasattr(trial, 'report'): trial.set_system_attr('seed', 1)")
    assert codes_and_rows(code) == [("OPL304", 5)]
    code = (
        "import optuna\n"
        "try:\n"
        "    Pruned = optuna.structs.TrialPruned\n"
        "except ValueError:\n"
        "    pass\n"
    )
    assert codes_and_rows(code) == [("OPL304", 3)]
