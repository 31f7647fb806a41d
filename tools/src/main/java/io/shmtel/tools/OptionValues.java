package io.shmtel.tools;

import io.shmtel.core.idle.IdleStrategyKind;
import io.shmtel.core.placement.CpuList;
import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.placement.ThreadPlacement;
import java.util.BitSet;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The checks of numeric option values, in one place: each converter refuses what the option
 * cannot mean (NaN, infinity, a negative count or duration, a port past 65535) when the command
 * line is parsed, so every command refuses it the same way, with exit 2 and one line naming the
 * option, the value and what is allowed:
 * {@code shmtel echo: invalid value for option '--timeout': NaN: expected a finite number of seconds >= 0}.
 */
final class OptionValues {
    private OptionValues() {}

    /** A decimal within [min, max] (min itself excluded when {@code minExcluded}), finite. */
    static double decimal(String text, double min, boolean minExcluded, double max, String expected) {
        double v;
        try {
            v = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException(text + ": expected " + expected);
        }
        if (!Double.isFinite(v) || v < min || minExcluded && v == min || v > max) {
            throw new TypeConversionException(text + ": expected " + expected);
        }
        return v;
    }

    /** A whole number within [min, max]. */
    static long whole(String text, long min, long max, String expected) {
        long v;
        try {
            v = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException(text + ": expected " + expected);
        }
        if (v < min || v > max) {
            throw new TypeConversionException(text + ": expected " + expected);
        }
        return v;
    }

    /** {@code --count N}: how many samples, messages or reports; 0 is allowed. */
    static final class Count implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return whole(value, 0, Long.MAX_VALUE, "a whole number >= 0");
        }
    }

    /** {@code --timeout}, {@code --duration}: seconds, 0 or more. */
    static final class Seconds implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return decimal(value, 0, false, Double.MAX_VALUE, "a finite number of seconds >= 0");
        }
    }

    /** {@code --interval}: seconds, more than 0. */
    static final class Interval implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return decimal(value, 0, true, Double.MAX_VALUE, "a finite number of seconds > 0");
        }
    }

    /** {@code pub --rate}, {@code serve --max-rate}: Hz, 0 or more (0: no limit). */
    static final class Rate implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return decimal(value, 0, false, Double.MAX_VALUE, "a finite rate in Hz >= 0 (0: no limit)");
        }
    }

    /** {@code replay --rate}: a speed factor, more than 0. */
    static final class Factor implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return decimal(value, 0, true, Double.MAX_VALUE, "a finite factor > 0 (1: the original timing)");
        }
    }

    /** {@code --port}: a TCP or UDP port, 0 for any free one. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) whole(value, 0, 65_535, "a port from 0 to 65535 (0: any free port)");
        }
    }

    /** {@code --flush-period-ms}: milliseconds, 1 or more. */
    static final class Millis implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return whole(value, 1, Long.MAX_VALUE, "a whole number of milliseconds >= 1");
        }
    }

    /** {@code --idle}: a strategy's name, checked when parsed (not after a wait for the region). */
    static final class IdleName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                IdleStrategyKind.byName(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
            return value;
        }
    }

    /** {@code pub --mode}: permission bits in octal, e.g. 0640 (kept as typed; the region checks what it allows). */
    static final class OctalMode implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!value.matches("0?[0-7]{1,4}")) {
                throw new TypeConversionException(value + ": expected permission bits in octal, e.g. 0600 or 0640");
            }
            return value;
        }
    }

    /** {@code bridge --max-park-us}: microseconds from 1 to 1 s. */
    static final class MaxParkMicros implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return whole(value, 1, 1_000_000, "a whole number of microseconds from 1 to 1000000");
        }
    }

    /** {@code --cpu}: a Linux CPU list naming at least one CPU ("2", "2-3,6"). */
    static final class Cpus implements ITypeConverter<BitSet> {
        @Override
        public BitSet convert(String value) {
            BitSet cpus;
            try {
                cpus = CpuList.parse(value);
            } catch (PlacementException e) {
                throw new TypeConversionException(e.getMessage());
            }
            if (cpus.isEmpty()) {
                throw new TypeConversionException("\"" + value + "\" names no CPU: expected a CPU list such as 2 or"
                        + " 2-3,6");
            }
            return cpus;
        }
    }

    /** {@code --fifo}, {@code --rr}: a real-time priority, 1 to 99. */
    static final class RealTimePriority implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) whole(value, ThreadPlacement.MIN_PRIORITY, ThreadPlacement.MAX_PRIORITY, "a real-time"
                    + " priority from " + ThreadPlacement.MIN_PRIORITY + " to " + ThreadPlacement.MAX_PRIORITY);
        }
    }

    /** {@code --nice}: a nice value, -20 to 19. */
    static final class Nice implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) whole(value, ThreadPlacement.MIN_NICE, ThreadPlacement.MAX_NICE,
                    "a nice value from " + ThreadPlacement.MIN_NICE + " to " + ThreadPlacement.MAX_NICE);
        }
    }
}
