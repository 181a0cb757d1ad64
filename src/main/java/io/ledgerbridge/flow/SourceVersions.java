package io.ledgerbridge.flow;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A source record's version as the store and the targets know it. Sources version records by their last change as an
 * ISO-8601 timestamp, written with any offset and precision; the same instant written two ways is one version, and
 * two instants are two versions, however they are written. A version that is not a timestamp (a revision number, an
 * ETag) is kept as written.
 */
public final class SourceVersions {

    private static final DateTimeFormatter KEY = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss")
            .withZone(ZoneOffset.UTC);
    private static volatile Duration skew;
    /**
     * Versions parsed lately, each in the slot of its hash (a newer one takes the slot): immutable entries, so a
     * thread sees a whole one or none, and a miss only parses again.
     */
    private static final Parsed[] RECENT = new Parsed[512];

    private SourceVersions() {
    }

    /** The instant a version names, or null when it is not a timestamp. */
    public static Instant instantOf(String version) {
        if (version == null || version.isBlank()) {
            return null;
        }
        // an entry's version is read at three steps (the check against the future, the stored form, the idempotency
        // key): java.time's parser was 1.7 % of the flow's samples (JFR of OutboxFlowBench), so recent ones are kept
        int slot = version.hashCode() & (RECENT.length - 1);
        Parsed recent = RECENT[slot];
        if (recent != null && recent.version().equals(version)) {
            return recent.instant();
        }
        Instant instant = parse(version.strip());
        RECENT[slot] = new Parsed(version, instant);
        if (instant != null) {
            String stored = instant.toString();
            RECENT[stored.hashCode() & (RECENT.length - 1)] = new Parsed(stored, instant);
        }
        return instant;
    }

    private static Instant parse(String version) {
        try {
            return OffsetDateTime.parse(version).toInstant();
        } catch (DateTimeParseException notAnOffsetTimestamp) {
            try {
                return Instant.parse(version);
            } catch (DateTimeParseException notATimestamp) {
                return null;
            }
        }
    }

    /** A version as written and the instant it names (null: not a timestamp). */
    private record Parsed(String version, Instant instant) {
    }

    /** The version as stored: a timestamp as its instant in UTC ({@code 2026-11-20T09:15:00Z}), else as written. */
    public static String normalize(String version) {
        Instant instant = instantOf(version);
        return instant == null ? version : instant.toString();
    }

    /**
     * The version in an idempotency key: a timestamp as its UTC instant in basic format with the fraction of a second
     * it has and no trailing zeros ({@code 20261120T091500Z}, {@code 20261120T091500.25Z}), unique per instant and
     * made only of letters, digits and a dot; null when the version is not a timestamp.
     */
    public static String keyPart(String version) {
        Instant instant = instantOf(version);
        if (instant == null) {
            return null;
        }
        String fraction = "";
        if (instant.getNano() != 0) {
            String nanos = Integer.toString(instant.getNano() + 1_000_000_000).substring(1); // nine digits
            int end = nanos.length();
            while (nanos.charAt(end - 1) == '0') {
                end--;
            }
            fraction = "." + nanos.substring(0, end);
        }
        return KEY.format(instant) + fraction + "Z";
    }

    /**
     * Refuses a version dated after now plus the allowed clock skew ({@code ledgerbridge.sources.version-skew}): taken
     * as the newest, it would make every real later version of the record look superseded and never be posted.
     */
    public static void refuseFuture(String version, Instant now) {
        Instant instant = instantOf(version);
        if (instant != null && instant.isAfter(now.plus(skew()))) {
            throw new FlowFailure(ErrorClass.VALIDATION, "the version " + version + " is later than now (" + now
                    + ") by more than the allowed clock skew of " + skew() + ": a version from the future would "
                    + "supersede every real later version of the record");
        }
    }

    private static Duration skew() {
        Duration allowed = skew;
        if (allowed == null) {
            allowed = ConfigProvider.getConfig().getOptionalValue("ledgerbridge.sources.version-skew", Duration.class)
                    .orElse(Duration.ofMinutes(5));
            skew = allowed;
        }
        return allowed;
    }
}
