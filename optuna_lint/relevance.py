"""Which files can matter to the rules, decided from their text before anything is parsed.

Parsing is most of what a run costs, and in most trees almost no file mentions Optuna. A file
is analysed up front only when its text, lower-cased, holds one of the words every
Optuna-facing construct needs: `optuna` (imports, attribute chains, `optuna_integration`),
`trial` (the trial parameter, `Trial` annotations, `TrialPruned`, `TorchDistributedTrial`),
`pruner` (`pruner=`, the pruner classes), `should_prune`, the endings of the integration
callbacks' names (`pruningcallback`, `pruninghandler`, `pruninghook`), `study`
(`create_study`, `load_study`, a study kept on `self`), or a call of `optimize(`. The test is
a superset: words in comments, strings and unrelated names (`industrial`) keep a file too.
`optimize` counts only as a call, since `optimizer` is in every training script and in most of
PyTorch.

What the words cannot see is code that only handles a trial under another name, such as
`def fit(t): ...` in a module of helpers, or an objective whose parameter is `t` and whose study
lives in another file. Such a file matters only when the trial or an `optimize` call leads to
it, and the project model then loads it (see `engine.Linter.lint`), so its findings do not
depend on the test. `project.may_run_trials` is the narrower test for the files nobody named.
"""

from __future__ import annotations

import re

_OPTUNA_WORDS = (
    "optuna",
    "trial",
    "pruner",
    "should_prune",
    "pruningcallback",
    "pruninghandler",
    "pruninghook",
    "study",
)
# As `project.may_run_trials` reads a call: spaces and line continuations may come before `(`.
_OPTIMIZE_CALL = re.compile(r"optimize[\s\\]*\(")


def can_matter(text: str) -> bool:
    """Whether the text may hold Optuna code that a rule reads without following the trial."""
    # Substring tests on the lower-cased text: several times faster than one regular
    # expression that ignores case, on the many files that hold none of the words.
    lowered = text.lower()
    return any(word in lowered for word in _OPTUNA_WORDS) or bool(_OPTIMIZE_CALL.search(lowered))
