package io.ledgerbridge.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request.Method;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Checks a request a stub received against the vendor's published OpenAPI contract in ../shared/contracts. */
final class ContractCheck {

    /** The most operations one OData {@code $batch} request may carry (Business Central's limit). */
    static final int MAX_BATCH = 100;
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The validator says at INFO, for every request of a contract with OAuth2 security schemes (Xero's), that it does
     * not check them: a log line per stub call, a cost of the stub the benchmarks measured beside the service's.
     * Held here so that the level stays set (java.util.logging keeps its loggers weakly).
     */
    private static final java.util.logging.Logger SECURITY_SCHEMES = java.util.logging.Logger.getLogger(
            "com.atlassian.oai.validator.interaction.request.SecurityValidator");

    static {
        SECURITY_SCHEMES.setLevel(java.util.logging.Level.WARNING);
    }
    private final String basePath;
    private final OpenApiInteractionValidator validator;

    ContractCheck(String contractFile, String basePath) {
        Path contract = contractsFolder().resolve(contractFile);
        if (!Files.isRegularFile(contract)) {
            throw new IllegalStateException("vendor contract not found: " + contract.toAbsolutePath());
        }
        this.basePath = basePath;
        this.validator = OpenApiInteractionValidator
                .createForSpecificationUrl(contract.toUri().toString())
                .withLevelResolver(LevelResolver.create()
                        .withLevel("validation.response", ValidationReport.Level.IGNORE)
                        .build())
                .build();
    }

    static Path contractsFolder() {
        String configured = System.getenv("LEDGERBRIDGE_CONTRACTS");
        return configured != null ? Path.of(configured) : Path.of("..", "shared", "contracts");
    }

    private static String decode(String text) {
        return java.net.URLDecoder.decode(text, java.nio.charset.StandardCharsets.UTF_8);
    }

    boolean covers(String path) {
        return path.startsWith(basePath + "/");
    }

    /**
     * The contract violations of the request; empty when it conforms. An OData {@code $batch} request (JSON batch
     * format, at most 100 operations) is checked operation by operation, each as the request it stands for.
     */
    List<String> violations(Request request) {
        String url = request.getUrl();
        String path = decode(url.contains("?") ? url.substring(0, url.indexOf('?')) : url);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.getHeaders().all().forEach(header -> headers.put(header.key(), header.values()));
        if (path.equals(basePath + "/$batch") && "POST".equals(request.getMethod().getName())) {
            return batchViolations(headers, request.getBodyAsString());
        }
        return violations(request.getMethod().getName(), url, headers, request.getBodyAsString());
    }

    private List<String> batchViolations(Map<String, List<String>> headers, String body) {
        JsonNode requests;
        try {
            requests = JSON.readTree(body).path("requests");
        } catch (java.io.IOException unreadable) {
            return List.of("$batch: the body is no JSON: " + unreadable.getMessage());
        }
        if (!requests.isArray() || requests.isEmpty() || requests.size() > MAX_BATCH) {
            return List.of("$batch: requests must be an array of 1 to " + MAX_BATCH + " operations, not " + requests);
        }
        List<String> violations = new java.util.ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (JsonNode operation : requests) {
            String id = operation.path("id").asText();
            if (id.isEmpty() || !ids.add(id) || !operation.path("method").isTextual() || !operation.path("url").isTextual()
                    || operation.path("url").asText().startsWith("/") || operation.path("url").asText().contains("://")) {
                violations.add("$batch: every operation needs a unique id, a method and a url relative to the API: "
                        + operation);
                continue;
            }
            Map<String, List<String>> inner = new LinkedHashMap<>(headers);
            inner.remove("Content-Length");
            operation.path("headers").fields().forEachRemaining(h -> inner.put(h.getKey(), List.of(h.getValue().asText())));
            String innerBody = operation.has("body") ? operation.path("body").toString() : null;
            violations(operation.path("method").asText(), basePath + "/" + operation.path("url").asText(), inner, innerBody)
                    .forEach(violation -> violations.add("$batch operation " + id + ": " + violation));
        }
        return violations;
    }

    private List<String> violations(String method, String url, Map<String, List<String>> headers, String body) {
        String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        SimpleRequest.Builder builder = new SimpleRequest.Builder(Method.valueOf(method), path);
        headers.forEach(builder::withHeader);
        if (url.contains("?")) {
            for (String pair : url.substring(url.indexOf('?') + 1).split("&")) {
                String[] parts = pair.split("=", 2);
                builder.withQueryParam(decode(parts[0]), parts.length > 1 ? decode(parts[1]) : "");
            }
        }
        if (body != null && !body.isEmpty()) {
            builder.withBody(body);
        }
        ValidationReport report = validator.validateRequest(builder.build());
        return report.getMessages().stream()
                .filter(message -> message.getLevel() == ValidationReport.Level.ERROR)
                .map(message -> message.getKey() + ": " + message.getMessage())
                .collect(Collectors.toList());
    }
}
