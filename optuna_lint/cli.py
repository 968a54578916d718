"""The `optuna-lint` command line."""

from __future__ import annotations

import argparse
import difflib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from optuna_lint import __version__
from optuna_lint.engine import LintedFile, Linter
from optuna_lint.findings import Finding
from optuna_lint.reporting import OUTPUT_FORMATS, concise_line, json_report, summary_line
from optuna_lint.rule_docs import rule_page
from optuna_lint.rules import ALL_RULES, RULES_BY_CODE
from optuna_lint.settings import DEFAULT_MAX_FILE_SIZE, Settings
from optuna_lint.source import write_atomically

logger = logging.getLogger(__name__)
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SUBCOMMANDS = ("check", "verify", "rule", "rules", "config", "server")
_NOT_YET = ("config", "server")

EPILOG = """\
examples:
  optuna-lint                      lint every Python file under the current directory
  optuna-lint src/ train.py        lint some directories and files
  optuna-lint --fix .              apply the safe fixes
  optuna-lint --fix --unsafe-fixes apply the unsafe fixes too
  optuna-lint --diff .             show what --fix would change, write nothing
  optuna-lint --select OPL2 .      only the OPL2xx rules
  optuna-lint rule OPL101          explain a rule
  optuna-lint verify               run the bundled fixtures, original and fixed (runs code)
  optuna-lint -- config            lint a directory named like a subcommand

exit status: 0 no finding remains, 1 findings remain, 2 usage or internal error
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`optuna-lint . | head`): stop quietly, as other tools do, and
        # keep Python from complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FINDINGS


def _main(argv: Sequence[str] | None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = "check"
    if arguments and arguments[0] in SUBCOMMANDS:
        command = arguments.pop(0)
    elif arguments and arguments[0] == "--":
        arguments.pop(0)
        arguments = ["--", *arguments]

    if command == "rule":
        return _show_rule(arguments)
    if command == "rules":
        return _list_rules()
    if command == "verify":
        # Imported here: the checker's own commands never load the code that runs objectives.
        from optuna_lint.verify.command import main as verify

        return verify(arguments)
    if command in _NOT_YET:
        print(f"optuna-lint: error: `{command}` is not available in this version", file=sys.stderr)
        return EXIT_ERROR
    return _check(arguments)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="optuna-lint",
        usage="optuna-lint [check] [options] [PATH ...]",
        description="Find and fix Optuna objectives whose pruning cannot work.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or directories (default: .)"
    )
    parser.add_argument("--fix", action="store_true", help="apply safe fixes")
    parser.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix or --diff, apply unsafe fixes too"
    )
    parser.add_argument(
        "--diff", action="store_true", help="print the diff --fix would make; write nothing"
    )
    parser.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes")
    parser.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes")
    parser.add_argument(
        "--output-format", choices=OUTPUT_FORMATS, default="concise", help="default: concise"
    )
    parser.add_argument(
        "--assume-default-pruner",
        action="store_true",
        help="treat a study without pruner= as having Optuna's default MedianPruner",
    )
    parser.add_argument(
        "--metric-sink",
        action="append",
        default=[],
        metavar="PATTERN",
        help="a call that logs metrics, for OPL202, as a glob (e.g. 'neptune.log_*', "
        "'*.log_metrics'); may be repeated",
    )
    parser.add_argument(
        "--max-file-size",
        type=int,
        default=DEFAULT_MAX_FILE_SIZE,
        metavar="BYTES",
        help=f"skip larger files with OPL002 (default: {DEFAULT_MAX_FILE_SIZE})",
    )
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even if findings remain")
    parser.add_argument("-q", "--quiet", action="store_true", help="print findings only")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the linter does")
    parser.add_argument("--version", action="version", version=f"optuna-lint {__version__}")
    return parser


def _codes(value: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return default
    return tuple(code.strip().upper() for code in value.split(",") if code.strip())


def _check(arguments: list[str]) -> int:
    options = _parser().parse_args(arguments)
    logging.basicConfig(
        level=logging.DEBUG if options.verbose else logging.WARNING,
        format="optuna-lint: %(message)s",
    )
    settings = Settings(
        select=_codes(options.select, ("OPL",)),
        ignore=_codes(options.ignore, ()),
        unsafe_fixes=options.unsafe_fixes,
        assume_default_pruner=options.assume_default_pruner,
        metric_sinks=tuple(options.metric_sink),
        max_file_size=options.max_file_size,
    )
    errors: list[str] = []
    working_directory = Path.cwd()

    paths = [Path(p) for p in (options.paths or ["."])]
    existing = []
    for path in paths:
        if path.exists() or path.is_symlink():
            existing.append(path)
        else:
            errors.append(f"{path}: no such file or directory")

    linter = Linter(settings)
    files = linter.load_paths(existing, working_directory)
    originals = {linted.display_path: linted.source.text for linted in files if linted.source}

    if options.fix or options.diff:
        linter.fix(files)
    else:
        linter.lint(files)

    timings = linter.timings
    logger.debug(
        "timing: %d files analysed in %.2f s, projects indexed in %.2f s, "
        "linked and checked in %.2f s",
        len(files),
        timings["analyse"],
        timings["index"],
        timings["link"],
    )
    refusals: list[str] = []
    changed = _handle_fixed_files(files, originals, options, errors, refusals)
    for error in linter.internal_errors:
        errors.append(f"{error.display_path}: {error.message}")

    findings = sorted((f for linted in files for f in linted.findings), key=Finding.sort_key)
    fixed = sum(len(linted.fixed) for linted in files if linted.fixed_text is not None)
    if options.output_format == "json":
        texts = {linted.display_path: linted.source.text for linted in files if linted.source}
        print(json_report(findings, texts))
    elif not options.diff:
        for finding in findings:
            print(concise_line(finding, settings.unsafe_fixes))
        if not options.quiet:
            print(summary_line(findings, fixed if options.fix else 0, settings.unsafe_fixes))

    # A refused fix is not an error of the run: the file keeps its findings, reported above.
    for refusal in refusals:
        print(f"optuna-lint: {refusal}", file=sys.stderr)
    for error in errors:
        print(f"optuna-lint: error: {error}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if options.diff:
        return EXIT_FINDINGS if changed else EXIT_CLEAN
    if findings and not options.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _handle_fixed_files(
    files: list[LintedFile],
    originals: dict[str, str],
    options: argparse.Namespace,
    errors: list[str],
    refusals: list[str],
) -> bool:
    """Write (with --fix) or print the diff of (with --diff) each fixed file; True if any.
    A file whose fix was refused is left as it was, and `refusals` says why."""
    changed = False
    for linted in files:
        if linted.fix_refusal is not None:
            refusals.append(f"{linted.display_path}: not fixed: {linted.fix_refusal}")
        if linted.fixed_text is None:
            continue
        changed = True
        if options.diff:
            sys.stdout.write(_unified_diff(linted, originals[linted.display_path]))
            continue
        try:
            write_atomically(linted.path, linted.source.encode(linted.fixed_text))
        except OSError as error:
            errors.append(f"{linted.display_path}: cannot write the fix: {error.strerror or error}")
    return changed


def _unified_diff(linted: LintedFile, original: str) -> str:
    lines = difflib.unified_diff(
        original.splitlines(keepends=True),
        linted.fixed_text.splitlines(keepends=True),
        fromfile=f"a/{linted.display_path}",
        tofile=f"b/{linted.display_path}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _show_rule(arguments: list[str]) -> int:
    if len(arguments) != 1 or arguments[0].upper() not in RULES_BY_CODE:
        known = ", ".join(RULES_BY_CODE)
        print(f"optuna-lint: error: `rule` takes one rule code ({known})", file=sys.stderr)
        return EXIT_ERROR
    print(rule_page(RULES_BY_CODE[arguments[0].upper()]), end="")
    return EXIT_CLEAN


def _list_rules() -> int:
    width = max(len(rule.name) for rule in ALL_RULES)
    for rule in ALL_RULES:
        print(f"{rule.code}  {rule.name:<{width}}  fix: {rule.fix_availability}")
    return EXIT_CLEAN
