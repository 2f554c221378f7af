"""The data layer: the raw contract and its validation, Chinese numbers, ISO weeks, ingest and clean.

Knows nothing of models, claims or figures.  Modules: ``numbers`` (parsing
figures as printed), ``weeks`` (ISO weeks), ``raw`` (schemas of ``data/raw``
and validation), ``ingest`` (step 01), ``clean`` (step 02).
"""
