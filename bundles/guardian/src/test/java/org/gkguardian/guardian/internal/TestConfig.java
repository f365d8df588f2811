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
