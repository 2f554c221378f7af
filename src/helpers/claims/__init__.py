"""The claims: one engine (``engine``: a claim, its rule, its finding) and two rule sets.

``article_rules`` judges the article's claims against its own figures
(notebook 05); ``later_rules`` judges the same claims against figures published
later (notebook 07).  Claims sit above the models (the later rules read monthly
readings and the decline status from :mod:`helpers.models.what_happened`).
"""
