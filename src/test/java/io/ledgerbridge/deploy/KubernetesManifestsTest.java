package io.ledgerbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every overlay of k8s/ renders (kubectl kustomize) and validates offline against the Kubernetes object model:
 * no unknown field anywhere, selectors that select the pods, references that resolve, probes on the health
 * endpoints and port of the application's configuration, every Secret key documented, the pods hardened, and every
 * route and mapping file of the repository mounted where the application reads it.
 */
class KubernetesManifestsTest {

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    static final String SECRET = "ledgerbridge-credentials";
    /**
     * What the JVM holds beside its heap at peak load: FlowBench with the manifests' settings (-Xmx256m
     * -XX:ReservedCodeCacheSize=64m -Xss512k, MALLOC_ARENA_MAX=2) peaked at 569 MB RSS, 313 MB beyond the heap;
     * with a fifth more for flows the bench does not run.
     */
    static final long BEYOND_HEAP = 360L * 1024 * 1024;

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void overlayRendersAndValidates(String overlay) throws Exception {
        List<HasMetadata> objects = render(Path.of("k8s/overlays", overlay));
        for (HasMetadata object : objects) {
            assertThat(unknownFields(object, object.getKind() + "/" + object.getMetadata().getName()))
                    .as("fields the Kubernetes API does not know").isEmpty();
        }
        Deployment deployment = one(objects, Deployment.class);
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);

        // selectors select the pods
        assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(podLabels).containsAllEntriesOf(one(objects, Service.class).getSpec().getSelector());
        assertThat(podLabels).containsAllEntriesOf(one(objects, PodDisruptionBudget.class).getSpec().getSelector()
                .getMatchLabels());
        assertThat(podLabels).containsAllEntriesOf(one(objects, NetworkPolicy.class).getSpec().getPodSelector()
                .getMatchLabels());
        if (pod.getTopologySpreadConstraints() != null) {
            pod.getTopologySpreadConstraints().forEach(c -> assertThat(podLabels)
                    .containsAllEntriesOf(c.getLabelSelector().getMatchLabels()));
        }
        HorizontalPodAutoscaler hpa = one(objects, HorizontalPodAutoscaler.class);
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
        assertThat(hpa.getSpec().getMinReplicas()).isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
        assertThat(pod.getServiceAccountName()).isEqualTo(one(objects, ServiceAccount.class).getMetadata().getName());

        // probes on the application's health endpoints, on the management port it serves them on
        Properties app = applicationProperties();
        String health = app.getProperty("quarkus.smallrye-health.root-path", "/q/health");
        int port = Integer.parseInt(app.getProperty("quarkus.http.port"));
        int management = Integer.parseInt(app.getProperty("quarkus.management.port"));
        assertThat(app.getProperty("quarkus.management.enabled")).isEqualTo("true");
        assertThat(container.getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getContainerPort()).isEqualTo(port);
        });
        assertThat(container.getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("management");
            assertThat(p.getContainerPort()).isEqualTo(management);
        });
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/port", String.valueOf(management));
        // the management port only from the monitoring namespace; PostgreSQL and Kafka only into named namespaces
        NetworkPolicy policy = one(objects, NetworkPolicy.class);
        assertThat(policy.getSpec().getIngress()).allSatisfy(rule -> {
            if (rule.getPorts().stream().anyMatch(p -> "management".equals(p.getPort().getStrVal())
                    || Integer.valueOf(management).equals(p.getPort().getIntVal()))) {
                assertThat(rule.getFrom()).isNotEmpty().allSatisfy(peer -> assertThat(peer.getNamespaceSelector())
                        .isNotNull());
            }
        });
        for (int dataPort : new int[] {5432, 9092, 9093}) {
            assertThat(policy.getSpec().getEgress()).filteredOn(rule -> rule.getPorts().stream()
                    .anyMatch(p -> Integer.valueOf(dataPort).equals(p.getPort().getIntVal())))
                    .as("egress to %d", dataPort).isNotEmpty()
                    .allSatisfy(rule -> assertThat(rule.getTo()).isNotEmpty()
                            .allSatisfy(peer -> assertThat(peer.getNamespaceSelector()).isNotNull()));
        }
        assertProbe(container.getStartupProbe(), health + "/started");
        assertProbe(container.getReadinessProbe(), health + "/ready");
        assertProbe(container.getLivenessProbe(), health + "/live");
        assertThat(one(objects, Service.class).getSpec().getPorts()).allSatisfy(p -> assertThat(p.getTargetPort()
                .getStrVal()).isEqualTo("http"));

        // every ConfigMap it mounts or reads is rendered (by its hashed name), every Secret key is documented
        Set<String> configMaps = objects.stream().filter(ConfigMap.class::isInstance)
                .map(o -> o.getMetadata().getName()).collect(Collectors.toSet());
        assertThat(objects).noneMatch(Secret.class::isInstance);
        List<String> referenced = new ArrayList<>();
        for (Volume volume : pod.getVolumes()) {
            if (volume.getConfigMap() != null) {
                referenced.add(volume.getConfigMap().getName());
            }
            if (volume.getProjected() != null) {
                volume.getProjected().getSources().forEach(s -> referenced.add(s.getConfigMap().getName()));
            }
            assertThat(volume.getSecret()).as("secrets come in as variables from the documented Secret").isNull();
        }
        for (EnvFromSource from : container.getEnvFrom()) {
            assertThat(from.getSecretRef()).as("a Secret read whole would hide which keys it needs").isNull();
            referenced.add(from.getConfigMapRef().getName());
        }
        assertThat(configMaps).containsAll(referenced);
        assertThat(referenced).allSatisfy(name -> assertThat(name).matches(".+-[a-z0-9]{10}"));
        Set<String> documented = documentedSecretKeys();
        String readme = Files.readString(Path.of("docs/deploy.md"));
        for (EnvVar env : container.getEnv()) {
            assertThat(env.getValue() == null && env.getValueFrom() == null).isFalse();
            if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo(SECRET);
                String key = env.getValueFrom().getSecretKeyRef().getKey();
                assertThat(documented).as("keys of k8s/base/secret.example.yaml").contains(key);
                assertThat(readme).as("docs/deploy.md documents the Secret key %s", key).contains(key);
            }
            if (env.getValue() != null) {
                assertThat(env.getName()).as("no credential as a literal").doesNotContainPattern("PASSWORD|SECRET|TOKEN");
            }
        }

        // hardened pods
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("runAsNonRoot").isTrue();
        assertThat(pod.getAutomountServiceAccountToken()).as("automountServiceAccountToken").isFalse();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as("readOnlyRootFilesystem").isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).as("allowPrivilegeEscalation")
                .isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).contains("ALL");
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/tmp");
            assertThat(pod.getVolumes()).anySatisfy(v -> {
                assertThat(v.getName()).isEqualTo(m.getName());
                assertThat(v.getEmptyDir()).isNotNull();
            });
        });
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKey("memory");
        assertMemoryFits(objects, container);

        // the repository's routes and mappings, where the application reads them
        assertMountedFiles(objects, pod, container, "routes", "/deployments/routes", "LEDGERBRIDGE_ROUTES_LOCATION");
        assertMountedFiles(objects, pod, container, "mappings", "/deployments/mappings",
                "LEDGERBRIDGE_MAPPINGS_LOCATION");
    }

    @Test
    void anUnknownFieldIsCaught() {
        HasMetadata misspelt = SERIALIZATION.unmarshal("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  replica: 2
                  template:
                    spec:
                      containers: [{name: c, image: i, readinessprobe: {}}]
                """);
        assertThat(unknownFields(misspelt, "Deployment/x"))
                .containsExactlyInAnyOrder("Deployment/x.spec.replica", "Deployment/x.spec.template.spec.containers[0]"
                        + ".readinessprobe");
    }

    /** Every file of the folder (routes/*.camel.yaml; mappings/ but its examples and seed) is in the pod's volume. */
    private static void assertMountedFiles(List<HasMetadata> objects, PodSpec pod, Container container, String folder,
            String mountPath, String locationVariable) throws IOException {
        String volumeName = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(mountPath))
                .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at " + mountPath)).getName();
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo(locationVariable);
            assertThat(e.getValue()).isEqualTo("file:" + mountPath);
        });
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(volumeName)).findFirst().orElseThrow();
        Set<String> mounted = new TreeSet<>();
        List<Map.Entry<String, List<KeyToPath>>> sources = new ArrayList<>();
        if (volume.getProjected() != null) {
            volume.getProjected().getSources().forEach(source -> sources.add(Map.entry(
                    source.getConfigMap().getName(), nonNull(source.getConfigMap().getItems()))));
        } else {
            sources.add(Map.entry(volume.getConfigMap().getName(), nonNull(volume.getConfigMap().getItems())));
        }
        for (var source : sources) {
            ConfigMap map = objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                    .filter(c -> c.getMetadata().getName().equals(source.getKey())).findFirst().orElseThrow();
            if (source.getValue().isEmpty()) {
                mounted.addAll(map.getData().keySet());
            } else {
                source.getValue().forEach(item -> {
                    assertThat(map.getData()).containsKey(item.getKey());
                    mounted.add(item.getPath());
                });
            }
        }
        Path root = Path.of(folder);
        Set<String> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.startsWith("examples/") && !p.startsWith("seed/"))
                    .filter(p -> !p.equals("kustomization.yaml"))
                    .filter(p -> !folder.equals("routes") || p.endsWith(".camel.yaml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(mounted).as("files of %s/ mounted at %s (%s/kustomization.yaml and k8s/base/deployment.yaml)",
                folder, mountPath, folder).isEqualTo(files);
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static void assertProbe(Probe probe, String path) {
        assertThat(probe).as("probe on " + path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
    }

    /** Paths of fields the object model did not know (kept in additionalProperties by the fabric8 model). */
    static List<String> unknownFields(Object object, String path) {
        List<String> unknown = new ArrayList<>();
        walk(object, path, unknown);
        return unknown;
    }

    @SuppressWarnings("unchecked")
    private static void walk(Object object, String path, List<String> unknown) {
        if (object == null || !object.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            if (object instanceof Collection<?> list) {
                int i = 0;
                for (Object item : list) {
                    walk(item, path + "[" + i++ + "]", unknown);
                }
            }
            return;
        }
        for (Method getter : object.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(object);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            if (getter.getName().equals("getAdditionalProperties") && value instanceof Map<?, ?> extra) {
                ((Map<String, Object>) extra).keySet().forEach(k -> unknown.add(path + "." + k));
            } else if (value instanceof Map<?, ?> map) {
                map.forEach((k, v) -> walk(v, path + "." + field + "." + k, unknown));
            } else if (!(value instanceof String) && !(value instanceof Number) && !(value instanceof Boolean)
                    && !(value instanceof Enum<?>)) {
                walk(value, path + "." + field, unknown);
            }
        }
    }

    private static List<HasMetadata> render(Path overlay) throws Exception {
        Process kubectl;
        try {
            // the default load restrictor, as kubectl apply -k, Argo CD and Flux use it
            kubectl = new ProcessBuilder("kubectl", "kustomize", overlay.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException absent) {
            Assumptions.abort("kubectl is not installed: the manifests cannot be rendered here");
            return List.of();
        }
        String yaml;
        try (InputStream out = kubectl.getInputStream()) {
            yaml = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kubectl.exitValue()).as("kubectl kustomize " + overlay).isZero();
        List<HasMetadata> objects = Arrays.stream(yaml.split("(?m)^---$")).filter(doc -> !doc.isBlank())
                .map(doc -> (HasMetadata) SERIALIZATION.unmarshal(doc)).toList();
        assertThat(objects).extracting(HasMetadata::getKind).contains("Deployment", "Service", "ServiceAccount",
                "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "ConfigMap");
        return objects;
    }

    /**
     * The JVM's heap is set explicitly (a launcher's default share of the limit would leave too little for the rest
     * of the JVM), and the memory limit holds the heap plus the rest as measured at peak load (FlowBench: 100,000
     * entries, peak RSS less the heap; docs/performance.md "Memory").
     */
    private static void assertMemoryFits(List<HasMetadata> objects, Container container) {
        String configName = container.getEnvFrom().stream().map(from -> from.getConfigMapRef().getName())
                .filter(name -> name.startsWith("ledgerbridge-config-")).findFirst().orElseThrow();
        ConfigMap config = objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .filter(map -> map.getMetadata().getName().equals(configName)).findFirst().orElseThrow();
        String options = config.getData().getOrDefault("JAVA_TOOL_OPTIONS", "");
        Matcher heap = Pattern.compile("-Xmx(\\d+)m").matcher(options);
        assertThat(heap.find()).as("JAVA_TOOL_OPTIONS sets -Xmx…m: %s", options).isTrue();
        long heapBytes = Long.parseLong(heap.group(1)) * 1024 * 1024;
        long limitBytes = Quantity.getAmountInBytes(
                container.getResources().getLimits().get("memory")).longValueExact();
        assertThat(limitBytes - heapBytes).as("memory limit %s less the heap %s, against the rest of the JVM at peak",
                container.getResources().getLimits().get("memory"), heap.group()).isGreaterThanOrEqualTo(BEYOND_HEAP);
        assertThat(Quantity.getAmountInBytes(
                container.getResources().getRequests().get("memory")).longValueExact()).isLessThanOrEqualTo(limitBytes);
        assertClassArchiveWritable(options, container);
    }

    /**
     * The class data archive the JVM writes when the container stops (and maps at its next start) lies on a volume
     * the read-only container can write, one that outlives a container restart in its pod.
     */
    private static void assertClassArchiveWritable(String options, Container container) {
        assertThat(options).contains("-XX:+AutoCreateSharedArchive");
        Matcher archive = Pattern.compile("-XX:SharedArchiveFile=(\\S+)").matcher(options);
        assertThat(archive.find()).as("JAVA_TOOL_OPTIONS names the archive: %s", options).isTrue();
        Path folder = Path.of(archive.group(1)).getParent();
        assertThat(container.getVolumeMounts()).as("a volume mounted at %s", folder)
                .anySatisfy(mount -> {
                    assertThat(mount.getMountPath()).isEqualTo(folder.toString());
                    assertThat(mount.getReadOnly()).isNotEqualTo(Boolean.TRUE);
                });
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    private static Properties applicationProperties() throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    private static Set<String> documentedSecretKeys() throws IOException {
        Secret example = SERIALIZATION.unmarshal(Files.readString(Path.of("k8s/base/secret.example.yaml")));
        assertThat(example.getMetadata().getName()).isEqualTo(SECRET);
        return example.getStringData().keySet();
    }
}
