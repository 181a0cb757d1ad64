package io.ledgerbridge.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Default locations of routes and mappings: the folders beside the working directory when they exist (operators
 * edit them without a rebuild), else the copies packaged in the application. Any configured value wins.
 */
public class LocationDefaults implements ConfigSource {

    private final Map<String, String> values = new HashMap<>();

    public LocationDefaults() {
        values.put("ledgerbridge.routes.location", locate("routes"));
        values.put("ledgerbridge.mappings.location", locate("mappings"));
    }

    private static String locate(String folder) {
        return Files.isDirectory(Path.of(folder)) ? "file:" + folder : "classpath:" + folder;
    }

    @Override
    public Map<String, String> getProperties() {
        return values;
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "ledgerbridge-location-defaults";
    }

    @Override
    public int getOrdinal() {
        return 50;
    }
}
