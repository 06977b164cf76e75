# Backchannel: `make run` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS :=

.PHONY: install run demo-data test lint bench clean

install: $(STAMP)

# torch first, pinned: the CPU build. A bare `torch` pulled in by
# sentence-transformers would be a multi-GB CUDA build.
$(STAMP): pyproject.toml
	@echo ">> setting up $(VENV) (first time: about 2 minutes)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

# Ingest the bundled fixtures, build the knowledge base, serve the wiki.
run: install
	$(BIN)/backchannel ingest fixtures/maildir
	$(BIN)/backchannel ingest fixtures/slack_export
	$(BIN)/backchannel build
	$(BIN)/backchannel user add --demo
	$(BIN)/backchannel serve

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check backchannel ingest privacy nlp web tests bench

clean:
	rm -rf $(VENV) var .pytest_cache
