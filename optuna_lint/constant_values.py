"""The value an expression certainly has when the code runs, when the source alone shows it.

Rules about pruner settings compare numbers (`n_warmup_steps=10` against `range(5)`), so they
need values, not text. Only what cannot change is read: literals, names that resolve to a single
constant assignment (the caller decides which names qualify), and `+ - * / // %` of those.
Anything else has no known value, and the rules that ask stay silent.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from optuna_lint.facts import KnownValue

# A chain `A = B`, `B = C`... longer than this is not followed (and a cycle is cut by it).
_MAX_NAME_DEPTH = 8

# Looks up the one expression a name is bound to, or None when it is not a constant.
NameLookup = Callable[[str], cst.BaseExpression | None]


def known_value(
    expression: cst.BaseExpression | None, lookup: NameLookup, depth: int = 0
) -> KnownValue | None:
    """The value of `expression`, or None when the source does not fix it."""
    if expression is None or depth > _MAX_NAME_DEPTH:
        return None
    if isinstance(expression, (cst.Integer, cst.Float)):
        return KnownValue(expression.evaluated_value)
    if isinstance(expression, (cst.SimpleString, cst.ConcatenatedString)):
        text = expression.evaluated_value
        return KnownValue(text) if isinstance(text, str) else None
    if isinstance(expression, cst.Name):
        if expression.value == "None":
            return KnownValue(None)
        if expression.value in ("True", "False"):
            # A bool passed where a number is expected is a mistake of its own, not a value
            # these rules should reason about.
            return None
        return known_value(lookup(expression.value), lookup, depth + 1)
    if isinstance(expression, cst.UnaryOperation):
        operand = _number(known_value(expression.expression, lookup, depth))
        if operand is None:
            return None
        if isinstance(expression.operator, cst.Minus):
            return KnownValue(-operand)
        if isinstance(expression.operator, cst.Plus):
            return KnownValue(operand)
        return None
    if isinstance(expression, cst.BinaryOperation):
        left = _number(known_value(expression.left, lookup, depth))
        right = _number(known_value(expression.right, lookup, depth))
        if left is None or right is None:
            return None
        return _arithmetic(expression.operator, left, right)
    return None


def known_number(expression: cst.BaseExpression | None, lookup: NameLookup) -> int | float | None:
    """The value of `expression` when it is a known number."""
    return _number(known_value(expression, lookup))


def _number(value: KnownValue | None) -> int | float | None:
    if value is None or isinstance(value.value, bool):
        return None
    return value.value if isinstance(value.value, (int, float)) else None


def _arithmetic(
    operator: cst.BaseBinaryOp, left: int | float, right: int | float
) -> KnownValue | None:
    if isinstance(operator, cst.Add):
        return KnownValue(left + right)
    if isinstance(operator, cst.Subtract):
        return KnownValue(left - right)
    if isinstance(operator, cst.Multiply):
        return KnownValue(left * right)
    if right == 0:
        return None  # the program itself fails there: no value to reason about
    if isinstance(operator, cst.Divide):
        return KnownValue(left / right)
    if isinstance(operator, cst.FloorDivide):
        return KnownValue(left // right)
    if isinstance(operator, cst.Modulo):
        return KnownValue(left % right)
    return None
