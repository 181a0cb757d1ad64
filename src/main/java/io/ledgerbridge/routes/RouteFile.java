package io.ledgerbridge.routes;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * What a route file defines, read from its YAML without Camel: the ids of the routes it creates (routes, templated
 * routes and REST operations), of its route templates, route configurations and REST services. A reload replaces
 * and removes routes by these ids, and a file that changes a template or a configuration reloads every file.
 */
public record RouteFile(String name, String yaml, Set<String> routeIds, Set<String> templateIds,
        Set<String> configurationIds, Set<String> restIds, List<String> withoutId) {

    private static final List<String> VERBS = List.of("get", "post", "put", "patch", "delete", "head");

    /** Reads a file; YAML that does not parse gives a file that defines nothing (the validator reports it). */
    public static RouteFile of(String name, String yaml) {
        Set<String> routes = new LinkedHashSet<>();
        Set<String> templates = new LinkedHashSet<>();
        Set<String> configurations = new LinkedHashSet<>();
        Set<String> rests = new LinkedHashSet<>();
        List<String> withoutId = new ArrayList<>();
        Object document;
        try {
            document = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        } catch (RuntimeException unreadable) {
            document = null;
        }
        if (document instanceof List<?> items) {
            for (Object item : items) {
                if (!(item instanceof Map<?, ?> element)) {
                    continue;
                }
                if (element.get("route") instanceof Map<?, ?> route) {
                    add(routes, route.get("id"), withoutId, "a route");
                } else if (element.containsKey("from")) {
                    withoutId.add("a route written as a bare 'from'");
                } else if (element.get("templatedRoute") instanceof Map<?, ?> templated) {
                    add(routes, templated.get("routeId"), withoutId,
                            "a templatedRoute of " + templated.get("routeTemplateRef") + " (routeId)");
                } else if (element.get("routeTemplate") instanceof Map<?, ?> template) {
                    add(templates, template.get("id"), withoutId, "a routeTemplate");
                } else if (element.get("routeConfiguration") instanceof Map<?, ?> configuration) {
                    add(configurations, configuration.get("id"), withoutId, "a routeConfiguration");
                } else if (element.get("rest") instanceof Map<?, ?> rest) {
                    add(rests, rest.get("id"), withoutId, "a rest");
                    for (String verb : VERBS) {
                        if (rest.get(verb) instanceof List<?> operations) {
                            for (Object operation : operations) {
                                if (operation instanceof Map<?, ?> op) {
                                    add(routes, op.get("id"), withoutId,
                                            "the rest operation " + verb + " " + op.get("path"));
                                }
                            }
                        }
                    }
                }
            }
        }
        return new RouteFile(name, yaml, routes, templates, configurations, rests, withoutId);
    }

    private static void add(Set<String> ids, Object id, List<String> withoutId, String what) {
        if (id == null || String.valueOf(id).isBlank()) {
            withoutId.add(what);
        } else {
            ids.add(String.valueOf(id));
        }
    }

    /** The SHA-256 of a file's text, in hex: what an audit entry names a route file's content by. */
    public static String digest(String yaml) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Whether other files depend on what this one defines (their routes are built from it). */
    public boolean sharedByOthers() {
        return !templateIds.isEmpty() || !configurationIds.isEmpty();
    }

    /** Load order: configurations first, then templates, then the files that use them. */
    public int loadOrder() {
        return !configurationIds.isEmpty() ? 0 : !templateIds.isEmpty() ? 1 : 2;
    }
}
