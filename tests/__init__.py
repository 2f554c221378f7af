"""Tests that mirror src/helpers."""
