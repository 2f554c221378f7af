"""The models: trend fits, bands and forecasts (``trend``), run-rate scenarios (``run_rate``),
the one forecast scorer and the vintage log (``scorecard``), and the later evidence (``later``:
the article's vintage scored, the decline, monthly readings).

Reads the clean tables of :mod:`helpers.data`; imports nothing from claims, figures, narrative or the runner.
"""
