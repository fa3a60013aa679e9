"""Book-level tests: pairing, independent checks of glued values, build, site, PDF."""
