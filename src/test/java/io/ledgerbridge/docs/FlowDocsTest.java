package io.ledgerbridge.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/flows/ has one page per route file and the flows diagram of docs/architecture.md is what routes/ holds: both
 * are written from the route files ({@link FlowDocs}); a route edit without {@code make docs} fails here, naming the
 * page. {@code -Ddocs.update=true} (what make docs passes) writes them instead.
 */
class FlowDocsTest {

    private static final boolean UPDATE = Boolean.getBoolean("docs.update");

    @Test
    void everyRouteFileHasItsPageAsTheRouteFileSaysIt() throws IOException {
        FlowDocs docs = new FlowDocs();
        Set<String> expected = new TreeSet<>();
        for (FlowDocs.RouteFile file : docs.files()) {
            Path page = FlowDocs.PAGES.resolve(file.name() + ".md");
            expected.add(page.getFileName().toString());
            String text = docs.page(file);
            if (UPDATE) {
                Files.createDirectories(FlowDocs.PAGES);
                Files.writeString(page, text);
            }
            assertThat(page).as("%s: run make docs", page).exists();
            assertThat(Files.readString(page)).as("%s is not what routes/%s.camel.yaml says: run make docs", page,
                    file.name()).isEqualTo(text);
        }
        try (Stream<Path> pages = Files.list(FlowDocs.PAGES)) {
            Set<String> present = pages.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
            if (UPDATE) {
                for (String stale : present) {
                    if (!expected.contains(stale)) {
                        Files.delete(FlowDocs.PAGES.resolve(stale));
                    }
                }
                present.retainAll(expected);
            }
            assertThat(present).as("docs/flows/ has a page per route file and no other").isEqualTo(expected);
        }
        assertThat(expected).hasSizeGreaterThanOrEqualTo(12);
    }

    @Test
    void theArchitecturesFlowsDiagramIsWhatTheRoutesCall() throws IOException {
        String diagram = new FlowDocs().diagram();
        assertThat(diagram).contains("approved_time_to_erp --> erp_post_time").contains("erp_post_time --> xero_post_time").contains("-.-> events_projects")
                .contains("events_projects --> project_created_to_crm");
        String page = Files.readString(FlowDocs.ARCHITECTURE);
        int begin = page.indexOf(FlowDocs.DIAGRAM_BEGIN);
        int end = page.indexOf(FlowDocs.DIAGRAM_END);
        assertThat(begin).as("docs/architecture.md marks where the diagram goes").isNotNegative();
        assertThat(end).isGreaterThan(begin);
        String written = page.substring(begin + FlowDocs.DIAGRAM_BEGIN.length(), end).strip();
        if (UPDATE) {
            Files.writeString(FlowDocs.ARCHITECTURE, page.substring(0, begin + FlowDocs.DIAGRAM_BEGIN.length())
                    + "\n" + diagram + page.substring(end));
            written = diagram.strip();
        }
        assertThat(written).as("the flows diagram of docs/architecture.md: run make docs").isEqualTo(diagram.strip());
    }
}
