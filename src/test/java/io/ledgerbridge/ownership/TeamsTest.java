package io.ledgerbridge.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.flow.ErrorClass;
import io.ledgerbridge.reconcile.ReconFinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ownership file operators edit: first matching rule wins, and a file that could leave an exception unowned stops the start. */
class TeamsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theShippedFileOwnsByFlowErrorClassAndEntityFirstMatchWinning() throws IOException {
        Teams teams = new Teams(JSON, "file:mappings", "ownership.json");
        assertThat(teams.ownerOf(new Teams.Subject("billing-run", "REFERENCE", null, "NA"))).isEqualTo("billing");
        assertThat(teams.ownerOf(new Teams.Subject("reconciliation", null, "STALE", "EU"))).isEqualTo("billing");
        assertThat(teams.ownerOf(new Teams.Subject("approved-time-to-erp", "REFERENCE", null, null)))
                .isEqualTo("data-stewards");
        assertThat(teams.ownerOf(new Teams.Subject("approved-time-to-erp", "TARGET_REJECTED", null, "NA")))
                .isEqualTo("na-finance-systems");
        assertThat(teams.ownerOf(new Teams.Subject("approved-time-to-erp", "TARGET_REJECTED", null, null)))
                .as("no entity known: the entity rule does not match").isEqualTo("integration");
        assertThat(teams.isMember("billing", "approver")).isTrue();
        assertThat(teams.isMember("billing", "viewer")).isFalse();
        assertThat(teams.all()).extracting(Teams.Team::id).containsExactly("integration", "billing", "data-stewards",
                "na-finance-systems");
    }

    @Test
    void theSchemaKnowsEveryErrorClassAndFindingType() throws IOException {
        JsonNode rule = JSON.readTree(Path.of("mappings/schemas/ownership.schema.json").toFile())
                .path("properties").path("owners").path("items").path("properties");
        assertThat(values(rule.path("errorClass").path("items").path("enum")))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(ErrorClass.values()).map(Enum::name).toList());
        assertThat(values(rule.path("findingType").path("items").path("enum")))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(ReconFinding.Type.values()).map(Enum::name).toList());
    }

    @Test
    void aFileThatCouldLeaveAnExceptionUnownedIsRefused(@TempDir Path folder) throws IOException {
        Files.createDirectories(folder.resolve("schemas"));
        Files.copy(Path.of("mappings/schemas/ownership.schema.json"), folder.resolve("schemas/ownership.schema.json"));
        String location = "file:" + folder;

        write(folder, """
                {"teams": {"ops": {"name": "Ops", "members": []}}, "owners": [{"flow": ["billing-run"], "team": "ops"}]}
                """);
        assertThatThrownBy(() -> new Teams(JSON, location, "ownership.json")).hasMessageContaining("must match everything");

        write(folder, """
                {"teams": {"ops": {"name": "Ops", "members": []}}, "owners": [{"team": "finance"}]}
                """);
        assertThatThrownBy(() -> new Teams(JSON, location, "ownership.json")).hasMessageContaining("'finance'");

        write(folder, """
                {"teams": {"ops": {"name": "Ops", "members": []}}, "owners": [{"errorClass": ["TYPO"], "team": "ops"}, {"team": "ops"}]}
                """);
        assertThatThrownBy(() -> new Teams(JSON, location, "ownership.json")).hasMessageContaining("is invalid");
    }

    private static void write(Path folder, String text) throws IOException {
        Files.writeString(folder.resolve("ownership.json"), text);
    }

    private static List<String> values(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
