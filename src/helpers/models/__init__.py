"""The models: trend fits and forecasts, run-rate scenarios, the forecast scorecard, later evidence.

Reads the clean tables of :mod:`helpers.data`; knows nothing of figures or the runner.
"""
