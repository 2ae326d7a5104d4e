# cposim: build, test and demo. `make demo` and `make test` are all a new machine needs:
# they install what is missing (libgsl-dev and pkg-config through apt-get) first.

SWIFT      ?= swift
SUDO       := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
APT_PKGS   := libgsl-dev pkg-config
OUT        ?= out
CPOSIM     := .build/release/cposim
VERSION    := $(shell sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/ReliabilityKit/Report/ToolVersion.swift)

.PHONY: all deps build build-debug test fuzz test-slurm test-html image test-image validate-k8s crosscheck notebooks bench demo calibrate-llama3 verdict-tables clean help

all: build

help:
	@echo "make demo    install what is missing, build (release) and compare 16k pluggable vs CPO (DEMO_TRIALS=200)"
	@echo "make verdict-tables  how the 16k verdict moves with spares, fabric variant and misbehaviour (docs/verdict-tables.md)"
	@echo "make calibrate-llama3  refit the Llama 3 scenario to the published counts (writes out/llama3-calibrated.yaml)"
	@echo "make test    install what is missing and run the test suite"
	@echo "make fuzz    libFuzzer on the scenario, field-log, report and partial-report readers, FUZZ_TIME seconds each (default 60)"
	@echo "make crosscheck  compare cposim fit and recurrent with Python's reliability, lifelines, surpyval and scipy; check interval coverage (venv)"
	@echo "make notebooks  produce the notebooks' inputs, execute them headless, export HTML"
	@echo "make bench   run the benchmarks side by side, print the tables and the speed targets met or missed (BENCH='sampler scaling peer threads')"
	@echo "make test-slurm  run a sharded job array under Slurm on localhost and check the merge"
	@echo "make test-html  render every kind of HTML report in headless chromium and check the pages"
	@echo "make image   build the OCI image cposim:$(VERSION) with podman or buildah (FROM scratch, no registry)"
	@echo "make test-image  run cposim --version and a small run from the image (podman run, else chroot)"
	@echo "make validate-k8s  validate deploy/k8s/*.yaml against the Kubernetes schemas, offline"
	@echo "make deps    install GSL (libgsl-dev) and pkg-config through apt-get if missing"
	@echo "make build   release build of .build/release/cposim"
	@echo "make clean   remove build products and out/"

# GSL is found through pkg-config; install both when either is missing.
deps:
	@if ! command -v $(SWIFT) >/dev/null 2>&1; then \
	  echo "error: the Swift toolchain ('$(SWIFT)') is not on PATH; install Swift 6 from swift.org first" >&2; exit 1; \
	fi
	@if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists gsl; then \
	  echo "deps: GSL $$(pkg-config --modversion gsl) found"; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  echo "deps: installing $(APT_PKGS) with apt-get"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PKGS) >/dev/null && \
	  echo "deps: GSL $$(pkg-config --modversion gsl) installed"; \
	else \
	  echo "error: GSL is missing and this system has no apt-get." >&2; \
	  echo "       Install GSL 2.x and pkg-config yourself (macOS: brew install gsl pkg-config;" >&2; \
	  echo "       Fedora: dnf install gsl-devel pkgconf), then run make again." >&2; \
	  exit 1; \
	fi

build: deps
	$(SWIFT) build -c release --product cposim

build-debug: deps
	$(SWIFT) build

test: deps
	$(SWIFT) test

# libFuzzer on the readers (Fuzz/, a package of its own built with -sanitize=fuzzer), seeded with
# the shipped scenarios, field logs and the malformed corpus, FUZZ_TIME seconds per target. A
# crash, hang (>10 s) or runaway memory (>2 GB) fails the target and leaves the input in
# $(FUZZ_OUT)/crashes: add it to Tests/malformed with its expected message (docs/hostile-input.md).
FUZZ_TIME ?= 60
FUZZ_OUT  ?= .build/fuzz
FUZZ_FLAGS := -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library
fuzz: build
	cd Fuzz && $(SWIFT) build -c release --product FuzzScenario $(FUZZ_FLAGS)
	cd Fuzz && $(SWIFT) build -c release --product FuzzFieldLog $(FUZZ_FLAGS)
	cd Fuzz && $(SWIFT) build -c release --product FuzzReport $(FUZZ_FLAGS)
	cd Fuzz && $(SWIFT) build -c release --product FuzzPartialReport $(FUZZ_FLAGS)
	rm -rf $(FUZZ_OUT)/scenario $(FUZZ_OUT)/fieldlog $(FUZZ_OUT)/report $(FUZZ_OUT)/partial
	mkdir -p $(FUZZ_OUT)/scenario $(FUZZ_OUT)/fieldlog $(FUZZ_OUT)/report $(FUZZ_OUT)/partial $(FUZZ_OUT)/crashes
	cp Scenarios/*.yaml Tests/malformed/*.yaml $(FUZZ_OUT)/scenario/
	cp FailureData/field/*.csv Tests/malformed/*.csv $(FUZZ_OUT)/fieldlog/
	cp Tests/report/fixtures/*.json $(FUZZ_OUT)/report/
	$(CPOSIM) run Scenarios/peer-series-100.yaml --trials 40 --quiet -o $(FUZZ_OUT)/report/run.json
	$(CPOSIM) run Scenarios/peer-series-100.yaml --trials 40 --quiet --shard 0/2 -o $(FUZZ_OUT)/partial/part-0.json
	CPOSIM_REPOSITORY=$(CURDIR) Fuzz/.build/release/FuzzScenario $(FUZZ_OUT)/scenario -max_total_time=$(FUZZ_TIME) \
	  -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix=$(FUZZ_OUT)/crashes/scenario-
	Fuzz/.build/release/FuzzFieldLog $(FUZZ_OUT)/fieldlog -max_total_time=$(FUZZ_TIME) \
	  -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix=$(FUZZ_OUT)/crashes/fieldlog-
	Fuzz/.build/release/FuzzReport $(FUZZ_OUT)/report -max_total_time=$(FUZZ_TIME) \
	  -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix=$(FUZZ_OUT)/crashes/report-
	Fuzz/.build/release/FuzzPartialReport $(FUZZ_OUT)/partial -max_total_time=$(FUZZ_TIME) \
	  -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix=$(FUZZ_OUT)/crashes/partial-

# cposim fit against Python's reliability, lifelines and surpyval on the field logs (1e-3 relative,
# delayed entry and inspections included), then the coverage of its intervals on generated logs;
# cposim recurrent against reliability's Repairable_systems and scipy (1e-6 relative).
CROSSCHECK_VENV := .venv-crosscheck
crosscheck: build
	@[ -x $(CROSSCHECK_VENV)/bin/python ] || python3 -m venv $(CROSSCHECK_VENV)
	$(CROSSCHECK_VENV)/bin/pip install -q -r Tests/crosscheck/requirements.txt
	$(CROSSCHECK_VENV)/bin/python Tests/crosscheck/fit_crosscheck.py $(CPOSIM) FailureData/field/*.csv
	$(CROSSCHECK_VENV)/bin/python Tests/crosscheck/recurrent_crosscheck.py $(CPOSIM) FailureData/field/recurrent/*.csv

# Produce the notebooks' inputs with cposim, execute every notebook headless and export HTML
# next to it. The notebooks read only cposim's JSON.
NB_VENV := .venv-notebooks
NB_DATA := Notebooks-export/data
notebooks: build
	@[ -x $(NB_VENV)/bin/python ] || python3 -m venv $(NB_VENV)
	$(NB_VENV)/bin/pip install -q -r Notebooks-export/requirements.txt
	@mkdir -p $(NB_DATA)
	$(CPOSIM) run Scenarios/cluster-16k-pluggable.yaml --trials 16 --quiet -o $(NB_DATA)/report-pluggable.json > /dev/null
	$(CPOSIM) run Scenarios/cluster-16k-cpo-els.yaml --trials 16 --quiet -o $(NB_DATA)/report-cpo.json > /dev/null
	$(CPOSIM) compare Scenarios/cluster-16k-pluggable.yaml Scenarios/cluster-16k-cpo-els.yaml --trials 16 --quiet -o $(NB_DATA)/compare.json > /dev/null
	$(CPOSIM) sweep Notebooks-export/scenarios/small-cpo.yaml --quiet -o $(NB_DATA)/sweep.json \
	  --set parts.cpo-optical-engine.modes.engine-failure.distribution.mtbf=80000h,162500h,325000h,650000h,1300000h > /dev/null
	$(CPOSIM) breakeven Notebooks-export/scenarios/small-pluggable.yaml Notebooks-export/scenarios/small-cpo.yaml --quiet \
	  --vary parts.cpo-optical-engine.modes.engine-failure.distribution.mtbf --range 10000h..1000000h -o $(NB_DATA)/breakeven.json > /dev/null
	$(CPOSIM) sensitivity Notebooks-export/scenarios/small-pluggable.yaml Notebooks-export/scenarios/small-cpo.yaml --trials 16 --quiet \
	  -o $(NB_DATA)/sensitivity.json > /dev/null
	$(CPOSIM) fit FailureData/field/synthetic-inspections.csv --json > $(NB_DATA)/fit.json
	cd Notebooks-export && for notebook in *.ipynb; do \
	  ../$(NB_VENV)/bin/python -m nbconvert --to html --execute "$$notebook" --log-level WARN || exit 1; \
	done
	@echo "notebooks executed; HTML exports are in Notebooks-export/"

# Benchmarks against baselines run side by side (see docs/performance.md). BENCH selects
# sections: sampler scaling peer threads (default all, about 20 minutes on 2 cores).
BENCH ?= sampler scaling peer threads
bench: build
	$(SWIFT) build -c release --product cposim-bench
	bash bench/run.sh $(BENCH)

# Slurm end to end on localhost: a 3-shard job array plus a dependent merge job, checked
# byte for byte against a single-process run (installs slurm-wlm and munge when missing).
test-slurm: build
	bash Tests/slurm/test-slurm.sh

# Every kind of HTML report rendered in headless chromium (installed from Debian if missing):
# no console message, data marks in every chart, a screenshot that is not blank, a PDF.
test-html: build
	bash Tests/report/test-html.sh

# The OCI image localhost/cposim:$(VERSION), FROM scratch: the release binary, the shared
# libraries ldd names, the loader, Scenarios/ and FailureData/ (Containerfile). No registry.
image: build
	bash deploy/image/build-image.sh $(VERSION)

# cposim --version and a small run from the image: podman run, or a chroot into its exported
# root filesystem where the sandbox refuses podman run (the script says which ran).
test-image: image
	bash deploy/image/test-image.sh $(VERSION)

# deploy/k8s/*.yaml against the Kubernetes schemas (kubernetes-validate, pinned in
# deploy/k8s/requirements.txt), offline; the image they name is the one make image builds.
K8S_VENV := .venv-k8s
validate-k8s:
	@[ -x $(K8S_VENV)/bin/python ] || python3 -m venv $(K8S_VENV)
	$(K8S_VENV)/bin/pip install -q -r deploy/k8s/requirements.txt
	bash deploy/k8s/validate.sh $(K8S_VENV)/bin/kubernetes-validate $(VERSION)

# The default comparison: 16k GPUs, pluggable optics against CPO with external laser sources.
DEMO_TRIALS ?= 200
demo: build
	@mkdir -p $(OUT)
	$(CPOSIM) compare Scenarios/cluster-16k-pluggable.yaml Scenarios/cluster-16k-cpo-els.yaml \
	  --trials $(DEMO_TRIALS) -o $(OUT)/compare-16k.json --html $(OUT)/compare-16k.html
	@echo
	@echo "The same comparison with the estimates that decide it drawn per trial (input uncertainty):"
	$(CPOSIM) compare Scenarios/cluster-16k-uncertain-pluggable.yaml Scenarios/cluster-16k-uncertain-cpo-els.yaml \
	  --trials $(DEMO_TRIALS) --quiet -o $(OUT)/compare-16k-uncertain.json | grep -E 'total cost per year|cheaper'
	@echo
	@echo "Comparison JSON: $(OUT)/compare-16k.json (schema: schemas/comparison.schema.json)"
	@echo "The same as one HTML page: $(OUT)/compare-16k.html (or: cposim report $(OUT)/compare-16k.json)"

# docs/verdict-tables.md: how the 16k verdict moves with spare nodes, fabric variant and a
# misbehaving young fleet (TRIALS=100 paired trials per row; about 5 minutes of CPU).
verdict-tables: build
	bash docs/verdict-tables.sh

# Reproduces Scenarios/llama3-calibrated.yaml (docs/calibrate.md): the fit of the Llama 3 scenario
# to the published counts; the file's header states the same command.
calibrate-llama3: build
	@mkdir -p $(OUT)
	$(CPOSIM) calibrate Scenarios/llama3-calibration.yaml \
	  --target job_interruptions_switch_and_cable=35 --target job_unexpected_interruptions=419 \
	  --vary 'jobs[0].uplink_interrupt_probability=0..1' --vary 'jobs[0].background_rate=2.34e-3/d..6.5e-3/d' \
	  --trials 200 --write-scenario $(OUT)/llama3-calibrated.yaml -o $(OUT)/llama3-calibration.json --html $(OUT)/llama3-calibration.html
	@echo "The committed fit is Scenarios/llama3-calibrated.yaml; the values under 'set:' should match."

clean:
	rm -rf .build $(OUT)
