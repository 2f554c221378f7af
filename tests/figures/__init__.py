"""Tests that mirror src/helpers/figures."""
