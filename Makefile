# The book's commands.  Everything runs inside .venv, created on first use.
#   make book     build the site into _build/html from the committed notebook outputs
#   make wheel    the book's package as a wheel, _build/wheel/ (the site offers it; README "Downloads")
#   make pdf      the whole book as one Chinese PDF, _build/pdf/book.pdf (needs XeLaTeX, see README)
#   make test     the whole suite: lint, then test-lib, test-book and test-notebooks
#   make test-lib   the library's tests: tests/minidl, tests/bookkit, tests/plugins (the nbval plugin)
#   make test-book  the book's tests, tests/book: pairing, independent checks, quotations, strict
#                   build, PDF, browser
#   make test-notebooks  nbval re-executes every chapter as a reader runs it (NOTEBOOKS= picks some)
#   make lint     ruff over lib, tests, benchmarks and the chapters' code; import-linter's contracts
#   make test-portability  nbval again on emulated other machines (older instruction sets; one core)
#   make test-fast  the unit tests of minidl only (tests/minidl, without the slow ones): under a minute
#   make execute  re-execute chapters/*.md into their paired .ipynb (after editing a chapter)
#   make lab      open the chapters in JupyterLab (jupytext keeps .md and .ipynb in sync)
#   make bench    benchmarks (benchmarks/), prints a table; `make bench PIECES="lstm models"` runs
#                 some (lstm, models, book, gpu), BENCH_ARGS=--quick tries them out quickly
#   make lock     recompile requirements.txt (the complete lock) from requirements.in with pip-tools
#   make clean    remove build outputs (keeps .venv)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONHASHSEED := 0
# The notebooks run in the book's pinned environment (requirements.txt): chapter 7 then asserts that
# every installed version is the pinned one (elsewhere, e.g. Colab, it lists the differences).
export BOOK_PINNED_ENV := 1
# Notebooks must run with matplotlib's inline backend (as in Jupyter): with MPLBACKEND=Agg a glued
# figure has no PNG and nbval fails.  Never pass a caller's MPLBACKEND down to the kernels.
unexport MPLBACKEND

NOTEBOOKS := $(sort $(wildcard chapters/*.ipynb))
SOURCES   := $(sort $(wildcard chapters/[0-9][0-9]-*.md))

.PHONY: install lock book wheel pdf test test-fast test-lib test-book test-notebooks test-portability execute \
        lab bench lint clean

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet -e ".[notebooks]"
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (book .venv)" >/dev/null
	touch $(STAMP)

# requirements.in names what the book needs (exact pins); requirements.txt is the complete lock that
# `make install` installs.  After editing requirements.in (or to refresh the transitive pins), run
# `make lock`, then `make install` and re-execute the chapters (`make execute`).
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
	  --output-file requirements.txt requirements.in

# The site offers _build/pdf/book.pdf (copied in as book.pdf, linked from every page's download menu)
# when `make pdf` has built it; without it the site is built without the link.  It always offers the
# book's wheel (`make wheel`, run first), with which a downloaded notebook runs.
book: $(STAMP) wheel
	$(BIN)/jupyter-book build . -W -n --keep-going
	@if [ -f _build/pdf/book.pdf ]; then echo "The site offers _build/pdf/book.pdf as book.pdf" \
	  "(built $$(date -r _build/pdf/book.pdf '+%F %T'); \`make pdf\` rebuilds it)"; fi
	@echo "Open file://$(CURDIR)/_build/html/index.html"

# The book's package (minidl, bookkit, MNIST and the files the chapters read) as one wheel,
# _build/wheel/minidl-VERSION-py3-none-any.whl, built offline from a clean copy of the checkout.
wheel: $(STAMP)
	$(PY) -m bookkit.wheel _build/wheel .

# The PDF: Sphinx's LaTeX builder (configured by _config.yml and lib/bookkit/sphinxext/latex.py),
# then XeLaTeX through latexmk.  Without XeLaTeX it stops at once and says what to install.
# The Debian/Ubuntu packages it needs are listed once, in .ci/tex-packages.txt (a package name
# begins with a lowercase letter or digit; comments with '#', which GNU make 4.3 would keep escaped).
PDF_PACKAGES = $(shell grep '^[a-z0-9]' .ci/tex-packages.txt)
pdf: $(STAMP)
	@command -v xelatex >/dev/null && command -v latexmk >/dev/null \
	  && { ! command -v fc-list >/dev/null || fc-list | grep -q "Noto Serif CJK SC"; } || { \
	  echo "make pdf needs XeLaTeX, latexmk and the Noto CJK fonts (README: \"The book as a PDF\")."; \
	  echo "Debian/Ubuntu: sudo apt-get install --no-install-recommends $(PDF_PACKAGES)"; \
	  echo "macOS: MacTeX (brew install --cask mactex-no-gui) and the Noto CJK SC fonts."; \
	  exit 1; }
	$(BIN)/jupyter-book build . --builder latex -W -n --keep-going
	cd _build/latex && latexmk -xelatex -interaction=nonstopmode -halt-on-error book.tex >latexmk.out 2>&1 \
	  || { grep -A8 '^!' book.log || tail -40 latexmk.out; exit 1; }
	mkdir -p _build/pdf && cp _build/latex/book.pdf _build/pdf/book.pdf
	@echo "Wrote _build/pdf/book.pdf ($$(pdfinfo _build/pdf/book.pdf 2>/dev/null | awk '/^Pages/ {print $$2 " pages"}'))"

# The library's tests: minidl (tests/minidl), bookkit (tests/bookkit) and the nbval plugin
# (tests/plugins).
test-lib: $(STAMP)
	$(PY) -m pytest tests/minidl tests/bookkit tests/plugins -q

# The book's tests (tests/book): pairing, independent checks of glued values, quotations,
# typography, the strict build, the PDF (when XeLaTeX is present) and the browser suite (when
# Chromium is present).
test-book: $(STAMP)
	$(PY) -m pytest tests/book -q

# The quick loop while working on minidl: its unit tests, less those marked slow.
test-fast: $(STAMP)
	$(PY) -m pytest tests/minidl -q -m "not slow"

# nbval, strict mode: every stored output must equal a fresh execution.  Each chapter runs as a
# reader runs a downloaded notebook (tests/plugins/standalone.py): copied alone into an empty
# temporary directory, importing the book's wheel (built from this checkout, installed there, not
# editable) with no file of the checkout reachable, offline.  NBVAL_ARGS go to pytest.
test-notebooks: $(STAMP)
	$(PY) tests/plugins/standalone.py $(NOTEBOOKS) -- $(NBVAL_ARGS)

test: lint test-lib test-book test-notebooks

# The notebooks re-executed by nbval on emulated other machines; any output that differs fails.
#  1. an older instruction set for every numeric library at once: OpenBLAS's Sandybridge kernels,
#     NumPy without its AVX2/FMA3 (X86_V3) loops, TensorFlow's oneDNN and XLA limited to AVX;
#  2. one core (taskset), which changes every library's thread split.
# tests/plugins/emulated_machine.py first checks that each emulation is in effect.  It cannot
# emulate a newer instruction set than this machine's (AVX-512 on an AVX2 machine).  Skipped where
# OPENBLAS_CORETYPE is already set: such machines force OpenBLAS's kernels to work around an old
# OpenBLAS bug, and the sweep must not override that.  .ci/run runs it after `make test`.
OLDER_ISA := OPENBLAS_CORETYPE=Sandybridge NPY_DISABLE_CPU_FEATURES=X86_V3 ONEDNN_MAX_CPU_ISA=AVX \
             XLA_FLAGS=--xla_cpu_max_isa=AVX
test-portability: $(STAMP)
	@if [ -n "$${OPENBLAS_CORETYPE:-}" ]; then \
	  echo "make test-portability: skipped: OPENBLAS_CORETYPE=$$OPENBLAS_CORETYPE is set on this machine;" \
	    "the sweep emulates other CPUs only where OpenBLAS chooses its own kernels"; exit 0; fi
	@command -v taskset >/dev/null || { echo "make test-portability needs taskset (util-linux)"; exit 1; }
	@echo "== emulated machine 1: older instruction set ($(OLDER_ISA))"
	env $(OLDER_ISA) $(PY) tests/plugins/emulated_machine.py
	env $(OLDER_ISA) $(MAKE) --no-print-directory test-notebooks
	@echo "== emulated machine 2: one core (taskset -c 0)"
	taskset -c 0 $(PY) tests/plugins/emulated_machine.py --cores 1
	taskset -c 0 $(MAKE) --no-print-directory test-notebooks

# `make execute` runs every chapter; `make execute CHAPTER=04-math` runs one.
execute: $(STAMP)
	cd chapters && for md in $(if $(CHAPTER),$(CHAPTER:.md=).md,$(notdir $(SOURCES))); do \
	  echo "executing chapters/$$md"; \
	  ../$(BIN)/jupytext --set-kernel python3 --to ipynb --execute "$$md" || exit 1; \
	done

lab: $(STAMP)
	$(BIN)/jupyter lab chapters/

# Never called by `make test` (timings are reported, not asserted); the `book` piece runs
# `make test-lib` and `make test-notebooks` itself.  OpenBLAS picks its own kernels here: some
# machines set OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for old OpenBLAS builds, and they slow a
# current NumPy (on this project's AMD EPYC: Haswell kernels instead of SkylakeX, the LSTM's
# step-sized matmuls at about half speed).  Both are unset together for this command only, never
# in tests, CI or notebooks; BENCH_OPENBLAS_ENV passes the caller's values on, so the results
# record them beside the kernel that ran, and the `book` piece runs the tests with them.
bench: $(STAMP)
	BENCH_OPENBLAS_ENV="$$(env | grep -E '^OPENBLAS_(CORETYPE|L2_SIZE)=' | sort | paste -sd ' ' -)" \
	  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(PY) benchmarks/run.py $(BENCH_ARGS) $(PIECES)

# ruff over the library, the tests, the benchmarks and the chapters' code (ruff reads the code
# cells of chapters/*.ipynb, equal to their .md sources' by tests/book/test_pairing.py), then
# import-linter's contracts (pyproject.toml): minidl never imports bookkit, Sphinx, jieba or
# pybtex, and neither package has an import cycle.
lint: $(STAMP)
	$(BIN)/ruff check lib tests benchmarks chapters
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf _build build .pytest_cache .hypothesis chapters/.ipynb_checkpoints
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
