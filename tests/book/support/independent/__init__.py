"""Independent recomputations of glued values, one module per chapter (test_glued_values)."""
