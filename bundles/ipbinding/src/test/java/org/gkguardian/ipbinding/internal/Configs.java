package org.gkguardian.ipbinding.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** Builds an {@link IpBindingConfig} as DS would: every key at its default unless given. */
final class Configs {
    private Configs() {
    }

    /**
     * Reads a .cfg file as ConfigAdmin would hand it to the component: keys with dots, values as text
     * (a multi-valued key stays one string, which the validator splits).
     */
    static IpBindingConfig fromProperties(java.util.Properties properties) {
        java.util.List<Object> keyValues = new java.util.ArrayList<>();
        for (java.lang.reflect.Method method : IpBindingConfig.class.getDeclaredMethods()) {
            String key = method.getName().replace('_', '.');
            String value = properties.getProperty(key);
            if (value == null) {
                continue;
            }
            Class<?> type = method.getReturnType();
            Object typed = type == String[].class ? new String[] {value}
                    : type == int.class ? Integer.parseInt(value.trim())
                    : type == boolean.class ? Boolean.parseBoolean(value.trim()) : value.trim();
            keyValues.add(method.getName());
            keyValues.add(typed);
        }
        return config(keyValues.toArray());
    }

    /** @param keyValues method names and values, e.g. "vips", new String[] {...} */
    static IpBindingConfig config(Object... keyValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return (IpBindingConfig) Proxy.newProxyInstance(IpBindingConfig.class.getClassLoader(),
                new Class<?>[] {IpBindingConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return IpBindingConfig.class;
                    }
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    if (method.getDefaultValue() != null) {
                        return method.getDefaultValue();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
