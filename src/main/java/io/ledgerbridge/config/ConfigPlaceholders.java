package io.ledgerbridge.config;

import io.quarkus.arc.Unremovable;
import jakarta.inject.Singleton;
import org.apache.camel.Ordered;
import org.apache.camel.spi.PropertiesSource;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Answers the routes' {@code {{placeholders}}} from the application's configuration, ahead of Camel's own
 * MicroProfile Config source and with the same values.
 *
 * <p>Camel's properties component, after a loadable source such as {@code CamelMicroProfilePropertiesSource} has
 * answered a placeholder, loads every property of that source (twice each) only to name where the value came from
 * in a trace line. With this application's few thousand configuration names and the placeholders of 140 routes that
 * was four of the five seconds Camel took to build the routes at start-up (a JFR profile of the start). This source
 * is not loadable, so a lookup is one configuration read; the MicroProfile source stays behind it for the bulk
 * loads Camel Main does once (its auto-configuration).
 */
@Singleton
@Unremovable
public class ConfigPlaceholders implements PropertiesSource, Ordered {

    @Override
    public String getName() {
        return "ledgerbridge-config";
    }

    @Override
    public String getProperty(String name) {
        return ConfigProvider.getConfig().getOptionalValue(name, String.class).orElse(null);
    }

    @Override
    public int getOrder() {
        return HIGHEST;
    }
}
