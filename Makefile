# newsfold: `make run` folds the demo corpus, `make test` runs lint, types and the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint install clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,bench,spark]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	rm -f out/demo.db out/demo.db-wal out/demo.db-shm
	mkdir -p out
	# Exit status 1 means "some records were skipped": the demo corpus has two bad records on purpose.
	$(BIN)/newsfold fold examples/corpus --db out/demo.db || [ $$? -eq 1 ]
	@echo; echo "== copy groups"; $(BIN)/newsfold list groups --db out/demo.db
	@echo; echo "== events"; $(BIN)/newsfold list events --db out/demo.db
	@echo; echo "== storylines"; $(BIN)/newsfold list stories --db out/demo.db
	@echo; echo "Explore: .venv/bin/newsfold show ID --db out/demo.db, or NEWSFOLD_TOKEN=secret .venv/bin/newsfold serve --db out/demo.db"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) out build *.egg-info
