"""What Optuna's pruner constructors accept, as data: each pruner's parameters and the argument
values that make its constructor raise.

The table describes the installed Optuna's constructors, not the documentation: the test
`tests/test_pruner_constraints.py` builds every pruner with the boundary values of each
parameter, alone and in pairs, and asserts that the constructor raises exactly where this table
says, with the exception it names. A change in Optuna fails that test, not users' builds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from optuna_lint.facts import KnownValue, PrunerConstruction
from optuna_lint.findings import Span

Value = int | float | str | None

# The kinds of value a parameter takes; a constraint is judged only on values of the kind, so
# a string passed where a count goes (a type error of its own) is left alone.
INT = "int"
NUMBER = "number"
OPTIONAL_NUMBER = "optional number"
INT_OR_AUTO = "int or auto"
PRUNER = "pruner"  # never a literal: nothing is judged


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str
    default: Value = None
    required: bool = False


@dataclass(frozen=True)
class Signature:
    parameters: tuple[Parameter, ...]
    positional: int  # how many leading parameters can be passed by position

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


@dataclass(frozen=True)
class Constraint:
    """A rule of a constructor: `check` names the test, `parameters` the values it reads (the
    first is where a finding is anchored, unless `at_call`), `reason` says what is wrong."""

    # "at least", "int at least", "within", "not above", "one of", "string is auto",
    # "int or auto" or "zero when auto"
    check: str
    parameters: tuple[str, ...]
    exception: str
    reason: str
    bounds: tuple[float, ...] = ()
    at_call: bool = False  # the finding goes on the call: no argument alone is to blame

    def is_violated(self, values: Mapping[str, Value]) -> bool:
        """Whether the constructor raises for these values (every parameter of the constraint
        has a known value of its kind in `values`)."""
        first = values[self.parameters[0]]
        if self.check == "at least":
            return _is_number(first) and first < self.bounds[0]
        if self.check == "int at least":  # a float is not checked by the constructor
            return _is_int(first) and first < self.bounds[0]
        if self.check == "within":
            return _is_number(first) and not self.bounds[0] <= first <= self.bounds[1]
        if self.check == "not above":
            second = values[self.parameters[1]]
            return _is_number(first) and _is_number(second) and first > second
        if self.check == "one of":
            return all(values[name] is None for name in self.parameters)
        if self.check == "string is auto":
            return isinstance(first, str) and first != "auto"
        if self.check == "int or auto":
            return not (_is_int(first) or first == "auto")
        if self.check == "zero when auto":
            return _is_number(first) and first > 0 and values[self.parameters[1]] == "auto"
        raise ValueError(f"unknown check {self.check!r}")


@dataclass(frozen=True)
class PrunerTable:
    signature: Signature
    # In the order the constructor checks them: the first violated one is what it raises.
    constraints: tuple[Constraint, ...] = field(default=())


def _at_least(name: str, minimum: int, reason: str) -> Constraint:
    return Constraint("at least", (name,), "ValueError", reason, (minimum,))


def _not_negative(name: str) -> Constraint:
    return _at_least(name, 0, f"`{name}` cannot be negative")


_PERCENTILE_CHECKS = (
    _not_negative("n_startup_trials"),
    _not_negative("n_warmup_steps"),
    _at_least("interval_steps", 1, "`interval_steps` must be at least 1"),
    _at_least("n_min_trials", 1, "`n_min_trials` must be at least 1"),
)
_PERCENTILE_PARAMETERS = (
    Parameter("n_startup_trials", INT, 5),
    Parameter("n_warmup_steps", INT, 0),
    Parameter("interval_steps", INT, 1),
    Parameter("n_min_trials", INT, 1),
)

PRUNER_TABLES: dict[str, PrunerTable] = {
    "MedianPruner": PrunerTable(
        Signature(_PERCENTILE_PARAMETERS, positional=3), _PERCENTILE_CHECKS
    ),
    "PercentilePruner": PrunerTable(
        Signature(
            (Parameter("percentile", NUMBER, required=True), *_PERCENTILE_PARAMETERS),
            positional=4,
        ),
        (
            Constraint(
                "within",
                ("percentile",),
                "ValueError",
                "`percentile` must be between 0 and 100",
                (0, 100),
            ),
            *_PERCENTILE_CHECKS,
        ),
    ),
    "ThresholdPruner": PrunerTable(
        Signature(
            (
                Parameter("lower", OPTIONAL_NUMBER, None),
                Parameter("upper", OPTIONAL_NUMBER, None),
                Parameter("n_warmup_steps", INT, 0),
                Parameter("interval_steps", INT, 1),
            ),
            positional=4,
        ),
        (
            Constraint(
                "one of",
                ("lower", "upper"),
                "TypeError",
                "it needs `lower`, `upper` or both",
                at_call=True,
            ),
            Constraint("not above", ("lower", "upper"), "ValueError", "`lower` is above `upper`"),
            _not_negative("n_warmup_steps"),
            _at_least("interval_steps", 1, "`interval_steps` must be at least 1"),
        ),
    ),
    "PatientPruner": PrunerTable(
        Signature(
            (
                Parameter("wrapped_pruner", PRUNER, required=True),
                Parameter("patience", INT, required=True),
                Parameter("min_delta", NUMBER, 0.0),
            ),
            positional=3,
        ),
        (_not_negative("patience"), _not_negative("min_delta")),
    ),
    "SuccessiveHalvingPruner": PrunerTable(
        Signature(
            (
                Parameter("min_resource", INT_OR_AUTO, "auto"),
                Parameter("reduction_factor", NUMBER, 4),
                Parameter("min_early_stopping_rate", INT, 0),
                Parameter("bootstrap_count", INT, 0),
            ),
            positional=4,
        ),
        (
            Constraint(
                "string is auto",
                ("min_resource",),
                "ValueError",
                '`min_resource` must be a positive integer or "auto"',
            ),
            Constraint(
                "int at least",
                ("min_resource",),
                "ValueError",
                '`min_resource` must be a positive integer or "auto"',
                (1,),
            ),
            _at_least("reduction_factor", 2, "`reduction_factor` must be at least 2"),
            _not_negative("min_early_stopping_rate"),
            _not_negative("bootstrap_count"),
            Constraint(
                "zero when auto",
                ("bootstrap_count", "min_resource"),
                "ValueError",
                'a `bootstrap_count` above 0 needs an integer `min_resource`, not "auto" '
                "(the default)",
            ),
        ),
    ),
    "HyperbandPruner": PrunerTable(
        Signature(
            (
                Parameter("min_resource", INT, 1),
                Parameter("max_resource", INT_OR_AUTO, "auto"),
                Parameter("reduction_factor", INT, 3),
                Parameter("bootstrap_count", INT, 0),
            ),
            positional=4,
        ),
        (
            Constraint(
                "int or auto",
                ("max_resource",),
                "ValueError",
                '`max_resource` must be an integer or "auto"',
            ),
            Constraint(
                "zero when auto",
                ("bootstrap_count", "max_resource"),
                "ValueError",
                'a `bootstrap_count` above 0 needs an integer `max_resource`, not "auto" '
                "(the default)",
            ),
        ),
    ),
    "WilcoxonPruner": PrunerTable(
        Signature(
            (Parameter("p_threshold", NUMBER, 0.1), Parameter("n_startup_steps", INT, 2)),
            positional=0,
        ),
        (
            _not_negative("n_startup_steps"),
            Constraint(
                "within",
                ("p_threshold",),
                "ValueError",
                "`p_threshold` must be between 0 and 1",
                (0, 1),
            ),
        ),
    ),
    "NopPruner": PrunerTable(Signature((), positional=0)),
}


def fits(kind: str, value: Value) -> bool:
    """Whether a value is of the kind the table judges for a parameter."""
    if kind == INT:
        return _is_int(value)
    if kind == NUMBER:
        return _is_number(value)
    if kind == OPTIONAL_NUMBER:
        return value is None or _is_number(value)
    if kind == INT_OR_AUTO:
        return _is_number(value) or isinstance(value, str)
    return False


@dataclass(frozen=True)
class BoundArguments:
    """A construction's arguments matched to the parameters: the known values (defaults
    included), the span of each argument given, and the required parameters left out."""

    values: dict[str, Value]
    given: dict[str, Span]  # parameter name -> the argument's span
    missing: tuple[str, ...]


def bind(construction: PrunerConstruction) -> BoundArguments | None:
    """The arguments of a construction matched to its pruner's parameters, when every argument
    is seen and matches a parameter; None otherwise. A value the source does not fix, or not
    of its parameter's kind, is left out of `values`."""
    table = PRUNER_TABLES.get(construction.class_name)
    if table is None or construction.unpacked_arguments:
        return None
    signature = table.signature
    values: dict[str, Value] = {}
    given: dict[str, Span] = {}
    for argument in construction.arguments:
        if argument.keyword is not None:
            parameter = signature.parameter(argument.keyword)
        elif argument.position is not None and argument.position < signature.positional:
            parameter = signature.parameters[argument.position]
        else:
            parameter = None
        if parameter is None or parameter.name in given:
            return None  # a TypeError of its own (OPL304 names unknown keywords)
        given[parameter.name] = argument.span
        if _known(argument.value, parameter.kind):
            values[parameter.name] = argument.value.value
    for parameter in signature.parameters:
        if parameter.name not in given and not parameter.required:
            values[parameter.name] = parameter.default
    missing = tuple(p.name for p in signature.parameters if p.required and p.name not in given)
    return BoundArguments(values, given, missing)


def violations(class_name: str, values: Mapping[str, Value]) -> list[Constraint]:
    """The constraints of a pruner's constructor that these values break, in the order the
    constructor checks them; a constraint reading a value not in `values` is not judged."""
    table = PRUNER_TABLES.get(class_name)
    if table is None:
        return []
    return [
        constraint
        for constraint in table.constraints
        if all(name in values for name in constraint.parameters) and constraint.is_violated(values)
    ]


def _known(value: KnownValue | None, kind: str) -> bool:
    return value is not None and fits(kind, value.value)


def _is_int(value: Value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
