package io.ledgerbridge.config;

import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/** Typed view of every {@code ledgerbridge.*} setting; a key the code does not know fails the start. */
@ConfigMapping(prefix = "ledgerbridge")
public interface LedgerbridgeConfig {

    /** Where the operator-editable Camel YAML routes are loaded from, and whether edits apply without a restart. */
    Routes routes();

    /** Where mapping files and JSON Schemas are loaded from. */
    Location mappings();

    Kafka kafka();

    Time time();

    Erp erp();

    Retry retry();

    Circuit circuit();

    Inbox inbox();

    Instances instances();

    Store store();

    Sources sources();

    Seed seed();

    Replay replay();

    DeadLetters deadLetters();

    Topics topics();

    Billing billing();

    Webhooks webhooks();

    /** Signatures of source webhooks ({@code t=<unix seconds>,sha256=<hex HMAC-SHA256 of <t>.<raw body>>}). */
    interface Webhooks {
        /**
         * The secret every source signs with, unless it has its own; several, comma-separated, while senders move
         * to a new one; absent: signatures are not checked.
         */
        Optional<String> secret();

        /** How far from now a call's time of signing may be (either way) before the call is refused as a replay. */
        @WithDefault("5m")
        Duration tolerance();

        /** Header that carries the signature. */
        @WithDefault("X-Ledgerbridge-Signature")
        String signatureHeader();

        /** Per source system (e.g. {@code hr}): its own secret. */
        Map<String, Source> sources();

        /**
         * The most records one webhook call may carry (a JSON array); more is a 413 before any record is read into
         * memory, so one request cannot take the memory the flows run on.
         */
        @WithDefault("500")
        int maxRecords();

        interface Source {
            Optional<String> secret();
        }
    }

    /** Kafka topics the project-to-cash flows take their records from (cluster profile). */
    interface Topics {
        /** Approved expenses (Harvest Expense shape), keyed by expense id. */
        String expenses();

        /** CRM closed-won opportunities (Salesforce Opportunity shape), keyed by opportunity id. */
        String deals();

        /** PSA staffing changes (assignments), keyed by assignment id. */
        String staffing();

        /** HR joiner and leaver events, keyed by employee id. */
        String people();

        /** Milestones completed in delivery (the milestone feed's shape), keyed by event id. */
        String milestones();
    }

    /**
     * Where the events between flows go, as Camel endpoint URIs: a Kafka topic keyed by project id in the cluster
     * profile, an in-JVM queue in the embedded profile.
     */
    Events events();

    interface Events {
        /** project-created events (CloudEvents, JSON): published by deal-won, consumed by the CRM write-back. */
        String projects();

        /** invoice status changes (CloudEvents, JSON): published by the status poll, consumed by CRM and PSA. */
        String invoices();

        /**
         * the warehouse feed (CloudEvents, JSON, keyed by the fact's subject): every canonical fact, published from
         * the store's outbox (routes/warehouse-feed.camel.yaml); a Kafka topic in the cluster profile.
         */
        String facts();

        /**
         * escalations of overdue dead letters and findings (CloudEvents, JSON, keyed by the exception): any Camel
         * endpoint, a Kafka topic in the cluster profile, the log in the embedded one.
         */
        String escalations();
    }

    Crm crm();

    Psa psa();

    Hr hr();

    interface Hr {
        /**
         * The HR system that sends joiners, changes and leavers: its {@code mappings/<system>/intake.json} says how
         * ({@code hr}: the HR feed of mappings/hr/person.schema.json).
         */
        @WithDefault("hr")
        String system();
    }

    interface Psa {
        /**
         * The PSA system every PSA capability reaches (routes/psa-capabilities.camel.yaml): {@code harvest}, or
         * another system with its routes file routes/system-&lt;system&gt;.camel.yaml.
         */
        @WithDefault("harvest")
        String system();

        /**
         * The system that sends completed milestones of fixed-fee contracts: its {@code mappings/<system>/intake.json}
         * says how ({@code milestone-feed}: the feed of mappings/milestone-feed/milestone-completed.schema.json, for a
         * PSA without milestones of its own such as Harvest).
         */
        @WithDefault("milestone-feed")
        String milestoneSystem();
    }

    Reconciliation reconciliation();

    /** How long the store keeps what has served its purpose (see io.ledgerbridge.store.Retention). */
    Retention retention();

    Kpis kpis();

    Ownership ownership();

    /** Who owns a dead letter or a reconciliation finding, and when it is overdue. */
    interface Ownership {
        /**
         * The mapping file (in the mappings folder) that names the teams, their members and which team owns the
         * exceptions of which flow, error class or finding type and legal entity; checked against
         * {@code schemas/ownership.schema.json} at start.
         */
        @WithDefault("ownership.json")
        String file();

        /** How often open dead letters and findings are checked against their due time (and escalated). */
        @WithDefault("60s")
        String escalationInterval();
    }

    /** Service levels: how long an exception may wait for its team, and how long approved work may take to the ERP. */
    Slas slas();

    interface Slas {
        /** How long a dead letter or finding of a flow with no SLA of its own may stay open before it is overdue. */
        @WithDefault("8h")
        Duration resolution();

        /** Per flow (route id; {@code reconciliation} for findings): its own service levels. */
        Map<String, Flow> flows();

        interface Flow {
            /** How long an exception of this flow may stay open before it is overdue and escalated. */
            Optional<Duration> resolution();

            /** How long from a record's approval in its source until it is in the ERP (the KPI reports the share met). */
            Optional<Duration> delivery();
        }
    }

    interface Kpis {
        /** How often the KPI gauges at /q/metrics are recomputed from the store. */
        @WithDefault("60s")
        String refreshInterval();
    }

    interface Reconciliation {
        /** Minutes the ERP may differ from the source's approved time before it is a finding. */
        @WithDefault("1")
        int toleranceMinutes();

        /** How long an approved entry may stay untransferred, with nothing pending, before it is STALE. */
        @WithDefault("PT24H")
        Duration staleAfter();

        /** When the schedule reconciles the current and the previous month (cron, seconds first; off: never). */
        @WithDefault("0 30 2 * * ?")
        String cron();

        /**
         * The most pages a run reads of one project from one system (Harvest 2,000 and the ERP 500 entries a page);
         * a system that answers more fails the run with a message naming this key instead of paging forever.
         */
        @WithDefault("200")
        int maxPages();
    }

    interface Retention {
        /**
         * When the store removes what is past its retention (cron, seconds first; off: never), once per firing however
         * many instances run; after the scheduled reconciliation, when the store is quiet.
         */
        @WithDefault("0 45 3 * * ?")
        String cron();

        /** How long a processed inbox message (an accepted delivery, its payload) is kept after it was processed. */
        @WithDefault("30d")
        Duration processedInbox();

        /** How long a fact published to the warehouse feed is kept after it was published. */
        @WithDefault("30d")
        Duration publishedFacts();

        /**
         * How long a finished reconciliation run keeps the two snapshots it read (up to a million rows each, and the
         * schedule runs two a day); the run, its counts and its findings are kept.
         */
        @WithDefault("7d")
        Duration reconciliationSnapshots();

        /** Rows removed per transaction, so that a store with a long backlog of old rows is never locked for long. */
        @WithDefault("10000")
        int batchSize();
    }

    interface Crm {
        /**
         * The CRM system every CRM capability reaches (routes/crm-capabilities.camel.yaml): {@code salesforce}, or
         * another system with its routes file routes/system-&lt;system&gt;.camel.yaml.
         */
        @WithDefault("salesforce")
        String system();

        /** Base URL of the CRM's REST API (Salesforce: {@code https://<domain>/services/data/v61.0}). */
        String baseUrl();

        /** Bearer token of the CRM integration user (from the environment, never from a file). */
        Optional<String> token();
    }

    PeriodCloseSettings periodClose();

    /** The period close of each legal entity (routes/period-close.camel.yaml, io.ledgerbridge.close). */
    interface PeriodCloseSettings {
        /** Whether the schedule closes every entity's last period by itself. */
        @WithDefault("false")
        boolean scheduleEnabled();

        /** How often (ms) the schedule looks for a period to close. */
        @WithDefault("3600000")
        long scheduleInterval();

        /**
         * Days after a period's end before the schedule closes it: after the billing run of the period (its grace
         * days) has invoiced it.
         */
        @WithDefault("3")
        int daysAfterPeriod();
    }

    interface Billing {
        /** Whether the billing run bills every project's last closed period by itself. */
        @WithDefault("false")
        boolean scheduleEnabled();

        /** Milliseconds between checks for periods due for billing. */
        @WithDefault("3600000")
        long scheduleInterval();

        /** Days after a period's end before it is billed (late approvals still arrive). */
        @WithDefault("2")
        int graceDays();

        /**
         * The most invoices sent to the ERP in one call when many runs are billed together (the schedule): Xero's
         * practical ceiling for PUT /Invoices is about 50. An ERP without the capability create-invoices gets one
         * call per invoice.
         */
        @WithDefault("50")
        int batchSize();

        /** Whether the status of issued invoices is read back from the ERP. */
        @WithDefault("true")
        boolean statusPollEnabled();

        /** Milliseconds between reads of the ERP status of invoices not yet paid or voided. */
        @WithDefault("300000")
        long statusPollInterval();
    }

    interface DeadLetters {
        /** Topic that receives every dead letter as a CloudEvent (cluster profile). */
        String topic();

        /**
         * When the ERP's circuit closes after an outage, replay the TARGET_UNAVAILABLE and RATE_LIMITED dead letters
         * written since it opened (false: they wait for an operator).
         */
        @WithDefault("true")
        boolean replayAfterOutage();
    }

    interface Replay {
        /**
         * A bulk replay waits for an approver other than its requester when it, with the unapproved bulk replays the
         * same person asked for within {@link #approvalWindow()}, replays more dead letters than this.
         */
        @WithDefault("100")
        int approvalThreshold();

        /** How far back a requester's unapproved bulk replays count towards the approval threshold. */
        @WithDefault("1h")
        Duration approvalWindow();

        /**
         * Lanes a bulk replay runs in parallel: dead letters of one record stay in order on one lane, different
         * records replay side by side (the ERP call is the long wait of a replay).
         */
        @WithDefault("8")
        int parallelism();
    }

    interface Location {
        /** A Camel resource location: {@code file:routes} or {@code classpath:routes}; see {@link LocationDefaults}. */
        String location();
    }

    interface Routes extends Location {
        /** Watch the routes folder and apply a changed set once it validates (file locations only). */
        @WithDefault("true")
        boolean watch();

        /** How long the folder must stay quiet after a change before it is applied (editors write in steps). */
        @WithDefault("2s")
        Duration quietPeriod();

        /**
         * The settings naming the vendor base URLs an http(s) endpoint of a route file may lead to (the route policy
         * refuses any other host); a new vendor's base URL setting is added here.
         */
        java.util.List<String> httpTargets();
    }

    interface Kafka {
        /** Whether Kafka routes start (cluster profile). */
        @WithDefault("false")
        boolean enabled();

        /** Kafka bootstrap servers. */
        String bootstrapServers();

        /** How every Kafka client connects: {@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}. */
        @WithDefault("PLAINTEXT")
        String securityProtocol();

        /** SASL credentials (protocols {@code SASL_*}). */
        Sasl sasl();

        /** TLS trust and client certificate (protocols {@code SSL} and {@code SASL_SSL}). */
        Tls tls();

        /**
         * Records of a consumer's batch that go through a Kafka-fed flow side by side, in lanes by record key (one
         * record's versions stay in order on one lane).
         */
        int lanes();

        /** Most records a consumer takes into one batch ({@code max.poll.records}). */
        int batchSize();

        /** Milliseconds a batch waits to fill before it goes through the flow (its added latency at most). */
        int batchInterval();

        interface Sasl {
            /** {@code SCRAM-SHA-512}, {@code SCRAM-SHA-256} or {@code PLAIN}. */
            @WithDefault("SCRAM-SHA-512")
            String mechanism();

            Optional<String> username();

            /** From the environment or a Secret ({@code LEDGERBRIDGE_KAFKA_SASL_PASSWORD}), never a file in the repo. */
            Optional<String> password();
        }

        interface Tls {
            /** The CA the brokers' certificates are checked against; absent: the JVM's trusted CAs. */
            Optional<String> truststore();

            /** {@code PEM} (a CA certificate file), {@code PKCS12} or {@code JKS}. */
            @WithDefault("PEM")
            String truststoreType();

            Optional<String> truststorePassword();

            /** A client certificate and key for brokers that require mutual TLS. */
            Optional<String> keystore();

            @WithDefault("PKCS12")
            String keystoreType();

            Optional<String> keystorePassword();

            /** Check the broker's host name against its certificate ({@code false} only for brokers addressed by IP). */
            @WithDefault("true")
            boolean verifyHostname();
        }
    }

    interface Time {
        /**
         * The time and expense system that sends approved time entries and expenses: its
         * {@code mappings/<system>/intake.json} says how (see {@link io.ledgerbridge.intake.Sources}).
         */
        @WithDefault("harvest")
        String system();

        /** Durable intake for approved time from webhooks and polls: {@code inbox} (store) or {@code kafka} (topic). */
        @WithDefault("inbox")
        String intake();

        /** Topic carrying approved time entries in Harvest's TimeEntry shape. */
        String topic();

        /** Consumer group of the approved-time flow. */
        String consumerGroup();

        /** Number of Kafka consumers of this instance. */
        @WithDefault("1")
        int consumers();

        /**
         * How many days after today a work date may lie: approved time for further ahead (a year typed as 2100)
         * is refused as VALIDATION instead of being billed.
         */
        @WithDefault("31")
        int maxDaysAhead();
    }

    interface Erp {
        /**
         * The ERP system every ERP capability reaches (routes/erp-capabilities.camel.yaml): {@code xero} (Xero
         * Accounting and Projects; {@code xero-projects} is its former name), {@code business-central} (Microsoft
         * Dynamics 365 Business Central) or {@code file-outbox} (documents for a batch import), or another system
         * with its routes file routes/system-&lt;system&gt;.camel.yaml.
         */
        @WithDefault("file-outbox")
        String connector();

        Outbox outbox();

        Xero xero();

        @WithName("business-central")
        BusinessCentral businessCentral();

        /**
         * The published call limits per ERP system, kept per account (organisation, company) by every instance
         * together: a system without an entry is not limited (the file outbox).
         */
        Map<String, CallBudget> budgets();

        /**
         * The turn of a capability's calls when an account's budget makes them wait (lower first); a capability
         * not named gets 50.
         */
        Map<String, Integer> priorities();

        /** Added to a replay's priority: replays wait behind live work. */
        @WithDefault("100")
        int replayPriorityOffset();

        /** The call limits of one ERP system, per account. */
        interface CallBudget {
            /** Calls the vendor allows in one window. */
            int calls();

            /** The vendor's window (a rolling one: no window of this length may hold more than {@code calls}). */
            Duration window();

            /**
             * Calls that may go at once after a quiet spell; the pace is (calls - burst) per window, so that no
             * rolling window holds more than {@code calls}.
             */
            @WithDefault("1")
            int burst();

            /** Calls the vendor allows in a day (UTC); 0: no day limit. */
            @WithDefault("0")
            int perDay();

            /** Calls in flight at once per instance. */
            @WithDefault("5")
            int concurrent();
        }

        /** Milliseconds an ERP or source API may take to answer one call before it counts as unavailable. */
        @WithDefault("30000")
        long httpTimeout();

        interface Outbox {
            /** Folder that receives one JSON document per posting. */
            String dir();
        }

        interface Xero {
            /** Whether the Xero OAuth2 client is active. */
            @WithDefault("false")
            boolean enabled();

            /** Base URL of the Xero Projects API. */
            String baseUrl();

            /** Base URL of the Xero Accounting API (contacts, invoices, receipts). */
            @WithDefault("https://api.xero.com/api.xro/2.0")
            String accountingUrl();

            /** The Xero-Tenant-Id of the organisation posted to, unless an entity names its own (mappings/entities.json). */
            Optional<String> tenantId();

            /**
             * Post expenses as Xero receipts (the former way) instead of bills and spend-money transactions; honoured
             * until Xero retires the Receipts endpoint (2027-02-01), ignored from that day.
             */
            @WithDefault("false")
            boolean expenseReceipts();

        }

        interface BusinessCentral {
            /** Whether the Business Central OAuth2 client (Microsoft Entra client credentials) is active. */
            @WithDefault("false")
            boolean enabled();

            /**
             * Base URL of the tenant's API endpoints: https://api.businesscentral.dynamics.com/v2.0/&lt;tenant&gt;;
             * a call goes to &lt;base-url&gt;/&lt;environment&gt;/api/&lt;api-version&gt;/companies(&lt;company&gt;).
             */
            String baseUrl();

            /** The environment of the companies posted to, unless an entity names its own (mappings/entities.json). */
            @WithDefault("production")
            String environment();

            /** The version of the standard API called (v1.0 and v2.0 name the entities used alike). */
            @WithDefault("v2.0")
            String apiVersion();

            /** The id of the company posted to, unless an entity names its own (mappings/entities.json). */
            String companyId();

            /** The id of the general journal that receives expenses as lines (balanced by its own account). */
            String expenseJournalId();

            /**
             * Whether a created sales invoice is posted at once (Microsoft.NAV.post), or left a draft to review, for
             * an entity booked in Business Central whose mappings/entities.json entry does not say ({@code invoices}).
             */
            @WithDefault("false")
            boolean postInvoices();

            /**
             * The code of the general journal batch the post-journal capability adds its lines to and posts: one of
             * ledgerbridge's own in each company, as posting a batch posts every line in it.
             */
            @WithDefault("LEDGERBRID")
            String journal();
        }
    }

    interface Retry {
        /** Redeliveries of a TARGET_UNAVAILABLE or RATE_LIMITED failure before it is dead-lettered. */
        @WithDefault("6")
        int maximumRedeliveries();

        /** First backoff delay in milliseconds; doubles each attempt, with jitter. */
        @WithDefault("500")
        long initialDelay();

        /** Upper bound of one exponential backoff delay in milliseconds. */
        @WithDefault("60000")
        long maximumDelay();

        /** Longest Retry-After (ms) a 429 is waited for; a longer one dead-letters the message as RATE_LIMITED. */
        @WithDefault("120000")
        long maximumRetryAfter();
    }

    interface Circuit {
        /** Calls in the rolling window of the ERP circuit breaker. */
        @WithDefault("10")
        int requestVolumeThreshold();

        /** Percentage of failed calls in the window that opens the circuit. */
        @WithDefault("50")
        int failureRatio();

        /** Milliseconds the circuit stays open before a trial call. */
        @WithDefault("10000")
        long delay();
    }

    /** What the liveness and readiness checks allow the flows' workers (ConsumersHealthCheck). */
    Health health();

    /** What the HTTP server allows one request (BodyDeadline); the connection cap is quarkus.http.limits.max-connections. */
    Http http();

    interface Http {
        /** How long a request's body may take to arrive after its headers before the request is refused with 408. */
        @WithDefault("30s")
        Duration bodyTimeout();
    }

    interface Health {
        /** Beyond three timer periods (or for a queue with messages waiting), how long a consumer may take nothing. */
        @WithDefault("30s")
        Duration consumerGrace();

        /** How long the store may refuse the heartbeat before the instance reports itself not live. */
        @WithDefault("5m")
        Duration storeOutage();
    }

    interface Instances {
        /** How often each instance records that it is running; one silent for three beats is taken as gone. */
        @WithDefault("PT5S")
        Duration heartbeat();
    }

    interface Store {
        /**
         * Transactions each kind of grouped store work (claims, pricing reads, completions) runs at the same time; the
         * work that arrives meanwhile waits and is committed together by the next one. One gives the largest groups,
         * what a CPU-bound service on few cores wants (FlowBench on 2 cores: 577 entries/s with 1, 460 with 2); more
         * let a service with cores to spare keep a busy database working on several transactions.
         */
        @WithDefault("1")
        int concurrentGroups();

        /**
         * While a kind of grouped store work comes in a crowd (its last transaction took more than one write), how
         * long the next transaction waits for more writes to join it before it commits (like PostgreSQL's
         * commit_delay); a write that comes alone is not held. Larger groups cost the service and the database less
         * per write; each write may wait this long three times on its way (pricing, claim, completion). 0: never.
         */
        @WithDefault("5ms")
        Duration groupLinger();

        /**
         * How often each instance looks for store tables whose planner statistics lag behind their rows (a tenth of
         * them, at least 1,000, changed since the last analysis) and analyzes them (PostgreSQL): a store that fills
         * fast is otherwise planned on the statistics of its empty tables until autovacuum comes round.
         */
        @WithDefault("10s")
        Duration statisticsInterval();

        /**
         * Reference data (projects, assignments, contract terms, rate card versions, FX rates, cross-references) each
         * instance keeps in memory between postings, at most this many entries; kept while the store's reference
         * generation is the one they were read at (any write to those tables counts it up, on every instance's next
         * read). 0: read from the store every time.
         */
        @WithDefault("100000")
        int referenceCacheSize();
    }

    interface Inbox {
        /** Milliseconds between polls of the inbox for messages to process. */
        @WithDefault("200")
        long pollInterval();

        /**
         * Once a poll found a flow's inbox empty and this instance has accepted nothing for the flow since, how long
         * until the store is asked again (for what another instance accepted and left, or a lease that ran out).
         */
        @WithDefault("PT5S")
        Duration idlePollInterval();

        /** How long a worker owns a claimed inbox message or sync record before another may take it over. */
        @WithDefault("PT2M")
        Duration lease();

        /** Messages claimed per poll. */
        @WithDefault("200")
        int batchSize();
    }

    interface Sources {
        Harvest harvest();

        /**
         * How far a record's version (its last change) may lie after this instance's clock: a later one is a
         * VALIDATION dead letter, as it would supersede every real later version.
         */
        @WithDefault("5m")
        Duration versionSkew();

        interface Harvest {
            Poll poll();

            /** Base URL of the Harvest API v2. */
            String baseUrl();

            /** Harvest-Account-Id header value. */
            Optional<String> accountId();

            /** Personal access token (from the environment, never from a file in the repo). */
            Optional<String> token();

            interface Poll {
                /** Whether the incremental poll of approved time runs. */
                @WithDefault("false")
                boolean enabled();

                /** Milliseconds between polls. */
                @WithDefault("60000")
                long interval();

                /** Page size asked of Harvest (1..2000). */
                @WithDefault("100")
                int perPage();

                /** Watermark of the first poll, when the store has none (ISO-8601 instant). */
                @WithDefault("1970-01-01T00:00:00Z")
                String initialWatermark();
            }
        }
    }

    interface Seed {
        /**
         * A JSON file of reference data loaded at start (cross-references, rate cards, FX rates, projects,
         * assignments; upserts, never deletes), e.g. {@code mappings/seed/reference-data.example.json}.
         */
        Optional<String> referenceData();
    }
}
