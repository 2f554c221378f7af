"""The runner: the step graph and fingerprints (``graph``), scheduling and the CLI (``runner``),
notebook execution (``execute``), the undo journal (``journal``) and notebook files (``notebook_files``).

It may import the analysis (to export the report); nothing in
the analysis imports it.  ``python -m helpers.pipeline`` runs :func:`helpers.pipeline.runner.main`.
"""
