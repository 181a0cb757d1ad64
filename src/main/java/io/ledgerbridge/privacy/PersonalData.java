package io.ledgerbridge.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.ledgerbridge.mapping.MappingFiles;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Personal and confidential data in what ledgerbridge shows or logs, as the operators' classification in
 * {@code mappings/privacy/personal-data.json} declares it: fields by name and by name pattern (at any depth of a
 * JSON document), and values by pattern (e-mail addresses, phone numbers, IBANs ... anywhere in text).
 * {@link #mask(String)} hides them in a JSON document, {@link #maskText(String)} in free text such as an error, a
 * resolution, a replay's outcome or an audit entry.
 */
@ApplicationScoped
@Startup
public class PersonalData {

    public static final String MASK = "***";
    private static final String FILE = "privacy/personal-data.json";

    private final ObjectMapper json;
    /** Field names, lower case, without '_' and '-'. */
    private final Set<String> fields;
    private final List<Pattern> fieldPatterns;
    private final List<Pattern> valuePatterns;

    PersonalData(ObjectMapper json, @ConfigProperty(name = "ledgerbridge.mappings.location") String mappings)
            throws IOException {
        this.json = json;
        JsonNode classification = MappingFiles.readValid(json, mappings, FILE, "personal-data.schema.json");
        Set<String> names = new HashSet<>();
        classification.path("fields").forEach(field -> names.add(normal(field.asText())));
        this.fields = Set.copyOf(names);
        this.fieldPatterns = compile(mappings, classification.path("fieldPatterns"));
        this.valuePatterns = compile(mappings, classification.path("valuePatterns"));
    }

    /** The document with personal fields and values masked; a body that is not JSON is hidden whole. */
    public String mask(String document) {
        if (document == null) {
            return null;
        }
        try {
            JsonNode root = json.readTree(document);
            return root == null ? MASK : json.writeValueAsString(mask(root));
        } catch (JsonProcessingException notJson) {
            return MASK + " (not JSON: hidden)";
        }
    }

    /** A copy of the node with personal fields and values masked. */
    public JsonNode mask(JsonNode node) {
        JsonNode copy = node.deepCopy();
        walk(copy);
        return copy;
    }

    /**
     * Free text with personal values masked: what the value patterns match, and what follows a classified field's
     * name in JSON quoted in the text ({@code "ssn":"123"} in an error that quotes the message).
     */
    public String maskText(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (Pattern value : valuePatterns) {
            masked = value.matcher(masked).replaceAll(MASK);
        }
        return maskQuotedFields(masked);
    }

    /**
     * Free text as this caller may see it: whole for operators and approvers (who replay and edit messages), masked
     * for everyone else (viewers, integrators).
     */
    public java.util.function.UnaryOperator<String> shownTo(io.quarkus.security.identity.SecurityIdentity identity) {
        return seesPersonalData(identity) ? text -> text : this::maskText;
    }

    /** Operators and approvers see messages whole; every other role sees them masked. */
    public static boolean seesPersonalData(io.quarkus.security.identity.SecurityIdentity identity) {
        return identity.hasRole("operator") || identity.hasRole("approver");
    }

    /** Whether a field of this name holds personal data. */
    public boolean personal(String field) {
        String key = normal(field);
        return fields.contains(key) || fieldPatterns.stream().anyMatch(p -> p.matcher(field).matches());
    }

    private static final Pattern QUOTED_FIELD = Pattern.compile("\"([^\"\\\\]{1,64})\"\\s*:\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|-?[\\d.]+)");

    private String maskQuotedFields(String text) {
        return QUOTED_FIELD.matcher(text).replaceAll(match -> personal(match.group(1))
                ? java.util.regex.Matcher.quoteReplacement("\"" + match.group(1) + "\":\"" + MASK + "\"")
                : java.util.regex.Matcher.quoteReplacement(match.group()));
    }

    private void walk(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> entries = object.fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> field = entries.next();
                JsonNode value = field.getValue();
                if (personal(field.getKey()) && value.isValueNode() && !value.isNull()) {
                    field.setValue(TextNode.valueOf(MASK));
                } else if (value.isTextual()) {
                    field.setValue(TextNode.valueOf(maskText(value.asText())));
                } else {
                    walk(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(maskText(array.get(i).asText())));
                } else {
                    walk(array.get(i));
                }
            }
        }
    }

    private static String normal(String field) {
        return field.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    private static List<Pattern> compile(String mappings, JsonNode patterns) {
        List<Pattern> compiled = new ArrayList<>();
        patterns.forEach(pattern -> {
            try {
                compiled.add(Pattern.compile(pattern.asText()));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalStateException(mappings + "/" + FILE + ": not a regular expression: "
                        + pattern.asText() + " (" + e.getDescription() + ")", e);
            }
        });
        return List.copyOf(compiled);
    }
}
