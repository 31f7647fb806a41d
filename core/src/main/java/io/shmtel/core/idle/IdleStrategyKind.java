package io.shmtel.core.idle;

import static io.shmtel.core.idle.IdleParameter.MAX_PARK_US;
import static io.shmtel.core.idle.IdleParameter.MAX_SPINS;
import static io.shmtel.core.idle.IdleParameter.MAX_YIELDS;
import static io.shmtel.core.idle.IdleParameter.MIN_PARK_US;
import static io.shmtel.core.idle.IdleParameter.count;
import static io.shmtel.core.idle.IdleParameter.parkUs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The registry of idle strategies: each one's name (as the CLI's {@code --idle} and a deployment file's
 * {@code idle.strategy} spell it) and older aliases, how it waits, its parameters with their units, defaults and
 * bounds, and a factory from parameter values. {@link IdleStrategies}, the deployment parser and runner, its JSON
 * Schema (checked by a test), the CLI's {@code --idle} help and the docs (checked by a test) all read this table:
 * adding a strategy is a class implementing {@link IdleStrategy}, a constant here and its row in the docs.
 *
 * <pre>{@code
 * IdleStrategy idle = IdleStrategyKind.BACKOFF.create(Map.of(IdleParameter.MAX_PARK_US, 500L));
 * }</pre>
 */
public enum IdleStrategyKind {
    /** {@link BusySpinIdleStrategy}. */
    BUSY_SPIN(IdleStrategies.BUSY_SPIN, List.of("spin"), "spins", "the lowest latency, a whole core while idle",
            List.of(), values -> new BusySpinIdleStrategy()),
    /** {@link YieldingIdleStrategy}. */
    YIELD(IdleStrategies.YIELD, List.of("yielding"), "yields the CPU between polls",
            "low latency, other threads still run, a core busy while idle", List.of(),
            values -> new YieldingIdleStrategy()),
    /** {@link BackoffIdleStrategy}, the library's default (a {@code Subscriber}'s, a deployment file's). */
    BACKOFF(IdleStrategies.BACKOFF, List.of("default"), "spins, yields, then parks for doubling periods",
            "wakes within its longest park, little CPU while idle",
            List.of(count(MAX_SPINS, BackoffIdleStrategy.DEFAULT_MAX_SPINS, "spins before yielding"),
                    count(MAX_YIELDS, BackoffIdleStrategy.DEFAULT_MAX_YIELDS, "yields before parking"),
                    parkUs(MIN_PARK_US, BackoffIdleStrategy.DEFAULT_MIN_PARK_NS, "the first park", ""),
                    parkUs(MAX_PARK_US, BackoffIdleStrategy.DEFAULT_MAX_PARK_NS,
                            "the longest park, reached by doubling from minParkUs", MIN_PARK_US)),
            values -> new BackoffIdleStrategy(values.count(MAX_SPINS), values.count(MAX_YIELDS),
                    values.nanos(MIN_PARK_US), values.nanos(MAX_PARK_US))),
    /** {@link BlockingIdleStrategy}, the CLI's default; its longest sleep is not a parameter. */
    BLOCKING(IdleStrategies.BLOCKING, List.of(), "sleeps until the writer publishes",
            "wakes in tens of microseconds, no CPU while idle (it spins first, then sleeps in the kernel on the"
                    + " records' futex words)",
            List.of(count(MAX_SPINS, BlockingIdleStrategy.DEFAULT_MAX_SPINS, "spins before sleeping")),
            values -> new BlockingIdleStrategy(values.count(MAX_SPINS), BlockingIdleStrategy.DEFAULT_MAX_WAIT_NS));

    private final String strategyName;
    private final List<String> aliases;
    private final String howItWaits;
    private final String tradeOff;
    private final List<IdleParameter> parameters;
    private final Function<Values, IdleStrategy> factory;

    IdleStrategyKind(String strategyName, List<String> aliases, String howItWaits, String tradeOff,
            List<IdleParameter> parameters, Function<Values, IdleStrategy> factory) {
        this.strategyName = strategyName;
        this.aliases = aliases;
        this.howItWaits = howItWaits;
        this.tradeOff = tradeOff;
        this.parameters = parameters;
        this.factory = factory;
    }

    /** The name the CLI and deployment files use, e.g. {@code busy-spin}. */
    public String strategyName() {
        return strategyName;
    }

    /** Other names {@link #byName} accepts (any case), e.g. {@code spin}; deployment files use only the name. */
    public List<String> aliases() {
        return aliases;
    }

    /** A short phrase, e.g. "sleeps until the writer publishes". */
    public String howItWaits() {
        return howItWaits;
    }

    /** One line for help texts: how it waits, then what that costs and gives. */
    public String description() {
        return howItWaits + ": " + tradeOff;
    }

    /** Its parameters, in the order of the docs (empty for a strategy that takes none). */
    public List<IdleParameter> parameters() {
        return parameters;
    }

    /** The parameter called {@code name}, if this strategy takes it. */
    public Optional<IdleParameter> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** A new strategy with its default parameters. */
    public IdleStrategy create() {
        return create(Map.of());
    }

    /**
     * A new strategy with {@code values} (by parameter name, in each parameter's unit) and the defaults of the
     * parameters not given; refuses a parameter this strategy does not take, a value out of its bounds, or one
     * below the parameter it must be at least.
     */
    public IdleStrategy create(Map<String, Long> values) {
        Map<String, Long> all = new LinkedHashMap<>();
        for (IdleParameter p : parameters) {
            long v = values.getOrDefault(p.name(), p.defaultValue());
            if (v < p.min() || v > p.max()) {
                throw new IllegalArgumentException(p.name() + " must be an integer from " + p.min() + " to " + p.max()
                        + "; found " + v);
            }
            all.put(p.name(), v);
        }
        for (String key : values.keySet()) {
            if (!all.containsKey(key)) {
                throw new IllegalArgumentException("the " + strategyName + " strategy takes no parameter \"" + key
                        + "\" (" + (parameters.isEmpty() ? "it takes none" : "parameters: " + String.join(", ",
                        parameterNames())) + ")");
            }
        }
        for (IdleParameter p : parameters) {
            if (!p.atLeast().isEmpty() && all.get(p.name()) < all.get(p.atLeast())) {
                throw new IllegalArgumentException(p.belowProblem(all.get(p.name()), all.get(p.atLeast())));
            }
        }
        return factory.apply(new Values(parameters, all));
    }

    /** The names of its parameters, in order. */
    public List<String> parameterNames() {
        return parameters.stream().map(IdleParameter::name).toList();
    }

    /** Every strategy's name, in the order of the docs. */
    public static List<String> names() {
        return Arrays.stream(values()).map(IdleStrategyKind::strategyName).toList();
    }

    /**
     * Every parameter any strategy takes, once per name (the first strategy's declaration), in the order of the
     * strategies: the keys a deployment file's {@code idle} object may hold besides {@code strategy}. Strategies
     * that share a parameter name share its unit and bounds (a test checks), not necessarily its default.
     */
    public static List<IdleParameter> allParameters() {
        Map<String, IdleParameter> byName = new LinkedHashMap<>();
        for (IdleStrategyKind kind : values()) {
            for (IdleParameter p : kind.parameters) {
                byName.putIfAbsent(p.name(), p);
            }
        }
        return List.copyOf(byName.values());
    }

    /** The strategies that take parameters. */
    public static List<IdleStrategyKind> withParameters() {
        return Arrays.stream(values()).filter(k -> !k.parameters.isEmpty()).toList();
    }

    /** The strategy called {@code name} or one of its aliases, case-insensitive. */
    public static Optional<IdleStrategyKind> lookup(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.strategyName.equals(lower) || k.aliases.contains(lower))
                .findFirst();
    }

    /** The strategy called {@code name} (see {@link #lookup}); an unknown name is refused with the names. */
    public static IdleStrategyKind byName(String name) {
        return lookup(name).orElseThrow(() -> new IllegalArgumentException("unknown idle strategy \"" + name
                + "\": use " + joinLast(names(), " or ")));
    }

    /** "a, b and c" with {@code last} = " and ". */
    public static String joinLast(List<String> words, String last) {
        if (words.size() < 2) {
            return String.join("", words);
        }
        List<String> head = new ArrayList<>(words.subList(0, words.size() - 1));
        return String.join(", ", head) + last + words.get(words.size() - 1);
    }

    /** Parameter values of one strategy, complete and checked, for its factory. */
    static final class Values {
        private final List<IdleParameter> parameters;
        private final Map<String, Long> values;

        Values(List<IdleParameter> parameters, Map<String, Long> values) {
            this.parameters = parameters;
            this.values = values;
        }

        /** A count parameter (bounded well inside an int by its declaration). */
        int count(String name) {
            return Math.toIntExact(values.get(name));
        }

        /** A period parameter in nanoseconds. */
        long nanos(String name) {
            IdleParameter p = parameters.stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow();
            return p.toNanos(values.get(name));
        }
    }
}
