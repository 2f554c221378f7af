"""The claims: each of the article's claims, the rule that judges it, and its finding.

``article_rules`` judges the claims against the article's own figures (notebook 04).
"""
