package io.ledgerbridge.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Configuration files operators edit in the mappings folder ({@code ledgerbridge.mappings.location}, a {@code file:}
 * or {@code classpath:} location), each checked against its JSON Schema in {@code schemas/} when it is read: a broken
 * file fails the start, it is never half-applied.
 */
public final class MappingFiles {

    private MappingFiles() {
    }

    /** A mapping file's text. */
    public static String read(String location, String file) throws IOException {
        if (location.startsWith("file:")) {
            return Files.readString(Path.of(location.substring("file:".length()), file));
        }
        String resource = location.substring(location.indexOf(':') + 1) + "/" + file;
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("not found on the classpath: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A mapping file as JSON, valid against {@code schemas/<schema>}; an invalid one is refused with every problem. */
    public static JsonNode readValid(ObjectMapper json, String location, String file, String schema)
            throws IOException {
        JsonNode document = json.readTree(read(location, file));
        Set<ValidationMessage> problems = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(read(location, "schemas/" + schema)).validate(document);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(location + "/" + file + " is invalid: " + problems);
        }
        return document;
    }
}
