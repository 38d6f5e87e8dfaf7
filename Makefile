# korwatch: `make run` analyses seeds/, `make test` checks everything. Each target builds .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INPUT ?= seeds
OUT ?= outputs
NBVAL := --nbval-lax --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg --nbval-cell-timeout=600

.DEFAULT_GOAL := help

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

## venv: create .venv and install the pinned requirements (the other targets do this themselves)
venv: $(STAMP)

## run: clean the articles in INPUT (default seeds/), execute the notebooks on them, write notebooks + CSVs to OUT (default outputs/)
run: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/korwatch run $(INPUT) --out $(OUT)

## test: unit tests, browser tests and nbval on the committed notebooks, offline (installs Debian's chromium where missing)
test: $(STAMP) chromium
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest tests notebooks $(NBVAL)

## test-quick: the unit tests without notebooks, browser, Dask and whole runs (under a minute), for the edit-test loop
test-quick: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q -m "not slow" tests

# The browser tests drive Debian's Chromium; where it cannot be installed (no apt, not root) they are skipped.
chromium:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "make test: could not install chromium; the browser tests will be skipped"

## lab: open the notebooks in JupyterLab
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

## notebooks: re-execute the committed notebooks in place (after changing the package or the seeds)
notebooks: $(STAMP)
	cd notebooks && for nb in [0-9][0-9]_*.ipynb; do HF_HUB_OFFLINE=1 ../$(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=600 $$nb || exit 1; done

## models: rebuild the shipped Stanza models from ../shared/data (DATA=... for another folder); resumable
DATA ?= ../shared/data
models: $(STAMP)
	$(BIN)/python -m training.build_all --data $(DATA)

## benchmarks: print NER, tokenizer and parser quality, pipeline speed, entity cost, stance stemming and precision, timeline accuracy (needs ../shared/data)
benchmarks: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m benchmarks.ner_quality --data $(DATA)
	HF_HUB_OFFLINE=1 $(BIN)/python -m benchmarks.tokenizer_quality --data $(DATA)
	HF_HUB_OFFLINE=1 $(BIN)/python -m benchmarks.syntax_quality --data $(DATA)
	HF_HUB_OFFLINE=1 $(BIN)/python -m benchmarks.ner_speed --data $(DATA)
	HF_HUB_OFFLINE=1 $(BIN)/python -m benchmarks.entities_speed --data $(DATA)
	HF_HUB_OFFLINE=1 $(BIN)/python -m benchmarks.stance_stemming --data $(DATA)
	HF_HUB_OFFLINE=1 $(BIN)/python -m benchmarks.stance_precision --data $(DATA)
	HF_HUB_OFFLINE=1 $(BIN)/python -m benchmarks.timeline_accuracy --data $(DATA)

## scale: full runs and re-runs at 100, 300 and 1,000 articles, 1 process vs 2 Dask workers, the korwatch run refresh (about 15 minutes)
scale: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m benchmarks.scale --data $(DATA)

## help: list the targets
help:
	@awk '/^## /{sub(/^## /,""); split($$0,a,": "); printf "  make %-10s %s\n", a[1], a[2]}' $(MAKEFILE_LIST)

.PHONY: venv run test test-quick chromium lab notebooks models benchmarks scale help
