package io.ledgerbridge.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.flow.FlowFailure;
import io.ledgerbridge.flow.SourceVersions;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two versions of a record never share the key a target recognises a retry by, however they are written; one
 * instant written two ways is one version and one key; a version from the future is refused.
 */
class IdempotencyKeyTest {

    @Test
    void versionsThatDifferOnlyInTheirOffsetAreTwoKeys() {
        String plusOne = SyncRecords.idempotencyKey("harvest", "42", "2026-11-20T10:15:00+01:00");
        String minusOne = SyncRecords.idempotencyKey("harvest", "42", "2026-11-20T10:15:00-01:00");
        assertThat(plusOne).isEqualTo("harvest-42-20261120T091500Z");
        assertThat(minusOne).isEqualTo("harvest-42-20261120T111500Z");
    }

    @Test
    void fractionsOfASecondAreTheirOwnVersions() {
        List<String> versions = List.of("2026-11-20T10:15:00Z", "2026-11-20T10:15:00.1Z", "2026-11-20T10:15:00.01Z",
                "2026-11-20T10:15:00.001Z", "2026-11-20T10:15:00.000001Z", "2026-11-20T10:15:00.000000001Z",
                "2026-11-20T10:15:01Z", "2026-11-20T10:15:10Z");
        Set<String> keys = new HashSet<>();
        versions.forEach(version -> keys.add(SyncRecords.idempotencyKey("harvest", "42", version)));
        assertThat(keys).hasSize(versions.size());
        assertThat(SyncRecords.idempotencyKey("harvest", "42", "2026-11-20T10:15:00.250Z"))
                .isEqualTo("harvest-42-20261120T101500.25Z");
    }

    @Test
    void oneInstantWrittenTwoWaysIsOneKeyAndOneStoredVersion() {
        assertThat(SyncRecords.idempotencyKey("harvest", "42", "2026-11-20T10:15:00+01:00"))
                .isEqualTo(SyncRecords.idempotencyKey("harvest", "42", "2026-11-20T09:15:00Z"))
                .isEqualTo(SyncRecords.idempotencyKey("harvest", "42", "2026-11-20T09:15:00.000Z"))
                .isEqualTo(SyncRecords.idempotencyKey("harvest", "42", "2026-11-20T05:15-04:00"));
        assertThat(SourceVersions.normalize("2026-11-20T10:15:00+01:00")).isEqualTo("2026-11-20T09:15:00Z");
        assertThat(SourceVersions.normalize("2026-11-20T09:15:00.500Z")).isEqualTo("2026-11-20T09:15:00.500Z");
    }

    @Test
    void versionsReadAgainNameTheSameInstantsHoweverManyCameBetween() {
        // more versions than the parser keeps (their slots taken by others), each read twice, in two orders
        List<String> versions = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            versions.add(Instant.ofEpochSecond(1_790_000_000L + i * 61L, i % 7 * 125_000_000L)
                    .atOffset(ZoneOffset.ofHours(i % 3 - 1)).toString());
            versions.add("rev-" + i);
        }
        for (int round = 0; round < 2; round++) {
            for (String version : versions) {
                Instant expected = version.startsWith("rev-") ? null
                        : OffsetDateTime.parse(version).toInstant();
                assertThat(SourceVersions.instantOf(version)).as(version).isEqualTo(expected);
                if (expected != null) {
                    assertThat(SourceVersions.instantOf(SourceVersions.normalize(version))).isEqualTo(expected);
                }
            }
            Collections.reverse(versions);
        }
    }

    @Test
    void versionsThatAreNotTimestampsAndOddSourceIdsNeverCollide() {
        assertThat(SyncRecords.idempotencyKey("crm", "7", "1.2"))
                .isNotEqualTo(SyncRecords.idempotencyKey("crm", "7", "12"));
        assertThat(SyncRecords.idempotencyKey("crm", "a-b", "c"))
                .isNotEqualTo(SyncRecords.idempotencyKey("crm", "a", "b-c"));
        assertThat(SyncRecords.idempotencyKey("crm", "a-b", "2026-11-20T10:15:00Z"))
                .isNotEqualTo(SyncRecords.idempotencyKey("crm", "a", "b-2026-11-20T10:15:00Z"));
        assertThat(SyncRecords.idempotencyKey("crm", "x".repeat(128), "2026-11-20T10:15:00Z")).hasSizeLessThanOrEqualTo(128);
        assertThat(SyncRecords.idempotencyKey("crm", "7", "\"etag-1\"")).matches("crm-[0-9a-f]{64}");
    }

    @Test
    void aVersionFromTheFutureIsAValidationFailure() {
        Instant now = Instant.parse("2026-11-20T10:00:00Z");
        SourceVersions.refuseFuture("2026-11-20T10:04:59Z", now);
        SourceVersions.refuseFuture("not a timestamp", now);
        assertThatThrownBy(() -> SourceVersions.refuseFuture("9999-12-31T23:59:59Z", now))
                .isInstanceOfSatisfying(FlowFailure.class, failure -> {
                    assertThat(failure.errorClass()).isEqualTo(ErrorClass.VALIDATION);
                    assertThat(failure.getMessage()).contains("9999-12-31T23:59:59Z", "clock skew");
                });
        assertThatThrownBy(() -> SourceVersions.refuseFuture("2026-11-20T11:05:01+01:00", now))
                .isInstanceOf(FlowFailure.class);
    }
}
