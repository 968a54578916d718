"""OPL406: a Lightning or Keras pruning callback monitors a metric that training never logs."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from optuna_lint.facts import PruningCallbackUse, StringArgument, TrainingCall
from optuna_lint.findings import Applicability, Edit, Finding, Fix
from optuna_lint.linking import ClassTarget, ExternalTarget, ProjectModel
from optuna_lint.rules.base import Rule, RuleContext

_LIGHTNING_PACKAGES = ("lightning.", "pytorch_lightning.")
_KERAS_CALLBACKS = (".KerasPruningCallback", ".TFKerasPruningCallback")
# Metric strings Keras logs under another name in some versions (`"mse"` as
# `mean_squared_error` in Keras 3): a monitor naming either is left alone.
_KERAS_METRIC_ALIASES = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "ce": "crossentropy",
}
# `Model.fit` parameters that `validation_split`/`validation_data` follow (`x`, `y`,
# `batch_size`, `epochs`, `verbose`, `callbacks`); more positional arguments may set them.
_FIT_LEADING_PARAMETERS = 6
# `Model.compile`'s `optimizer` and `loss`; a third positional argument may be `metrics`.
_COMPILE_LEADING_PARAMETERS = 2


class CallbackMetricNotLogged(Rule):
    """## What it does
    Finds a `PyTorchLightningPruningCallback` whose `monitor` names a metric that the
    LightningModules its trainer fits never log with `self.log`/`self.log_dict`, and a
    `KerasPruningCallback` or `TFKerasPruningCallback` whose `monitor` is not one of the keys
    the model's `compile(...)` and `fit(...)` produce: `loss`, each metric of `metrics=[...]`,
    and their `val_` forms when `fit` gets `validation_data=` or `validation_split=`.

    ## Why is this bad?
    The callback looks the monitored metric up after every epoch. When it is missing, the
    callback only warns that the metric is not in the evaluation logs and returns: nothing is
    reported and no trial is ever pruned.

    ## Known problems
    Only literals are read. A Lightning callback is checked only when its trainer is built in
    the same function, every module that trainer fits is a class of the project deriving from
    `LightningModule`, and every name those classes log is a string literal; a module that hands
    `self` to other code, or a trainer with callbacks of the project (which may log), keeps the
    rule silent. A Keras callback is checked only when the model it is given to is compiled
    once, in the same function, with metrics written as strings; a monitor that ends with a
    metric's name (the output-prefixed keys of a multi-output model) is left alone.

    ## Example
    ```python
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, validation_split=0.2, callbacks=[TFKerasPruningCallback(trial, "val_acc")])
    ```

    ## Use instead
    ```python
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(
        x, y, validation_split=0.2, callbacks=[TFKerasPruningCallback(trial, "val_accuracy")]
    )
    ```

    ## Fix safety
    When exactly one logged name is close to the monitored one, the fix renames the monitor to
    it. It is unsafe: the close name may not be the metric the author meant to prune on.
    """

    code = "OPL406"
    name = "callback-metric-not-logged"
    summary = (
        "a Lightning pruning callback's `monitor` names a metric that the LightningModules its "
        "trainer fits never log, or a Keras pruning callback's `monitor` is not among the keys "
        "its model's `compile(metrics=...)` and `fit` produce"
    )
    fix_summary = "unsafe: rename the monitor to the logged name when exactly one is close"
    fix_availability = "unsafe"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for use in context.facts.pruning_callbacks:
            monitor = use.argument(1, "monitor")
            if monitor is None or use.has_star or use.host is None:
                continue
            if use.qualified.endswith(".PyTorchLightningPruningCallback"):
                logged = _lightning_logged(use, context.path, context.project)
                found = _lightning_finding(use, monitor, logged) if logged is not None else None
            elif use.qualified.endswith(_KERAS_CALLBACKS):
                keys = _keras_keys(use)
                found = _keras_finding(use, monitor, keys) if keys is not None else None
            else:
                continue
            if found is not None:
                message, names = found
                yield Finding(
                    code=self.code,
                    name=self.name,
                    message=message,
                    filename=context.display_path,
                    span=monitor.span,
                    fix=_rename(monitor, names),
                )


# Lightning


def _lightning_logged(
    use: PruningCallbackUse, path: str, project: ProjectModel
) -> tuple[list[str], set[str]] | None:
    """The modules the trainer fits and the names they log, or None when not all are known."""
    host = use.host
    if host.method is not None or not _is_lightning(host.callee.name, ".Trainer"):
        return None
    if not all(
        other is not None and other.startswith(("optuna_integration.", *_LIGHTNING_PACKAGES))
        for other in use.other_callbacks
    ):
        return None  # a callback of the project may log metrics too
    fits = [call for call in use.object_calls if call.method == "fit"]
    if not use.object_followed or not fits:
        return None
    modules: list[str] = []
    names: set[str] = set()
    for fit in fits:
        if fit.model is None:
            return None
        target = project.resolve(path, use.scope, fit.model)
        if not isinstance(target, ClassTarget):
            return None
        logged = _module_logged_names(target, project)
        if logged is None:
            return None
        modules.append(target.cls.name)
        names |= logged
    return modules, names


def _module_logged_names(target: ClassTarget, project: ProjectModel) -> set[str] | None:
    """The names a LightningModule class of the project logs, with its bases; None when a base
    is neither a class of the project nor Lightning's, or a name is not a literal."""
    lineage = project.class_lineage(target)
    in_lineage = {(path, cls.qualname) for path, cls in lineage}
    derives_from_lightning = False
    names: set[str] = set()
    for path, cls in lineage:
        for base in cls.bases:
            resolved = project.resolve(path, "<module>", base)
            if isinstance(resolved, ExternalTarget) and _is_lightning(
                resolved.qualified, ".LightningModule"
            ):
                derives_from_lightning = True
            elif not (
                isinstance(resolved, ClassTarget)
                and (resolved.path, resolved.cls.qualname) in in_lineage
            ):
                return None
        facts = project.facts(path)
        if facts is None:
            return None
        for function in facts.functions:
            if function.qualname.startswith(cls.qualname + "."):
                if None in function.logged_names:
                    return None
                names.update(name for name in function.logged_names if name is not None)
    return names if derives_from_lightning and names else None


def _is_lightning(qualified: str, suffix: str) -> bool:
    return qualified.startswith(_LIGHTNING_PACKAGES) and qualified.endswith(suffix)


def _lightning_finding(
    use: PruningCallbackUse, monitor: StringArgument, logged: tuple[list[str], set[str]]
) -> tuple[str, list[str]] | None:
    modules, names = logged
    if any(_lightning_key_of(monitor.value, name) for name in names):
        return None
    shown = " and ".join(f"`{module}`" for module in dict.fromkeys(modules))
    return (
        f"`PyTorchLightningPruningCallback` monitors `{monitor.value}`, which {shown} never "
        f"logs (it logs {_listed(names)}): the callback only warns and no trial is pruned",
        sorted(names),
    )


def _lightning_key_of(monitor: str, name: str) -> bool:
    """Whether logging `name` can produce the key `monitor`: the name itself, its `_step` and
    `_epoch` forms, or its form for one of several dataloaders."""
    return monitor in (name, f"{name}_step", f"{name}_epoch") or monitor.startswith(
        f"{name}/dataloader_idx_"
    )


# Keras


def _keras_keys(use: PruningCallbackUse) -> set[str] | None:
    """The keys the host `fit` logs, or None when they cannot be read."""
    fit = use.host
    if fit.method != "fit" or fit.has_star or fit.positional_count > _FIT_LEADING_PARAMETERS:
        return None
    compiles = [call for call in use.object_calls if call.method == "compile"]
    if not use.object_followed or len(compiles) != 1:
        return None
    metrics = _compiled_metrics(compiles[0])
    if metrics is None:
        return None
    keys = {"loss", *metrics}
    keywords = dict(fit.keywords)
    if "validation_data" in keywords or "validation_split" in keywords:
        keys |= {f"val_{key}" for key in keys}
    return keys


def _compiled_metrics(compile_call: TrainingCall) -> list[str] | None:
    """The metric names of `compile(metrics=[...], weighted_metrics=[...])`, when all literal."""
    if compile_call.has_star or compile_call.positional_count > _COMPILE_LEADING_PARAMETERS:
        return None
    keywords = dict(compile_call.keywords)
    names: list[str] = []
    for keyword in ("metrics", "weighted_metrics"):
        if keyword not in keywords:
            continue
        value = keywords[keyword]
        if not isinstance(value, tuple) or not all(isinstance(m, str) for m in value):
            return None
        # A class name (`"AUC"`, `"Precision"`) logs under a key that depends on the Keras
        # version (`auc` in tf.keras 2, `AUC` in recent Keras 3): the keys are not known.
        if any(not metric.islower() for metric in value):
            return None
        names.extend(value)
    return names


def _keras_finding(
    use: PruningCallbackUse, monitor: StringArgument, keys: set[str]
) -> tuple[str, list[str]] | None:
    wanted = monitor.value
    accepted = set(keys)
    for key in keys:
        plain = key.removeprefix("val_")
        if plain in _KERAS_METRIC_ALIASES:
            accepted.add(key[: len(key) - len(plain)] + _KERAS_METRIC_ALIASES[plain])
    if wanted in accepted:
        return None
    bare = wanted.removeprefix("val_")
    if any(bare.endswith(f"_{key.removeprefix('val_')}") for key in accepted):
        return None  # `val_output_1_accuracy`: a multi-output model's key
    callback = use.qualified.rsplit(".", 1)[-1]
    return (
        f"`{callback}` monitors `{wanted}`, which `fit` does not log (it logs "
        f"{_listed(keys)}): the callback only warns and no trial is pruned",
        sorted(keys),
    )


# Both


def _listed(names: set[str]) -> str:
    return ", ".join(f"`{name}`" for name in sorted(names))


def _rename(monitor: StringArgument, names: list[str]) -> Fix | None:
    """Rename the monitor to the one logged name close to it, if there is exactly one."""
    close = difflib.get_close_matches(monitor.value, names, n=len(names), cutoff=0.6)
    written = monitor.written_as(close[0]) if len(close) == 1 else None
    if written is None:
        return None
    return Fix(
        message=f"Monitor `{close[0]}`",
        applicability=Applicability.UNSAFE,
        edits=(Edit(monitor.span.start_offset, monitor.span.end_offset, written),),
    )
