package io.ledgerbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The images of src/main/docker are what k8s/base runs: the user the pod must run as, the ports its probes and
 * Service use, the folder its ConfigMaps are mounted under; the JVM image takes what `make cluster-build` makes, and
 * `make image` names it as the Deployment does.
 */
class DockerImageTest {

    @ParameterizedTest
    @ValueSource(strings = {"Dockerfile.jvm", "Dockerfile.native"})
    void theImageRunsAsThePodRunsAndOpensThePortsTheProbesAndServiceUse(String dockerfile) throws Exception {
        String text = Files.readString(Path.of("src/main/docker", dockerfile));
        Deployment deployment = deployment();
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);

        assertThat(last(text, "USER\\s+(\\d+)")).as("USER of %s", dockerfile)
                .isEqualTo(String.valueOf(pod.getSecurityContext().getRunAsUser()));
        Set<String> exposed = Arrays.stream(last(text, "EXPOSE\\s+([\\d ]+)").trim().split("\\s+"))
                .collect(Collectors.toSet());
        assertThat(exposed).as("EXPOSE of %s", dockerfile).isEqualTo(container.getPorts().stream()
                .map(ContainerPort::getContainerPort).map(String::valueOf).collect(Collectors.toSet()));
        // the mounts (routes, mappings) are under the folder the image works in
        assertThat(container.getVolumeMounts()).filteredOn(m -> !m.getMountPath().equals("/tmp"))
                .allSatisfy(m -> assertThat(m.getMountPath()).startsWith("/deployments/"));
        assertThat(text).contains("/deployments");
    }

    @Test
    void theJvmImageTakesTheClusterBuildAndMakeImageNamesItAsTheDeploymentDoes() throws Exception {
        String text = Files.readString(Path.of("src/main/docker/Dockerfile.jvm"));
        String makefile = Files.readString(Path.of("Makefile"));
        assertThat(makefile).contains("-Dquarkus.package.output-directory=cluster-build");
        List<String> copied = Pattern.compile("(?m)^COPY\\s+(?:--\\S+\\s+)*(\\S+)").matcher(text).results()
                .map(m -> m.group(1)).toList();
        assertThat(copied).isNotEmpty().allSatisfy(source -> assertThat(source).startsWith("target/cluster-build/"));
        assertThat(text).contains("quarkus-run.jar");
        String image = deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        assertThat(last(makefile, "IMAGE \\?= (\\S+)")).isEqualTo(image);
    }

    private static Deployment deployment() throws Exception {
        return new KubernetesSerialization().unmarshal(Files.readString(Path.of("k8s/base/deployment.yaml")),
                Deployment.class);
    }

    private static String last(String text, String regex) {
        Matcher matcher = Pattern.compile("(?m)^" + regex).matcher(text);
        String found = null;
        while (matcher.find()) {
            found = matcher.group(1);
        }
        assertThat(found).as(regex).isNotNull();
        return found;
    }
}
