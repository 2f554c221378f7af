"""The narrative: sentences built from results, what notebooks display as Markdown.

One module per notebook whose sentences it builds: ``ingest`` (01), ``clean``
(02), ``trend`` (03), ``run_rate`` (04), ``figures`` (06), ``what_happened``
(07) and ``backtest`` (09; ``report`` builds the report's findings).  Each function takes tables or dicts the notebook has
already computed and returns a string of Markdown (or, for a display table such
as :func:`helpers.narrative.what_happened.scorecard_table`, a DataFrame); it
computes no result of its own and reads or writes no file.  Every number is
printed through :mod:`helpers.formatting`.

Dependencies run one way: this package may import :mod:`helpers.formatting`,
:mod:`helpers.data`, :mod:`helpers.models` and :mod:`helpers.claims`; nothing in
those (nor in :mod:`helpers.figures`) imports it.
"""

from __future__ import annotations

from typing import Any

from helpers.formatting import inert_html


def prose(markdown: str) -> Any:
    """What a notebook displays for a Markdown text: IPython's ``Markdown``, with raw HTML made inert.

    Every Markdown output of a notebook goes through here (a test reads the
    notebooks' sources), so no tag reaches JupyterLab or the HTML report even if
    a data string reached the prose without :func:`helpers.formatting.md_literal`.
    """
    from IPython.display import Markdown

    return Markdown(inert_html(markdown))
