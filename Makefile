# Backchannel: `make run` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS :=

# The demo signs you in as a person from the fixture mail, so private mail shows.
DEMO_USER     ?= phillip.allen@enron.com
DEMO_PASSWORD ?= backchannel-demo

.PHONY: install run demo test browser imap-server lint bench clean

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
run: demo
	$(BIN)/backchannel serve

demo: install
	$(BIN)/backchannel ingest fixtures/maildir
	$(BIN)/backchannel ingest fixtures/slack_export
	$(BIN)/backchannel build
	$(BIN)/backchannel user add $(DEMO_USER) --admin --password $(DEMO_PASSWORD)
	@echo ">> sign in as $(DEMO_USER) / $(DEMO_PASSWORD) to see that person's mail and private channels"

# Debian's Chromium and ChromeDriver drive the browser tests. Installed when
# missing and we may (root with apt); otherwise those tests say why they skip.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo ">> installing Debian chromium + chromium-driver for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	      || echo ">> could not install chromium: browser tests will be skipped"; \
	  else echo ">> no chromium and no apt as root: browser tests will be skipped"; fi; \
	fi

# Debian's Dovecot is the real IMAP server the IMAP connector's tests run
# against (on its own config and a free loopback port, never the system one).
# Installed when missing and we may (root with apt); otherwise those tests skip.
imap-server:
	@if [ ! -x /usr/sbin/dovecot ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo ">> installing Debian dovecot-imapd for the IMAP tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null) \
	      || echo ">> could not install dovecot-imapd: IMAP tests will be skipped"; \
	  else echo ">> no dovecot and no apt as root: IMAP tests will be skipped"; fi; \
	fi

# pytest exits 5 when it collected nothing: that is a broken suite, not a pass.
test: install browser imap-server
	@$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

lint: install
	$(BIN)/ruff check backchannel ingest privacy nlp web tests bench

bench: install
	$(BIN)/python bench/pipeline_bench.py

clean:
	rm -rf $(VENV) var .pytest_cache
