"""The Python API: lint a source string, lint paths, and fix source text.

```python
import optuna_lint

findings = optuna_lint.lint_source(source, filename="tune.py")
fixed = optuna_lint.fix_source(source, unsafe_fixes=True)
print(fixed.text)
```
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from optuna_lint.engine import LintedFile, Linter
from optuna_lint.findings import Finding
from optuna_lint.settings import Settings


@dataclass(frozen=True)
class FixedSource:
    """The result of fixing a source text."""

    text: str  # the fixed text (the original when nothing was fixed or the fix was refused)
    fixed: tuple[Finding, ...]  # findings the fixes removed
    remaining: tuple[Finding, ...]  # findings left in `text`
    refusal: str | None  # why fixes were not applied, when they would have broken the file


def lint_source(
    source: str | bytes, filename: str = "<string>", settings: Settings | None = None
) -> list[Finding]:
    """The findings in one module, linted on its own."""
    linter = Linter(settings or Settings())
    linted = _load(linter, source, filename)
    linter.lint([linted])
    return linted.findings


def fix_source(
    source: str | bytes,
    filename: str = "<string>",
    settings: Settings | None = None,
    *,
    unsafe_fixes: bool | None = None,
) -> FixedSource:
    """Apply the safe fixes (and the unsafe ones too, with `unsafe_fixes=True`) to a module."""
    settings = settings or Settings()
    if unsafe_fixes is not None:
        settings = Settings(**{**settings.__dict__, "unsafe_fixes": unsafe_fixes})
    linter = Linter(settings)
    linted = _load(linter, source, filename)
    original = linted.source.text if linted.source else ""
    linter.fix([linted])
    return FixedSource(
        text=linted.fixed_text if linted.fixed_text is not None else original,
        fixed=tuple(linted.fixed),
        remaining=tuple(linted.findings),
        refusal=linted.fix_refusal,
    )


def lint_paths(paths: Iterable[str | Path], settings: Settings | None = None) -> list[Finding]:
    """The findings in every Python file under `paths`, each analysed with the project it
    belongs to (see the README's "Projects")."""
    linter = Linter(settings or Settings())
    files = linter.load_paths([Path(p) for p in paths], Path.cwd())
    linter.lint(files)
    return sorted((f for linted in files for f in linted.findings), key=Finding.sort_key)


def _load(linter: Linter, source: str | bytes, filename: str) -> LintedFile:
    data = source.encode("utf-8") if isinstance(source, str) else source
    return linter.load_bytes(data, filename)
