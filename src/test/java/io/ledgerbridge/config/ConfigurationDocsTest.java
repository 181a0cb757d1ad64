package io.ledgerbridge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md cannot drift from the code: every setting of {@link LedgerbridgeConfig} is named there (a
 * group's settings by their full key, or a group as {@code ledgerbridge.group.*} / {@code .../ a / b} shorthand as the
 * page writes them), read by reflection from the mapping itself.
 */
class ConfigurationDocsTest {

    @Test
    void everySettingOfTheServiceIsDocumented() throws Exception {
        String page = Files.readString(Path.of("docs/configuration.md"));
        List<String> missing = new ArrayList<>();
        for (String key : keys("ledgerbridge", LedgerbridgeConfig.class)) {
            if (!documented(page, key)) {
                missing.add(key);
            }
        }
        assertThat(missing).as("settings of LedgerbridgeConfig not in docs/configuration.md").isEmpty();
    }

    /** A key is documented when the page names it, or names its leaf beside its group (`group.a` / `b`). */
    static boolean documented(String page, String key) {
        if (page.contains(key + "`")) {
            return true;
        }
        int dot = key.lastIndexOf('.');
        String group = key.substring(0, dot);
        String leaf = key.substring(dot + 1);
        // "`ledgerbridge.group.a` / `b`" and "`ledgerbridge.group.a` / `b` / `c`" rows name several leaves of a group
        return page.lines().anyMatch(line -> line.contains("`" + group + ".") && line.contains("`" + leaf + "`"));
    }

    /** Every key under {@code prefix} of a @ConfigMapping interface: kebab-case method names, groups nested. */
    static List<String> keys(String prefix, Class<?> mapping) {
        List<String> keys = new ArrayList<>();
        for (Method method : mapping.getDeclaredMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || method.getParameterCount() > 0) {
                continue;
            }
            String name = prefix + "." + kebab(method.getName());
            Class<?> type = method.getReturnType();
            if (type == Map.class) {
                Class<?> value = (Class<?>) ((ParameterizedType) method.getGenericReturnType()).getActualTypeArguments()[1];
                if (value.isInterface() && value.getName().startsWith("io.ledgerbridge")) {
                    keys.addAll(keys(name + ".<name>", value).stream()
                            .map(k -> k.replace(".<name>", ".<system>")).toList());
                } else {
                    keys.add(name);
                }
            } else if (type.isInterface() && type.getName().startsWith("io.ledgerbridge")) {
                keys.addAll(keys(name, type));
            } else {
                keys.add(name);
            }
        }
        return keys;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
