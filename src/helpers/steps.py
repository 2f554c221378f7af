"""The step registry: every notebook step of the pipeline, declared once (standard library only).

One row per notebook ``notebooks/<name>.ipynb``, in the order the report shows them.  Everything
else is derived from this table, nothing lists steps a second time:

- the runner's graph (:data:`helpers.pipeline.graph.STEPS`): what a step reads and writes, and
  ``after`` (the steps it reads);
- the catalogue's output folders (:data:`helpers.catalog.STEP_FOLDERS`);
- the parts of ``reports/summary.json`` (:data:`helpers.report.summary.PARTS`);
- what the report reads (:data:`helpers.pipeline.graph.REPORT_READS`) and its notebook pages
  (:func:`helpers.report.html.executed_notebooks`);
- the Dagster assets (made from the graph, :mod:`helpers.orchestration.assets`).

Adding a step is one :class:`StepSpec` row here plus its notebook.  What a row says the step reads is
checked when the runner runs it: its kernel may open under ``data/`` nothing else (:mod:`helpers.read_audit`).

>>> [s.name for s in STEPS][:2]
['01_ingest', '02_clean']
>>> after("06_figures")
('03_trend', '04_run_rate', '05_claims')
"""

from __future__ import annotations

from dataclasses import dataclass

#: The hand-entered data every step may start from (never written by code).
RAW = "data/raw"
PROCESSED = "data/processed"
FIGURES = "reports/figures"
#: The Chinese copies of the figures, beside the English ones.
FIGURES_ZH = "reports/figures/zh"


@dataclass(frozen=True)
class StepSpec:
    """One notebook step.

    ``name``: the notebook's stem.  ``folder``: its output folder under ``data/processed`` (its
    tables and its ``summary.json``), or ``None``.  ``reads``: the steps whose outputs it reads
    (by name) and/or :data:`RAW`.  ``figures``: glob prefixes of the figures it draws into
    ``reports/figures`` (and ``reports/figures/zh``), e.g. ``"06_"``: the notebook's own number.
    ``summary``: its parts of ``reports/summary.json``, each ``(key, inner)``: the key in
    ``summary.json`` and the key inside the step's own ``summary.json`` (``None``: all of it, less
    the keys that are parts of their own).  ``extra_reads``: other files it reads (relative to the
    project root).
    """

    name: str
    folder: str | None
    reads: tuple[str, ...]
    figures: tuple[str, ...] = ()
    summary: tuple[tuple[str, str | None], ...] = ()
    extra_reads: tuple[str, ...] = ()

    @property
    def notebook(self) -> str:
        return f"notebooks/{self.name}.ipynb"

    @property
    def writes(self) -> tuple[str, ...]:
        """What a run of the step writes (relative to the project root): its folder, then its figures."""
        folder = (f"{PROCESSED}/{self.folder}",) if self.folder else ()
        figures = tuple(f"{FIGURES}/{p}*" for p in self.figures) + tuple(f"{FIGURES_ZH}/{p}*" for p in self.figures)
        return (*folder, *figures)


STEPS: tuple[StepSpec, ...] = (
    StepSpec("01_ingest", "ingest", reads=(RAW,)),
    StepSpec("02_clean", "clean", reads=("01_ingest",)),
    StepSpec("03_trend", "trend", reads=("02_clean",), summary=(("trend", None),)),
    StepSpec("04_run_rate", "run_rate", reads=("02_clean",), summary=(("run_rate", None),)),
    StepSpec("05_claims", "claims", reads=("01_ingest", "02_clean"), summary=(("claims", None),)),
    StepSpec("06_figures", None, reads=("02_clean", "03_trend", "04_run_rate", "05_claims"), figures=("06_",)),
    StepSpec("07_what_happened", "what_happened", reads=("01_ingest", "02_clean", "05_claims"), figures=("07_",),
             summary=(("what_happened", None), ("reconciliation", "reconciliation"))),
    StepSpec("08_market_calendar", "market", reads=("01_ingest", "02_clean", "07_what_happened"), figures=("08_",),
             summary=(("market", None), ("calendar_specifications", "calendar_specifications"))),
    StepSpec("09_backtest", "backtest", reads=("02_clean",), figures=("09_",),
             summary=(("backtest", "backtest"), ("backtest_overlap", "backtest_overlap"),
                      ("window_sensitivity", "window_sensitivity"))),
)

#: Not a step's output, read by the report all the same: the quotes' translations and the index's wording
#: (a data file beside ``helpers.narrative.reader``).
REPORT_EXTRA_READS = ("config/translations.csv", "src/helpers/narrative/report_labels.toml")


def by_name(steps: tuple[StepSpec, ...] | None = None) -> dict[str, StepSpec]:
    return {s.name: s for s in (STEPS if steps is None else steps)}


def outputs_read(spec: StepSpec) -> tuple[str, ...]:
    """What a step that reads ``spec`` reads of it: its folder (tables and summary), or its figures when it has none."""
    return (f"{PROCESSED}/{spec.folder}",) if spec.folder else spec.writes


def step_reads(spec: StepSpec, steps: tuple[StepSpec, ...] | None = None) -> tuple[str, ...]:
    """The paths a step reads: those of the steps it names (:func:`outputs_read`), :data:`RAW`, its extra reads."""
    known = by_name(steps)
    paths: list[str] = []
    for read in spec.reads:
        paths.extend(outputs_read(known[read]) if read in known else (read,))
    return tuple(dict.fromkeys((*paths, *spec.extra_reads)))


def _needs(name: str, known: dict[str, StepSpec]) -> set[str]:
    """Every step ``name`` reads, directly or through others."""
    found: set[str] = set()
    todo = [r for r in known[name].reads if r in known]
    while todo:
        step = todo.pop()
        if step not in found:
            found.add(step)
            todo.extend(r for r in known[step].reads if r in known)
    return found


def after(name: str, steps: tuple[StepSpec, ...] | None = None) -> tuple[str, ...]:
    """The steps ``name`` waits for: those it reads, less those another step it reads already waits for.

    (The transitive reduction: the order is the same as waiting for every step it reads.)

    >>> after("05_claims")
    ('02_clean',)
    """
    known = by_name(steps)
    direct = [r for r in known[name].reads if r in known]
    implied = set().union(*(_needs(r, known) for r in direct)) if direct else set()
    return tuple(r for r in direct if r not in implied)


def summary_parts(steps: tuple[StepSpec, ...] | None = None) -> tuple[tuple[str, str, str | None], ...]:
    """``(key in summary.json, step, inner key or None)`` for every step's summary parts, in step order."""
    return tuple((key, s.name, inner) for s in (STEPS if steps is None else steps) for key, inner in s.summary)


def report_reads(steps: tuple[StepSpec, ...] | None = None) -> tuple[str, ...]:
    """What the report reads: every step's notebook and outputs (its summary among them), and :data:`REPORT_EXTRA_READS`."""
    steps = STEPS if steps is None else steps
    return (*(s.notebook for s in steps), *(w for s in steps for w in s.writes), *REPORT_EXTRA_READS)
