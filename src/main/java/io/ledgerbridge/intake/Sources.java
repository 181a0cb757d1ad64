package io.ledgerbridge.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.config.LedgerbridgeConfig;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.FlowHeaders;
import io.ledgerbridge.flow.FlowJson;
import io.ledgerbridge.mapping.MappingFiles;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What each source system sends, from its {@code mappings/<system>/intake.json} (checked against
 * {@code schemas/intake.schema.json}): per record type, the system's name of the record, the fields with its id and
 * version, and the field that says the flow takes it. The record's shape is {@code <system>/<record>.schema.json}
 * and its mapping to the canonical model {@code <system>/<record>-to-canonical.jsonata}; the flows never name the
 * system (routes/intake.camel.yaml, template source-to-canonical). The systems configured for each record type are
 * checked when the service starts: a missing or broken descriptor fails the start.
 */
@ApplicationScoped
@Startup
@Named("sources")
public class Sources {

    /** One record type of one source system. */
    public record SourceRecord(String system, String record, String entity, String idField, String versionField,
            String acceptWhen) {

        /** The record's JSON Schema, a file of the mappings folder. */
        public String schema() {
            return system + "/" + record + ".schema.json";
        }

        /** The record's business key: the same record version has the same key in every store row and log line. */
        public String businessKey(String id) {
            return system + ":" + entity + ":" + id;
        }
    }

    private final ObjectMapper mapper;
    private final FlowJson json;
    private final String mappings;
    private final Map<String, Map<String, SourceRecord>> systems = new ConcurrentHashMap<>();

    Sources(ObjectMapper mapper, FlowJson json, LedgerbridgeConfig config,
            @ConfigProperty(name = "ledgerbridge.mappings.location") String mappings) {
        this.mapper = mapper;
        this.json = json;
        this.mappings = mappings;
        Map<String, String> configured = new LinkedHashMap<>();
        configured.put("time-entry", config.time().system());
        configured.put("expense", config.time().system());
        configured.put("assignment", config.psa().system());
        configured.put("deal", config.crm().system());
        configured.put("person", config.hr().system());
        configured.put("milestone-completed", config.psa().milestoneSystem());
        configured.forEach((record, system) -> of(system, record));
    }

    /** The record type as the system sends it; a system without a descriptor naming it is a configuration error. */
    public SourceRecord of(String system, String record) {
        SourceRecord found = systems.computeIfAbsent(system, this::load).get(record);
        if (found == null) {
            throw new IllegalStateException(mappings + "/" + system + "/intake.json names no record '" + record
                    + "': the system is configured as the source of " + record + "s");
        }
        return found;
    }

    /**
     * Identifies a record as its source sent it, before any check: sets {@code ledgerbridgeSourceSystem} and, when
     * the id and version fields hold usable values, {@code ledgerbridgeSourceId}, {@code -SourceVersion} and
     * {@code -BusinessKey}, so that even a record the schema refuses is dead-lettered under its key. Not JSON, or
     * empty: a VALIDATION failure.
     */
    public void identify(Exchange exchange, String record, String system) {
        SourceRecord source = of(system, record);
        Message in = exchange.getMessage();
        in.setHeader(FlowHeaders.SOURCE_SYSTEM, system);
        String body = in.getBody(String.class);
        if (body == null || body.isBlank()) {
            throw new FlowFailure(ErrorClass.VALIDATION, "empty message: no " + record + " in it");
        }
        JsonNode raw = json.read(exchange, body);
        JsonNode id = raw.get(source.idField());
        if (id != null && (id.isIntegralNumber() || id.isTextual()) && !id.asText().isBlank()
                && id.asText().length() <= 128) {
            in.setHeader(FlowHeaders.SOURCE_ID, id.asText());
            in.setHeader(FlowHeaders.BUSINESS_KEY, source.businessKey(id.asText()));
            JsonNode version = raw.get(source.versionField());
            if (version != null && version.isTextual() && version.asText().length() <= 64) {
                in.setHeader(FlowHeaders.SOURCE_VERSION, version.asText());
            }
        }
    }

    /** The business key of a record of a source system, e.g. {@code salesforce:opportunity:006...}; null for no id. */
    public String businessKey(String system, String record, String id) {
        return id == null || id.isBlank() ? null : of(system, record).businessKey(id);
    }

    /** What every business key of a record type of a source system starts with, e.g. {@code harvest:time-entry:}. */
    public String businessKeyPrefix(String system, String record) {
        return of(system, record).businessKey("");
    }

    private Map<String, SourceRecord> load(String system) {
        if (!system.matches("[a-z][a-z0-9-]{0,31}")) {
            throw new IllegalStateException("'" + system + "' is not a source system name (lower-case letters, digits"
                    + " and '-')");
        }
        JsonNode descriptor;
        try {
            descriptor = MappingFiles.readValid(mapper, mappings, system + "/intake.json", "intake.schema.json");
        } catch (IOException e) {
            throw new UncheckedIOException("the source system " + system + " has no readable " + mappings + "/"
                    + system + "/intake.json: " + e.getMessage(), e);
        }
        if (!system.equals(descriptor.path("system").asText())) {
            throw new IllegalStateException(mappings + "/" + system + "/intake.json describes the system '"
                    + descriptor.path("system").asText() + "'");
        }
        Map<String, SourceRecord> records = new LinkedHashMap<>();
        descriptor.path("records").fields().forEachRemaining(field -> {
            JsonNode r = field.getValue();
            records.put(field.getKey(), new SourceRecord(system, field.getKey(), r.path("entity").asText(),
                    r.path("id").asText(), r.path("version").asText(), r.path("acceptWhen").asText(null)));
        });
        return Map.copyOf(records);
    }
}
