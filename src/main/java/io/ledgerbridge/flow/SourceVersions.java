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

    private SourceVersions() {
    }

    /** The instant a version names, or null when it is not a timestamp. */
    public static Instant instantOf(String version) {
        if (version == null || version.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(version.strip()).toInstant();
        } catch (DateTimeParseException notAnOffsetTimestamp) {
            try {
                return Instant.parse(version.strip());
            } catch (DateTimeParseException notATimestamp) {
                return null;
            }
        }
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
        String fraction = instant.getNano() == 0 ? ""
                : "." + String.format("%09d", instant.getNano()).replaceFirst("0+$", "");
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
