package io.ledgerbridge.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The {@code make} commands the README and docs/ show: each names a target of the Makefile and only variables it
 * declares; and the local cluster servers of docs/deploy.md come up with {@code make servers-up}, are where
 * {@code make run-cluster} points the service (its recipe's environment, evaluated), and go with
 * {@code make servers-down}. (The targets that start the service or the sandbox are run by DocsCommandsIT, the way
 * those targets run them: the packaged jar with the settings the sandbox writes.)
 */
class MakeCommandsTest {

    private static final Pattern MAKE = Pattern.compile("^\\s*make\\s+([^#]*?)\\s*(#.*)?$");
    private static final Pattern RULE = Pattern.compile("^([A-Za-z0-9_.-]+)\\s*:(?!=)", Pattern.MULTILINE);
    private static final Pattern VARIABLE = Pattern.compile("^([A-Z_]+)\\s*[?:]?=", Pattern.MULTILINE);

    @Test
    void everyMakeCommandOfTheDocsNamesATargetAndVariablesOfTheMakefile() throws IOException {
        String makefile = Files.readString(Path.of("Makefile"));
        Set<String> targets = all(RULE, makefile);
        Set<String> variables = all(VARIABLE, makefile);
        Map<String, String> commands = makeCommands();
        assertThat(commands.values()).as("make commands of the docs").contains("run", "test", "servers-up",
                "run-cluster", "servers-down", "sandbox", "run-sandbox", "validate-routes ROUTES=path/to/routes");
        List<String> wrong = new ArrayList<>();
        commands.forEach((where, command) -> {
            for (String word : command.split("\\s+")) {
                if (word.contains("=")) {
                    if (!variables.contains(word.substring(0, word.indexOf('=')))) {
                        wrong.add(where + ": make " + command + " (the Makefile has no variable "
                                + word.substring(0, word.indexOf('=')) + ")");
                    }
                } else if (!targets.contains(word)) {
                    wrong.add(where + ": make " + command + " (the Makefile has no target " + word + ")");
                }
            }
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void serversUpAreWhereRunClusterPointsAndServersDownStopsThem() throws Exception {
        Path servers = Path.of("target", "make-servers-" + UUID.randomUUID().toString().substring(0, 8))
                .toAbsolutePath();
        try {
            run("make", "-s", "servers-up", "SERVERS=" + servers);
            Map<String, String> environment = runClusterEnvironment(servers);
            assertThat(environment).containsEntry("QUARKUS_PROFILE", "cluster")
                    .containsEntry("LEDGERBRIDGE_ERP_CONNECTOR", "file-outbox");
            try (Connection db = DriverManager.getConnection(environment.get("LEDGERBRIDGE_DB_URL"), "ledgerbridge",
                    environment.get("LEDGERBRIDGE_DB_PASSWORD")); ResultSet one = db.createStatement()
                            .executeQuery("select current_database()")) {
                assertThat(one.next()).isTrue();
                assertThat(one.getString(1)).isEqualTo("ledgerbridge");
            }
            Properties kafka = new Properties();
            kafka.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, environment.get("LEDGERBRIDGE_KAFKA_BOOTSTRAP"));
            try (Admin admin = Admin.create(kafka)) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
            }
        } finally {
            run("make", "-s", "servers-down", "SERVERS=" + servers);
        }
        for (String server : List.of("postgres", "kafka")) {
            String pid = Files.readString(servers.resolve(server).resolve("pid")).trim();
            // pg_ctl's wait ends when the server removes its pid file, a moment before the process exits
            Awaitility.await("%s (pid %s) gone after make servers-down".formatted(server, pid))
                    .atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(Long.parseLong(pid))
                            .map(process -> !process.isAlive()).orElse(true));
        }
        int port = Integer.parseInt(Files.readString(servers.resolve("postgres").resolve("port")).trim());
        assertThat(accepts(port)).as("PostgreSQL's port %d after make servers-down", port).isFalse();
    }

    /**
     * The environment {@code make run-cluster} starts the service with: its recipe as make prints it ({@code -n}),
     * without the build, with {@code env} in place of the {@code java ... -jar} launch, run by the shell as make would.
     */
    private static Map<String, String> runClusterEnvironment(Path servers) throws IOException, InterruptedException {
        String recipe = run("make", "-s", "-n", "run-cluster", "SERVERS=" + servers);
        String start = recipe.substring(recipe.indexOf("QUARKUS_PROFILE="));
        // the launcher: java, or the JDK's (JAVA_HOME)/bin/java, with its options, up to -jar
        java.util.regex.Matcher launcher = java.util.regex.Pattern.compile("(\\S*/)?java( -\\S+)* -jar").matcher(start);
        assertThat(launcher.find()).as("run-cluster's recipe starts java -jar: %s", start).isTrue();
        String printEnvironment = start.substring(0, launcher.start()) + "env";
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : run("bash", "-c", printEnvironment).split("\n")) {
            if (line.matches("^(QUARKUS|LEDGERBRIDGE)_[A-Z_]+=.*")) {
                environment.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return environment;
    }

    /** Every {@code make ...} line of a fenced block in README.md and docs/*.md, by page and line. */
    private static Map<String, String> makeCommands() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        Map<String, String> commands = new LinkedHashMap<>();
        for (Path page : pages) {
            List<String> lines = Files.readAllLines(page);
            boolean inBlock = false;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("```")) {
                    inBlock = !inBlock;
                    continue;
                }
                Matcher make = MAKE.matcher(lines.get(i));
                if (inBlock && make.matches()) {
                    commands.put(page + ":" + (i + 1), make.group(1));
                }
            }
        }
        return commands;
    }

    private static Set<String> all(Pattern pattern, String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
        assertThat(process.exitValue()).as("%s exit code; output:%n%s", String.join(" ", command), output)
                .isZero();
        return output;
    }
}
