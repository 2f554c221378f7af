"""su7-slump analysis helpers.

Small, pure, importable pieces used by the numbered notebooks in ``notebooks/``.
Lower modules (``paths``, ``weeks``, ``numbers``, ``atomic``) import nothing
from higher ones (``raw``, ``trend``, ``run_rate``, ``claims``, ``figures``).
"""

__all__ = ["__version__"]
__version__ = "0.1.0"
