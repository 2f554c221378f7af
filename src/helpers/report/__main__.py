"""``python -m helpers.report``: export the HTML report (see :mod:`helpers.report.html`)."""

import sys

from helpers.report.html import main

if __name__ == "__main__":  # not when a doctest collector imports it
    sys.exit(main())
