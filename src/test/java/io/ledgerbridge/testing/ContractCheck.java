package io.ledgerbridge.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request.Method;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.github.tomakehurst.wiremock.http.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Checks a request a stub received against the vendor's published OpenAPI contract in ../shared/contracts. */
final class ContractCheck {

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

    /** The contract violations of the request; empty when it conforms. */
    List<String> violations(Request request) {
        String url = request.getUrl();
        String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        SimpleRequest.Builder builder = new SimpleRequest.Builder(Method.valueOf(request.getMethod().getName()), path);
        request.getHeaders().all().forEach(header -> builder.withHeader(header.key(), header.values()));
        if (url.contains("?")) {
            for (String pair : url.substring(url.indexOf('?') + 1).split("&")) {
                String[] parts = pair.split("=", 2);
                builder.withQueryParam(decode(parts[0]), parts.length > 1 ? decode(parts[1]) : "");
            }
        }
        if (request.getBodyAsString() != null && !request.getBodyAsString().isEmpty()) {
            builder.withBody(request.getBodyAsString());
        }
        ValidationReport report = validator.validateRequest(builder.build());
        return report.getMessages().stream()
                .filter(message -> message.getLevel() == ValidationReport.Level.ERROR)
                .map(message -> message.getKey() + ": " + message.getMessage())
                .collect(Collectors.toList());
    }
}
