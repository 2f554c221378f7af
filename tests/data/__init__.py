"""Tests that mirror src/helpers/data."""
