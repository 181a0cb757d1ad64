package io.ledgerbridge.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code make validate-routes [ROUTES=folder]}: checks a folder of route files (default: the repository's routes/)
 * as the running service's {@code POST /admin/routes/validate} would, without a running service — for CI and GitOps
 * pipelines before a change reaches the cluster. Not part of make test (RouteValidationTest covers the checks).
 */
@QuarkusTest
class RouteFolderValidation {

    @Inject
    RouteValidator validator;

    @Test
    void theFolderLoads() {
        Path folder = Path.of(System.getProperty("validate.routes.folder", "routes"));
        Map<String, String> files = RouteValidator.filesIn(folder);
        assertThat(files).as("route files (*.camel.yaml) in " + folder.toAbsolutePath()).isNotEmpty();
        RouteValidator.Result result = validator.validateSet(files);
        System.out.println(result.valid()
                ? "routes in " + folder + " load: " + result.routes().size() + " routes " + result.routes()
                : "routes in " + folder + " would not load:\n  " + String.join("\n  ", result.problems()));
        assertThat(result.problems()).as("problems of the routes in " + folder).isEmpty();
    }
}
