"""The notebook runner, ``python -m helpers.pipeline`` (:func:`helpers.pipeline.runner.main`).

``docs/pipeline.md`` says what each module holds.  It may import the analysis; nothing in the analysis imports it.
"""
