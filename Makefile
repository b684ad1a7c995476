# orglife — everyday tasks.
#
#   make run     set up .venv, migrate, load the demo data, serve http://127.0.0.1:8000
#   make test    the whole suite (unit + browser); set DATABASE_URL=postgres://… for PostgreSQL
#   make lint    ruff
#   make bench   the benchmarks in bench/
#
# Everything runs inside .venv, created with `python3 -m venv` on first use. The editable install
# is redone only when pyproject.toml changes (the stamp file .venv/.installed records it).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
ADDR   ?= 127.0.0.1:8000

# The accounts seed_demo creates (it lists them itself only when it loads the data).
define ACCOUNTS
演示账号（密码均为 orglife-demo-2026）：
  admin      系统管理员
  zongzhi    党总支组织委员（管理两个党支部）
  shuji      党支部书记
  dangyuan   党员
endef
export ACCOUNTS

.PHONY: help install run accounts test lint bench

help:
	@echo "make run    — 本地试用：建环境、迁移、载入演示数据，启动 http://$(ADDR)"
	@echo "make test   — 运行全部测试（含浏览器测试）；设置 DATABASE_URL 则在 PostgreSQL 上运行"
	@echo "make lint   — ruff 检查"
	@echo "make bench  — 运行 bench/ 中的基准测试"

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The dev server, with DEBUG=1 (the settings refuse to start without SECRET_KEY otherwise).
run: export DEBUG := 1
run: install
	$(MANAGE) migrate --no-input
	@out="$$($(MANAGE) seed_demo --if-empty)"; echo "$$out"; \
	  case "$$out" in *演示数据已载入*) ;; *) echo "$$ACCOUNTS" ;; esac
	@echo
	@echo "打开 http://$(ADDR)/ （Ctrl+C 停止）"
	$(MANAGE) runserver $(ADDR)

accounts:
	@echo "$$ACCOUNTS"

# Browser tests drive Debian's chromium from a sync Playwright API, which runs an event loop:
# Django must be told that its ORM calls from that thread are fine.
test: export DJANGO_ALLOW_ASYNC_UNSAFE := true
test: install
	$(BIN)/pytest src e2e $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check

# bench/run.py if it exists, otherwise every bench/bench_*.py in turn.
bench: install
	@if [ -f bench/run.py ]; then $(BIN)/python bench/run.py; exit 0; fi; \
	  shopt -s nullglob; scripts=(bench/bench_*.py); \
	  if [ $${#scripts[@]} -eq 0 ]; then echo "bench/ 中还没有基准测试脚本。"; exit 0; fi; \
	  for s in "$${scripts[@]}"; do echo "== $$s"; $(BIN)/python "$$s"; done
