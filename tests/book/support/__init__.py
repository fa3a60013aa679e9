"""Helpers of the book-level tests: where the book's files are, the article as the tests read
it, the machinery words, and the independent recomputations of glued values (``independent``)."""
