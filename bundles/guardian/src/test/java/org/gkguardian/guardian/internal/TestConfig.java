package org.gkguardian.guardian.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** A {@link GuardianConfig} with the annotation's defaults, some keys overridden (keys as in the .cfg file). */
final class TestConfig {

    private final Map<String, Object> values = new HashMap<>();

    static TestConfig defaults() {
        return new TestConfig();
    }

    /**
     * The settings of member {@code 10.0.0.N} (named nN) of a fast-profile cluster of 10.0.0.1-3, for tests of one
     * part of the role machine; its epoch file is never written.
     */
    static Settings memberOfThreeFast(int n) {
        try {
            return SettingsValidator.validate(defaults().with("node.name", "n" + n)
                    .with("internal.address", "10.0.0." + n).with("members", "10.0.0.1,10.0.0.2,10.0.0.3")
                    .with("cluster.secret", "a secret of our own, long enough").with("profile", "fast")
                    .with("epoch.file", "/nonexistent/n" + n).build());
        } catch (InvalidConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    TestConfig with(String key, Object value) {
        values.put(key, value);
        return this;
    }

    GuardianConfig build() {
        Map<String, Object> copy = new HashMap<>(values);
        return (GuardianConfig) Proxy.newProxyInstance(GuardianConfig.class.getClassLoader(),
                new Class<?>[] {GuardianConfig.class}, (proxy, method, args) -> {
                    String key = method.getName().replace('_', '.');
                    if (copy.containsKey(key)) {
                        return copy.get(key);
                    }
                    if (method.getName().equals("annotationType")) {
                        return GuardianConfig.class;
                    }
                    return defaultOf(method);
                });
    }

    private static Object defaultOf(Method m) {
        Object d = m.getDefaultValue();
        if (d == null) {
            throw new IllegalStateException("no default for " + m.getName());
        }
        return d;
    }
}
