package io.ledgerbridge.routes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Component;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.StartupSummaryLevel;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.ResourceEndpoint;
import org.apache.camel.component.microprofile.config.CamelMicroProfilePropertiesSource;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.BeanRepository;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.PropertyBindingSupport;
import org.apache.camel.util.StringHelper;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Checks a set of route files the way Camel would load it, without running any of it: the files are parsed and their
 * routes created in a throwaway Camel context (beans looked up in the running application's registry, placeholders
 * resolved from its configuration) whose consumers are never started — no HTTP path, Kafka subscription or timer is
 * taken. Caught: YAML the DSL does not know, unknown components or endpoint options, bad expressions, unknown beans,
 * missing placeholders, route templates that do not exist, duplicate route ids, and mapping or schema files that
 * are not there.
 */
@ApplicationScoped
public class RouteValidator {

    /** The outcome: valid with the route ids the set creates, or the problems found. */
    public record Result(boolean valid, List<String> routes, List<String> problems) {
    }

    private final CamelContext live;
    private final String routesLocation;
    private final String mappingsLocation;
    private final RoutePolicy policy;

    RouteValidator(CamelContext live, @ConfigProperty(name = "ledgerbridge.routes.location") String routesLocation,
            @ConfigProperty(name = "ledgerbridge.mappings.location") String mappingsLocation,
            @ConfigProperty(name = "ledgerbridge.erp.outbox.dir") String outboxDir,
            @ConfigProperty(name = "ledgerbridge.routes.http-targets") List<String> httpTargets) {
        this.live = live;
        this.routesLocation = routesLocation;
        this.mappingsLocation = mappingsLocation;
        org.eclipse.microprofile.config.Config config = ConfigProvider.getConfig();
        this.policy = new RoutePolicy(key -> config.getOptionalValue(key, String.class), this::serviceBean,
                httpTargets, mappingsLocation, outboxDir);
    }

    /** Whether a name is one of the service's own registered beans (not a Camel or platform bean). */
    private boolean serviceBean(String name) {
        Object bean = live.getRegistry().lookupByName(name);
        return bean != null && bean.getClass().getName().startsWith("io.ledgerbridge.");
    }

    /** The route files of the routes folder, by file name. */
    public Map<String, String> currentFiles() {
        Path folder = folder();
        return folder == null ? new TreeMap<>() : filesIn(folder);
    }

    /** The route files ({@code *.camel.yaml}) of a folder, by file name. */
    public static Map<String, String> filesIn(Path folder) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path file : list.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).toList()) {
                files.put(file.getFileName().toString(), Files.readString(file));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the routes folder " + folder, e);
        }
        return files;
    }

    /** The configured routes location ({@code file:…} or {@code classpath:…}). */
    public String location() {
        return routesLocation;
    }

    /** The folder of {@code ledgerbridge.routes.location} when it is a file location, else null (classpath). */
    public Path folder() {
        return routesLocation.startsWith("file:") ? Path.of(routesLocation.substring("file:".length())) : null;
    }

    /** Validates the current route files with {@code changed} (file name to YAML; null removes the file) applied. */
    public Result validate(Map<String, String> changed) {
        Map<String, String> set = new TreeMap<>(currentFiles());
        changed.forEach((name, yaml) -> {
            if (yaml == null) {
                set.remove(name);
            } else {
                set.put(name, yaml);
            }
        });
        return validateSet(set);
    }

    /** What the route policy refuses in a set of route files (empty when they may run). */
    public List<RoutePolicy.Violation> refusals(Map<String, String> files) {
        return policy.check(files);
    }

    /**
     * Validates exactly this set of route files: first what they may use ({@link RoutePolicy}, on the YAML as
     * written), and only when that holds, whether Camel would load them. The answer never carries a resolved
     * setting: route ids are read from the files as written, and a value a placeholder resolved to in Camel's words
     * is put back as the placeholder.
     */
    public Result validateSet(Map<String, String> files) {
        List<RoutePolicy.Violation> refused = policy.check(files);
        if (!refused.isEmpty()) {
            return new Result(false, List.of(), refused.stream().map(RoutePolicy.Violation::toString).toList());
        }
        Redaction resolved = new Redaction(files, ConfigProvider.getConfig());
        Result result = load(files);
        List<String> routes = files.entrySet().stream()
                .flatMap(file -> RouteFile.of(file.getKey(), file.getValue()).routeIds().stream()).sorted().toList();
        return new Result(result.valid(), result.valid() ? routes : List.of(),
                result.problems().stream().map(resolved::redact).toList());
    }

    private Result load(Map<String, String> files) {
        List<String> problems = new ArrayList<>();
        DefaultCamelContext trial = new DefaultCamelContext(false);
        try {
            trial.getCamelContextExtension().setName("route-validation");
            // the application's beans (flow beans, strategies), never its Camel components, endpoints or services:
            // a trial sharing the live "direct" component would take the live consumers away when it closes
            DefaultRegistry registry = new DefaultRegistry(new ApplicationBeans(live.getRegistry()));
            // HTTP consumers of the trial must not reach the service's router: an engine that makes inert ones
            registry.bind(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME, new InertHttpEngine());
            trial.getCamelContextExtension().setRegistry(registry);
            trial.getPropertiesComponent().addPropertiesSource(new CamelMicroProfilePropertiesSource());
            trial.getRestConfiguration().setComponent("platform-http");
            trial.setAutoStartup(false);
            trial.setStartupSummaryLevel(StartupSummaryLevel.Off); // a trial is not news in the service's log
            trial.build();
            configureComponents(trial);
            List<Resource> resources = new ArrayList<>();
            files.forEach((name, yaml) -> resources.add(ResourceHelper.fromString(name, yaml)));
            for (Resource resource : resources) {
                try {
                    PluginHelper.getRoutesLoader(trial).preParseRoute(resource, false);
                } catch (Exception unreadable) {
                    problems.add(resource.getLocation() + ": " + describe(unreadable));
                }
            }
            if (problems.isEmpty()) {
                problems.addAll(idProblems(files));
            }
            if (!problems.isEmpty()) {
                return new Result(false, List.of(), problems);
            }
            PluginHelper.getRoutesLoader(trial).loadRoutes(resources);
            trial.start();
            for (Endpoint endpoint : trial.getEndpoints()) {
                if (endpoint instanceof ResourceEndpoint resource && !resource.getResourceUri().contains("${")
                        && resource.getResourceUri().startsWith(mappingsLocation + "/")) {
                    try (InputStream in = ResourceHelper.resolveMandatoryResourceAsInputStream(trial,
                            resource.getResourceUri())) {
                        in.read();
                    } catch (IOException | RuntimeException missing) {
                        problems.add(endpoint.getEndpointUri() + ": " + resource.getResourceUri()
                                + " cannot be read (" + describe(missing) + ")");
                    }
                }
            }
            List<String> routes = trial.getRoutes().stream().map(Route::getRouteId).sorted().toList();
            return new Result(problems.isEmpty(), routes, problems);
        } catch (Exception invalid) {
            problems.add(describe(invalid));
            return new Result(false, List.of(), problems);
        } finally {
            try {
                trial.stop();
                trial.close();
            } catch (Exception closing) {
                // a throwaway context: nothing of it is left running either way
            }
        }
    }

    /**
     * Route ids defined twice (Camel would silently keep the last one): the {@code id} of every {@code route}, the
     * {@code routeId} of every {@code templatedRoute} and the {@code id} of every REST operation, across all files;
     * and routes without an id (a reload replaces routes by id, so every route needs one).
     */
    static List<String> idProblems(Map<String, String> files) {
        Map<String, String> seen = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        files.forEach((name, yaml) -> {
            RouteFile file = RouteFile.of(name, yaml);
            for (String id : file.routeIds()) {
                String previous = seen.putIfAbsent(id, name);
                if (previous != null) {
                    problems.add("route id " + id + " is defined twice: in " + previous + " and in " + name);
                }
            }
            file.withoutId().forEach(what -> problems.add(name + ": " + what
                    + " has no id (routes are replaced by id when the folder is reloaded)"));
        });
        return problems;
    }

    /** The components' settings of the configuration ({@code camel.component.<name>.<option>}), as Camel Main does. */
    private static void configureComponents(CamelContext trial) {
        Map<String, Map<String, Object>> byComponent = new TreeMap<>();
        org.eclipse.microprofile.config.Config config = ConfigProvider.getConfig();
        for (String key : config.getPropertyNames()) {
            if (!key.startsWith("camel.component.") || key.chars().filter(c -> c == '.').count() != 3) {
                continue;
            }
            String[] parts = key.split("\\.");
            config.getOptionalValue(key, String.class).ifPresent(value -> byComponent
                    .computeIfAbsent(parts[2], c -> new LinkedHashMap<>())
                    .put(StringHelper.dashToCamelCase(parts[3]), value));
        }
        byComponent.forEach((name, options) -> PropertyBindingSupport.build().withCamelContext(trial)
                .withTarget(trial.getComponent(name, true)).withProperties(options).withIgnoreCase(true)
                .withRemoveParameters(false).bind());
    }

    /**
     * Puts back, in a problem Camel worded, every value a placeholder of the files resolves to (the longest first)
     * as that placeholder: what the answer shows is what the files wrote.
     */
    static final class Redaction {
        private static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("\\{\\{([^{}]*)}}");
        private final List<Map.Entry<String, String>> values = new ArrayList<>();

        Redaction(Map<String, String> files, org.eclipse.microprofile.config.Config config) {
            Map<String, String> resolved = new TreeMap<>();
            files.values().forEach(yaml -> {
                java.util.regex.Matcher placeholder = PLACEHOLDER.matcher(yaml);
                while (placeholder.find()) {
                    String[] keyAndDefault = placeholder.group(1).split(":", 2);
                    String value = config.getOptionalValue(keyAndDefault[0], String.class)
                            .orElse(keyAndDefault.length > 1 ? keyAndDefault[1] : null);
                    if (value != null && value.length() >= 3) {
                        resolved.put(placeholder.group(), value);
                    }
                }
            });
            values.addAll(resolved.entrySet());
            values.sort((a, b) -> b.getValue().length() - a.getValue().length());
        }

        String redact(String text) {
            String redacted = text;
            for (Map.Entry<String, String> value : values) {
                redacted = redacted.replace(value.getValue(), value.getKey());
            }
            return redacted;
        }
    }

    /** The running application's own beans, without anything of Camel's that belongs to the live context. */
    static final class ApplicationBeans implements BeanRepository {
        private final BeanRepository live;

        ApplicationBeans(BeanRepository live) {
            this.live = live;
        }

        private static boolean own(Object bean) {
            return bean != null && !bean.getClass().getName().startsWith("org.apache.camel.")
                    && !(bean instanceof Component) && !(bean instanceof Endpoint);
        }

        @Override
        public Object lookupByName(String name) {
            Object bean = live.lookupByName(name);
            return own(bean) ? bean : null;
        }

        @Override
        public <T> T lookupByNameAndType(String name, Class<T> type) {
            if (Component.class.isAssignableFrom(type) || Endpoint.class.isAssignableFrom(type)
                    || type.getName().startsWith("org.apache.camel.")) {
                return null;
            }
            T bean = live.lookupByNameAndType(name, type);
            return own(bean) ? bean : null;
        }

        @Override
        public <T> Map<String, T> findByTypeWithName(Class<T> type) {
            if (type.getName().startsWith("org.apache.camel.")) {
                return Map.of();
            }
            Map<String, T> found = new LinkedHashMap<>();
            live.findByTypeWithName(type).forEach((name, bean) -> {
                if (own(bean)) {
                    found.put(name, bean);
                }
            });
            return found;
        }

        @Override
        public <T> java.util.Set<T> findByType(Class<T> type) {
            return new java.util.LinkedHashSet<>(findByTypeWithName(type).values());
        }
    }

    /** Creates HTTP consumers that never register a path (the trial's routes are built, never served). */
    static final class InertHttpEngine implements PlatformHttpEngine {
        @Override
        public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
            return new InertHttpConsumer(endpoint, processor);
        }
    }

    static final class InertHttpConsumer extends DefaultConsumer implements PlatformHttpConsumer {
        InertHttpConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
            super(endpoint, processor);
        }

        @Override
        public PlatformHttpEndpoint getEndpoint() {
            return (PlatformHttpEndpoint) super.getEndpoint();
        }
    }

    static String describe(Throwable failure) {
        Map<String, Boolean> messages = new LinkedHashMap<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                messages.putIfAbsent(t.getMessage().strip(), true);
            }
        }
        return String.join(" — because: ", messages.keySet());
    }
}
