"""The figures: the style (theme, palette, labels), and one module per notebook's figures.

``style`` (theme, colours, fonts, labels), ``findings`` (notebook 05),
``what_happened`` (notebook 06).  Figure functions take tables and return a
matplotlib ``Figure``; none reads or writes files except ``save_figure``.
"""
