package io.ledgerbridge.testing;

import io.quarkus.test.common.http.TestHTTPResourceManager;

/**
 * The management interface of the service under test (its own port, chosen free): health, metrics and the OpenAPI
 * document are there, not on the service port.
 */
public final class Management {

    private Management() {
    }

    /** The full URL of a path on the management interface, e.g. {@code url("/q/health/ready")}. */
    public static String url(String path) {
        // the management URI ends in its root path (/q): the path given is from the server's root
        return java.net.URI.create(TestHTTPResourceManager.getManagementUri()).resolve(path).toString();
    }
}
