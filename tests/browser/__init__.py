"""Real-browser tests (Playwright driving Debian's /usr/bin/chromium).

A package so that ``tests/browser/test_report.py`` and ``tests/test_report.py``
can share a file name.
"""
