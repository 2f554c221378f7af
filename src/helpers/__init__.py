"""su7-slump analysis helpers: small, pure, importable pieces the numbered notebooks call.

One subpackage per concern; dependencies run one way, downward:

* foundations: ``paths`` (where the project is), ``atomic`` (safe writes),
  ``formatting`` (how every number is printed and rounded), ``catalog`` (every
  processed table: name, path, reader);
* ``data``: the raw contract and validation, Chinese numbers, ISO weeks, figure
  roles, ingest (01) and clean (02);
* ``models``: trend fits (03), run-rate scenarios (04), the forecast scorecard,
  the later evidence (07);
* ``claims``: one engine, the article's rules (05) and the later rules (07);
* ``figures`` and ``narrative``: what the notebooks draw and say;
* ``report``: ``summary.json`` and the HTML report;
* ``pipeline``: the runner; it may import the analysis, nothing imports it.
"""

import sys as _sys

__all__ = ["__version__"]
__version__ = "0.1.0"

# in a kernel (not the runner's own processes, which read every summary for a page): a step the runner
# started opens under data/ only what it declares
if "ipykernel" in _sys.modules:
    from helpers.read_audit import install_if_asked as _install_if_asked

    _install_if_asked()
