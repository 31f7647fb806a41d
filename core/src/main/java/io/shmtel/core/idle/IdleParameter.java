package io.shmtel.core.idle;

import java.util.concurrent.TimeUnit;

/**
 * One parameter of an idle strategy in the registry ({@link IdleStrategyKind#parameters()}): the key a deployment
 * file's {@code idle} object uses for it, its unit, its default, the range it accepts (inclusive), a one-line
 * description and, where one applies, the parameter it must not be below. Every parameter is a whole number
 * (a Java {@code long}, a JSON integer) in its unit. The deployment parser, its JSON Schema and the docs read these.
 *
 * @param name        the key, e.g. {@code maxParkUs} (the unit's suffix is part of it)
 * @param unit        what one step of the value is
 * @param defaultValue the value when the key is absent, in {@code unit}
 * @param min         the smallest value accepted
 * @param max         the largest value accepted
 * @param description what it sets, one line without the default
 * @param atLeast     the name of a parameter of the same strategy this one must be at least, or "" for none
 */
public record IdleParameter(String name, Unit unit, long defaultValue, long min, long max, String description,
        String atLeast) {

    /** Spins before the next stage (backoff, blocking). */
    public static final String MAX_SPINS = "maxSpins";
    /** Yields before parking (backoff). */
    public static final String MAX_YIELDS = "maxYields";
    /** The first park (backoff). */
    public static final String MIN_PARK_US = "minParkUs";
    /** The longest park (backoff). */
    public static final String MAX_PARK_US = "maxParkUs";

    /** The most spins or yields a file may ask for. */
    static final long MAX_COUNT = 1_000_000;
    /** The longest park a file may ask for: 10 s. */
    static final long MAX_PARK_LIMIT_US = TimeUnit.SECONDS.toMicros(10);

    public IdleParameter {
        if (min > defaultValue || defaultValue > max) {
            throw new IllegalArgumentException("need min <= defaultValue <= max: name=" + name + " min=" + min
                    + " defaultValue=" + defaultValue + " max=" + max);
        }
    }

    /** A parameter with no lower bound set by another. */
    public IdleParameter(String name, Unit unit, long defaultValue, long min, long max, String description) {
        this(name, unit, defaultValue, min, max, description, "");
    }

    /** A count of spins or yields, 0 to {@value #MAX_COUNT}. */
    static IdleParameter count(String name, long defaultValue, String description) {
        return new IdleParameter(name, Unit.COUNT, defaultValue, 0, MAX_COUNT, description);
    }

    /** A park period in whole microseconds, 1 us to 10 s, given in nanoseconds (as the strategies declare them). */
    static IdleParameter parkUs(String name, long defaultNs, String description, String atLeast) {
        return new IdleParameter(name, Unit.MICROSECONDS, TimeUnit.NANOSECONDS.toMicros(defaultNs), 1,
                MAX_PARK_LIMIT_US, description, atLeast);
    }

    /** The value {@code value} (in {@link #unit()}) in nanoseconds, for a period; the value itself for a count. */
    public long toNanos(long value) {
        return unit == Unit.MICROSECONDS ? TimeUnit.MICROSECONDS.toNanos(value) : value;
    }

    /** The problem with a value below the parameter it must be at least, e.g. "maxParkUs (5) must be at least ...". */
    public String belowProblem(long value, long floor) {
        return name + " (" + value + ") must be at least " + atLeast + " (" + floor + ")";
    }

    /** What one step of a parameter's value is. */
    public enum Unit {
        /** A number of times. */
        COUNT("a whole number of times"),
        /** Microseconds. */
        MICROSECONDS("a whole number of microseconds");

        private final String description;

        Unit(String description) {
            this.description = description;
        }

        /** E.g. "a whole number of microseconds". */
        public String description() {
            return description;
        }
    }
}
