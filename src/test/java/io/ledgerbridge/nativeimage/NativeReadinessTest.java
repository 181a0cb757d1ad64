package io.ledgerbridge.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Named;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Without GraalVM here, what a native image needs from us is checked at the source: everything the routes and the
 * configuration reach by name is registered for reflection ({@link RouteCalledClasses}), nothing registered is stale,
 * and our code uses no JVM-only API. {@code make native-sources} runs Quarkus' native augmentation itself.
 */
class NativeReadinessTest {

    private static final Pattern ROUTE_BEAN = Pattern.compile("(?m)^\\s*(?:ref|onRedeliveryRef):\\s*\"?([A-Za-z0-9]+)");
    private static final Pattern SIMPLE_BEAN = Pattern.compile("\\$\\{bean:([A-Za-z0-9]+)");
    private static final Pattern CONFIG_BEAN = Pattern.compile("(?m)^[^#\\s][^=]*=#(?!class:)([A-Za-z0-9]+)\\s*$");
    private static final Pattern CONFIG_CLASS = Pattern.compile("(?m)^[^#\\s][^=]*=#class:([\\w.$]+)");

    @Test
    void everythingRoutesAndSettingsNameIsRegisteredForReflectionAndNothingElse() throws Exception {
        Map<String, Class<?>> beans = namedBeans();
        Set<Class<?>> needed = new TreeSet<>((a, b) -> a.getName().compareTo(b.getName()));
        List<String> unknown = new ArrayList<>();
        StringBuilder routes = new StringBuilder();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                routes.append(Files.readString(file)).append('\n');
            }
        }
        String settings = Files.readString(Path.of("src/main/resources/application.properties"));
        for (Matcher names : List.of(ROUTE_BEAN.matcher(routes), SIMPLE_BEAN.matcher(routes),
                CONFIG_BEAN.matcher(settings))) {
            while (names.find()) {
                Class<?> bean = beans.get(names.group(1));
                if (bean == null) {
                    unknown.add(names.group(1));
                } else {
                    needed.add(bean);
                }
            }
        }
        Matcher classes = CONFIG_CLASS.matcher(settings);
        while (classes.find()) {
            needed.add(Class.forName(classes.group(1), false, getClass().getClassLoader()));
        }
        assertThat(unknown).as("bean names the routes use that no @Named class has").isEmpty();
        assertThat(needed).as("the routes call beans (sanity)").hasSizeGreaterThan(10);

        Set<Class<?>> registered = Set.of(RouteCalledClasses.class.getAnnotation(RegisterForReflection.class).targets());
        assertThat(registered).as("RouteCalledClasses registers what routes and settings name")
                .containsAll(needed);
        assertThat(needed).as("RouteCalledClasses lists nothing that is no longer named").containsAll(registered);
    }

    @Test
    void ourCodeUsesNoJvmOnlyApi() throws IOException {
        Pattern jvmOnly = Pattern.compile("Class\\.forName|java\\.lang\\.management|sun\\.misc|java\\.lang\\.instrument"
                + "|defineClass|MethodHandles\\.privateLookupIn|setAccessible\\(|ClassLoader\\.getSystemClassLoader");
        List<String> uses = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(source);
                for (int i = 0; i < lines.size(); i++) {
                    if (jvmOnly.matcher(lines.get(i)).find()) {
                        uses.add(source + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertThat(uses).as("JVM-only calls a native image cannot serve").isEmpty();
    }

    /** The application's named beans, by name: classes of {@code target/classes} with {@code @Named}. */
    private Map<String, Class<?>> namedBeans() throws Exception {
        Map<String, Class<?>> beans = new TreeMap<>();
        Path classes = Path.of("target/classes");
        try (Stream<Path> files = Files.walk(classes.resolve("io/ledgerbridge"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, getClass().getClassLoader());
                Named named = type.getAnnotation(Named.class);
                if (named != null) {
                    String simple = type.getSimpleName();
                    beans.put(named.value().isEmpty() ? Character.toLowerCase(simple.charAt(0)) + simple.substring(1)
                            : named.value(), type);
                }
            }
        }
        return beans;
    }
}
