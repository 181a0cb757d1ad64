# Thin targets, one command each; the README shows the same commands.
SERVERS ?= target/local-servers
JAR := target/quarkus-app/quarkus-run.jar
# The build, the tests and the service run on JDK 25 where it is installed (Temurin's, beside Debian's JDK 17): it
# starts the service sooner (docs/performance.md "Start-up"). The bytecode stays Java 17, so JAVA_HOME pointing at a
# JDK 17 or 21 still builds and runs everything. (The class data archive of the manifests is not used here: these
# targets package the jar again each time, and an archive is only valid for the jar it was written with.)
JAVA_HOME ?= $(firstword $(wildcard /usr/lib/jvm/temurin-25-jdk-amd64))
export JAVA_HOME
JAVA := $(if $(JAVA_HOME),$(JAVA_HOME)/bin/java,java)

.PHONY: docs image run test test-console bench chaos cluster-build validate-routes package servers-up servers-down run-cluster clean k8s sandbox run-sandbox native native-sources

## Write docs/flows/*.md and the flows diagram of docs/architecture.md from routes/ (FlowDocsTest checks them).
docs:
	mvn -B -q test -Dtest=FlowDocsTest -Dsurefire.failIfNoSpecifiedTests=false -Ddocs.update=true

## Start the service on its embedded default (H2 under data/, file outbox under data/erp-outbox/) on port 8080.
run: package
	$(JAVA) -Dquarkus.profile=embedded -jar $(JAR)

## Run every test against real PostgreSQL and Kafka (started on free ports by the tests themselves).
test:
	mvn -B verify

## Only the operator console's browser test (Debian chromium + npm playwright-core; screenshots in target/console-screenshots).
test-console:
	mvn -B test -Dtest=ConsoleBrowserTest -Dsurefire.failIfNoSpecifiedTests=false

## Check a folder of route files the way the service would load them, without running it (ROUTES=folder, default
## routes/): unknown components or options, bad expressions, unknown beans, missing placeholders or mapping files,
## duplicate route ids. The same checks as POST /admin/routes/validate; exits non-zero with the problems.
ROUTES ?= routes
validate-routes:
	mvn -B test -Dtest=RouteFolderValidation -Dsurefire.failIfNoSpecifiedTests=false \
	    -Dvalidate.routes.folder=$(abspath $(ROUTES))

## Benchmarks (not part of make test): prints figures, also written under target/bench/, then the one table of
## figures and targets (target/bench/table.md). Each benchmark runs in its own test JVM, on its own servers; one that
## fails does not stop the others, and make bench then fails naming it.
## FlowBench: the approved-time flow of the packaged cluster build (its own process, JFR on) on PostgreSQL, Kafka and
## the Xero stub: 100,000 entries waiting, then a steady 1,000/s (FLOW_ENTRIES, FLOW_RATE to change), a plain
## kafka-clients + JDBC baseline, the service's top frames, then the build started again: time to ready, idle RSS.
## OutboxFlowBench: the same backlog with the file outbox as the ERP (no HTTP call, no stub): the service's own CPU.
## ReconciliationBench: a period of 1,000,000 entries on PostgreSQL. DeadLetterReplayBench: a bulk replay of 10,000
## dead letters. CallBudgetBench: a month-end of 5,000 entries for one Xero organisation against a stub enforcing
## Xero's call limits (the minute shrunk to a second), and month-end billing in batches. MappingBench: the flow's
## validations and mappings per call on one thread. Then the flow on 1, 2 and 3
## instances of the cluster build sharing this machine (FlowChaos's scale-out run, on its own servers).
FLOW_ENTRIES ?= 100000
FLOW_RATE ?= 1000
BENCHES = FlowBench OutboxFlowBench ReconciliationBench DeadLetterReplayBench CallBudgetBench MappingBench
bench: cluster-build
	@rm -rf target/bench; failed=""; \
	for b in $(BENCHES); do \
	    mvn -B test -Dtest=$$b -Dsurefire.failIfNoSpecifiedTests=false \
	        -Dservice.jar=target/cluster-build/quarkus-run.jar \
	        -Dbench.flow.entries=$(FLOW_ENTRIES) -Dbench.flow.rate=$(FLOW_RATE) || failed="$$failed $$b"; \
	done; \
	mvn -B test -Dtest='FlowChaos#scaleOutOneTwoAndThreeInstances' -Dsurefire.failIfNoSpecifiedTests=false \
	    -Dservice.jar=target/cluster-build/quarkus-run.jar -Dchaos.report=target/bench/scale-out.txt \
	    || failed="$$failed FlowChaos#scaleOutOneTwoAndThreeInstances"; \
	cat target/bench/*.txt; \
	$(JAVA) src/test/java/io/ledgerbridge/bench/BenchTable.java target/bench; \
	if [ -n "$$failed" ]; then echo "make bench: failed:$$failed (their rows say not measured)"; exit 1; fi

## Fault runs of the approved-time flow (the packaged cluster build, its own PostgreSQL and Kafka, the Xero stub):
## kill -9 x3, ERP down 30 s, a 429 storm, PostgreSQL restart, Kafka restart; each prints sent / posted /
## dead-lettered / duplicates / lost (duplicates and lost must be 0). Figures also in target/chaos/chaos.txt.
## (The scale-out run of FlowChaos measures throughput, not a fault: make bench runs it.)
chaos: cluster-build
	mvn -B test -Dtest='FlowChaos,!FlowChaos#scaleOutOneTwoAndThreeInstances' -Dsurefire.failIfNoSpecifiedTests=false \
	    -Dservice.jar=target/cluster-build/quarkus-run.jar
	@cat target/chaos/chaos.txt

cluster-build:
	mvn -B -q package -DskipTests -Dquarkus.profile=cluster -Dquarkus.package.output-directory=cluster-build

package:
	mvn -B -q package -DskipTests

## Start a private PostgreSQL and Kafka on free ports for the cluster profile (stop with servers-down).
servers-up:
	src/test/servers/local-postgres.sh start $(SERVERS)/postgres
	src/test/servers/local-kafka.sh start $(SERVERS)/kafka

servers-down:
	-src/test/servers/local-kafka.sh stop $(SERVERS)/kafka
	-src/test/servers/local-postgres.sh stop $(SERVERS)/postgres

## Build for PostgreSQL + Kafka and run against the servers of servers-up (ERP connector: file outbox;
## admin API through OIDC when LEDGERBRIDGE_OIDC_ISSUER is set, else closed).
run-cluster:
	mvn -B -q package -DskipTests -Dquarkus.profile=cluster
	QUARKUS_PROFILE=cluster \
	LEDGERBRIDGE_DB_URL=jdbc:postgresql://127.0.0.1:$$(cat $(SERVERS)/postgres/port)/ledgerbridge \
	LEDGERBRIDGE_DB_PASSWORD=ledgerbridge \
	LEDGERBRIDGE_KAFKA_BOOTSTRAP=$$(sed -n 's#^advertised.listeners=PLAINTEXT://##p' $(SERVERS)/kafka/server.properties) \
	LEDGERBRIDGE_ERP_CONNECTOR=$${LEDGERBRIDGE_ERP_CONNECTOR:-file-outbox} \
	LEDGERBRIDGE_OIDC_ENABLED=$$(test -n "$$LEDGERBRIDGE_OIDC_ISSUER" && echo true || echo false) \
	$(JAVA) -jar $(JAR)

## A local sandbox of the vendors (Harvest, Xero, CRM: the tests' contract-checking stand-ins) for docs/operations.md's
## project-to-cash walkthrough; runs in the foreground until Ctrl-C, writes the service's settings to target/sandbox.
sandbox:
	mvn -B -q test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test \
	    -Dexec.mainClass=io.ledgerbridge.testing.Sandbox -Dexec.args=target/sandbox

## The embedded profile connected to the sandbox of `make sandbox` (its own H2 file: data/sandbox).
run-sandbox: package
	$(JAVA) -Dquarkus.profile=embedded $$(cat target/sandbox/service.args) -jar $(JAR)

## A native executable of the cluster build (target/*-runner): with native-image (GraalVM/Mandrel) on the PATH, or
## inside a builder container when a container engine answers; neither on this machine (then it says so and fails).
native:
	@if command -v native-image >/dev/null 2>&1; then \
	    mvn -B package -DskipTests -Dnative; \
	elif docker info >/dev/null 2>&1 || podman info >/dev/null 2>&1; then \
	    mvn -B package -DskipTests -Dnative -Dquarkus.native.container-build=true; \
	else \
	    echo "make native needs GraalVM/Mandrel (native-image on the PATH) or a container engine; this machine has neither." >&2; \
	    echo "make native-sources runs the native augmentation and writes what native-image would get." >&2; exit 2; \
	fi

## Quarkus' native build up to the native-image call (no GraalVM needed): target/native-sources holds the arguments,
## reflection and resource configuration native-image would get.
native-sources:
	mvn -B package -DskipTests -Dnative -Dquarkus.native.sources-only=true

clean:
	mvn -B -q clean

## The JVM image the manifests run (src/main/docker/Dockerfile.jvm), with docker or podman; IMAGE names it.
IMAGE ?= ledgerbridge:0.1.0-SNAPSHOT
image:
	@if docker info >/dev/null 2>&1; then engine=docker; \
	elif podman info >/dev/null 2>&1; then engine=podman; \
	else echo "make image: no container engine answers here (docker info and podman info fail); build the image where"; \
	     echo "one runs: make cluster-build, then docker build -f src/main/docker/Dockerfile.jvm -t $(IMAGE) ."; exit 2; fi; \
	$(MAKE) cluster-build && $$engine build -f src/main/docker/Dockerfile.jvm -t $(IMAGE) .

## Render the Kubernetes manifests of an overlay (OVERLAY=dev|prod; routes/ and mappings/ become ConfigMaps).
OVERLAY ?= prod
k8s:
	kubectl kustomize k8s/overlays/$(OVERLAY)
