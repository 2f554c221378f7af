"""Tests that mirror src/helpers/narrative."""
