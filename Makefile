# The CDPP EPN-TAP server.  `make serve` brings it up, `make test` tests it.
PYTHON := /usr/bin/python3
VENV := $(shell $(PYTHON) -c 'from instance import settings; print(settings.load()["CDPP_VENV"])' 2>/dev/null || echo /opt/cdpp-epntap/venv)

.PHONY: serve stop status urls test reliability bench validate-registry register-rofr deploy-check check-debian13

serve:
	@bin/serve

stop:
	@$(PYTHON) -m instance stop

status:
	@$(PYTHON) -m instance status

urls:
	@$(PYTHON) -m instance urls

test:
	@bin/test

# The reliability suite with its full figures (load, faults, hostile input, restricted data;
# about 4 min; `make test` runs it shortened); it ends with the table of what held.
reliability:
	@CDPP_RELIABILITY=full bin/test tests/reliability

bench:
	@for script in bench/*.py; do echo "== $$script"; $(VENV)/bin/python $$script || exit 1; done

# The publishing registry: check it as the Registry of Registries does, then register it.
validate-registry:
	@$(VENV)/bin/python -m registry validate

register-rofr:
	@$(VENV)/bin/python -m registry register

# `make serve` in a Debian 13 root made with debootstrap, in its own network namespace (root, network; 2.5 to 6 min).
check-debian13:
	@$(VENV)/bin/python -m pytest -m debian13 tests/debian13

# The ansible deployment into a fresh Debian root (lint, deploy, TAP check, idempotent second run; root, network; about 4 min).
deploy-check:
	@ansible/deploy-check
