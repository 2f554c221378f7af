"""Tests that mirror src/helpers/claims."""
