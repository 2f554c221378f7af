"""Tests that mirror src/helpers/models."""
