package org.gkguardian.lifecycle.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** A LifecycleConfiguration as DS would hand it: metatype defaults, overridden by keys as in the .cfg file. */
final class TestConfig {

    private final Map<String, Object> values = new HashMap<>();

    static TestConfig config() {
        return new TestConfig();
    }

    /** {@code key} as in the cfg file, e.g. {@code start.command}. */
    TestConfig with(String key, Object value) {
        values.put(key, value);
        return this;
    }

    LifecycleConfiguration build() {
        Map<String, Object> snapshot = Map.copyOf(values);
        return (LifecycleConfiguration) Proxy.newProxyInstance(LifecycleConfiguration.class.getClassLoader(),
                new Class<?>[] { LifecycleConfiguration.class }, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return LifecycleConfiguration.class;
                    }
                    String key = method.getName().replace('_', '.');
                    if (!snapshot.containsKey(key)) {
                        return method.getDefaultValue();
                    }
                    Object v = snapshot.get(key);
                    Class<?> type = method.getReturnType();
                    if (type == String[].class && v instanceof String s) {
                        return new String[] { s };
                    }
                    if (type == long.class && v instanceof Integer i) {
                        return i.longValue();
                    }
                    return v;
                });
    }

    /**
     * The configuration as SCR hands it over when a number's text does not convert: reading that method throws
     * (Felix SCR raises a ComponentException), every other method answers.
     */
    static LifecycleConfiguration asScrHandsIt(LifecycleConfiguration config, String unconvertible) {
        return (LifecycleConfiguration) java.lang.reflect.Proxy.newProxyInstance(
                LifecycleConfiguration.class.getClassLoader(), new Class<?>[] {LifecycleConfiguration.class},
                (proxy, method, args) -> {
                    if (method.getName().equals(unconvertible)) {
                        throw new IllegalStateException("SCR cannot convert the value of " + unconvertible);
                    }
                    try {
                        return method.invoke(config, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
