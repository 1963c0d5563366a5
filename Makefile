# The two commands of the README are `make demo` and `make test`.
SHELL := /bin/bash
TEST_PYTHONS ?= 3.11 3.13

.PHONY: demo test lint rust-test python-test bench clean

demo:
	@python=$$(scripts/venv 3.11 release | tail -n 1) && $$python examples/quickstart.py

test: lint rust-test python-test

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	@python=$$(scripts/find-python 3.11) && \
	  ([ -x .venv/lint/bin/python ] || $$python -m venv .venv/lint) && \
	  ([ .venv/lint/.requirements-stamp -nt requirements/lint.txt ] || \
	    (.venv/lint/bin/pip install --quiet -r requirements/lint.txt && touch .venv/lint/.requirements-stamp)) && \
	  .venv/lint/bin/ruff check $(wildcard python tests benchmarks examples) && \
	  .venv/lint/bin/ruff format --check $(wildcard python tests benchmarks examples)
	scripts/check-types $(TEST_PYTHONS)

rust-test:
	cargo test -p femtologging-core --quiet

python-test:
	@scripts/install-peers
	@set -e; for version in $(TEST_PYTHONS); do \
	  echo "== pytest on Python $$version"; \
	  python=$$(scripts/venv $$version test | tail -n 1); \
	  $$python -m pytest -q -p no:cacheprovider tests; \
	done

bench:
	@python=$$(scripts/venv 3.11 release | tail -n 1) && $$python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf target .venv
