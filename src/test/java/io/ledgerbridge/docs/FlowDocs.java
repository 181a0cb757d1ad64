package io.ledgerbridge.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The flow pages (docs/flows/&lt;route file&gt;.md) and the flows diagram of docs/architecture.md, written from the
 * route files themselves: a page is the file's header comment (the flow in the words of whoever edits it) and what
 * its routes are: where each starts, which routes and events it calls, its mappings, schemas and settings. So the
 * docs say what runs; {@code FlowDocsTest} fails when they do not, and {@code make docs} writes them again.
 */
final class FlowDocs {

    static final Path ROUTES = Path.of("routes");
    static final Path PAGES = Path.of("docs/flows");
    static final Path ARCHITECTURE = Path.of("docs/architecture.md");
    static final String DIAGRAM_BEGIN = "<!-- flows diagram: written by FlowDocsTest from routes/ (make docs) -->";
    static final String DIAGRAM_END = "<!-- end of flows diagram -->";

    private static final Pattern ENDPOINT = Pattern.compile(
            "\\b(?:direct|seda|kafka|timer|file|jsonata|json-validator|platform-http):[^\\s\"',)?]+");
    private static final Pattern EVENTS = Pattern.compile("\\{\\{ledgerbridge\\.events\\.([a-z]+)}}");
    private static final Pattern DRAIN = Pattern.compile("drain\\('([a-z0-9-]+)'\\)");
    private static final Pattern SETTING = Pattern.compile("\\{\\{(ledgerbridge\\.[a-z0-9.-]+)}}");
    private static final Pattern MAPPING = Pattern.compile("\\{\\{ledgerbridge\\.mappings\\.location}}/([^\\s\"?]+)");

    /** One route (or REST service, templated route) of a route file. */
    record Route(String file, String id, String startsFrom, Set<String> endpoints, Set<String> settings,
            Set<String> mappings) {
    }

    /** A route file: its header comment and its routes. */
    record RouteFile(String name, String header, List<Route> routes, List<String> templates) {
    }

    private final List<RouteFile> files = new ArrayList<>();
    private final Map<String, Map<String, Object>> templates = new LinkedHashMap<>();

    FlowDocs() throws IOException {
        List<Path> paths;
        try (Stream<Path> list = Files.list(ROUTES)) {
            paths = list.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList();
        }
        Map<Path, List<Object>> documents = new LinkedHashMap<>();
        for (Path path : paths) {
            Object loaded = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(path));
            @SuppressWarnings("unchecked")
            List<Object> elements = loaded == null ? List.of() : (List<Object>) loaded;
            documents.put(path, elements);
            for (Object element : elements) {
                Map<String, Object> template = map(map(element).get("routeTemplate"));
                if (template != null) {
                    templates.put(String.valueOf(template.get("id")), template);
                }
            }
        }
        for (Map.Entry<Path, List<Object>> document : documents.entrySet()) {
            files.add(read(document.getKey(), document.getValue()));
        }
    }

    List<RouteFile> files() {
        return files;
    }

    private RouteFile read(Path path, List<Object> elements) throws IOException {
        String name = path.getFileName().toString().replace(".camel.yaml", "");
        List<Route> routes = new ArrayList<>();
        List<String> declaredTemplates = new ArrayList<>();
        for (Object element : elements) {
            Map<String, Object> node = map(element);
            if (node.containsKey("route")) {
                Map<String, Object> route = map(node.get("route"));
                Map<String, Object> from = map(route.get("from"));
                routes.add(route(name, String.valueOf(route.get("id")), uri(from), route, Map.of()));
            } else if (node.containsKey("rest")) {
                Map<String, Object> rest = map(node.get("rest"));
                for (String verb : List.of("get", "post", "put", "delete")) {
                    if (rest.get(verb) instanceof List<?> operations) {
                        for (Object operation : operations) {
                            Map<String, Object> op = map(operation);
                            routes.add(route(name, String.valueOf(op.get("id")), verb.toUpperCase() + " "
                                    + rest.get("path") + op.get("path"), op, Map.of()));
                        }
                    }
                }
            } else if (node.containsKey("templatedRoute")) {
                Map<String, Object> templated = map(node.get("templatedRoute"));
                Map<String, String> parameters = new LinkedHashMap<>();
                if (templated.get("parameters") instanceof List<?> list) {
                    list.forEach(p -> parameters.put(String.valueOf(map(p).get("name")),
                            String.valueOf(map(p).get("value"))));
                }
                Map<String, Object> template = templates.get(String.valueOf(templated.get("routeTemplateRef")));
                Map<String, Object> body = template == null ? templated : map(template.get("from")) == null
                        ? map(template.get("route")) : template;
                Map<String, Object> from = map(body.get("from"));
                if (from == null && body.get("route") != null) {
                    from = map(map(body.get("route")).get("from"));
                }
                routes.add(route(name, String.valueOf(templated.get("routeId")), substitute(uri(from), parameters)
                        + " (template " + templated.get("routeTemplateRef") + ")", body, parameters));
            } else if (node.containsKey("routeTemplate")) {
                declaredTemplates.add(String.valueOf(map(node.get("routeTemplate")).get("id")));
            } else if (node.containsKey("routeConfiguration")) {
                declaredTemplates.add("configuration " + map(node.get("routeConfiguration")).get("id"));
            }
        }
        return new RouteFile(name, header(path), routes, declaredTemplates);
    }

    private static Route route(String file, String id, String startsFrom, Object body, Map<String, String> params) {
        List<String> texts = new ArrayList<>();
        strings(body, texts);
        String capability = erpCapability(body);
        if (capability != null) {
            // bean erp, method capability(exchange, '<capability>'): ErpGateway sends to the ERP system's route
            texts.add("direct:{{ledgerbridge.erp.connector}}-" + substitute(capability, params));
        }
        Set<String> endpoints = new TreeSet<>();
        Set<String> settings = new TreeSet<>();
        Set<String> mappings = new TreeSet<>();
        for (String raw : texts) {
            String text = substitute(raw, params);
            Matcher drain = DRAIN.matcher(text);
            if (drain.find()) {
                // bean inbox, method drain('<flow>'): the inbox hands its messages to direct:<flow>
                endpoints.add("direct:" + drain.group(1));
            }
            Matcher events = EVENTS.matcher(text);
            while (events.find()) {
                endpoints.add("events." + events.group(1));
            }
            Matcher mapping = MAPPING.matcher(text);
            while (mapping.find()) {
                mappings.add(withDefaults(mapping.group(1)));
            }
            Matcher setting = SETTING.matcher(text);
            while (setting.find()) {
                if (!setting.group(1).equals("ledgerbridge.mappings.location")) {
                    settings.add(setting.group(1));
                }
            }
            Matcher endpoint = ENDPOINT.matcher(text);
            while (endpoint.find()) {
                String uri = endpoint.group();
                if (uri.startsWith("direct:") || uri.startsWith("timer:") || uri.startsWith("kafka:")
                        || uri.startsWith("seda:") || uri.startsWith("file:") || uri.startsWith("platform-http:")) {
                    endpoints.add(uri);
                }
            }
        }
        String start = startsFrom == null ? "" : startsFrom;
        endpoints.remove(start.replaceAll(" \\(template .*", ""));
        Matcher consumed = EVENTS.matcher(start);
        if (consumed.find()) {
            endpoints.remove("events." + consumed.group(1));
        }
        return new Route(file, id, start, endpoints, settings, mappings);
    }

    /**
     * A mapping path with the settings in it (a source system, {@code {{ledgerbridge.time.system}}}) as they are by
     * default (application.properties, else the setting's {@code @WithDefault}, read from the settings page).
     */
    private static String withDefaults(String path) {
        Matcher setting = SETTING.matcher(path);
        StringBuilder resolved = new StringBuilder();
        while (setting.find()) {
            setting.appendReplacement(resolved, Matcher.quoteReplacement(DEFAULTS.getOrDefault(setting.group(1),
                    setting.group())));
        }
        return setting.appendTail(resolved).toString();
    }

    private static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        try {
            // the settings page's rows: | `key` | `default` | ...
            Matcher row = Pattern.compile("(?m)^\\| `(ledgerbridge\\.[a-z0-9.-]+)` \\| `([^`]+)`")
                    .matcher(Files.readString(Path.of("docs/configuration.md")));
            while (row.find()) {
                defaults.put(row.group(1), row.group(2));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return defaults;
    }

    /** The capability a route performs through the ERP gateway ({@code ref: erp, method: capability(…, 'x')}). */
    private static String erpCapability(Object node) {
        if (node instanceof Map<?, ?> map) {
            if ("erp".equals(map.get("ref")) && map.get("method") instanceof String method) {
                Matcher capability = Pattern.compile("^capability\\(\\$\\{exchange}, '([^']+)'\\)$").matcher(method);
                if (capability.matches()) {
                    return capability.group(1);
                }
            }
            return map.values().stream().map(FlowDocs::erpCapability).filter(java.util.Objects::nonNull).findFirst()
                    .orElse(null);
        }
        return node instanceof List<?> list ? list.stream().map(FlowDocs::erpCapability)
                .filter(java.util.Objects::nonNull).findFirst().orElse(null) : null;
    }

    /** The routes an endpoint reaches: one, or each that a placeholder in it may name ({{...}} matches any). */
    private List<Route> targets(String endpoint, Map<String, Route> directs) {
        if (!endpoint.contains("{{")) {
            Route target = directs.get(endpoint);
            return target == null ? List.of() : List.of(target);
        }
        Pattern any = Pattern.compile(java.util.Arrays.stream(endpoint.split("\\{\\{[^}]*}}", -1))
                .map(Pattern::quote).collect(Collectors.joining("[a-z0-9-]+")));
        // an ERP, CRM or PSA system's routes are <system>-<capability>; the capability routes erp-, crm- and
        // psa-<capability> are none of them
        Matcher system = Pattern.compile("^direct:\\{\\{ledgerbridge\\.(erp|crm|psa)\\.[a-z-]+}}-").matcher(endpoint);
        String capabilities = system.find() ? "direct:" + system.group(1) + "-" : null;
        return directs.entrySet().stream().filter(e -> any.matcher(e.getKey()).matches())
                .filter(e -> capabilities == null || !e.getKey().startsWith(capabilities)).map(Map.Entry::getValue)
                .toList();
    }

    private static String uri(Map<String, Object> from) {
        return from == null ? null : String.valueOf(from.get("uri"));
    }

    private static String substitute(String text, Map<String, String> parameters) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            result = result.replace("{{" + parameter.getKey() + "}}", parameter.getValue());
        }
        return result;
    }

    private static void strings(Object node, List<String> into) {
        if (node instanceof Map<?, ?> map) {
            map.values().forEach(value -> strings(value, into));
        } else if (node instanceof List<?> list) {
            list.forEach(value -> strings(value, into));
        } else if (node instanceof String text) {
            into.add(text);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> ? (Map<String, Object>) node : null;
    }

    /** The comment lines a route file starts with, as prose. */
    private static String header(Path path) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(path)) {
            if (!line.startsWith("#")) {
                break;
            }
            lines.add(line.replaceFirst("^# ?", ""));
        }
        return String.join("\n", lines).strip();
    }

    /** Which route a {@code direct:} endpoint reaches. */
    private Map<String, Route> directs() {
        Map<String, Route> byEndpoint = new LinkedHashMap<>();
        for (RouteFile file : files) {
            for (Route route : file.routes()) {
                if (route.startsFrom().startsWith("direct:")) {
                    byEndpoint.put(route.startsFrom().replaceAll(" .*", ""), route);
                }
            }
        }
        return byEndpoint;
    }

    /** The page of one route file. */
    String page(RouteFile file) {
        Map<String, Route> directs = directs();
        StringBuilder page = new StringBuilder();
        page.append("# ").append(file.name()).append("\n\n");
        page.append("<!-- written by FlowDocsTest from routes/").append(file.name()).append(".camel.yaml (make docs): "
                + "edit the route file, its header comment for the text -->\n\n");
        page.append("[All flows](../architecture.md#the-flows) · route file: [`routes/").append(file.name())
                .append(".camel.yaml`](../../routes/").append(file.name()).append(".camel.yaml)\n\n");
        if (!file.header().isEmpty()) {
            page.append("```text\n").append(file.header()).append("\n```\n\n");
        }
        if (!file.routes().isEmpty()) {
            page.append("## Routes\n\n| route | starts from | calls |\n|---|---|---|\n");
            for (Route route : file.routes()) {
                List<String> calls = new ArrayList<>();
                for (String endpoint : route.endpoints()) {
                    List<Route> reached = targets(endpoint, directs);
                    if (reached.isEmpty()) {
                        calls.add("`" + endpoint + "`");
                    }
                    for (Route target : reached) {
                        calls.add(target.file().equals(file.name()) ? "`" + target.id() + "`"
                                : "[`" + target.id() + "`](" + target.file() + ".md)");
                    }
                }
                page.append("| `").append(route.id()).append("` | `").append(route.startsFrom()).append("` | ")
                        .append(calls.isEmpty() ? "—" : String.join(", ", calls)).append(" |\n");
            }
            page.append('\n');
        }
        if (!file.templates().isEmpty()) {
            page.append("Also declares: ").append(file.templates().stream().map(t -> "`" + t + "`")
                    .collect(Collectors.joining(", "))).append(".\n\n");
        }
        Set<String> mappings = new TreeSet<>();
        Set<String> settings = new TreeSet<>();
        file.routes().forEach(route -> {
            mappings.addAll(route.mappings());
            settings.addAll(route.settings());
        });
        if (!mappings.isEmpty()) {
            page.append("## Mappings and schemas\n\n");
            mappings.forEach(m -> page.append("- [`mappings/").append(m).append("`](../../mappings/").append(m)
                    .append(")\n"));
            page.append('\n');
        }
        if (!settings.isEmpty()) {
            page.append("## Settings\n\nSee [Configuration](../configuration.md).\n\n");
            settings.forEach(s -> page.append("- `").append(s).append("`\n"));
            page.append('\n');
        }
        return page.toString().stripTrailing() + "\n";
    }

    /** The Mermaid diagram of every route and what it calls (direct endpoints, events, HTTP). */
    String diagram() {
        Map<String, Route> directs = directs();
        StringBuilder diagram = new StringBuilder("```mermaid\nflowchart LR\n");
        Set<String> events = new TreeSet<>();
        List<String> edges = new ArrayList<>();
        for (RouteFile file : files) {
            if (file.routes().isEmpty()) {
                continue;
            }
            diagram.append("  subgraph file_").append(node(file.name())).append("[\"").append(file.name()).append("\"]\n");
            for (Route route : file.routes()) {
                diagram.append("    ").append(node(route.id())).append("[\"").append(route.id()).append("\"]\n");
                if (route.startsFrom().startsWith("events.") || route.startsFrom().contains("{{ledgerbridge.events.")) {
                    Matcher event = EVENTS.matcher(route.startsFrom());
                    if (event.find()) {
                        events.add(event.group(1));
                        edges.add("  " + node("events." + event.group(1)) + " --> " + node(route.id()));
                    }
                }
                for (String endpoint : route.endpoints()) {
                    for (Route target : targets(endpoint, directs)) {
                        edges.add("  " + node(route.id()) + " --> " + node(target.id()));
                    }
                    if (endpoint.startsWith("events.")) {
                        events.add(endpoint.substring("events.".length()));
                        edges.add("  " + node(route.id()) + " -.-> " + node(endpoint));
                    }
                }
            }
            diagram.append("  end\n");
        }
        events.forEach(event -> diagram.append("  ").append(node("events." + event)).append("([\"").append(event)
                .append(" events\"])\n"));
        edges.stream().distinct().forEach(edge -> diagram.append(edge).append('\n'));
        diagram.append("```\n\n");
        for (RouteFile file : files) {
            diagram.append("- [").append(file.name()).append("](flows/").append(file.name()).append(".md): ")
                    .append(file.routes().stream().map(r -> "`" + r.id() + "`").collect(Collectors.joining(", ")))
                    .append('\n');
        }
        return diagram.toString();
    }

    private static String node(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "_");
    }
}
