"""Tests that mirror src/helpers/pipeline."""
