package org.gkguardian.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RawValuesTest {

    @interface Sample {
        boolean dad_enabled() default true;

        long probe_interval_ms() default 1000;

        int port() default 7800;

        String name() default "";

        int _secret__number() default 1;

        int[] counts() default {};
    }

    @Test
    void typosInNumbersAndBooleansAreNamedWithKeyAndValue() {
        assertEquals(List.of("dad.enabled: 'ture' is not true or false",
                "probe.interval.ms: '1O0' is not a whole number"),
                RawValues.problems(Sample.class, Map.of("dad.enabled", "ture", "probe.interval.ms", "1O0")));
    }

    @Test
    void valuesOutsideTheTypeAreRefusedRatherThanTruncated() {
        assertEquals(List.of("port: '4294967297' is not a whole number from -2147483648 to 2147483647"),
                RawValues.problems(Sample.class, Map.of("port", "4294967297")));
        assertEquals(List.of("port: '4294967297' is not a whole number from -2147483648 to 2147483647"),
                RawValues.problems(Sample.class, Map.of("port", 4294967297L)));
        assertEquals(List.of("probe.interval.ms: '1.5' is not a whole number"),
                RawValues.problems(Sample.class, Map.of("probe.interval.ms", "1.5")));
        assertEquals(List.of("port: '+80' is not a whole number"), RawValues.problems(Sample.class, Map.of("port", "+80")));
        assertEquals(List.of("port: '' is not a whole number"), RawValues.problems(Sample.class, Map.of("port", "")));
    }

    @Test
    void goodTextTypedValuesStringsAndUnknownKeysPass() {
        assertEquals(List.of(), RawValues.problems(Sample.class, Map.of("dad.enabled", " FALSE ", "probe.interval.ms",
                "-5", "port", 7800, "name", "anything", "counts", new String[] { "1", "2" }, "other", "x")));
        assertEquals(List.of(), RawValues.problems(Sample.class, Map.of("dad.enabled", Boolean.TRUE)));
        assertEquals(List.of(), RawValues.problems(Sample.class, Map.of()));
    }

    @Test
    void arraysAreCheckedElementByElement() {
        assertEquals(List.of("counts: 'two' is not a whole number"),
                RawValues.problems(Sample.class, Map.of("counts", new String[] { "1", "two" })));
        assertEquals(List.of("counts: 'x' is not a whole number"),
                RawValues.problems(Sample.class, Map.of("counts", List.of("x"))));
    }

    @Test
    void aSecretIsNeverQuoted() {
        assertEquals(List.of(".secret_number: the value (a secret, not shown) is not a whole number"),
                RawValues.problems(Sample.class, Map.of(".secret_number", "hunter2")));
    }

    @Test
    void keysFollowTheDeclarativeServicesNameMapping() {
        assertEquals("dad.enabled", RawValues.key("dad_enabled"));
        assertEquals(".community", RawValues.key("_community"));
        assertEquals("a_b", RawValues.key("a__b"));
        assertEquals("a$b", RawValues.key("a$$b"));
        assertEquals("ab", RawValues.key("a$b"));
        assertEquals("a-b", RawValues.key("a$_$b"));
    }
}
