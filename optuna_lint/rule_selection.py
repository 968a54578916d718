"""Rule selectors: the codes and prefixes of `select`, `extend-select`, `ignore` and
`per-file-ignores`, on the command line and in the configuration files alike.

A selector is a rule's whole code (`OPL201`) or a prefix of one or more codes (`OPL`, `OPL2`,
`OPL20`). Anything else is refused rather than matching nothing: a misspelt `--ignore` that
silently ignores no rule is worse than an error. Codes are upper case, as in ruff: `opl1` is no
selector.
"""

from __future__ import annotations

from collections.abc import Iterable

from optuna_lint.rules import ALL_RULES

# The prefix every code starts with; the shortest selector.
CODE_PREFIX = "OPL"
KNOWN_SELECTORS = frozenset(
    rule.code[:length]
    for rule in ALL_RULES
    for length in range(len(CODE_PREFIX), len(rule.code) + 1)
)


class UnknownSelector(ValueError):
    """A selector that is neither a rule's code nor a prefix of one; the message names it."""


def checked_selectors(selectors: Iterable[str]) -> tuple[str, ...]:
    """The selectors, stripped of surrounding blanks; raises UnknownSelector for the first that
    selects no rule."""
    checked = tuple(selector.strip() for selector in selectors)
    for selector in checked:
        if selector not in KNOWN_SELECTORS:
            raise UnknownSelector(f"unknown rule selector `{selector}`")
    return checked
