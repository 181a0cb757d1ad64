package io.ledgerbridge.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.requestfilter.RequestFilterAction;
import com.github.tomakehurst.wiremock.extension.requestfilter.StubRequestFilterV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Real HTTP stand-ins for the vendors' SaaS (Xero Projects, Xero identity, Harvest) on a free port. Every request to
 * a vendor API is checked against the vendor's published OpenAPI contract; a violating request is answered 400 and
 * recorded, so a mapping that drifts from the contract fails its test.
 */
public class VendorStubs implements QuarkusTestResourceLifecycleManager {

    public static final String XERO_BASE = "/projects.xro/2.0";
    public static final String HARVEST_BASE = "/v2";
    public static final String TENANT = "3c2b6a1e-64a6-4f0e-9a57-7f4c1a2b3c4d";

    private static final List<String> VIOLATIONS = new CopyOnWriteArrayList<>();
    private static volatile WireMockServer server;

    @Override
    public Map<String, String> start() {
        List<ContractCheck> contracts = List.of(
                new ContractCheck("xero-projects.yaml", XERO_BASE),
                new ContractCheck("harvest-openapi.yaml", HARVEST_BASE));
        server = new WireMockServer(wireMockConfig().dynamicPort().extensions(new ContractFilter(contracts)));
        server.start();
        reset();
        String base = "http://127.0.0.1:" + server.port();
        return Map.ofEntries(
                Map.entry("ledgerbridge.erp.xero.base-url", base + XERO_BASE),
                Map.entry("ledgerbridge.erp.xero.tenant-id", TENANT),
                Map.entry("quarkus.oidc-client.xero.auth-server-url", base),
                Map.entry("quarkus.oidc-client.xero.client-id", "test-client"),
                Map.entry("quarkus.oidc-client.xero.credentials.client-secret.value", "test-secret"),
                Map.entry("ledgerbridge.sources.harvest.base-url", base + HARVEST_BASE),
                Map.entry("ledgerbridge.sources.harvest.account-id", "123456"),
                Map.entry("ledgerbridge.sources.harvest.token", "test-harvest-token"));
    }

    /** The running stub server. */
    public static WireMockServer server() {
        return server;
    }

    /** Contract violations seen since the last {@link #reset()}. */
    public static List<String> violations() {
        return List.copyOf(VIOLATIONS);
    }

    /** Forgets requests and scenario stubs; the default answers of a healthy Xero are back. */
    public static void reset() {
        server.resetAll();
        VIOLATIONS.clear();
        server.stubFor(post(urlPathEqualTo("/connect/token")).willReturn(okJson(
                "{\"access_token\":\"xero-token-{{randomValue length=12 type='ALPHANUMERIC'}}\","
                        + "\"expires_in\":1800,\"token_type\":\"Bearer\"}").withTransformers("response-template")));
        server.stubFor(post(urlPathMatching(XERO_BASE + "/Projects/[^/]+/Time")).atPriority(10).willReturn(okJson(
                "{\"timeEntryId\":\"{{randomValue type='UUID'}}\",\"userId\":\"{{jsonPath request.body '$.userId'}}\","
                        + "\"taskId\":\"{{jsonPath request.body '$.taskId'}}\","
                        + "\"dateUtc\":\"{{jsonPath request.body '$.dateUtc'}}\","
                        + "\"duration\":{{jsonPath request.body '$.duration'}},\"status\":\"ACTIVE\"}")
                .withTransformers("response-template")));
        server.stubFor(put(urlPathMatching(XERO_BASE + "/Projects/[^/]+/Time/[^/]+")).atPriority(10)
                .willReturn(aResponse().withStatus(204)));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Answers 400 to any request that violates its vendor's contract, and records the violation. */
    static final class ContractFilter implements StubRequestFilterV2 {

        private final List<ContractCheck> contracts;

        ContractFilter(List<ContractCheck> contracts) {
            this.contracts = contracts;
        }

        @Override
        public RequestFilterAction filter(Request request, ServeEvent serveEvent) {
            String path = request.getUrl();
            for (ContractCheck contract : contracts) {
                if (contract.covers(path)) {
                    List<String> violations = contract.violations(request);
                    if (!violations.isEmpty()) {
                        String described = request.getMethod() + " " + path + ": " + violations;
                        VIOLATIONS.add(described);
                        return RequestFilterAction.stopWith(new ResponseDefinition(400, described));
                    }
                }
            }
            return RequestFilterAction.continueWith(request);
        }

        @Override
        public String getName() {
            return "vendor-contract-check";
        }
    }
}
