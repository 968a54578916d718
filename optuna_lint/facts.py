"""The plain data the analysis of one file produces, and that the linking step joins.

Everything here is built from literals, tuples and frozen dataclasses, so it can be compared,
cached and sent between processes. Nothing refers back to the syntax tree: rules read these
facts and never parse again. Offsets are character offsets into the file's text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from optuna_lint.findings import Span

MODULE_SCOPE = "<module>"


@dataclass(frozen=True)
class KnownValue:
    """A value the source fixes (see `constant_values`); `None` is a value too
    (`lower=None`), so an unknown value is a missing `KnownValue`, not a `None` inside one."""

    value: int | float | str | None


@dataclass(frozen=True)
class Parameter:
    """A parameter of a function: its name, how it can be passed, and its resolved annotation."""

    name: str
    kind: str  # "positional" (positional or keyword), "positional_only", "keyword_only",
    # "var_positional" or "var_keyword"
    annotation: str | None = None  # qualified name of the annotation, when it resolves
    has_default: bool = False


@dataclass(frozen=True)
class CalleeRef:
    """How a called function is written, for the linking step to resolve.

    `kind` is "local" (a name bound in this module: `train(...)`), "self" (a method of the
    enclosing class: `self.train(...)`), "qualified" (a name reached through an import:
    `helpers.train(...)` resolved to `pkg.helpers.train`), "builtin" (a builtin the trial
    cannot report through, such as `print`), or "unknown".
    """

    kind: str
    name: str = ""


@dataclass(frozen=True)
class TrialCall:
    """A method called on a variable that may hold the trial: `trial.report(...)`."""

    receiver: str  # the dotted expression the method is called on: "trial", "self.trial"
    method: str
    span: Span
    loops: tuple[int, ...] = ()  # start offsets of the loops around the call, outermost first
    # When the call is a statement of its own: where its line ends (after the newline), and
    # the line's indentation, for fixes that add lines after it.
    statement_end: int | None = None
    indent: str = ""
    # `trial.should_prune() is True`: "is True", "is not False"...; and the comparison's span.
    identity: str | None = None
    comparison_span: Span | None = None
    # The names the tests of the `if`s around the call read: `directions` for
    # `if len(study.directions) == 1:`, a parameter for `if not multi_objective:`.
    guard_names: frozenset[str] = frozenset()
    method_span: Span | None = None  # the method's name
    bare: bool = False  # a statement of its own (also on a line with others), its value unused
    argument_count: int = 0
    value_name: str | None = None  # the first argument when a plain name or attribute
    value_span: Span | None = None  # the first argument
    value_is_tensor: bool = False  # evidently a torch tensor (see `function_analysis`)
    step: str | None = None  # the `step` argument as written, when a name or an integer
    step_is_literal: bool = False
    # The index of each loop in `loops` (the `for` target when a plain name; None for a
    # `while` or an unpacking target), and the names each loop's iterable reads.
    loop_targets: tuple[str | None, ...] = ()
    loop_iter_names: tuple[tuple[str, ...], ...] = ()
    existence_checked: bool = False  # under `if hasattr(trial, "<method>")` or the like
    # For a report: the largest step it can give, when the source fixes it (a literal step,
    # or the index of a `for` over `range(...)` whose bounds are known); None otherwise.
    step_bound: int | None = None


@dataclass(frozen=True)
class HandlerFacts:
    """An `except` clause of a `try`."""

    span: Span  # from `except` to the end of its block
    caught: str  # the caught types as written ("Exception", "(ValueError, Exception)"), or ""
    # "broad" (bare, Exception, BaseException, OptunaError, or a tuple with one of them),
    # "trial_pruned" (names TrialPruned), or "other".
    kind: str
    keeps_pruned: bool  # re-raises (bare `raise`, `raise <name>`) or raises TrialPruned
    reraises: bool  # a bare `raise` or `raise <the caught name>` somewhere in the handler
    raises_trial_pruned: Span | None  # a `raise TrialPruned(...)` in the handler
    only_reports: bool  # does nothing but log, print, return, continue or pass
    line_start: int  # where the `except` line starts
    indent: str  # the `except` line's indentation

    @property
    def written(self) -> str:
        """How messages quote the clause: `except Exception:`, or `except:`."""
        return f"except {self.caught}:" if self.caught else "except:"


@dataclass(frozen=True)
class TryFacts:
    """A `try` statement of a function, with what its body can raise."""

    body_start: int
    body_end: int
    body_raises_trial_pruned: bool  # a `raise TrialPruned` in the body, at any depth
    body_has_calls: bool
    handlers: tuple[HandlerFacts, ...]


@dataclass(frozen=True)
class UnraisedTrialPruned:
    """`return TrialPruned(...)` or `yield TrialPruned(...)`: the exception made, not raised."""

    keyword: str  # "return" or "yield"
    span: Span  # the `TrialPruned(...)` call
    keyword_start: int  # where the `return`/`yield` keyword starts


@dataclass(frozen=True)
class TrialHandoff:
    """A call that receives a variable which may hold the trial, as one of its arguments."""

    variable: str
    callee: CalleeRef
    position: int | None  # index among the positional arguments, when passed positionally
    keyword: str | None
    span: Span
    passed_on: bool = True  # False when the call is a statement of its own, its result unused
    binding: str | None = None  # the name or attribute the call's result is assigned to
    loops: tuple[int, ...] = ()  # start offsets of the loops around the call, outermost first


@dataclass(frozen=True)
class TrialStore:
    """`self.<attribute> = <variable>` in a method: the instance keeps the trial."""

    variable: str
    attribute: str  # "self.trial"
    span: Span


@dataclass(frozen=True)
class TrialAlias:
    """`<alias> = <variable>` or `<alias> = TorchDistributedTrial(<variable>)`."""

    variable: str
    alias: str


@dataclass(frozen=True)
class TrialEscape:
    """A use of a variable that the analysis cannot follow (stored, returned, aliased...)."""

    variable: str
    span: Span


@dataclass(frozen=True)
class PruneCheck:
    """An `if` on `<receiver>.should_prune()`."""

    receiver: str
    span: Span  # the `if` statement
    raises: bool  # the branch raises TrialPruned, directly or through a flag tested before a raise
    # How the branch ends when the check is true: "raise" (TrialPruned or another exception),
    # "deferred" (it sets a flag that a later test raises on, or breaks or continues where a
    # raise of TrialPruned can still follow), "return", "break", "continue", "pass" or
    # "falls_through".
    exit: str = "falls_through"
    flags: tuple[str, ...] = ()  # names and attributes the branch sets to True
    loops: tuple[int, ...] = ()
    # For fixes that make the branch raise: the statement it ends with (`return best`), and,
    # for an indented branch, where its last line ends and how its lines are indented.
    exit_span: Span | None = None
    branch_end: int | None = None
    branch_indent: str = ""


@dataclass(frozen=True)
class MoveBeforeCheck:
    """How to move a statement to just before a prune check, in the same block."""

    remove_start: int  # the statement with the blank and comment lines above it
    remove_end: int
    insert_at: int  # start of the line holding the check, or the report just before it
    statement_text: str  # the statement's lines, with its own comments, ready to insert


@dataclass(frozen=True)
class CallAfterCheck:
    """A call that stores a value (`trial.set_user_attr(...)`, or a metric sink such as
    `mlflow.log_metric(...)`) and runs after a prune check that can raise."""

    receiver: str  # the trial variable of the check
    key: str | None  # the attribute or metric name as written, when it is a plain string
    span: Span  # the call
    check_row: int
    stale_name: str  # a name read by the call whose value existed before the check
    move: MoveBeforeCheck | None  # set when moving the call is a safe fix
    sink: str | None = None  # for a metric sink: "mlflow.log_metric", "SummaryWriter.add_scalar"


@dataclass(frozen=True)
class ReportInsertion:
    """Where and what `trial.report(...)` plus a prune check could be added to a training loop."""

    insert_at: int  # offset after the last line of the loop body
    indent: str
    value: str  # the value's source text
    value_is_tensor: bool
    step: str  # the loop index
    newline: str
    lead: str = ""  # a newline to write first, when the loop ends the file without one
    last_statement_start: int = 0  # where the last statement of the loop body starts


@dataclass(frozen=True)
class FunctionFacts:
    """A function or method, with what it does with each variable that may hold the trial."""

    qualname: str  # "objective", "Trainer.fit", "main.<locals>.objective"
    name: str
    class_name: str | None  # the class a method is defined in
    parent: str | None  # the enclosing function, for nested functions and lambdas
    parameters: tuple[Parameter, ...]
    span: Span  # from the `def` (or `async`, or `lambda`) keyword to the end
    is_lambda: bool = False
    # Decorators other than those that leave the call as written (`staticmethod`...): what
    # runs may be a wrapper the analysis cannot see.
    decorators: tuple[str, ...] = ()
    # The body only passes, raises NotImplementedError or is `...`, or the method is abstract:
    # a placeholder for an implementation elsewhere.
    is_stub: bool = False
    # Names of the functions and classes nested in this one that its code reads (calls,
    # passes as callbacks, instantiates): the nested code that can run.
    nested_uses: tuple[str, ...] = ()
    trial_calls: tuple[TrialCall, ...] = ()
    handoffs: tuple[TrialHandoff, ...] = ()
    escapes: tuple[TrialEscape, ...] = ()
    stores: tuple[TrialStore, ...] = ()
    aliases: tuple[TrialAlias, ...] = ()
    checks: tuple[PruneCheck, ...] = ()
    flag_raises: tuple[str, ...] = ()  # names and attributes tested by an `if` that raises
    # TrialPruned: `if must_prune: raise ...`, `if callback.is_pruned: raise ...`
    returned: tuple[str | None, ...] = ()  # each `return`'s value as a dotted name, else None
    unraised_trial_pruned: tuple[UnraisedTrialPruned, ...] = ()
    tries: tuple[TryFacts, ...] = ()
    loop_spans: tuple[tuple[int, int], ...] = ()  # (start, end) of every loop, nested included
    attribute_names: tuple[str, ...] = ()  # every attribute name the function's code uses
    attrs_after_checks: tuple[CallAfterCheck, ...] = ()  # `<trial>.set_user_attr(...)`
    sinks_after_checks: tuple[CallAfterCheck, ...] = ()  # metric sinks
    report_insertion: ReportInsertion | None = None
    # The metric names `self.log(...)` and `self.log_dict({...})` log (LightningModule
    # methods): each literal name, and None for one the linter cannot read, or where `self` is
    # handed to another call or `self.log` is not called directly (it may log through them).
    logged_names: tuple[str | None, ...] = ()

    @property
    def defined_name(self) -> str:
        """The name the enclosing code uses the definition by: its own, or for a method its
        class's."""
        return self.class_name.rsplit(".", 1)[-1] if self.class_name else self.name

    @property
    def display_name(self) -> str:
        """How messages name the function: `objective`, or `Objective.__call__` for a method."""
        if self.class_name is None:
            return self.name
        return f"{self.class_name.rsplit('.', 1)[-1]}.{self.name}"

    @property
    def positional_parameters(self) -> tuple[Parameter, ...]:
        """Parameters that take positional arguments, `self`/`cls` of methods excluded."""
        positional = tuple(
            p for p in self.parameters if p.kind in ("positional", "positional_only")
        )
        if self.class_name is not None and positional and not self.is_lambda:
            return positional[1:]
        return positional


@dataclass(frozen=True)
class ClassFacts:
    """A class definition and the classes it derives from, as written."""

    qualname: str
    name: str
    bases: tuple[CalleeRef, ...]
    span: Span


@dataclass(frozen=True)
class PrunerRef:
    """What a study's `pruner=` (or a variable) holds.

    `kind` is "absent" (not given, or `None`: Optuna then uses MedianPruner), "class" (an Optuna
    pruner class, `class_name` its name in `optuna.pruners`), "custom" (a class of the linted
    tree deriving from an Optuna pruner: it may decide without reports), "call" (a call of
    something the file alone cannot tell, `callee` saying what; the project model resolves it
    to "custom" or "unknown"), or "unknown" (a factory call, a lookup, a class the linter does
    not know). A variable is resolved to what it holds.
    """

    kind: str
    class_name: str | None = None
    wrapped: PrunerRef | None = None  # the inner pruner of a PatientPruner
    callee: CalleeRef | None = None
    configured: bool = False  # built with arguments (not Optuna's defaults)
    # Where the call building it starts, in the same file: the key of its `PrunerConstruction`.
    # Not compared: two studies given equal pruners have the same pruner wherever it is built.
    construction: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class PrunerArgument:
    """An argument of a pruner's construction, by keyword or by position."""

    keyword: str | None
    position: int | None  # among the positional arguments, when passed positionally
    value: KnownValue | None  # None when the source does not fix it
    span: Span  # the keyword's name, or the positional argument itself


@dataclass(frozen=True)
class PrunerConstruction:
    """A call that builds an Optuna pruner, and whether a study of this file receives it."""

    class_name: str
    scope: str
    binding: str | None
    given_to_study: bool
    span: Span
    keywords: tuple[tuple[str, Span], ...] = ()  # the keyword arguments and their names' spans
    binding_read: bool = True  # whether code that can see `binding` reads it anywhere
    arguments: tuple[PrunerArgument, ...] = ()
    unpacked_arguments: bool = False  # `*args` or `**kwargs`: not every argument is seen


@dataclass(frozen=True)
class StudyFacts:
    """A `create_study(...)` or `load_study(...)` call."""

    scope: str
    class_name: str | None  # the class whose method creates it
    binding: str | None  # the variable or attribute the study is bound to
    factory: str  # "create_study" or "load_study"
    pruner: PrunerRef
    direction_count: int | None  # None when `directions=` is not a literal list
    span: Span
    study_name: str | None = None  # when a literal string
    has_storage: bool = False
    load_if_exists: bool | None = None  # when a literal
    pruner_argument: Span | None = None  # the `pruner=...` keyword argument
    pruner_value: Span | None = None  # its value
    # What `pruner=` gets when it is not a pruner: "class" (a pruner class, not called; its
    # name in `pruner_class`), "truthy" (True, a number, a string) or "falsy" (False, 0, "").
    pruner_misuse: str | None = None
    pruner_class: str | None = None
    # "minimize" or "maximize" for a single-objective study, when known (`direction=` left
    # out means "minimize"); None otherwise.
    direction: str | None = None
    positional_argument: Span | None = None  # the first positional argument, when any
    unpacked_arguments: bool = False  # `**options`: any setting may be among them
    loops: tuple[int, ...] = ()  # start offsets of the loops around the call, in its scope
    # The variable it is bound to is used somewhere in the module other than as the receiver
    # of an attribute (`helper(study)`, `s = study`), or its `optimize` is taken uncalled.
    handed_on: bool = False


@dataclass(frozen=True)
class ObjectiveRef:
    """What `optimize` receives as its objective.

    `kind` is "function" (a function or method, `callee` saying how it is written), "lambda"
    (`name` is the lambda's qualname), "partial" (`functools.partial(callee, ...)`, binding
    `bound_positional` leading positional parameters and the `bound_keywords`), "instance" (an
    instance of the class `callee`, whose `__call__` is the objective), or "unknown".
    """

    kind: str
    callee: CalleeRef | None = None
    name: str = ""
    bound_positional: int = 0
    bound_keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class OptimizeCall:
    """`<study>.optimize(<objective>, ...)`; `study_index` points into `FileFacts.studies`."""

    scope: str
    class_name: str | None
    study_variable: str | None  # `study` in `study.optimize(...)`
    study_index: int | None  # for `create_study(...).optimize(...)`
    objective: ObjectiveRef
    span: Span
    n_trials: int | None = None  # when a literal or a constant (see `constant_values`)
    # The study variable is a parameter or a local variable of the calling function, so a
    # module-level study of the same name is not the one it holds.
    study_is_local: bool = False
    # Start offsets of the loops around the call in its scope; a comprehension counts as one.
    loops: tuple[int, ...] = ()


@dataclass(frozen=True)
class OptunaReference:
    """A name under `optuna` as the file writes it (`optuna.pruners.MedianPruner`, or the name
    in `from optuna.pruners import MedianPruner`)."""

    qualified: str  # as written, before canonical forms: "optuna.structs.TrialPruned"
    name_span: Span  # its last part
    span: Span  # the whole reference
    # Only run where the name exists, or ready for its absence: under `if hasattr(x,
    # "<name>")`, in a `try` that catches ImportError or AttributeError, or in such a handler.
    existence_checked: bool = False


@dataclass(frozen=True)
class OptunaImport:
    """`import optuna`, `import optuna.x` or `from optuna.x import a, b`."""

    module: str
    span: Span  # the module's name as written
    statement_span: Span  # the whole statement
    names: tuple[str, ...] | None  # the names imported from it; None for `import optuna.x`
    # What the statement binds, in the order of `names`: the `as` name or the name itself;
    # for `import optuna.x` one entry, "optuna" unless `as` names it.
    bound: tuple[str, ...]
    fallback: bool = False  # in an `except ImportError:` block, the fallback of another import
    in_function: bool = False

    @property
    def aliased(self) -> bool:
        """`import optuna.x as y`: the module itself is bound to a name."""
        return self.names is None and self.bound[0] != "optuna"


@dataclass(frozen=True)
class ModuleNames:
    """How the module refers to the Optuna names a fix needs, and where an import can go."""

    trial_pruned: str | None  # "optuna.TrialPruned", "opt.TrialPruned", "TrialPruned", ...
    import_insert_at: int  # where `import optuna` goes when nothing suitable is bound
    newline: str
    indent_unit: str  # one level of the module's indentation


@dataclass(frozen=True)
class FileFacts:
    """Everything the rules need to know about one file."""

    imports: tuple[tuple[str, str], ...]  # (local name, qualified name)
    names: ModuleNames
    functions: tuple[FunctionFacts, ...] = ()
    classes: tuple[ClassFacts, ...] = ()
    studies: tuple[StudyFacts, ...] = ()
    pruners: tuple[PrunerConstruction, ...] = ()
    optuna_references: tuple[OptunaReference, ...] = ()
    optuna_imports: tuple[OptunaImport, ...] = ()
    # Names bound anywhere in the file other than by an import or a definition (parameters
    # included): a name a fix must not assume refers to a module.
    assigned_names: tuple[str, ...] = ()
    optimize_calls: tuple[OptimizeCall, ...] = ()
    # Names bound at module level other than by `def` (used to tell a local function from a
    # variable that merely shares its name).
    module_bindings: tuple[str, ...] = field(default=())
    pruning_callbacks: tuple[PruningCallbackUse, ...] = ()


# Integration pruning callbacks and the training they are handed to


@dataclass(frozen=True)
class StringArgument:
    """An argument written as a string literal."""

    value: str
    span: Span
    # The literal's prefix and opening quote (`"`, `'`, `r"`), so that a fix writes the new
    # string the same way; "" for literals a fix does not rewrite (implicitly concatenated).
    quote: str

    def written_as(self, value: str) -> str | None:
        """`value` as a literal with this one's prefix and quotes, or None when it cannot be
        written so (a quote or a backslash in it, or a concatenated literal)."""
        closing = self.quote.lstrip("rRbBuU")
        if not closing or closing[0] in value or "\\" in value:
            return None
        return f"{self.quote}{value}{closing}"


@dataclass(frozen=True)
class TrainingCall:
    """A call that trains with a pruning callback: the one it is handed to in `callbacks=[...]`,
    or a `fit`/`compile` call on the object that call builds or is made on.

    Argument values are kept as `literal_value` reads them: a string literal as the string, a
    list or tuple as a tuple of such values, anything else as None.
    """

    callee: CalleeRef  # how the called expression is written (`lgb.train`: "lightgbm.train")
    method: str | None  # for a method on a plain name (`model.fit(...)`): the method
    receiver: str | None  # and that name
    keywords: tuple[tuple[str, object], ...]  # keyword name -> literal value
    positional_count: int
    has_star: bool  # `*args` or `**kwargs`: any argument may be given
    span: Span
    # For `fit`: the class that built its model argument (the first positional one, or
    # `model=`), when it is a call or a variable assigned one call; else None.
    model: CalleeRef | None = None


@dataclass(frozen=True)
class PruningCallbackUse:
    """A construction of an Optuna integration pruning callback, with where it goes."""

    qualified: str  # the callback class, canonical (`optuna_integration.XGBoostPruningCallback`)
    scope: str
    span: Span  # the construction
    positional: tuple[StringArgument | None, ...]  # None for an argument not a string literal
    keywords: tuple[tuple[str, StringArgument | None], ...]
    has_star: bool
    arguments_end: int  # where its last argument ends, for a fix that adds a keyword
    # The call the callback is handed to in `callbacks=[...]` (directly, or through a name
    # bound to it once), when there is exactly one.
    host: TrainingCall | None = None
    # The other callbacks of that list: the qualified class of each, None when unknown.
    other_callbacks: tuple[str | None, ...] = ()
    # `fit` and `compile` calls in the same function on the object the host builds
    # (`trainer = Trainer(...)`) or is called on (`model.fit(...)`): all of them when
    # `object_followed`, which says the object is a plain name bound once, never handed to
    # another call, stored or aliased.
    object_calls: tuple[TrainingCall, ...] = ()
    object_followed: bool = False

    def argument(self, position: int, keyword: str) -> StringArgument | None:
        """The string literal given for a parameter, by keyword or position."""
        for name, value in self.keywords:
            if name == keyword:
                return value
        return self.positional[position] if len(self.positional) > position else None

    def gives(self, position: int, keyword: str) -> bool:
        """Whether the call passes the parameter at all (a literal or not)."""
        return len(self.positional) > position or any(name == keyword for name, _ in self.keywords)
