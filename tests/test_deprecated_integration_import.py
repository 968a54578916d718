"""OPL308: names reached through the deprecated `optuna.integration`."""

from __future__ import annotations

from conftest import assert_fix, codes_and_rows, lint

from optuna_lint import lint_source

MESSAGE = (
    "`{written}` goes through `optuna.integration`, deprecated since Optuna 4.9 and removed in "
    "6.0: `optuna_integration` provides the same"
)


def test_from_import_is_reported_and_moved_to_the_new_package() -> None:
    code = "from optuna.integration import PyTorchLightningPruningCallback\n"
    written = "from optuna.integration import PyTorchLightningPruningCallback"
    assert lint(code) == [("OPL308", 1, 6, MESSAGE.format(written=written))]
    assert_fix(code, "from optuna_integration import PyTorchLightningPruningCallback\n")


def test_from_a_submodule_and_import_as() -> None:
    code = (
        "import optuna.integration.lightgbm as lgb\n"
        "from optuna.integration.lightgbm import LightGBMTuner\n"
    )
    assert codes_and_rows(code) == [("OPL308", 1), ("OPL308", 2)]
    assert_fix(
        code,
        "import optuna_integration.lightgbm as lgb\n"
        "from optuna_integration.lightgbm import LightGBMTuner\n",
    )


def test_attribute_chain_gets_the_new_package_and_its_import() -> None:
    code = "import optuna\n\ncb = optuna.integration.XGBoostPruningCallback(trial, 'v-rmse')\n"
    assert lint(code) == [
        (
            "OPL308",
            3,
            6,
            MESSAGE.format(written="optuna.integration.XGBoostPruningCallback"),
        )
    ]
    assert_fix(
        code,
        "import optuna\nimport optuna_integration\n\n"
        "cb = optuna_integration.XGBoostPruningCallback(trial, 'v-rmse')\n",
    )


def test_import_without_as_is_reported_without_a_fix() -> None:
    (finding,) = lint_source("import optuna.integration.lightgbm\n")
    assert (finding.code, finding.fix) == ("OPL308", None)


def test_names_the_new_package_lacks_and_the_new_package_itself_are_silent() -> None:
    assert codes_and_rows("from optuna.integration import SomethingElse\n") == []
    assert codes_and_rows("from optuna_integration import XGBoostPruningCallback\n") == []


def test_optuna_s_own_modules_are_not_users_of_the_deprecated_package(in_tmp) -> None:
    from optuna_lint import lint_paths

    shim = in_tmp / "optuna" / "integration"
    shim.mkdir(parents=True)
    # Optuna's own `__init__.py` imports the package it deprecates, as Optuna 5.1's does.
    (in_tmp / "optuna" / "__init__.py").write_text("from optuna import integration\n")
    (shim / "__init__.py").write_text("from optuna.integration.keras import KerasPruningCallback\n")
    (in_tmp / "user.py").write_text("from optuna.integration import KerasPruningCallback\n")
    assert [(f.filename, f.code) for f in lint_paths(["."])] == [("user.py", "OPL308")]


def test_a_module_imported_as_a_name_is_renamed_when_every_use_exists_in_the_new_package() -> None:
    code = (
        "import optuna.integration as oi\n\ncallback = oi.LightGBMPruningCallback(trial, 'auc')\n"
    )
    assert lint(code) == [("OPL308", 1, 8, MESSAGE.format(written="import optuna.integration"))]
    assert_fix(
        code,
        "import optuna_integration as oi\n\ncallback = oi.LightGBMPruningCallback(trial, 'auc')\n",
    )


def test_a_module_alias_with_a_use_the_new_package_lacks_gets_no_fix() -> None:
    code = "import optuna.integration as oi\n\noi.LightGBMPruningCallback\noi.NotThere\n"
    (finding,) = lint_source(code)
    assert (finding.code, finding.location.row, finding.fix) == ("OPL308", 1, None)


def test_from_optuna_import_integration_becomes_an_import_of_the_new_package() -> None:
    code = (
        "from optuna import integration\n"
        "from optuna import integration as oi; import os\n"
        "\n"
        "integration.XGBoostPruningCallback(trial, 'v-rmse')\n"
        "oi.KerasPruningCallback(trial, 'val_loss')\n"
    )
    assert lint(code) == [
        ("OPL308", 1, 6, MESSAGE.format(written="from optuna import integration")),
        ("OPL308", 2, 6, MESSAGE.format(written="from optuna import integration")),
    ]
    assert_fix(
        code,
        "import optuna_integration as integration\n"
        "import optuna_integration as oi; import os\n"
        "\n"
        "integration.XGBoostPruningCallback(trial, 'v-rmse')\n"
        "oi.KerasPruningCallback(trial, 'val_loss')\n",
    )


def test_from_optuna_import_integration_with_other_names_gets_no_fix() -> None:
    (finding,) = lint_source("from optuna import TrialPruned, integration\n")
    assert (finding.code, finding.fix) == ("OPL308", None)


def test_a_bare_import_and_its_chains_are_renamed_together_when_optuna_stays_bound() -> None:
    code = (
        "import optuna\n"
        "import optuna.integration\n"
        "\n"
        "callback = optuna.integration.XGBoostPruningCallback(trial, 'v-rmse')\n"
        "study = optuna.create_study()\n"
    )
    assert codes_and_rows(code) == [("OPL308", 2), ("OPL308", 4)]
    assert_fix(
        code,
        "import optuna\n"
        "import optuna_integration\n"
        "\n"
        "callback = optuna_integration.XGBoostPruningCallback(trial, 'v-rmse')\n"
        "study = optuna.create_study()\n",
    )


def test_a_bare_import_that_alone_binds_optuna_gets_no_fix_nor_do_its_chains() -> None:
    code = (
        "import optuna.integration\n"
        "\n"
        "callback = optuna.integration.XGBoostPruningCallback(trial, 'v-rmse')\n"
    )
    findings = lint_source(code)
    assert [(f.code, f.location.row, f.fix) for f in findings] == [
        ("OPL308", 1, None),
        ("OPL308", 3, None),
    ]
