package io.ledgerbridge.routes;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * What a route file may use, checked on the YAML as written before Camel sees any of it (nothing is built, resolved
 * for the answer, opened or started): a route file can only wire the service's own parts together, never run code
 * of its own or reach a place the service does not already talk to.
 * <ul>
 * <li>components: platform-http, rest, direct, seda, kafka, timer, log, bean (the service's beans), http(s) only
 * under a configured vendor base URL, file only into the ERP outbox, jsonata and json-validator only with a
 * resource under the mappings location;</li>
 * <li>languages: simple (fields of the message only: body, headers, properties, the exception's message; no method
 * calls, no {@code bean:}/{@code type:}/{@code properties:}/{@code env}/{@code sys} functions), constant, header,
 * exchangeProperty, variable, jsonpath, tokenize, and {@code method} on the service's beans;</li>
 * <li>beans: only the service's own registered beans, by name; no {@code beans:}, {@code beanType},
 * {@code #class:}/{@code #type:} or other bean construction;</li>
 * <li>placeholders: {@code ledgerbridge.*} settings and route template parameters; a secret setting (token,
 * secret, password, key, credential) only as the value of a credential header; no {@code env:}/{@code sys:};</li>
 * <li>no parent-folder steps ({@code ../}) anywhere.</li>
 * </ul>
 * A problem names the file and line and quotes what is written there, never a resolved value.
 */
public final class RoutePolicy {

    /** A refusal: where, and what is written there. */
    public record Violation(String file, int line, String problem) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + problem;
        }
    }

    static final Set<String> COMPONENTS = Set.of("platform-http", "rest", "direct", "seda", "kafka", "timer", "log",
            "bean", "http", "https", "file", "jsonata", "json-validator");
    static final Set<String> LANGUAGES = Set.of("simple", "constant", "header", "exchangeProperty", "variable",
            "jsonpath", "tokenize", "method");
    /** Every language Camel knows, so a key naming one that is not allowed is refused as a language. */
    private static final Set<String> ALL_LANGUAGES = Set.of("csimple", "datasonnet", "groovy", "hl7terser", "java",
            "joor", "jq", "js", "mvel", "ognl", "python", "spel", "wasm", "xpath", "xquery", "xtokenize", "language",
            "javaScript", "kotlin", "file");
    /** Keys that construct beans or compute a destination from an expression: never in a route file. */
    private static final Map<String, String> REFUSED_KEYS = Map.of(
            "beans", "declares beans (route files use the service's registered beans by name)",
            "beanType", "constructs a bean of a type (route files use the service's registered beans by name)",
            "recipientList", "computes its destinations at run time",
            "routingSlip", "computes its destinations at run time",
            "dynamicRouter", "computes its destinations at run time",
            "script", "runs a script",
            "kamelet", "uses a Kamelet (not one of the service's components)",
            "scriptLanguage", "runs a script");
    private static final Set<String> URI_KEYS = Set.of("uri", "to", "toD", "from", "wireTap", "enrich",
            "pollEnrich", "deadLetterUri", "interceptSendToEndpoint");
    /** Settings of the components that reach out, by component: nothing else (brokers, SASL, redirects ...). */
    private static final Map<String, Set<String>> PARAMETERS = Map.of(
            "kafka", Set.of("groupId", "consumersCount", "autoOffsetReset", "autoCommitEnable", "allowManualCommit",
                    "breakOnFirstError", "batching", "maxPollRecords", "batchingIntervalMs", "pollTimeoutMs",
                    "requestRequiredAcks", "lazyStartProducer", "key", "partitionKey", "clientId",
                    "maxPollIntervalMs", "sessionTimeoutMs", "heartbeatIntervalMs", "autoCommitIntervalMs",
                    "fetchMaxBytes", "fetchMinBytes", "fetchWaitMaxMs", "lingerMs", "compressionCodec",
                    "deliveryTimeoutMs", "enableIdempotence", "seekTo", "shutdownTimeout", "synchronous"),
            "http", Set.of("httpMethod", "throwExceptionOnFailure", "okStatusCodeRange", "lazyStartProducer",
                    "skipRequestHeaders", "skipResponseHeaders", "connectTimeout", "connectionRequestTimeout",
                    "responseTimeout", "soTimeout", "bridgeEndpoint", "disableStreamCache"),
            "file", Set.of("fileName", "fileExist", "tempPrefix", "tempFileName", "autoCreate", "charset",
                    "lazyStartProducer", "flatten", "chmod", "chmodDirectory", "eagerDeleteTargetFile",
                    "keepLastModified", "allowNullBody", "appendChars", "forceWrites"),
            "log", Set.of("level", "marker", "groupSize", "groupInterval", "groupActiveOnly", "showBody",
                    "showBodyType", "showExchangePattern", "multiline", "maxChars", "logMask"),
            "jsonata", Set.of("inputType", "outputType", "contentCache", "lazyStartProducer"),
            "json-validator", Set.of("contentCache", "failOnNullBody", "failOnNullHeader", "headerName",
                    "lazyStartProducer"));
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]*)}}");
    private static final Pattern SECRET = Pattern.compile(
            "(?i).*(secret|password|passwd|token|credential|private|api-?key|auth-key|signing-key).*");
    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization");
    private static final Pattern SIMPLE_ALLOWED = Pattern.compile("body|bodyAs\\((String|Integer|Long|byte\\[])\\)"
            + "|(in\\.)?headers?\\.[A-Za-z0-9_-]+|exchangeProperty\\.[A-Za-z0-9_-]+|variable\\.[A-Za-z0-9_-]+"
            + "|exception\\.message|exchange|exchangeId|routeId|messageTimestamp|null|id|camelId"
            + "|date:now(:[A-Za-z0-9 :.'+-]+)?|random\\(\\d+(,\\d+)?\\)");

    private final Function<String, Optional<String>> settings;
    private final Predicate<String> serviceBean;
    private final List<String> httpTargetKeys;
    private final String mappingsLocation;
    private final String outboxDir;

    /**
     * @param settings         the service's configuration (used to check where a URI leads, never echoed)
     * @param serviceBean      whether a name is one of the service's own registered beans
     * @param httpTargetKeys   the settings naming the vendor base URLs an http(s) endpoint may start with
     * @param mappingsLocation where mapping and schema resources may come from ({@code file:…} or {@code classpath:…})
     * @param outboxDir        the folder a file endpoint may write to
     */
    public RoutePolicy(Function<String, Optional<String>> settings, Predicate<String> serviceBean,
            List<String> httpTargetKeys, String mappingsLocation, String outboxDir) {
        this.settings = settings;
        this.serviceBean = serviceBean;
        this.httpTargetKeys = List.copyOf(httpTargetKeys);
        this.mappingsLocation = stripSlash(mappingsLocation);
        this.outboxDir = outboxDir;
    }

    /** The refusals of a set of route files (file name to YAML), in file and line order; empty when all may run. */
    public List<Violation> check(Map<String, String> files) {
        Map<String, Node> documents = new java.util.TreeMap<>();
        List<Violation> found = new ArrayList<>();
        files.forEach((name, yaml) -> {
            try {
                Composer composer = new Composer(LoadSettings.builder().build(),
                        new ParserImpl(LoadSettings.builder().build(),
                                new StreamReader(LoadSettings.builder().build(), yaml)));
                Node document = composer.getSingleNode().orElse(null);
                if (document != null) {
                    documents.put(name, document);
                }
            } catch (RuntimeException unreadable) {
                // fail closed: what is not read here is not let through (the validator adds Camel's words for it)
                found.add(new Violation(name, unreadable instanceof org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException
                        marked ? marked.getProblemMark().map(mark -> mark.getLine() + 1).orElse(0) : 0,
                        "is not one YAML document of routes"));
            }
        });
        Set<String> templateParameters = new HashSet<>();
        documents.values().forEach(document -> collectTemplateParameters(document, templateParameters));
        documents.forEach((name, document) -> new Walk(name, templateParameters, found).node(document, null, false));
        return found;
    }

    private static void collectTemplateParameters(Node node, Set<String> names) {
        if (node instanceof SequenceNode sequence) {
            sequence.getValue().forEach(item -> collectTemplateParameters(item, names));
        } else if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                String key = scalar(tuple.getKeyNode());
                if ("routeTemplate".equals(key) && tuple.getValueNode() instanceof MappingNode template) {
                    for (NodeTuple field : template.getValue()) {
                        if ("parameters".equals(scalar(field.getKeyNode()))
                                && field.getValueNode() instanceof SequenceNode parameters) {
                            for (Node parameter : parameters.getValue()) {
                                Node name = child(parameter, "name");
                                if (name != null) {
                                    names.add(scalar(name));
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** One file's walk through its YAML tree. */
    private final class Walk {
        private final String file;
        private final Set<String> templateParameters;
        private final List<Violation> found;
        private final Set<Node> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        Walk(String file, Set<String> templateParameters, List<Violation> found) {
            this.file = file;
            this.templateParameters = templateParameters;
            this.found = found;
        }

        void node(Node node, String key, boolean credentialValue) {
            if (!(node instanceof ScalarNode) && !seen.add(node)) {
                return; // an alias of a part already checked
            }
            if (node instanceof SequenceNode sequence) {
                sequence.getValue().forEach(item -> node(item, key, credentialValue));
            } else if (node instanceof MappingNode mapping) {
                mapping(mapping, credentialValue);
            } else if (node instanceof ScalarNode scalar) {
                text(scalar, key, credentialValue);
            }
        }

        private void mapping(MappingNode mapping, boolean credentialValue) {
            Node headerName = child(mapping, "name");
            for (NodeTuple tuple : mapping.getValue()) {
                String key = scalar(tuple.getKeyNode());
                Node value = tuple.getValueNode();
                if (key == null) {
                    refuse(tuple.getKeyNode(), "a key that is not plain text");
                    continue;
                }
                if (REFUSED_KEYS.containsKey(key)) {
                    refuse(tuple.getKeyNode(), "'" + key + "' " + REFUSED_KEYS.get(key));
                    continue;
                }
                if (ALL_LANGUAGES.contains(key) && !LANGUAGES.contains(key)) {
                    refuse(tuple.getKeyNode(), "the language '" + key + "' is not allowed (allowed: "
                            + String.join(", ", new java.util.TreeSet<>(LANGUAGES)) + ")");
                    continue;
                }
                if (URI_KEYS.contains(key) && value instanceof ScalarNode uri) {
                    uri(uri, child(mapping, "parameters"));
                }
                if (("ref".equals(key) || key.endsWith("Ref") && !"routeTemplateRef".equals(key))
                        && value instanceof ScalarNode ref) {
                    bean(ref, scalar(ref));
                }
                if ("setHeader".equals(key) && value instanceof MappingNode header) {
                    Node name = child(header, "name");
                    boolean credential = name != null
                            && CREDENTIAL_HEADERS.contains(String.valueOf(scalar(name)).toLowerCase(Locale.ROOT));
                    node(value, key, credential);
                    continue;
                }
                node(value, key, credentialValue && headerName != null && !"name".equals(key));
            }
        }

        private void text(ScalarNode node, String key, boolean credentialValue) {
            String text = node.getValue();
            if (text.contains("#class:") || text.contains("#type:") || text.contains("#valueAs")
                    || text.contains("#property:") || text.contains("#syntax:")) {
                refuse(node, "constructs an object ('" + text + "'): use the service's registered beans by name");
            }
            if (text.contains("../") || text.contains("..\\") || text.endsWith("/..")) {
                refuse(node, "steps out of its folder ('" + text + "')");
            }
            if (text.contains("$simple{")) {
                refuse(node, "uses the $simple{…} syntax ('" + text + "'): write ${…}");
            }
            Matcher placeholder = PLACEHOLDER.matcher(text);
            while (placeholder.find()) {
                placeholder(node, placeholder.group(1), credentialValue);
            }
            if (!"constant".equals(key)) {
                simple(node, text);
            }
            if (text.startsWith("#") && !text.startsWith("#class:") && !text.startsWith("#type:")) {
                bean(node, text);
            }
        }

        private void placeholder(ScalarNode node, String written, boolean credentialValue) {
            String key = written.contains(":") ? written.substring(0, written.indexOf(':')) : written;
            if (templateParameters.contains(key)) {
                return;
            }
            if (!key.startsWith("ledgerbridge.")) {
                refuse(node, "the placeholder {{" + written + "}} is not one of the service's settings "
                        + "(ledgerbridge.*) or a route template parameter");
            } else if (SECRET.matcher(key).matches() && !credentialValue) {
                refuse(node, "the secret setting {{" + key + "}} may only be the value of a credential header "
                        + "(Authorization)");
            }
        }

        private void simple(ScalarNode node, String text) {
            int at = text.indexOf("${");
            while (at >= 0) {
                int end = text.indexOf('}', at);
                if (end < 0) {
                    return; // not an expression Camel would take: the validator reports it
                }
                String function = text.substring(at + 2, end).strip();
                if (!SIMPLE_ALLOWED.matcher(function).matches()) {
                    refuse(node, "the expression ${" + function + "} is not allowed: a route file reads the body, "
                            + "headers, exchange properties and the exception's message, and calls the service's "
                            + "beans through 'bean' or 'method'");
                }
                at = text.indexOf("${", end);
            }
        }

        private void bean(Node node, String written) {
            String name = written.startsWith("#bean:") ? written.substring("#bean:".length())
                    : written.startsWith("#") ? written.substring(1) : written;
            if (PLACEHOLDER.matcher(name).find()) {
                refuse(node, "a bean reference must be written out ('" + written + "')");
            } else if (!serviceBean.test(name)) {
                refuse(node, "'" + written + "' is not one of the service's beans");
            }
        }

        private void uri(ScalarNode node, Node parameters) {
            String written = node.getValue();
            String resolved = resolve(written);
            if (resolved == null) {
                refuse(node, "the component of '" + written + "' must be written out or come from a setting "
                        + "(ledgerbridge.*), not from a template parameter");
                return;
            }
            int colon = resolved.indexOf(':');
            String scheme = colon < 0 ? resolved : resolved.substring(0, colon);
            if (!COMPONENTS.contains(scheme)) {
                refuse(node, "the component '" + scheme + "' is not allowed (allowed: "
                        + String.join(", ", new java.util.TreeSet<>(COMPONENTS)) + ")");
                return;
            }
            String component = "https".equals(scheme) ? "http" : scheme;
            for (String parameter : parameterNames(resolved, parameters)) {
                Set<String> allowed = PARAMETERS.get(component);
                if (allowed != null && !allowed.contains(parameter)) {
                    refuse(node, "the " + component + " option '" + parameter + "' is not allowed here (allowed: "
                            + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
                }
            }
            String target = resolved.substring(colon + 1);
            int query = target.indexOf('?');
            String path = query < 0 ? target : target.substring(0, query);
            switch (component) {
                case "http" -> http(node, written, resolved);
                case "file" -> file(node, written, path);
                case "jsonata", "json-validator" -> resource(node, written, path);
                case "bean" -> bean(node, path.contains(".") ? path.substring(0, path.indexOf('.')) : path);
                default -> {
                }
            }
        }

        private void http(ScalarNode node, String written, String resolved) {
            String fixed = resolved.contains("${") ? resolved.substring(0, resolved.indexOf("${")) : resolved;
            for (String key : httpTargetKeys) {
                Optional<String> base = settings.apply(key).map(RoutePolicy::stripSlash);
                if (base.isEmpty() || !fixed.startsWith(base.get())) {
                    continue;
                }
                String rest = resolved.substring(base.get().length());
                boolean hasPath = pathOf(base.get()).length() > 1;
                if (rest.isEmpty() || rest.startsWith("/") || rest.startsWith("?")
                        || rest.startsWith("${") && hasPath) {
                    return;
                }
            }
            refuse(node, "'" + written + "' does not lead to a configured vendor base URL ("
                    + String.join(", ", httpTargetKeys) + ")");
        }

        private void file(ScalarNode node, String written, String path) {
            Path folder = Path.of(path.replaceFirst("^//", "")).toAbsolutePath().normalize();
            Path outbox = Path.of(outboxDir).toAbsolutePath().normalize();
            if (path.contains("${") || !folder.startsWith(outbox)) {
                refuse(node, "'" + written + "' writes outside the ERP outbox (ledgerbridge.erp.outbox.dir)");
            }
        }

        private void resource(ScalarNode node, String written, String path) {
            if (path.contains("${") || !path.startsWith(mappingsLocation + "/")) {
                refuse(node, "'" + written + "' reads a resource outside the mappings location "
                        + "(write it as {{ledgerbridge.mappings.location}}/…)");
            }
        }

        private void refuse(Node node, String problem) {
            int line = node.getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
            found.add(new Violation(file, line, problem));
        }
    }

    /**
     * The URI with the service's settings put in (a setting may name a whole endpoint, as the event bus settings do:
     * what it names is checked like any URI), or null when its component comes from a template parameter.
     */
    private String resolve(String written) {
        if (written.startsWith("{{")) {
            int end = written.indexOf("}}");
            String key = end < 0 ? "" : written.substring(2, end).split(":", 2)[0];
            if (!key.startsWith("ledgerbridge.")) {
                return null;
            }
        }
        Matcher placeholder = PLACEHOLDER.matcher(written);
        StringBuilder resolved = new StringBuilder();
        while (placeholder.find()) {
            String[] keyAndDefault = placeholder.group(1).split(":", 2);
            String value = keyAndDefault[0].startsWith("ledgerbridge.")
                    ? settings.apply(keyAndDefault[0]).orElse(keyAndDefault.length > 1 ? keyAndDefault[1] : "")
                    : placeholder.group(); // a template parameter stays as written
            placeholder.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        placeholder.appendTail(resolved);
        return resolved.toString();
    }

    private static List<String> parameterNames(String uri, Node parameters) {
        List<String> names = new ArrayList<>();
        int query = uri.indexOf('?');
        if (query >= 0) {
            for (String pair : uri.substring(query + 1).split("&")) {
                if (!pair.isBlank()) {
                    names.add(pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair);
                }
            }
        }
        if (parameters instanceof MappingNode map) {
            map.getValue().forEach(tuple -> names.add(scalar(tuple.getKeyNode())));
        }
        return names;
    }

    private static String pathOf(String url) {
        try {
            String path = URI.create(url).getPath();
            return path == null ? "" : path;
        } catch (IllegalArgumentException notAUri) {
            return "";
        }
    }

    private static String stripSlash(String location) {
        return location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
    }

    private static String scalar(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : null;
    }

    private static Node child(Node node, String key) {
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (key.equals(scalar(tuple.getKeyNode()))) {
                    return tuple.getValueNode();
                }
            }
        }
        return null;
    }
}
