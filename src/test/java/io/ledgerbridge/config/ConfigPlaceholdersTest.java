package io.ledgerbridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.component.properties.PropertiesComponent;
import org.junit.jupiter.api.Test;

/** The routes' placeholders are answered from the configuration by one read, profile values and defaults included. */
@QuarkusTest
class ConfigPlaceholdersTest {

    @Inject
    CamelContext camel;

    @Test
    void placeholdersAreReadFromTheConfigurationAheadOfCamelsLoadableSource() {
        PropertiesComponent properties = (PropertiesComponent) camel.getPropertiesComponent();
        assertThat(properties.getPropertiesSources().get(0)).isInstanceOf(ConfigPlaceholders.class);

        List<String> answeredBy = new ArrayList<>();
        properties.addPropertiesLookupListener((name, value, defaultValue, source) -> answeredBy.add(name + "@" + source));

        // the test profile's value (application.properties: %test.ledgerbridge.retry.maximum-redeliveries=4)
        assertThat(camel.resolvePropertyPlaceholders("{{ledgerbridge.retry.maximum-redeliveries}}")).isEqualTo("4");
        assertThat(camel.resolvePropertyPlaceholders("{{ledgerbridge.not-configured:fallback}}")).isEqualTo("fallback");
        assertThatThrownBy(() -> camel.resolvePropertyPlaceholders("{{ledgerbridge.not-configured}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ledgerbridge.not-configured");

        assertThat(answeredBy).contains("ledgerbridge.retry.maximum-redeliveries@ledgerbridge-config");
    }
}
