"""What `verify` will run: the objectives of its targets, their study settings as the linter
found them, the fixed text of each module and the codes its fixes remove.

A target is a folder (its `.py` files, not recursively), a module, or `module.py:objective`.
A module `X.py` with a hand-corrected `X_fixed.py` beside it is compared with that file instead
of with the fixer's output. Nothing here runs the code: it is linted and fixed in memory.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from optuna_lint.engine import Linter
from optuna_lint.facts import FileFacts, FunctionFacts, ObjectiveRef, StudyFacts
from optuna_lint.findings import Finding
from optuna_lint.linking import Objective, ProjectModel
from optuna_lint.settings import Settings
from optuna_lint.source import SourceText
from optuna_lint.verify.project_copy import CopySource, choose_copy_source
from optuna_lint.verify.training_loop import instrument

HAND_FIXED_SUFFIX = "_fixed"
NOT_RUN = "not run: "  # begins the reason of an objective the worker cannot call
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class TargetError(Exception):
    """A target that names nothing runnable."""


@dataclass(frozen=True)
class Variant:
    """One version of a module, instrumented, with how its study gets its pruner."""

    text: str
    # How the text is written out: the encoding (and byte-order mark) of the file it came from.
    source: SourceText
    loop_row: int | None  # the counted training loop; None when none was found
    pruner_expression: str | None  # None: the study's default pruner
    pruner_in_module: bool  # the expression reads the module's own names


@dataclass
class ObjectivePlan:
    module: Path
    objective: str
    direction: str = "minimize"
    codes: tuple[str, ...] = ()  # the codes the fixed variant no longer has
    remaining: tuple[str, ...] = ()  # the codes left in it
    hand_fixed: Path | None = None
    original: Variant | None = None
    fixed: Variant | None = None
    # Why it is not run: "nothing to prove: ..." or an error.
    skipped: str | None = None
    copy_source: CopySource | None = None  # the user's files each variant runs among
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.module.name}:{self.objective}"


def bundled_fixtures() -> Path:
    """The fixtures folder: beside the package in a source checkout, inside it when
    installed from a wheel."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package.parent / "fixtures", package / "fixtures"):
        if candidate.is_dir():
            return candidate
    raise TargetError("the bundled fixtures are not installed")


def plan_targets(
    targets: list[str], direction: str | None, pruner_preset: str | None
) -> list[ObjectivePlan]:
    modules: list[tuple[Path, str | None]] = []
    for target in targets or [str(bundled_fixtures())]:
        module, objective = _split_target(target)
        if module.is_dir():
            found = [
                (path, None)
                for path in sorted(module.glob("*.py"))
                if not path.stem.endswith(HAND_FIXED_SUFFIX) and path.name != "__init__.py"
            ]
            if not found:
                raise TargetError(f"{target}: the folder holds no Python module")
            modules.extend(found)
        elif module.is_file():
            if module.suffix != ".py":
                raise TargetError(f"{target}: not a Python module (a .py file)")
            modules.append((module, objective))
        elif target.endswith(":") and Path(target[:-1]).is_file():
            raise TargetError(f"{target}: no objective named after the ':'")
        else:
            raise TargetError(f"{target}: no such file or folder")
    # A module named twice (`tune.py ./tune.py`) runs once; `tune.py:objective` narrows it.
    unique: dict[tuple[Path, str | None], None] = {}
    for path, objective in modules:
        unique.setdefault((path.resolve(), objective), None)
    modules = [(path, objective) for path, objective in unique]
    covered = {path for path, objective in modules if objective is None}
    modules = [(p, o) for p, o in modules if o is None or p not in covered]

    # All the modules are linted and fixed together, so their projects are read once. Each
    # named module is analysed, whatever its text, since its facts are the plan's.
    linter = Linter(Settings(unsafe_fixes=True), analyse_everything=True)
    files = linter.load_paths([path for path, _ in modules], Path.cwd())
    linter.lint(files)
    original_findings = {id(linted): list(linted.findings) for linted in files}
    model = linter.project_model(files)
    original_sources = {id(linted): linted.source for linted in files if linted.source}
    original_texts = {key: source.text for key, source in original_sources.items()}
    original_facts = {id(linted): linted.facts for linted in files}
    linter.fix(files)
    by_path = {linted.path.resolve(): linted for linted in files if linted.path is not None}

    plans: list[ObjectivePlan] = []
    for path, objective in modules:
        linted = by_path.get(path.resolve())
        facts = original_facts.get(id(linted)) if linted is not None else None
        if linted is None or linted.problem is not None or facts is None:
            problem = linted.problem.message if linted and linted.problem else "it was not read"
            plans.append(ObjectivePlan(path, objective or "?", skipped=f"error: {problem}"))
            continue
        module = _LintedModule(
            path=path,
            text=original_texts[id(linted)],
            source=original_sources[id(linted)],
            facts=facts,
            findings=tuple(original_findings[id(linted)]),
            fixed_text=linted.fixed_text,
            fixed_findings=tuple(linted.findings),
            objectives=model.objectives(linted.display_path),
            model=model,
        )
        plans.extend(_plan_module(module, objective, direction, pruner_preset))
    return plans


@dataclass
class _LintedModule:
    """A target module as the linter saw it, before and after `--fix --unsafe-fixes`."""

    path: Path
    text: str
    source: SourceText
    facts: FileFacts
    findings: tuple[Finding, ...]
    fixed_text: str | None  # None: the fixer changed nothing
    fixed_findings: tuple[Finding, ...]  # those left after the fixes
    objectives: list[Objective]
    model: ProjectModel


def _split_target(target: str) -> tuple[Path, str | None]:
    head, colon, tail = target.rpartition(":")
    if colon and _IDENTIFIER.fullmatch(tail) and Path(head).is_file():
        return Path(head), tail
    return Path(target), None


def _plan_module(
    module: _LintedModule, only: str | None, direction: str | None, pruner_preset: str | None
) -> list[ObjectivePlan]:
    path = module.path
    objectives = {
        found.function.qualname: found
        for found in module.objectives
        # A module-level function, which the worker can get by its name.
        if _IDENTIFIER.fullmatch(found.function.qualname)
    }
    unrunnable = sorted({found.function.qualname for found in module.objectives} - set(objectives))
    unlinked = _unlinked_objectives(module.text, module.facts)
    names = [only] if only else sorted(objectives)
    if not names and not unrunnable and not unlinked:
        return [ObjectivePlan(path, "?", skipped="nothing to prove: no objective a study runs")]

    original_text, original_facts = module.text, module.facts
    hand_fixed = path.with_name(path.stem + HAND_FIXED_SUFFIX + path.suffix)
    if hand_fixed.is_file():
        fixed_linter = Linter(Settings(), analyse_everything=True)
        (fixed_file,) = fixed_linter.load_paths([hand_fixed], Path.cwd())
        fixed_linter.lint([fixed_file])
        if fixed_file.source is None or fixed_file.facts is None:
            problem = fixed_file.problem.message if fixed_file.problem else "it was not read"
            return [
                ObjectivePlan(path, only or "?", skipped=f"error: {hand_fixed.name}: {problem}")
            ]
        fixed_text, fixed_source = fixed_file.source.text, fixed_file.source
        fixed_facts = fixed_file.facts
        left_findings = tuple(fixed_file.findings)
    else:
        hand_fixed = None
        fixed_text = module.fixed_text if module.fixed_text is not None else original_text
        fixed_source = module.source
        fixed_facts = (
            Linter(Settings(), analyse_everything=True)
            .load_bytes(fixed_source.encode(fixed_text), path.name)
            .facts
        )
        left_findings = module.fixed_findings
    every_objective = set(objectives) | set(unrunnable)

    def codes_of(name: str) -> tuple[Counter[str], Counter[str]]:
        """The codes of the objective's findings before and after the fixes: those inside
        its function, and those outside every objective (a study's `pruner=`)."""
        before = _codes_in(module.findings, original_facts, name, every_objective)
        after = _codes_in(left_findings, fixed_facts, name, every_objective)
        return before, after

    plans = []
    if not only:
        # Objectives the worker cannot call on their own: listed, so that a fix of theirs is
        # never taken for proven.
        for name in unrunnable:
            before, after = codes_of(name)
            codes = tuple(sorted(before - after))
            plan = ObjectivePlan(path, name, codes=codes, remaining=tuple(sorted(after)))
            plan.skipped = (
                _nothing_fixed(before, None)
                if not codes
                else f"error: {_not_run(name, _kind_of_function(name))}"
            )
            plans.append(plan)
        # Objectives the linker could not follow have no findings, so nothing to prove, but
        # they are named rather than hidden behind "no objective a study runs".
        for expression, kind in unlinked:
            skipped = f"nothing to prove: {_not_run(expression, kind)}"
            plans.append(ObjectivePlan(path, expression, skipped=skipped))
    for name in names:
        original_codes, left = codes_of(name)
        codes = tuple(sorted(original_codes - left))
        plan = ObjectivePlan(path, name, codes=codes, remaining=tuple(sorted(left)))
        plan.hand_fixed = hand_fixed
        plans.append(plan)
        found = objectives.get(name)
        study = found.study if found else None
        function = _module_function(original_facts, name)
        if function is None:
            plan.skipped = f"error: {path.name} has no module-level function `{name}`"
            continue
        needed = [
            parameter.name
            for parameter in function.parameters[1:]
            if not parameter.has_default and parameter.kind in ("positional", "keyword_only")
        ]
        if needed and original_codes:
            given = _partial_of(module.text, original_facts, name)
            plan.skipped = "error: " + _not_run(
                name,
                f"also needs {', '.join(needed)}"
                + (f" (the study runs `{given}`)" if given else ""),
            )
            continue
        if study is not None and (study.direction_count or 1) > 1:
            plan.skipped = "nothing to prove: the study is multi-objective"
            continue
        if not codes:
            plan.skipped = _nothing_fixed(original_codes, hand_fixed)
            continue
        if hand_fixed is not None and fixed_facts and name not in _module_functions(fixed_facts):
            plan.skipped = f"error: {hand_fixed.name} has no module-level function `{name}`"
            continue
        known_direction = study.direction if study is not None else None
        if known_direction is None and study is not None and direction is None:
            plan.skipped = (
                "error: the linter cannot read the study's direction; give it with --direction"
            )
            continue
        # The direction the study is created with, when the linter can read it, wins.
        plan.direction = known_direction or direction or "minimize"
        in_module = found is not None and found.study_path == found.path
        study_facts = module.model.facts(found.study_path) if found is not None else None
        study_source = _StudySource(found, in_module, study_facts, original_text, original_facts)
        plan.original = _variant(original_text, module.source, original_facts, name, study_source)
        plan.fixed = _variant(fixed_text, fixed_source, fixed_facts, name, study_source)
        plan.copy_source = choose_copy_source(path)
        if plan.copy_source.note is not None:
            plan.notes.append(plan.copy_source.note)
        if pruner_preset is not None:
            plan.notes.append(f"pruner: {pruner_preset} (--pruner)")
        if plan.original.loop_row is None:
            plan.notes.append("no training loop found: passes are not counted")
    return plans


def _not_run(name: str, why: str) -> str:
    """Why verify does not run an objective (the worker calls a module's function by name,
    with the trial as its only argument)."""
    return f"{NOT_RUN}verify runs module-level functions that take the trial alone; `{name}` {why}"


def _kind_of_function(qualname: str) -> str:
    if "<lambda" in qualname:
        return "is a lambda"
    if "<locals>" in qualname:
        return "is a nested function"
    return "is a method"


def _optimized_expressions(text: str, facts: FileFacts) -> list[tuple[ObjectiveRef, str]]:
    """What each `optimize` call of the module is given as its objective, as written."""
    found = []
    for call in facts.optimize_calls:
        try:
            node = cst.parse_expression(text[call.span.start_offset : call.span.end_offset])
        except cst.ParserSyntaxError:
            continue
        if isinstance(node, cst.Call) and node.args:
            found.append((call.objective, cst.Module([]).code_for_node(node.args[0].value)))
    return found


def _unlinked_objectives(text: str, facts: FileFacts) -> list[tuple[str, str]]:
    """Objectives given to `optimize` that the linker cannot follow (`Tuner().objective`),
    as written, with what they are."""
    unlinked = {}
    for objective, expression in _optimized_expressions(text, facts):
        if objective.kind != "unknown":
            continue
        node = cst.parse_expression(expression)
        if isinstance(node, cst.Attribute):
            unlinked[expression] = "is a method"
        elif isinstance(node, cst.Call):
            unlinked[expression] = "is made by a call"
        else:
            unlinked[expression] = "is not a module-level function"
    return sorted(unlinked.items())


def _partial_of(text: str, facts: FileFacts, name: str) -> str | None:
    """The `functools.partial(name, ...)` a study runs, as written, when one does."""
    for objective, expression in _optimized_expressions(text, facts):
        if objective.kind == "partial" and objective.callee and objective.callee.name == name:
            return expression
    return None


def _module_functions(facts: FileFacts) -> set[str]:
    return {function.qualname for function in facts.functions}


def _codes_in(
    findings: tuple[Finding, ...], facts: FileFacts | None, name: str, objectives: set[str]
) -> Counter[str]:
    spans = {
        function.qualname: function.span
        for function in (facts.functions if facts else ())
        if function.qualname in objectives
    }

    def inside(finding: Finding, qualname: str) -> bool:
        span = spans.get(qualname)
        return span is not None and span.start_offset <= finding.span.start_offset < span.end_offset

    return Counter(
        finding.code
        for finding in findings
        if inside(finding, name) or not any(inside(finding, other) for other in spans)
    )


def _module_function(facts: FileFacts, name: str) -> FunctionFacts | None:
    return next((f for f in facts.functions if f.qualname == name), None)


def _nothing_fixed(original_codes: Counter[str], hand_fixed: Path | None) -> str:
    """Why a plan without fixed codes is not run."""
    if not original_codes:
        return "nothing to prove: no finding"
    found = ", ".join(sorted(original_codes))
    if hand_fixed is not None:
        # A hand-corrected file that corrects nothing is a mistake to show, not a pass.
        return f"error: {hand_fixed.name} still has {found}"
    return f"nothing to prove: no fix for {found}"


@dataclass(frozen=True)
class _StudySource:
    """Where the study that runs an objective is written, as the linter found it."""

    objective: Objective | None
    in_module: bool  # the study is created in the objective's own module
    facts: FileFacts | None  # of the study's module
    original_text: str  # of the objective's module, before any fix
    original_facts: FileFacts


def _variant(
    text: str, source: SourceText, facts: FileFacts | None, objective: str, study: _StudySource
) -> Variant:
    instrumented = instrument(text, objective)
    expression = None
    found = study.objective
    if found is not None:
        if study.in_module and facts is not None:
            # The variant's own study: a fix may have changed its `pruner=`.
            same = _same_study(facts, found.study, study.original_facts)
            if same is not None:
                expression = _pruner_expression(same, facts, text)
            else:
                expression = _pruner_expression(
                    found.study, study.original_facts, study.original_text
                )
        else:
            # The study of the module that runs the objective, as written there.
            study_text = _read(Path(found.study_path))
            expression = _pruner_expression(found.study, study.facts, study_text)
    return Variant(instrumented.text, source, instrumented.loop_row, expression, study.in_module)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _same_study(
    facts: FileFacts, study: StudyFacts, original_facts: FileFacts | None
) -> StudyFacts | None:
    """The study of `facts` made by the same call as `study` of `original_facts`: the one
    in the same place among the studies of its function made the same way."""

    def alike(facts: FileFacts) -> list[StudyFacts]:
        return [
            other
            for other in facts.studies
            if other.scope == study.scope and other.factory == study.factory
        ]

    if original_facts is None:
        return None
    before, after = alike(original_facts), alike(facts)
    if study not in before or len(before) != len(after):
        return None
    return after[before.index(study)]


def _pruner_expression(study: StudyFacts, facts: FileFacts | None, text: str | None) -> str | None:
    """The source of the pruner the study gets; None for Optuna's default."""
    if study.pruner.kind == "absent" or study.pruner_value is None or text is None:
        return None
    written = text[study.pruner_value.start_offset : study.pruner_value.end_offset]
    if facts is not None and _IDENTIFIER.fullmatch(written):
        # A variable: the pruner built for it in the same function.
        for construction in facts.pruners:
            if construction.binding == written and construction.scope == study.scope:
                span = construction.span
                return text[span.start_offset : span.end_offset]
    return written
