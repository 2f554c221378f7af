"""``python -m helpers.pipeline``: see :mod:`helpers.pipeline.runner`."""

import sys

from helpers.pipeline.runner import main

if __name__ == "__main__":  # not when a doctest collector imports it
    sys.exit(main())
