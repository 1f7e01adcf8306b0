# Two commands on a fresh machine:  make run   ·   make test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export GX_ANALYTICS_ENABLED := False
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: run dev test test-fast test-browser seed bench lint clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# without .streamlit/secrets.toml (a fresh single-user machine) whoever opens the app may upload:
# WAREHOUSE_OPEN_UPLOADS=1 unless set otherwise (README, "Quyền chuyên viên")
run: $(VENV)/.installed
	$(PY) -m warehouse seed --if-empty
	$(PY) -m warehouse.db
	@test -f .streamlit/secrets.toml || echo "Chưa có .streamlit/secrets.toml: chế độ một người dùng, ai mở ứng dụng cũng tải lên được."
	WAREHOUSE_OPEN_UPLOADS=$${WAREHOUSE_OPEN_UPLOADS-$$(test -f .streamlit/secrets.toml || echo 1)} \
		$(PY) -m streamlit run app.py --server.headless true --browser.gatherUsageStats false

# the read snapshot is prepared before the server starts (python -m warehouse.db), so no first viewer waits.
# development: as `make run`, with what the production profile of .streamlit/config.toml turns off (the file
# watcher, rerun on save, a full garbage collection after every script run) and an exception's details and
# traceback in the browser: an edited page shows at once
dev: $(VENV)/.installed
	$(PY) -m warehouse seed --if-empty
	$(PY) -m warehouse.db
	WAREHOUSE_OPEN_UPLOADS=$${WAREHOUSE_OPEN_UPLOADS-$$(test -f .streamlit/secrets.toml || echo 1)} \
		$(PY) -m streamlit run app.py --server.headless true --browser.gatherUsageStats false \
		--server.fileWatcherType auto --server.runOnSave true --runner.postScriptGC true --client.showErrorDetails full

seed: $(VENV)/.installed
	$(PY) -m warehouse seed

# the whole suite, browser and deploy tests included (chromium, nginx, systemd-analyze are installed when missing)
test: $(VENV)/.installed
	@./scripts/install-test-tools.sh
	$(PY) -m pytest -q

# everything but the browser tests
test-fast: $(VENV)/.installed
	$(PY) -m pytest -q -m "not browser"

test-browser: $(VENV)/.installed
	$(PY) -m pytest -q -m browser

# every figure in one table at the end (bench/summary.py reads what each script wrote to bench/out/*.json; a script
# that failed leaves its lines "chưa đo"). The national warehouse is generated once, for the server and snapshots.
BENCH_FIGURES := $(addprefix bench/out/,run.json loads.json server.json memory.json snapshots.json)
bench: $(VENV)/.installed
	rm -f $(BENCH_FIGURES)
	$(PY) bench/national.py bench/out/national.duckdb
	-$(PY) bench/run.py
	-$(PY) bench/server.py --db bench/out/national.duckdb
	-$(PY) bench/memory.py --sessions 100 --loads 5
	-$(PY) bench/snapshots.py --db bench/out/national.duckdb
	-$(PY) bench/hostile.py
	$(PY) bench/summary.py

lint: $(VENV)/.installed
	$(PY) -m ruff check .

clean:
	rm -rf $(VENV) data/warehouse.duckdb* data/.snapshots data/archive data/quarantine
