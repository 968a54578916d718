"""Analysing many files at once, in worker processes.

Parsing is where a run spends its time and each file's analysis stands alone, so the files are
shared out among processes. The largest go first: handed out one at a time in that order, the
work ends at about the same time on every core instead of waiting on one large file picked up
last. The results come back in the order of the texts given, so a run's output is the same
with any number of workers.

A worker that dies (LibCST's native parser can take a process down on input that passes the
screening of `screening.py`) breaks the pool, and the run stops with an error instead of
restarting a worker and reporting the file.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from tqdm import tqdm

from optuna_lint.analysis import Analysis, analyse_text

# Below this many files, starting processes costs more than it saves.
MIN_FILES_FOR_WORKERS = 8
# Below this many files a run is over before a progress bar would tell anything.
MIN_FILES_FOR_PROGRESS = 200


@dataclass(frozen=True)
class AnalysisJob:
    text: str
    display_path: str
    metric_sinks: tuple[str, ...]


def default_jobs() -> int:
    """The processors this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


class AnalysisPool:
    """Worker processes started on first use and kept for the rest of the run."""

    def __init__(self, jobs: int, progress: bool = False) -> None:
        """`progress` shows a bar on stderr while many files are analysed."""
        self.jobs = jobs
        self.progress = progress
        self._executor: ProcessPoolExecutor | None = None

    def analyse(self, jobs: Sequence[AnalysisJob]) -> list[Analysis]:
        if self.jobs <= 1 or len(jobs) < MIN_FILES_FOR_WORKERS:
            return list(self._shown(map(_run, jobs), len(jobs)))
        order = sorted(range(len(jobs)), key=lambda index: -len(jobs[index].text))
        results: dict[int, Analysis] = {}
        analysed = self._start().map(_run, [jobs[index] for index in order])
        for index, analysis in zip(order, self._shown(analysed, len(jobs)), strict=True):
            results[index] = analysis
        return [results[index] for index in range(len(jobs))]

    def _shown(self, analyses: Iterator[Analysis], count: int) -> Iterator[Analysis]:
        if not self.progress or count < MIN_FILES_FOR_PROGRESS:
            return analyses
        bar = tqdm(analyses, total=count, unit="file", desc="analysing", leave=False)
        return iter(bar)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None

    def _start(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # Forked workers start at once with the linter already imported; elsewhere they
            # import it themselves.
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self._executor = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context)
        return self._executor


def _run(job: AnalysisJob) -> Analysis:
    return analyse_text(job.text, job.display_path, job.metric_sinks)
