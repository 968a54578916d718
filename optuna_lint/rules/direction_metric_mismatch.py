"""OPL305: the study minimises a score, or maximises a loss."""

from __future__ import annotations

import re
from collections.abc import Iterator

from optuna_lint.findings import Finding
from optuna_lint.linking import Objective
from optuna_lint.rules.base import Rule, RuleContext

SCORE_TOKENS = frozenset(
    {"acc", "accuracy", "auc", "f1", "r2", "precision", "recall", "score", "map", "iou"}
    | {"dice", "bleu"}
)
LOSS_TOKENS = frozenset({"loss", "error", "err", "mse", "rmse", "mae", "nll", "perplexity", "wer"})
# A run of capitals (with the digits after it), a word, or digits.
_TOKEN = re.compile(r"[A-Z]+(?![a-z])\d*|[A-Z]?[a-z]+\d*|\d+")


def name_tokens(name: str) -> list[str]:
    """The lower-case tokens of the last part of a name: `val_AUC` and `valAUC` give `val`,
    `auc`; `f1_score` gives `f1`, `score`."""
    last = name.rsplit(".", 1)[-1]
    return [token.lower() for part in last.split("_") for token in _TOKEN.findall(part)]


# Tokens that leave the direction open: `neg_mse` is maximised, and `best_score` (XGBoost,
# LightGBM) is the best value of whatever metric was evaluated, loss or score.
_NEUTRAL_TOKENS = frozenset({"neg", "best"})


def metric_kind(name: str) -> str | None:
    """Whether the name reads as a "score" or a "loss"; None when it reads as both or neither,
    or has a `neg` or `best` token."""
    tokens = set(name_tokens(name))
    is_score, is_loss = bool(tokens & SCORE_TOKENS), bool(tokens & LOSS_TOKENS)
    if tokens & _NEUTRAL_TOKENS or is_score == is_loss:
        return None
    return "score" if is_score else "loss"


class DirectionMetricMismatch(Rule):
    """## What it does
    In a single-objective study created by `create_study`, compares the study's direction with
    the names of the values its objective reports (in its own body, nested functions included)
    or returns (a plain name or attribute): a score to maximise (`acc`, `accuracy`, `auc`, `f1`,
    `r2`, `precision`, `recall`, `score`, `map`, `iou`, `dice`, `bleu`) in a study that
    minimises (the default), or a loss to minimise (`loss`, `error`, `err`, `mse`, `rmse`,
    `mae`, `nll`, `perplexity`, `wer`) in one that maximises.

    ## Why is this bad?
    Optuna optimises in the direction the study says, whatever the value means. Minimising an
    accuracy keeps the worst models, and the pruner stops the best trials.

    ## Known problems
    Names are split into tokens (`val_acc`, `valAUC`, `f1_score`) and compared whole, so
    `scores` or `losses` do not count. Names with tokens of both kinds, or a `neg` or `best`
    token (`best_score` is the best value of any metric), and expressions such as `1 - acc`,
    are not judged. Names reported inside helpers or callbacks
    are not considered, nor studies loaded with `load_study`, whose direction is stored.

    ## Example
    ```python
    def objective(trial):
        ...
        return accuracy

    study = optuna.create_study()
    ```

    ## Use instead
    ```python
    study = optuna.create_study(direction="maximize")
    ```

    ## Fix safety
    There is no fix: whether the name or the direction is wrong is the author's call.
    """

    code = "OPL305"
    name = "direction-metric-mismatch"
    summary = (
        "in a single-objective study, the objective reports or returns a name that reads as a "
        "score while the study minimises (the default), or as a loss while it maximises"
    )

    def check(self, context: RuleContext) -> Iterator[Finding]:
        reported: set[int] = set()
        for objective in context.project.all_objectives():
            study = objective.study
            if (
                objective.study_path != context.path
                or study.factory != "create_study"
                or study.direction is None
                or study.span.start_offset in reported
            ):
                continue
            wrong = "score" if study.direction == "minimize" else "loss"
            for verb, name in self._value_names(objective, context):
                if metric_kind(name) == wrong:
                    reported.add(study.span.start_offset)
                    wanted = "maximise" if wrong == "score" else "minimise"
                    yield Finding(
                        code=self.code,
                        name=self.name,
                        message=(
                            f"The study {study.direction}s, but its objective "
                            f"`{objective.function.display_name}` {verb} `{name}`, a {wrong} to "
                            f"{wanted}: the sampler and the pruner favour the worst trials"
                        ),
                        filename=context.display_path,
                        span=study.span,
                    )
                    break

    @staticmethod
    def _value_names(objective: Objective, context: RuleContext) -> Iterator[tuple[str, str]]:
        own = objective.function.qualname
        for holder, call in context.project.calls_reached(objective.holder, "report"):
            nested = holder.function.qualname.startswith(own + ".")
            if (holder.function is objective.function or nested) and call.value_name:
                yield "reports", call.value_name
        for name in objective.function.returned:
            if name is not None:
                yield "returns", name
