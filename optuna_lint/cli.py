"""The `optuna-lint` command line."""

from __future__ import annotations

import argparse
import difflib
import gc
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from optuna_lint import __version__
from optuna_lint.cache import CACHE_FOLDER, FactsCaches
from optuna_lint.configuration import ConfigError, ConfigurationFinder
from optuna_lint.engine import LintedFile, Linter
from optuna_lint.exclusion import Exclusion
from optuna_lint.findings import Finding, TextKey
from optuna_lint.notebooks import (
    NotebookSource,
    cell_texts,
    changed_cells,
    in_cells,
    row_namer,
)
from optuna_lint.reporting import (
    OUTPUT_FORMATS,
    SUMMARY_FORMATS,
    fix_marker,
    render,
    summary_line,
)
from optuna_lint.rule_docs import rule_page
from optuna_lint.rule_selection import UnknownSelector, checked_selectors, shortest_selectors
from optuna_lint.rules import ALL_RULES, RULES_BY_CODE, RULES_BY_NAME
from optuna_lint.settings import DEFAULT_MAX_FILE_SIZE, Settings
from optuna_lint.source import write_atomically
from optuna_lint.suppressions import add_noqa
from optuna_lint.workers import default_jobs

logger = logging.getLogger(__name__)
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SUBCOMMANDS = ("check", "verify", "rule", "rules", "config", "server")

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
    if command == "config":
        return _show_config(arguments)
    if command == "verify":
        # Imported here: the checker's own commands never load the code that runs objectives.
        from optuna_lint.verify.command import main as verify

        return verify(arguments)
    if command == "server":
        from optuna_lint.server import main as server

        return server(arguments)
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
    # Each --no-X turns off what `X = true` in a configuration file turns on; the last of a
    # pair given wins, as in ruff. None: the configuration decides.
    parser.add_argument("--fix", action="store_true", default=None, help="apply safe fixes")
    parser.add_argument(
        "--no-fix", dest="fix", action="store_false", help="apply no fix, whatever the files say"
    )
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        default=None,
        help="with --fix or --diff, apply unsafe fixes too",
    )
    parser.add_argument(
        "--no-unsafe-fixes",
        dest="unsafe_fixes",
        action="store_false",
        help="apply no unsafe fix, whatever the files say",
    )
    parser.add_argument(
        "--diff", action="store_true", help="print the diff --fix would make; write nothing"
    )
    parser.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes")
    parser.add_argument(
        "--extend-select", metavar="CODES", help="codes or prefixes to add to the selection"
    )
    parser.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes")
    parser.add_argument(
        "--config", metavar="PATH", help="use this configuration file for every file"
    )
    parser.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="leave out excluded files even when they are named (for pre-commit)",
    )
    parser.add_argument(
        "--output-format", choices=OUTPUT_FORMATS, default="full", help="default: full"
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
        metavar="BYTES",
        help=f"skip larger files with OPL002 (default: {DEFAULT_MAX_FILE_SIZE})",
    )
    parser.add_argument(
        "--add-noqa",
        action="store_true",
        help="add a `# noqa` for every finding to the files (to adopt the tool)",
    )
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even if findings remain")
    parser.add_argument(
        "--exit-non-zero-on-fix",
        action="store_true",
        help="with --fix, exit 1 when something was fixed, even if nothing remains",
    )
    parser.add_argument(
        "--statistics", action="store_true", help="print the number of findings of each rule"
    )
    parser.add_argument(
        "--show-fixes", action="store_true", help="with --fix, list what was fixed in each file"
    )
    parser.add_argument("--output-file", metavar="PATH", help="write the report to a file")
    parser.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="the name (and project) of the text read from stdin (with `-` or no path)",
    )
    parser.add_argument(
        "--jobs",
        metavar="N",
        type=_positive_count,
        default=None,
        help="analyse files in N processes (default: one per CPU)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the cache of analyses"
    )
    parser.add_argument(
        "--cache-dir",
        metavar="PATH",
        help=f"keep the cache here (default: {CACHE_FOLDER}/ at each project's root)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print findings only")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the linter does")
    parser.add_argument("--version", action="version", version=f"optuna-lint {__version__}")
    return parser


# One configuration file for everything, and none at all: which one is meant is not for the
# linter to guess.
CONFIG_AND_ISOLATED = "--config and --isolated cannot be used together"


class UsageError(Exception):
    """A bad option or combination of options; the message is the one line printed."""


def _codes(option: str, value: str) -> tuple[str, ...]:
    """The comma-separated selectors of an option, checked as the configuration files' are."""
    try:
        return checked_selectors(code for code in value.split(",") if code.strip())
    except UnknownSelector as error:
        raise UsageError(f"{option}: {error}") from None


def _check_usage(options: argparse.Namespace) -> None:
    """Raise UsageError for a value the configuration files would refuse too, or for options
    that cannot go together."""
    if options.max_file_size is not None and options.max_file_size < 1:
        raise UsageError(
            f"--max-file-size must be a positive whole number (not {options.max_file_size})"
        )
    if options.config is not None and options.isolated:
        raise UsageError(CONFIG_AND_ISOLATED)
    if options.stdin_filename is not None and options.paths not in ([], ["-"]):
        # Silently linting the paths and never reading the input would hide the mistake.
        raise UsageError("--stdin-filename names the text read from `-`: give no other path")
    for other in ("fix", "diff"):
        if options.add_noqa and getattr(options, other):
            # A fix run leaves fewer findings than the file has, and writes no comment.
            raise UsageError(f"--add-noqa cannot be used with --{other}")


def _overrides(options: argparse.Namespace) -> dict[str, object]:
    """The configuration keys the command line sets; they win over every file's own."""
    overrides: dict[str, object] = {}
    if options.select is not None:
        overrides["select"] = _codes("--select", options.select)
    if options.extend_select is not None:
        overrides["extend-select"] = _codes("--extend-select", options.extend_select)
    if options.ignore is not None:
        overrides["ignore"] = _codes("--ignore", options.ignore)
    if options.unsafe_fixes is not None:
        overrides["unsafe-fixes"] = options.unsafe_fixes
    if options.assume_default_pruner:
        overrides["assume-default-pruner"] = True
    if options.metric_sink:
        overrides["metric-sinks"] = tuple(options.metric_sink)
    if options.max_file_size is not None:
        overrides["max-file-size"] = options.max_file_size
    return overrides


def _check(arguments: list[str]) -> int:
    options = _parser().parse_args(arguments)
    _collect_garbage_less_often()
    logging.basicConfig(
        level=logging.DEBUG if options.verbose else logging.WARNING,
        format="optuna-lint: %(message)s",
    )
    try:
        _check_usage(options)
        overrides = _overrides(options)
    except UsageError as error:
        print(f"optuna-lint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    try:
        configurations = ConfigurationFinder(
            Path(options.config) if options.config else None, isolated=options.isolated
        )
        here = configurations.for_directory(Path.cwd())
    except ConfigError as error:
        print(f"optuna-lint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    # `fix = true` in a file does not turn --add-noqa into a fix run: the noqa comments are
    # for the findings as they are.
    if options.fix is None:
        options.fix = bool(here.get("fix", False)) and not options.add_noqa
    settings = here.settings_for(None, overrides)
    per_file: dict[Path, Settings] = {}

    def settings_for(path: Path) -> Settings:
        if path not in per_file:
            per_file[path] = configurations.for_file(path).settings_for(path.absolute(), overrides)
        return per_file[path]

    errors: list[str] = []
    working_directory = Path.cwd()

    # With --stdin-filename and no path, standard input is read too, as ruff reads it.
    from_stdin = options.paths == ["-"] or (
        options.stdin_filename is not None and not options.paths
    )
    paths = [] if from_stdin else [Path(p) for p in (options.paths or ["."])]
    if "-" in options.paths and not from_stdin:
        print(
            "optuna-lint: error: `-` (standard input) cannot be mixed with paths", file=sys.stderr
        )
        return EXIT_ERROR
    existing = []
    for path in paths:
        if path.exists() or path.is_symlink():
            existing.append(path)
        else:
            errors.append(f"{path}: no such file or directory")

    exclusion = Exclusion(configurations)
    linter = Linter(
        settings,
        settings_for,
        exclusion,
        force_exclude=options.force_exclude,
        jobs=options.jobs or default_jobs(),
        caches=None if options.no_cache else FactsCaches(_optional_path(options.cache_dir)),
        progress=_wants_progress(options),
    )
    stdin_data = b""
    try:
        if from_stdin:
            stdin_data = sys.stdin.buffer.read()
            stdin_path = Path(options.stdin_filename or "-")
            excluded = (
                options.force_exclude
                and options.stdin_filename is not None
                and exclusion.excludes_named(stdin_path)
            )
            # An excluded file is not linted, as in ruff; with --fix its text comes back as it
            # came, so an editor that pipes every file through the linter loses nothing.
            files = (
                [] if excluded else [linter.load_stdin(stdin_data, stdin_path, working_directory)]
            )
        else:
            # Analysed by `lint`, when the cache does not hold the findings of these inputs.
            files = linter.load_paths(existing, working_directory, analyse=False)
    except ConfigError as error:
        # A configuration file met on the way (a folder's own) is broken.
        print(f"optuna-lint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    originals = {linted.display_path: linted.source.text for linted in files if linted.source}

    if options.fix or options.diff:
        linter.fix(files)
    else:
        linter.lint(files)
    linter.close()
    if options.add_noqa:
        return _add_noqa(linter, files, errors)

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
    report_stream = sys.stdout
    changed = False
    if from_stdin and options.fix and not options.diff:
        # The fixed source goes to standard output, as editors and formatters expect; the report
        # goes to standard error.
        _write_fixed_stdin(files[0] if files else None, stdin_data, originals)
        report_stream = sys.stderr
    else:
        changed = _handle_fixed_files(files, originals, options, errors, refusals)
    for error in linter.internal_errors:
        errors.append(f"{error.display_path}: {error.message}")

    findings = sorted((f for linted in files for f in linted.findings), key=Finding.sort_key)
    fixed_files = [linted for linted in files if linted.fixed_text is not None]
    fixed = sum(len(linted.fixed) for linted in fixed_files)
    report: list[str] = []
    if options.statistics:
        report.append(_statistics_report(findings, settings.unsafe_fixes, options.output_format))
    elif not options.diff:
        findings, texts = _as_shown(findings, files)
        colour = options.output_file is None and _wants_colour(report_stream)
        report.append(
            render(findings, options.output_format, texts, settings.unsafe_fixes, colour=colour)
        )
        fixed_now = fixed if options.fix else 0
        # "All checks passed!" would be untrue beside an error (a missing path, a file that
        # could not be written): the errors say what happened instead.
        only_errors = bool(errors) and not (findings or fixed_now)
        if options.output_format in SUMMARY_FORMATS and not options.quiet and not only_errors:
            report.append(summary_line(findings, fixed_now, settings.unsafe_fixes) + "\n")
    if options.show_fixes and options.fix and not options.diff:
        report.extend(line + "\n" for line in _fixed_lines(fixed_files))
    if not _write_report(report, report_stream, options.output_file, errors):
        return EXIT_ERROR

    # A refused fix is not an error of the run: the file keeps its findings, reported above.
    for refusal in refusals:
        print(f"optuna-lint: {refusal}", file=sys.stderr)
    for error in errors:
        print(f"optuna-lint: error: {error}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if options.diff:
        return EXIT_FINDINGS if changed else EXIT_CLEAN
    if options.exit_zero:
        return EXIT_CLEAN
    if findings or (options.exit_non_zero_on_fix and fixed and options.fix):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _as_shown(
    findings: list[Finding], files: list[LintedFile]
) -> tuple[list[Finding], dict[TextKey, str]]:
    """The findings as the report shows them (a notebook's in its cells), and the text of each
    linted file and notebook cell (`Finding.text_key`)."""
    texts: dict[TextKey, str] = {}
    notebooks: dict[str, NotebookSource] = {}
    for linted in files:
        if linted.source is not None:
            texts[linted.display_path] = linted.source.text
        if isinstance(linted.source, NotebookSource) and linted.source.notebook is not None:
            notebooks[linted.display_path] = linted.source
            texts.update(cell_texts(linted.display_path, linted.source))
    shown = [
        in_cells(finding, notebooks[finding.filename]) if finding.filename in notebooks else finding
        for finding in findings
    ]
    return shown, texts


def _statistics(findings: list[Finding], unsafe_fixes: bool) -> list[dict[str, object]]:
    """`--statistics`: how many findings each rule has, the most frequent first, and whether
    `--fix` (with the given unsafe setting) would fix them all."""
    counts = Counter(finding.code for finding in findings)
    fixable = Counter(f.code for f in findings if fix_marker(f, unsafe_fixes))
    names = {finding.code: finding.name for finding in findings}
    return [
        {"code": code, "name": names[code], "count": count, "fixable": fixable[code] == count}
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def _statistics_report(findings: list[Finding], unsafe_fixes: bool, output_format: str) -> str:
    """The statistics as a JSON list with `--output-format json` (ruff's items), else as a
    table for people."""
    statistics = _statistics(findings, unsafe_fixes)
    if output_format == "json":
        return json.dumps(statistics, indent=2) + "\n"
    width = len(str(max((item["count"] for item in statistics), default=0)))
    return "".join(
        f"{item['count']:>{width}}  {item['code']}  {'[*] ' if item['fixable'] else ''}"
        f"{item['name']}\n"
        for item in statistics
    )


def _fixed_lines(files: list[LintedFile]) -> list[str]:
    """`--show-fixes`: what `--fix` changed, file by file."""
    total = sum(len(linted.fixed) for linted in files)
    if not total:
        return ["No fixes applied."]
    lines = [f"Fixed {total} finding{'' if total == 1 else 's'}:"]
    for linted in sorted(files, key=lambda linted: linted.display_path):
        lines.append(f"- {linted.display_path}:")
        counts = Counter((finding.code, finding.name) for finding in linted.fixed)
        lines.extend(
            f"    {count} x {code} ({name})" for (code, name), count in sorted(counts.items())
        )
    return lines


def _write_fixed_stdin(linted: LintedFile | None, data: bytes, originals: dict[str, str]) -> None:
    """The fixed text of standard input on standard output; the input itself when it was
    excluded (`linted` is None)."""
    if linted is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    if linted.source is None:
        return  # undecodable input: its OPL001 is reported, and nothing is echoed
    text = linted.fixed_text
    if text is None:
        text = originals.get(linted.display_path, linted.source.text)
    sys.stdout.buffer.write(linted.source.encode(text))
    sys.stdout.flush()


def _wants_colour(stream) -> bool:
    """Colour on a terminal only; NO_COLOR turns it off and FORCE_COLOR on (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def _write_report(chunks: list[str], stream, output_file: str | None, errors: list[str]) -> bool:
    """Print the report, or write it to `--output-file`; False when the file cannot be written."""
    text = "".join(chunks)
    if output_file is None:
        stream.write(text)
        return True
    try:
        Path(output_file).write_text(text, encoding="utf-8")
    except OSError as error:
        print(
            f"optuna-lint: error: {output_file}: cannot write the report: "
            f"{error.strerror or error}",
            file=sys.stderr,
        )
        return False
    return True


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
        if options.diff:
            changed = True
            sys.stdout.write(_unified_diff(linted, originals[linted.display_path]))
            continue
        if linted.changed_on_disk():
            errors.append(
                f"{linted.display_path}: not fixed: it changed on disk while being linted"
            )
            # Nothing is written: the findings its fixes removed are still there.
            linted.findings = sorted([*linted.findings, *linted.fixed], key=Finding.sort_key)
            linted.fixed, linted.fixed_text = [], None
            continue
        changed = True
        try:
            write_atomically(linted.path, linted.source.encode(linted.fixed_text))
        except OSError as error:
            errors.append(f"{linted.display_path}: cannot write the fix: {error.strerror or error}")
    return changed


def _add_noqa(linter: Linter, files: list[LintedFile], errors: list[str]) -> int:
    """`--add-noqa`: a `# noqa` for every finding, written into the files. A finding it could not
    suppress is named, and the run exits 1."""
    added = 0
    unsuppressed: list[str] = []
    for linted in files:
        by_row: dict[int, set[str]] = {}
        for finding in linted.findings:
            if not finding.always_reported:
                by_row.setdefault(finding.location.row, set()).add(finding.code)
        if not by_row or linted.source is None or linted.path is None:
            continue
        addition = add_noqa(linted.source.text, by_row)
        name_row = row_namer(linted.display_path, linted.source)
        unsuppressed.extend(
            f"{name_row(row)}: {code} is not suppressed: the `# noqa` of its line cannot be read"
            for row, code in addition.unsuppressed
        )
        if addition.added == 0:
            continue
        if linter.analyse_text(addition.text, linted.display_path, linted.path)[1] is not None:
            errors.append(f"{linted.display_path}: no noqa added: the text would not parse")
            continue
        if linted.changed_on_disk():
            errors.append(f"{linted.display_path}: no noqa added: it changed on disk meanwhile")
            continue
        try:
            write_atomically(linted.path, linted.source.encode(addition.text))
        except OSError as error:
            errors.append(f"{linted.display_path}: cannot write it: {error.strerror or error}")
            continue
        added += addition.added
    print(f"Added {added} noqa directive{'' if added == 1 else 's'}.")
    for line in unsuppressed:
        print(f"optuna-lint: {line}", file=sys.stderr)
    for error in errors:
        print(f"optuna-lint: error: {error}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if unsuppressed else EXIT_CLEAN


def _unified_diff(linted: LintedFile, original: str) -> str:
    """The diff `--fix` would make to the file; for a notebook, as ruff shows it, one diff per
    changed cell (`a/tune.ipynb:cell 3`) of the cell's source, not of the notebook's JSON."""
    if isinstance(linted.source, NotebookSource) and linted.source.notebook is not None:
        return "".join(
            _text_diff(before, after, f"{linted.display_path}:cell {index}")
            for index, before, after in changed_cells(linted.source, original, linted.fixed_text)
        )
    return _text_diff(original, linted.fixed_text, linted.display_path)


def _text_diff(before: str, after: str, name: str) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{name}",
        tofile=f"b/{name}",
    )
    # As diff and git write it; a cell's last line often has no newline of its own.
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def _show_config(arguments: list[str]) -> int:
    """`optuna-lint config [PATH]`: the configuration file that applies to a path and the
    settings a file there is linted with."""
    parser = argparse.ArgumentParser(
        prog="optuna-lint config", description="Show the effective settings for a path."
    )
    parser.add_argument("path", nargs="?", default=".", help="a file or folder (default: .)")
    parser.add_argument("--config", metavar="PATH", help="this configuration file instead")
    parser.add_argument("--isolated", action="store_true", help="no configuration file")
    options = parser.parse_args(arguments)
    if options.config is not None and options.isolated:
        print(f"optuna-lint: error: {CONFIG_AND_ISOLATED}", file=sys.stderr)
        return EXIT_ERROR
    path = Path(options.path)
    if not path.exists():
        print(f"optuna-lint: error: {path}: no such file or directory", file=sys.stderr)
        return EXIT_ERROR
    try:
        configurations = ConfigurationFinder(
            Path(options.config) if options.config else None, isolated=options.isolated
        )
        configuration = (
            configurations.for_directory(path) if path.is_dir() else configurations.for_file(path)
        )
    except ConfigError as error:
        print(f"optuna-lint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    settings = configuration.settings_for(None if path.is_dir() else path.absolute(), {})
    print(f"# configuration file: {configuration.path or 'none (the defaults)'}")
    shown = {
        # The rules that are on, after every layer's select, extend-select and ignore (and,
        # for a file, its per-file-ignores): what the file is linted with.
        "select": shortest_selectors(settings.select),
        **{
            key: configuration.values[key]
            for key in ("exclude", "extend-exclude", "per-file-ignores")
            if key in configuration.values
        },
        "respect-gitignore": configuration.respect_gitignore,
        "assume-default-pruner": settings.assume_default_pruner,
        "metric-sinks": settings.metric_sinks,
        "fix": bool(configuration.get("fix", False)),
        "unsafe-fixes": settings.unsafe_fixes,
        "max-file-size": settings.max_file_size,
    }
    for key, value in shown.items():
        print(f"{key} = {_toml_value(key, value)}")
    return EXIT_CLEAN


def _toml_value(key: str, value: object) -> str:
    if key == "per-file-ignores":
        pairs = ", ".join(f"{json.dumps(glob)} = {_toml_value('', codes)}" for glob, codes in value)
        return "{ " + pairs + " }" if pairs else "{}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(json.dumps(item) for item in value) + "]"
    return json.dumps(value)


def _show_rule(arguments: list[str]) -> int:
    """`optuna-lint rule CODE`: a rule's page, found by its code or its name."""
    if len(arguments) != 1:
        print("optuna-lint: error: `rule` takes one rule code or name", file=sys.stderr)
        return EXIT_ERROR
    wanted = arguments[0]
    rule = RULES_BY_CODE.get(wanted.upper()) or RULES_BY_NAME.get(wanted)
    if rule is None:
        print(f"optuna-lint: error: unknown rule code {wanted}", file=sys.stderr)
        return EXIT_ERROR
    print(rule_page(rule), end="")
    return EXIT_CLEAN


def _list_rules() -> int:
    width = max(len(rule.name) for rule in ALL_RULES)
    for rule in ALL_RULES:
        print(f"{rule.code}  {rule.name:<{width}}  fix: {rule.fix_availability}")
    return EXIT_CLEAN


def _positive_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return count


def _optional_path(text: str | None) -> Path | None:
    return Path(text) if text is not None else None


def _wants_progress(options: argparse.Namespace) -> bool:
    """A progress bar only where a person watches: a terminal, outside CI, unless quiet."""
    return sys.stderr.isatty() and not os.environ.get("CI") and not options.quiet


def _collect_garbage_less_often() -> None:
    """Parsing and reading cached facts build millions of small objects that live to the end
    of the run, and Python's default thresholds would scan them again and again (a fifth of a
    cold run's time, and half of a warm one's). The objects made while starting up are set
    aside for good, and the youngest generation is collected after 200,000 allocations
    instead of 700; worker processes inherit both."""
    gc.freeze()
    gc.set_threshold(200_000, 20, 100)
