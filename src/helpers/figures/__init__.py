"""The figures: ``style`` (theme, colours, fonts; the en/zh labels come from :mod:`helpers.labels`), ``frame`` (the
shared frame: titles, sources, axes helpers, deterministic files) and one module per notebook's
figures: ``findings`` (06) and ``what_happened`` (07).

Figure functions take tables and return a matplotlib ``Figure``; only ``frame.save_figure`` writes.
"""
