"""Tests of ``minidl``, one module per library module."""
