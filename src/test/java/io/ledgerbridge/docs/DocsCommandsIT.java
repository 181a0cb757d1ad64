package io.ledgerbridge.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerbridge.testing.Sandbox;
import io.ledgerbridge.testing.ServiceProcess;
import io.ledgerbridge.testing.VendorStubs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The commands the docs show run, as a reader runs them: every fenced block marked {@code bash runnable} in README.md
 * and docs/*.md, page by page, in order, against a fresh service of {@code make run} (the packaged jar, embedded
 * profile, its own working directory with data/ and the repository's routes/ and mappings/). Only the ports and the
 * retry delays differ ({@code localhost:8080} and {@code :9000} become the free ports it got; the backoff is
 * shortened so that "a minute later" is seconds).
 * <p>
 * Each command must succeed: a curl call answers 2xx, or the status the docs show under it ({@code # 409 {...}});
 * another command exits 0. Where the docs show the answer ({@code # {"status":"OPEN",...}}), each literal
 * {@code "field":value} of it must be in the real answer (a number as the same amount, {@code "field":"…"} as any
 * value but null); a GET is asked again for up to 90 s until it is, so a
 * step that the docs say takes a while is waited for. Variables set in a block carry on to its later commands.
 */
class DocsCommandsIT {

    private static final Pattern FENCE = Pattern.compile("^```(\\S*)\\s*(.*)$");
    private static final Pattern STATUS = Pattern.compile("^#\\s+(\\d{3})\\b.*");
    private static final Pattern FIELD = Pattern.compile(
            "\"([A-Za-z0-9_]+)\":(\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+(?:\\.\\d+)?|true|false|null)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One runnable block of a page, and the service it runs against: its session ({@code bash runnable <session>}).
     * The blocks of a session run in order against one service: the plain one ({@code make run});
     * {@code sandbox}: the service of {@code make run-sandbox} with the vendor sandbox of {@code make sandbox};
     * {@code signed}: {@code make run} with {@code LEDGERBRIDGE_WEBHOOKS_SECRET} set, in the commands' environment too.
     */
    record Block(Path page, int line, String session, List<String> lines) {
    }

    /** One command of a block: its text, the status the docs show for it (or null) and the answer they show. */
    record Command(int line, String text, Integer status, String answer) {

        boolean curl() {
            return text.startsWith("curl ");
        }

        /** A GET, or a command that only reads (cat, ls): asked again while the answer is not yet as shown. */
        boolean safeToRepeat() {
            return curl() ? !text.matches(".*\\s(-X\\s*(POST|PUT|DELETE|PATCH)|-d|--data\\S*)\\s.*")
                    : text.matches("^(cat|ls) [^|;&>]*$");
        }
    }

    @TestFactory
    Stream<DynamicNode> everyRunnableCommandOfTheDocsRuns() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        Map<Path, List<Block>> runnable = new LinkedHashMap<>();
        for (Path page : pages) {
            List<Block> blocks = blocks(page);
            if (!blocks.isEmpty()) {
                runnable.put(page, blocks);
            }
        }
        assertThat(runnable.keySet()).as("pages with runnable commands")
                .contains(Path.of("README.md"), Path.of("docs/operations.md"));
        return runnable.entrySet().stream().map(page -> DynamicContainer.dynamicContainer(page.getKey().toString(),
                Stream.of(DynamicTest.dynamicTest("its " + page.getValue().size() + " runnable blocks",
                        () -> runPage(page.getKey(), page.getValue())))));
    }

    /** The blocks of a page whose fence says {@code bash runnable}. */
    static List<Block> blocks(Path page) throws IOException {
        List<String> lines = Files.readAllLines(page);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher fence = FENCE.matcher(lines.get(i));
            if (fence.matches() && !fence.group(1).isEmpty()) {
                int start = i;
                List<String> body = new ArrayList<>();
                while (++i < lines.size() && !lines.get(i).startsWith("```")) {
                    body.add(lines.get(i));
                }
                String[] info = fence.group(2).trim().split("\\s+");
                if (fence.group(1).equals("bash") && info[0].equals("runnable")) {
                    String session = info.length > 1 ? info[1] : "";
                    assertThat(session).as("%s:%d: the session of a runnable block", page, start + 1)
                            .isIn("", SANDBOX, SIGNED);
                    blocks.add(new Block(page, start + 1, session, body));
                }
            }
        }
        return blocks;
    }

    /** The commands of a block, each with the answer the docs show under it. */
    static List<Command> commands(Block block) {
        List<Command> commands = new ArrayList<>();
        List<String> lines = block.lines();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                i++;
                continue;
            }
            int first = block.line() + 1 + i;
            StringBuilder text = new StringBuilder();
            while (lines.get(i).stripTrailing().endsWith("\\")) {
                String part = lines.get(i).stripTrailing();
                text.append(part, 0, part.length() - 1).append(' ');
                i++;
            }
            text.append(lines.get(i).strip());
            i++;
            Integer status = null;
            StringBuilder answer = new StringBuilder();
            if (i < lines.size() && lines.get(i).matches("^#\\s*(\\d{3}\\b|[{\\[]).*")) {
                Matcher shown = STATUS.matcher(lines.get(i));
                if (shown.matches()) {
                    status = Integer.valueOf(shown.group(1));
                }
                answer.append(lines.get(i).substring(1));
                i++;
                while (i < lines.size() && lines.get(i).matches("^#\\s{2,}\\S.*")) {
                    answer.append(lines.get(i).substring(1).strip());
                    i++;
                }
            }
            commands.add(new Command(first, text.toString().replaceAll("\\s+", " ").strip(), status,
                    answer.toString()));
        }
        return commands;
    }

    private static final String SANDBOX = "sandbox";
    private static final String SIGNED = "signed";

    private static void runPage(Path page, List<Block> blocks) throws Exception {
        Map<String, List<Block>> sessions = new LinkedHashMap<>();
        blocks.forEach(block -> sessions.computeIfAbsent(block.session(), s -> new ArrayList<>()).add(block));
        for (var session : sessions.entrySet()) {
            runSession(page, session.getKey(), session.getValue());
        }
    }

    private static void runSession(Path page, String session, List<Block> blocks) throws Exception {
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "docs-"
                + page.getFileName().toString().replace(".md", "") + (session.isEmpty() ? "" : "-" + session) + "-");
        // copies, not links: Camel's file: route pattern does not follow a linked folder
        copy(Path.of("routes"), work.resolve("routes"));
        copy(Path.of("mappings"), work.resolve("mappings"));
        Map<String, String> settings = new LinkedHashMap<>(Map.of("quarkus.profile", "embedded",
                "ledgerbridge.retry.initial-delay", "50", "ledgerbridge.retry.maximum-delay", "200"));
        Map<String, String> environment = new LinkedHashMap<>();
        if (session.equals(SIGNED)) {
            byte[] secret = new byte[24];
            new java.security.SecureRandom().nextBytes(secret);
            environment.put("LEDGERBRIDGE_WEBHOOKS_SECRET", java.util.HexFormat.of().formatHex(secret));
        }
        VendorStubs sandbox = null;
        if (session.equals(SANDBOX)) {
            // make sandbox, then make run-sandbox: the service takes the settings the sandbox wrote
            sandbox = Sandbox.open(work.resolve("target/sandbox"));
            for (String line : Files.readAllLines(work.resolve("target/sandbox/service.args"))) {
                settings.put(line.substring(2, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        try (ServiceProcess service = ServiceProcess.start(List.of("-Xmx512m"), environment, settings,
                work.resolve("service.log"), work)) {
            for (Block block : blocks) {
                List<String> variables = new ArrayList<>();
                for (Command command : commands(block)) {
                    String text = command.text().replace("localhost:8080", service.baseUrl().replace("http://", ""))
                            .replace("localhost:9000", service.managementUrl().replace("http://", ""));
                    run(work, page, command, text, variables, environment);
                    if (text.matches("^(export\\s+)?[A-Za-z_][A-Za-z0-9_]*=.*")) {
                        variables.add(text);
                    }
                }
            }
            if (sandbox != null) {
                assertThat(VendorStubs.violations()).as("requests of %s's commands that broke a vendor's contract", page)
                        .isEmpty();
            }
        } finally {
            if (sandbox != null) {
                sandbox.stop();
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static void run(Path work, Path page, Command command, String text, List<String> variables,
            Map<String, String> environment) throws Exception {
        String where = page + ":" + command.line() + " `" + command.text() + "`";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(command.safeToRepeat() ? 90 : 0);
        while (true) {
            Result result = execute(work, text, variables, environment);
            String problem = problem(command, result);
            if (problem == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(where + ": " + problem + "\n--- its output ---\n" + result.output());
            }
            Thread.sleep(500);
        }
    }

    /** What is wrong with the result, or null. */
    private static String problem(Command command, Result result) {
        if (result.exit() != 0) {
            return "exited " + result.exit();
        }
        if (command.curl()) {
            if (result.statuses().isEmpty()) {
                return "no HTTP answer";
            }
            int status = result.statuses().get(result.statuses().size() - 1);
            if (command.status() != null ? status != command.status() : status < 200 || status > 299) {
                return "answered HTTP " + status + ", the docs say " + (command.status() != null ? command.status()
                        : "2xx");
            }
        }
        String actual = compact(result.output());
        Matcher field = FIELD.matcher(command.answer());
        while (field.find()) {
            String name = field.group(1);
            String value = field.group(2);
            if (value.contains("…") || value.contains("...")) {
                // a value left out: the answer has the field, and not as null
                if (!Pattern.compile("\"" + name + "\":(?!null)").matcher(actual).find()) {
                    return "the answer lacks a value of \"" + name + "\" that the docs show";
                }
            } else if (value.matches("-?\\d+(\\.\\d+)?")) {
                // a number: the same amount, whatever its scale (3354.50 is 3354.5)
                if (!numbersOf(actual, name).contains(new java.math.BigDecimal(value).stripTrailingZeros())) {
                    return "the answer lacks \"" + name + "\":" + value + " that the docs show";
                }
            } else if (!actual.contains("\"" + name + "\":" + value)) {
                return "the answer lacks \"" + name + "\":" + value + " that the docs show";
            }
        }
        return null;
    }

    private static List<java.math.BigDecimal> numbersOf(String answer, String field) {
        Matcher number = Pattern.compile("\"" + Pattern.quote(field) + "\":(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)")
                .matcher(answer);
        List<java.math.BigDecimal> numbers = new ArrayList<>();
        while (number.find()) {
            numbers.add(new java.math.BigDecimal(number.group(1)).stripTrailingZeros());
        }
        return numbers;
    }

    /** JSON as Jackson writes it (no whitespace), so that the docs' fields can be found in it; other text as it is. */
    private static String compact(String output) {
        try {
            return JSON.writeValueAsString(JSON.readTree(output));
        } catch (IOException notJson) {
            return output;
        }
    }

    record Result(int exit, List<Integer> statuses, String output) {
    }

    private static Result execute(Path work, String text, List<String> variables, Map<String, String> environment)
            throws Exception {
        Path body = Files.createTempFile(work, "answer-", ".txt");
        Path statuses = Files.createTempFile(work, "status-", ".txt");
        String script = String.join("\n",
                "set -eo pipefail",
                // the answer's body is the command's output; its status goes aside, so it can be checked
                "curl() { command curl -sS -o '" + body + "' -w '%{http_code}\\n' \"$@\" >> '" + statuses
                        + "'; cat '" + body + "'; }",
                String.join("\n", variables),
                text);
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).directory(work.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("`%s` finished", text).isTrue();
        List<Integer> codes = Files.readAllLines(statuses).stream().filter(l -> !l.isBlank()).map(Integer::valueOf)
                .toList();
        Files.deleteIfExists(body);
        Files.deleteIfExists(statuses);
        return new Result(process.exitValue(), codes, output);
    }

}
