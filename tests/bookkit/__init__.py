"""Tests of ``bookkit``, the book's machinery."""
