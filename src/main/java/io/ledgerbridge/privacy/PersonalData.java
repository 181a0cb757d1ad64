package io.ledgerbridge.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Personal data in what ledgerbridge shows or writes: people's names, e-mail addresses, phone numbers, addresses,
 * free-text notes and rates. {@link #mask(String)} hides them in a JSON document (the fields by name, at any depth,
 * and e-mail addresses anywhere in text), {@link #maskText(String)} hides e-mail addresses in free text such as an
 * error message on its way to the log.
 */
@ApplicationScoped
public class PersonalData {

    public static final String MASK = "***";
    private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");
    /** Field names (lower case, without '_' and '-') that hold personal data. */
    private static final Set<String> FIELDS = Set.of("name", "firstname", "lastname", "fullname", "displayname",
            "username", "email", "emailaddress", "phone", "phonenumber", "mobile", "mobilephone", "address",
            "street", "streetaddress", "postalcode", "zip", "city", "birthdate", "dateofbirth", "notes", "note",
            "description", "comment", "rate", "billrate", "costrate", "hourlyrate", "billablerate", "costrateamount",
            "salary", "compensation");
    private static final Set<String> RATE_SUFFIXES = Set.of("rate", "salary");

    private final ObjectMapper json;

    PersonalData(ObjectMapper json) {
        this.json = json;
    }

    /** The document with personal fields masked; a body that is not JSON is hidden whole. */
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

    /** A copy of the node with personal fields masked. */
    public JsonNode mask(JsonNode node) {
        JsonNode copy = node.deepCopy();
        walk(copy);
        return copy;
    }

    /** Free text with e-mail addresses masked. */
    public static String maskText(String text) {
        return text == null ? null : EMAIL.matcher(text).replaceAll(MASK);
    }

    static boolean personal(String field) {
        String key = field.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        return FIELDS.contains(key) || RATE_SUFFIXES.stream().anyMatch(key::endsWith);
    }

    private static void walk(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = field.getValue();
                if (personal(field.getKey()) && (value.isValueNode() && !value.isNull())) {
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
}
