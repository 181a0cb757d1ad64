package io.ledgerbridge.routes;

import io.ledgerbridge.audit.Audit;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.camel.CamelContext;
import org.apache.camel.RouteConfigurationsBuilder;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.jboss.logging.Logger;

/**
 * Applies the routes folder to the running service without a restart. The whole folder is first validated as a set
 * ({@link RouteValidator}: loaded in a throwaway context); a set that would not load is rejected and nothing running
 * changes. A valid set is swapped in route by route: only the routes of changed files (of every file when a route
 * template or route configuration changed, as routes are built from them), in dependency order — configurations,
 * templates, then the files that use them. Each route replaced or removed is stopped through Camel's graceful
 * shutdown, which lets its in-flight exchanges finish before it goes (up to {@code camel.main.shutdown-timeout});
 * routes that take input from outside are stopped before the internal ones they feed. Producers sending to a
 * {@code direct:} route in the moment it is replaced wait for the new one (the direct component blocks).
 */
@ApplicationScoped
public class RouteReloader {

    private static final Logger LOG = Logger.getLogger(RouteReloader.class);

    /** What became of a reload. */
    public enum Outcome {
        /** The folder's changes run now. */
        APPLIED,
        /** The folder is what runs already. */
        UNCHANGED,
        /** The folder would not load: nothing running was touched. */
        REJECTED,
        /** Valid, but applying it failed part-way: the routes listed as applied run, the others as before. */
        FAILED
    }

    /** One reload: what triggered it, which files changed and which routes were added, replaced or removed. */
    public record Reload(Outcome outcome, String trigger, String actor, Instant at, long durationMillis,
            List<String> files, List<String> added, List<String> replaced, List<String> removed,
            List<String> problems) {
    }

    private final CamelContext live;
    private final RouteValidator validator;
    private final Audit audit;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Map<String, String> applied = Map.of();
    private volatile Map<String, String> rejected = Map.of();
    private volatile Reload last;
    private volatile String stage;

    RouteReloader(CamelContext live, RouteValidator validator, Audit audit) {
        this.live = live;
        this.validator = validator;
        this.audit = audit;
    }

    void started(@Observes StartupEvent started) {
        if (folderBacked()) {
            applied = Map.copyOf(validator.currentFiles());
        }
    }

    /** Whether the routes come from a folder (they can be reloaded) rather than from the application's classpath. */
    public boolean folderBacked() {
        return validator.folder() != null;
    }

    /** The last reload, or null when there was none since the start. */
    public Reload last() {
        return last;
    }

    /** What a reload under way is doing (validating, or applying and draining), or null when none runs. */
    public String inProgress() {
        return stage;
    }

    /** Whether the folder holds changes that do not run (the last reload was rejected or failed). */
    public boolean pending() {
        Reload reload = last;
        return reload != null && (reload.outcome() == Outcome.REJECTED || reload.outcome() == Outcome.FAILED);
    }

    /**
     * Validates the routes folder and applies what changed since the last applied set. Reloads are one at a time;
     * a reload returns once the changed routes run (after their in-flight exchanges drained).
     *
     * @param trigger what asked for it ({@code api} or {@code file-watch})
     * @param actor   who (the operator, or {@code file-watch})
     */
    public Reload reload(String trigger, String actor) {
        lock.lock();
        try {
            long started = System.nanoTime();
            Map<String, String> candidate = validator.currentFiles();
            Map<String, String> before = applied;
            Set<String> changed = new TreeSet<>();
            new TreeSet<>(union(before.keySet(), candidate.keySet())).forEach(name -> {
                if (!Objects.equals(before.get(name), candidate.get(name))) {
                    changed.add(name);
                }
            });
            if (changed.isEmpty()) {
                return finish(new Reload(Outcome.UNCHANGED, trigger, actor, Instant.now(), millis(started),
                        List.of(), List.of(), List.of(), List.of(), List.of()), false);
            }
            if ("file-watch".equals(trigger) && candidate.equals(rejected)) {
                return last; // the same rejected folder: said once already
            }
            stage = "validating " + String.join(", ", changed);
            RouteValidator.Result check = validator.validateSet(candidate);
            if (!check.valid()) {
                rejected = Map.copyOf(candidate);
                Reload refused = new Reload(Outcome.REJECTED, trigger, actor, Instant.now(), millis(started),
                        List.copyOf(changed), List.of(), List.of(), List.of(), check.problems());
                LOG.errorf("Route change rejected, the running routes are unchanged. Changed files: %s. Problems:%n  %s",
                        changed, String.join("\n  ", check.problems()));
                return finish(refused, true);
            }
            rejected = Map.of();
            stage = "applying " + String.join(", ", changed) + " (waiting for exchanges in flight)";
            return finish(apply(before, candidate, changed, trigger, actor, started), true);
        } finally {
            stage = null;
            lock.unlock();
        }
    }

    private Reload apply(Map<String, String> before, Map<String, String> candidate, Set<String> changed,
            String trigger, String actor, long started) {
        Map<String, RouteFile> oldFiles = parse(before);
        Map<String, RouteFile> newFiles = parse(candidate);
        boolean everything = changed.stream().anyMatch(name -> shared(oldFiles.get(name)) || shared(newFiles.get(name)));
        Set<String> affected = everything ? new TreeSet<>(union(before.keySet(), candidate.keySet())) : changed;
        Set<String> oldIds = ids(oldFiles, affected);
        Set<String> newIds = ids(newFiles, affected);
        List<String> removed = oldIds.stream().filter(id -> !newIds.contains(id)).sorted().toList();
        List<String> replaced = oldIds.stream().filter(newIds::contains).sorted().toList();
        List<String> added = newIds.stream().filter(id -> !oldIds.contains(id)).sorted().toList();
        Map<String, String> nowApplied = new TreeMap<>(before);
        Model model = live.getCamelContextExtension().getContextPlugin(Model.class);
        try {
            // every route of the affected files goes (replaced ones come back with the new files), inputs first
            for (String id : inputsFirst(model, oldIds)) {
                if (live.getRoute(id) != null) {
                    live.getRouteController().stopRoute(id); // graceful: its exchanges in flight finish first
                    live.removeRoute(id);
                }
                for (RouteDefinition definition : List.copyOf(model.getRouteDefinitions())) {
                    if (id.equals(definition.getRouteId())) {
                        model.removeRouteDefinition(definition);
                    }
                }
            }
            for (String name : affected) {
                forgetDefinitions(model, oldFiles.get(name), newFiles.get(name));
                nowApplied.remove(name); // back once loaded: a file that failed to load is not running
            }
            List<RouteFile> toLoad = affected.stream().map(newFiles::get).filter(Objects::nonNull)
                    .sorted(Comparator.comparingInt(RouteFile::loadOrder).thenComparing(RouteFile::name)).toList();
            for (RouteFile file : toLoad) {
                load(file);
                nowApplied.put(file.name(), file.yaml());
            }
            LOG.infof("Routes reloaded (%s by %s): files %s; added %s, replaced %s, removed %s", trigger, actor,
                    changed, added, replaced, removed);
            return new Reload(Outcome.APPLIED, trigger, actor, Instant.now(), millis(started), List.copyOf(changed),
                    added, replaced, removed, List.of());
        } catch (Exception failed) {
            String problem = RouteValidator.describe(failed);
            LOG.errorf(failed, "Route change failed part-way: of %s these run now: %s; the others' routes are stopped "
                    + "until a reload succeeds", affected, applied(before, nowApplied));
            return new Reload(Outcome.FAILED, trigger, actor, Instant.now(), millis(started), List.copyOf(changed),
                    added, replaced, removed, List.of(problem));
        } finally {
            applied = Map.copyOf(nowApplied);
        }
    }

    /** Loads one file's configurations, routes and templated routes into the live context, replacing by id. */
    private void load(RouteFile file) throws Exception {
        String location = validator.location() + "/" + file.name();
        Collection<RoutesBuilder> builders = PluginHelper.getRoutesLoader(live)
                .findRoutesBuilders(List.of(ResourceHelper.fromString(location, file.yaml())));
        for (RoutesBuilder builder : builders) {
            if (builder instanceof RouteConfigurationsBuilder configurations) {
                configurations.updateRouteConfigurationsToCamelContext(live);
            }
        }
        for (RoutesBuilder builder : builders) {
            builder.addRoutesToCamelContext(live);
        }
        for (RoutesBuilder builder : builders) {
            builder.addTemplatedRoutesToCamelContext(live);
        }
    }

    /** Drops the old templates, REST services and configurations of a file, so the new ones are the only ones. */
    private static void forgetDefinitions(Model model, RouteFile old, RouteFile current) throws Exception {
        Set<String> templates = new LinkedHashSet<>();
        Set<String> rests = new LinkedHashSet<>();
        Set<String> configurations = new LinkedHashSet<>();
        for (RouteFile file : new RouteFile[] {old, current}) {
            if (file != null) {
                templates.addAll(file.templateIds());
                rests.addAll(file.restIds());
                configurations.addAll(file.configurationIds());
            }
        }
        for (RouteTemplateDefinition template : List.copyOf(model.getRouteTemplateDefinitions())) {
            if (templates.contains(template.getId())) {
                model.removeRouteTemplateDefinition(template);
            }
        }
        model.getRestDefinitions().removeIf(rest -> rests.contains(rest.getId()));
        for (RouteConfigurationDefinition configuration : List.copyOf(model.getRouteConfigurationDefinitions())) {
            if (configurations.contains(configuration.getId())) {
                model.removeRouteConfiguration(configuration);
            }
        }
    }

    /** Routes fed from outside (HTTP, Kafka, timers) first, then the direct/seda routes they call. */
    private List<String> inputsFirst(Model model, Collection<String> ids) {
        return ids.stream().sorted(Comparator.comparing(id -> {
            RouteDefinition definition = model.getRouteDefinition(id);
            String from = definition == null || definition.getInput() == null ? ""
                    : String.valueOf(definition.getInput().getEndpointUri());
            return from.startsWith("direct:") || from.startsWith("seda:") ? 1 : 0;
        })).toList();
    }

    private Reload finish(Reload reload, boolean audited) {
        // an unchanged folder is news only after a refused one (it was put back); else the last change stays shown
        if (reload.outcome() != Outcome.UNCHANGED || pending()) {
            last = reload;
        }
        if (audited) {
            try {
                audit.record(reload.actor(), "routes.reload", String.join(",", reload.files()),
                        digests(reload.files()) + "; added " + reload.added() + ", replaced " + reload.replaced() + ", removed " + reload.removed()
                                + (reload.problems().isEmpty() ? "" : "; " + String.join("; ", reload.problems())),
                        reload.outcome().name());
            } catch (RuntimeException notAudited) {
                LOG.warnf(notAudited, "The route reload (%s) could not be audited", reload.outcome());
            }
        }
        return reload;
    }

    /** The SHA-256 of each file as it is in the folder now ("removed" for a file that is gone). */
    private String digests(List<String> files) {
        Map<String, String> current = validator.currentFiles();
        List<String> digests = new ArrayList<>();
        for (String file : files) {
            String yaml = current.get(file);
            digests.add(file + " " + (yaml == null ? "removed" : "sha-256 " + RouteFile.digest(yaml)));
        }
        return String.join(", ", digests);
    }

    private static boolean shared(RouteFile file) {
        return file != null && file.sharedByOthers();
    }

    private static Map<String, RouteFile> parse(Map<String, String> files) {
        Map<String, RouteFile> parsed = new TreeMap<>();
        files.forEach((name, yaml) -> parsed.put(name, RouteFile.of(name, yaml)));
        return parsed;
    }

    private static Set<String> ids(Map<String, RouteFile> files, Set<String> names) {
        Set<String> ids = new LinkedHashSet<>();
        names.stream().map(files::get).filter(Objects::nonNull).forEach(file -> ids.addAll(file.routeIds()));
        return ids;
    }

    private static List<String> applied(Map<String, String> before, Map<String, String> now) {
        List<String> names = new ArrayList<>();
        now.forEach((name, yaml) -> {
            if (!yaml.equals(before.get(name))) {
                names.add(name);
            }
        });
        return names;
    }

    private static <T> Set<T> union(Set<T> a, Set<T> b) {
        Set<T> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static long millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** Whether the routes folder holds exactly what runs. */
    public boolean inSync() {
        return !folderBacked() || validator.currentFiles().equals(applied);
    }
}
