"""The test suite, a package: modules import their helpers by package name (pytest runs with
``--import-mode=importlib``, pyproject.toml), never through ``sys.path``."""
