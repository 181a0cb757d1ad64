package io.ledgerbridge.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.ledgerbridge.testing.Admin;
import io.ledgerbridge.testing.ContractFixtures.Contracted;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A period extract as a warehouse loads it: the ZIP of GET /admin/extracts/{period} unpacked, its manifest checked
 * (rows and SHA-256 of every file) and every row of every fact checked against the fact's JSON Schema.
 */
final class Warehouse {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Warehouse() {
    }

    /** The extract's CSV files by name, each as rows of column to value (null for an empty cell). */
    static Map<String, List<Map<String, String>>> extract(String period) {
        byte[] zip = Admin.as(Admin.OPERATOR).get("/admin/extracts/" + period).then().statusCode(200)
                .contentType("application/zip").extract().asByteArray();
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                files.put(entry.getName(), in.readAllBytes());
            }
            JsonNode manifest = JSON.readTree(files.get("manifest.json"));
            assertThat(manifest.path("period").asText()).isEqualTo(period);
            Map<String, List<Map<String, String>>> facts = new LinkedHashMap<>();
            JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
            for (JsonNode file : manifest.path("files")) {
                byte[] csv = files.get(file.path("file").asText());
                assertThat(csv).as(file.path("file").asText()).isNotNull();
                assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(csv)))
                        .isEqualTo(file.path("sha256").asText());
                List<Map<String, String>> rows = parse(new String(csv, StandardCharsets.UTF_8));
                assertThat(rows).hasSize(file.path("rows").asInt());
                JsonSchema schema = schemas.getSchema(Files.readString(Path.of(file.path("schema").asText())));
                for (Map<String, String> row : rows) {
                    ObjectNode object = JSON.createObjectNode();
                    row.forEach(object::put);
                    Set<?> problems = schema.validate(object);
                    assertThat(problems).as(file.path("file").asText() + " " + row).isEmpty();
                }
                facts.put(file.path("file").asText(), rows);
            }
            return facts;
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The warehouse feed's CloudEvents of these subjects (the topic ledgerbridge.facts read from the beginning), each
     * checked: CloudEvents 1.0, type io.ledgerbridge.fact.&lt;fact&gt;.v1, its dataschema the fact's schema, its data
     * valid against it.
     */
    static Map<String, JsonNode> feed(Set<String> subjects) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
        for (String value : io.ledgerbridge.testing.KafkaTopics.readAll("ledgerbridge.facts")) {
            try {
                JsonNode event = JSON.readTree(value);
                String subject = event.path("subject").asText();
                if (!subjects.contains(subject)) {
                    continue;
                }
                assertThat(event.path("specversion").asText()).isEqualTo("1.0");
                String type = event.path("type").asText();
                assertThat(type).matches("io\\.ledgerbridge\\.fact\\.[a-z-]+\\.v1");
                String fact = type.substring("io.ledgerbridge.fact.".length(), type.length() - ".v1".length());
                assertThat(event.path("dataschema").asText())
                        .isEqualTo("https://ledgerbridge.io/schemas/facts/" + fact + ".schema.json");
                JsonSchema schema = schemas.getSchema(Files.readString(Path.of("mappings/schemas/facts/" + fact
                        + ".schema.json")));
                assertThat(schema.validate(event.path("data"))).as(subject).isEmpty();
                found.put(subject, event);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return found;
    }

    /** The rows of a file whose {@code column} is the id of one of the projects. */
    static List<Map<String, String>> rowsOf(Map<String, List<Map<String, String>>> facts, String file, String column,
            Contracted... projects) {
        Set<String> ids = Arrays.stream(projects).map(p -> String.valueOf(p.projectId())).collect(Collectors.toSet());
        return facts.get(file).stream().filter(r -> ids.contains(r.get(column))).toList();
    }

    /** RFC 4180: a header row, quoted cells with doubled quotes, CRLF. */
    static List<Map<String, String>> parse(String csv) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                record.add(cell.length() == 0 && !wasQuoted ? null : cell.toString());
                cell.setLength(0);
                wasQuoted = false;
            } else if (c == '\r') {
                continue;
            } else if (c == '\n') {
                record.add(cell.length() == 0 && !wasQuoted ? null : cell.toString());
                records.add(record);
                record = new ArrayList<>();
                cell.setLength(0);
                wasQuoted = false;
            } else {
                cell.append(c);
            }
        }
        List<String> header = records.get(0);
        List<Map<String, String>> rows = new ArrayList<>();
        for (List<String> r : records.subList(1, records.size())) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), r.get(i));
            }
            rows.add(row);
        }
        return rows;
    }
}
