package io.ledgerbridge.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpMethods;
import org.junit.jupiter.api.Test;

/** The connector routes' request method (text in header CamelHttpMethod) converts by a registered converter. */
@QuarkusTest
class HttpMethodConverterTest {

    @Inject
    CamelContext camel;

    @Test
    void theRequestMethodIsConvertedByARegisteredConverterNotByCamelsEnumFallback() {
        // the enum fallback converts it too, but searches the whole registry on every call first
        assertThat(camel.getTypeConverterRegistry().lookup(HttpMethods.class, String.class)).isNotNull();
        assertThat(camel.getTypeConverter().convertTo(HttpMethods.class, "post")).isEqualTo(HttpMethods.POST);
        assertThat(camel.getTypeConverter().convertTo(HttpMethods.class, " PUT ")).isEqualTo(HttpMethods.PUT);
    }
}
