package io.ledgerbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every route file of the repository reaches the cluster: the routes ConfigMap lists them all. */
class KustomizationRoutesTest {

    @Test
    void everyRouteFileIsInTheRoutesConfigMap() throws IOException {
        String kustomization = Files.readString(Path.of("k8s/base/kustomization.yaml"));
        List<String> routes;
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            routes = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".camel.yaml")).sorted()
                    .toList();
        }
        assertThat(routes).isNotEmpty().allSatisfy(route -> assertThat(kustomization)
                .as("k8s/base/kustomization.yaml lists routes/%s", route).contains("- routes/" + route));
    }
}
