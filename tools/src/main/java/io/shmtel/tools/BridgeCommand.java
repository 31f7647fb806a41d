package io.shmtel.tools;

import io.shmtel.bridge.BridgeException;
import io.shmtel.bridge.BridgeIdle;
import io.shmtel.bridge.ReceiverBridge;
import io.shmtel.bridge.ReceiverConfig;
import io.shmtel.bridge.SenderBridge;
import io.shmtel.bridge.SenderConfig;
import io.shmtel.bridge.Transports;
import io.shmtel.bridge.spi.Transport;
import io.shmtel.bridge.spi.TransportProvider;
import io.shmtel.config.Deployment;
import io.shmtel.config.Shmtel;
import io.shmtel.core.placement.PlacementException;
import io.shmtel.core.idle.IdleStrategyKind;
import io.shmtel.core.region.RegionDirectory;
import io.shmtel.core.region.RegionOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "bridge", description = {"Mirrors regions to other hosts over the network (Aeron UDP).",
        "'bridge send' on the host of the drivers forwards every sample of the chosen records; 'bridge receive' on the"
                + " other host recreates each region (same schema and layout, optional name prefix) and republishes the"
                + " samples, so local subscribers read them as if the driver ran there. Link statistics: 'shmtel echo"
                + " MIRROR.bridge'.",
        "Example: shmtel bridge send --to 10.0.0.2:40456 demo.arm, and on 10.0.0.2: shmtel bridge receive"},
        subcommands = {BridgeCommand.Send.class, BridgeCommand.Receive.class, BridgeCommand.Run.class})
final class BridgeCommand implements Runnable {
    static final String DEFAULT_PORT = "40456";
    /** The default of --max-park-us. */
    static final long DEFAULT_MAX_PARK_US = 2000;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: send, receive or run");
    }

    /** Options both directions share. */
    static final class Common {
        @Option(names = "--channel", paramLabel = "URI", description = "The transport's full address instead of "
                + "--to/--listen, e.g. aeron:udp?endpoint=239.255.0.1:40456 for multicast (docs/bridge.md).")
        String channel;

        @Option(names = "--stream", defaultValue = "" + SenderConfig.DEFAULT_STREAM, paramLabel = "N",
                description = "Transport stream id; both ends must agree (default: ${DEFAULT-VALUE}).")
        int stream;

        @Option(names = "--transport", defaultValue = "aeron", paramLabel = "NAME",
                description = "Transport engine (default: ${DEFAULT-VALUE}).")
        String transport;

        @Option(names = "--transport-option", paramLabel = "KEY=VALUE",
                description = "Engine option, e.g. aeron.dir=/dev/shm/my-aeron or aeron.term-length=4194304.")
        Map<String, String> transportOptions = new LinkedHashMap<>();

        @Option(names = "--duration", paramLabel = "S", converter = OptionValues.Seconds.class,
                description = "Stop after S seconds (default: Ctrl-C).")
        Double durationSeconds;

        @Option(names = "--max-park-us", paramLabel = "US",
                converter = OptionValues.MaxParkMicros.class, description = "The longest the "
                + "bridge's threads sleep when nothing is new (default: " + DEFAULT_MAX_PARK_US + "; with --idle"
                + " blocking the transport's own thread sleeps until a datagram or a sample comes, at most 10000):"
                + " lower for less delay after a quiet spell, higher for less idle CPU.")
        Long maxParkUs;

        Duration maxPark() {
            return Duration.ofNanos((maxParkUs == null ? DEFAULT_MAX_PARK_US : maxParkUs) * 1000);
        }

        /** The transport's options: --transport-option, then what --idle and --max-park-us imply. */
        Map<String, String> transportOptions(BridgeIdle idle) {
            Map<String, String> m = new LinkedHashMap<>(transportOptions);
            idle.transportOptions().forEach(m::putIfAbsent);
            if (maxParkUs != null) {
                m.putIfAbsent(TransportProvider.IDLE_MAX_PARK_US, Long.toString(maxParkUs));
            }
            return m;
        }
    }

    static String channel(CommandSpec spec, Common common, String hostPort, String option) {
        if (common.channel != null) {
            if (hostPort != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "give --channel or " + option + ", not both");
            }
            return common.channel;
        }
        if (hostPort == null) {
            return null;
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1 || !hostPort.substring(colon + 1).chars()
                .allMatch(Character::isDigit)) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " \"" + hostPort
                    + "\" is not HOST:PORT (e.g. 10.0.0.2:" + DEFAULT_PORT + ")");
        }
        return "aeron:udp?endpoint=" + hostPort;
    }

    /** Log lines to stderr, flushed one by one. */
    static Consumer<String> log(PrintWriter err) {
        return line -> {
            err.println(line);
            err.flush();
        };
    }

    /** Runs one bridge until the duration ends, Ctrl-C, or the bridge fails. */
    static int runUntilStopped(Common common, BridgeIdle idle, PrintWriter err,
            Function<Transport, AutoCloseable> start, Supplier<Throwable> failure) throws Exception {
        return runUntilStopped(common.transport, common.transportOptions(idle), common.durationSeconds, err, start,
                failure, null);
    }

    /** Runs bridges on one transport until the duration ends, Ctrl-C, the parent process ends, or a bridge fails. */
    static int runUntilStopped(String transportName, Map<String, String> transportOptions, Double durationSeconds,
            PrintWriter err, Function<Transport, AutoCloseable> start, Supplier<Throwable> failure,
            Long parentPid) throws Exception {
        Consumer<String> log = log(err);
        var provider = Transports.provider(transportName);
        var parent = parentPid == null ? Optional.<ProcessHandle>empty() : ProcessHandle.of(parentPid);
        try (Transport transport = provider.open(transportOptions, log)) {
            AutoCloseable bridge = start.apply(transport);
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                try {
                    bridge.close();
                } catch (Exception e) {
                    log.accept("bridge: " + e);
                }
                transport.close();
                stopped.countDown();
            }, "shmtel-bridge-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            long deadline = durationSeconds == null ? Long.MAX_VALUE : System.nanoTime()
                    + (long) (durationSeconds * 1e9);
            try {
                while (!stopped.await(100, TimeUnit.MILLISECONDS)) {
                    Throwable t = failure.get();
                    if (t != null) {
                        throw t instanceof RuntimeException re ? re : new BridgeException(t.toString(), t);
                    }
                    if (System.nanoTime() - deadline > 0 || parentPid != null
                            && parent.map(p -> !p.isAlive()).orElse(true)) {
                        break;
                    }
                }
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                    bridge.close();
                } catch (IllegalStateException shuttingDown) {
                    stopped.await(5, TimeUnit.SECONDS); // Ctrl-C: the hook closes the bridge
                }
            }
        }
        return ExitCodes.OK;
    }

    @Command(name = "run", description =
            {"Runs the bridges of a deployment file's nodes (docs/deployment.md, \"bridges\").",
            "'shmtel run' starts this in a process of its own when its nodes have bridges.",
            "Example: shmtel bridge run samples/bridge-board.json --only board"})
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DEPLOYMENT", description = "Deployment file (JSON; see docs/deployment.md).")
        Path file;

        @Option(names = "--only", paramLabel = "NODE", description = "Run only this node's bridges.")
        String only;

        @Option(names = "--duration", paramLabel = "S", converter = OptionValues.Seconds.class,
                description = "Stop after S seconds (default: Ctrl-C).")
        Double durationSeconds;

        @CommandLine.Mixin
        ClasspathOptionMixin classpath;

        @Option(names = "--parent-pid", hidden = true, description =
                "Stop when this process ends (shmtel run's child).")
        Long parentPid;

        @Override
        public Integer call() throws Exception {
            var deployment = Shmtel.load(file, classpath.loader());
            var bridges = bridgesOf(deployment, only);
            if (bridges.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), file + ": no bridges in "
                        + (only == null ? "any node" : "node " + only));
            }
            List<String> transports = bridges.stream().map(Deployment.BridgeSpec::transport).distinct().toList();
            if (transports.size() > 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), file + ": bridges of one process share one"
                        + " transport; these use " + transports + " (run them with --only NODE per transport)");
            }
            var regions = RegionOptions.defaults().withDirectory(deployment.directory())
                    .withHeartbeatPeriod(deployment.heartbeatPeriod());
            PrintWriter err = spec.commandLine().getErr();
            Consumer<String> log = log(err);
            List<SenderBridge> senders = new ArrayList<>();
            List<ReceiverBridge> receivers = new ArrayList<>();
            // One transport serves them all: it idles as the most eager of their policies (busy-spin first).
            BridgeIdle transportIdle = bridges.stream().map(BridgeCommand::idleOf)
                    .min(Comparator.comparing(BridgeIdle::kind)).orElse(BridgeIdle.DEFAULT);
            return runUntilStopped(transports.get(0), transportIdle.transportOptions(), durationSeconds, err,
                    transport -> {
                for (var b : bridges) {
                    try {
                        if (b.direction().equals(Deployment.BridgeSpec.SEND)) {
                            senders.add(SenderBridge.start(SenderConfig.of(b.name(), b.targets(), b.channel(),
                                    b.stream(), regions).withPlacement(b.placement().placement())
                                    .withIdle(idleOf(b)), transport, log));
                        } else {
                            receivers.add(ReceiverBridge.start(ReceiverConfig.of(b.name(), b.channel(), b.stream(),
                                    b.prefix(), regions).withReliable(b.reliable())
                                    .withRemoveOnExit(deployment.removeRegionsOnExit())
                                    .withPlacement(b.placement().placement())
                                    .withIdle(idleOf(b)), transport, log));
                        }
                    } catch (PlacementException e) {
                        senders.forEach(SenderBridge::close);
                        receivers.forEach(ReceiverBridge::close);
                        throw b.placement().refused(deployment.source(), new PlacementException("bridge " + b.name()
                                + ": " + e.getMessage(), e));
                    }
                }
                return () -> {
                    senders.forEach(SenderBridge::close);
                    receivers.forEach(ReceiverBridge::close);
                };
            }, () -> {
                for (SenderBridge b : senders) {
                    if (b.failure() != null) {
                        return b.failure();
                    }
                }
                for (ReceiverBridge b : receivers) {
                    if (b.failure() != null) {
                        return b.failure();
                    }
                }
                return null;
            }, parentPid);
        }
    }

    /** The idle policy of a deployment file's bridge entry (its {@code idle}, or the default). */
    static BridgeIdle idleOf(Deployment.BridgeSpec b) {
        return b.idle() == null ? BridgeIdle.DEFAULT
                : new BridgeIdle(IdleStrategyKind.byName(b.idle().strategy()), b.idle().parameters());
    }

    /** The bridges of the deployment's nodes ({@code only}: one node), in file order. */
    static List<Deployment.BridgeSpec> bridgesOf(Deployment d, String only) {
        return d.nodes().stream().filter(n -> only == null || n.name().equals(only))
                .flatMap(n -> n.bridges().stream()).toList();
    }

    @Command(name = "send", description = {"Forwards every sample of the named records to a receiving bridge.",
            "Regions that do not exist yet are picked up when they appear; a new writer (epoch) is followed.",
            "Example: shmtel bridge send --to 10.0.0.2:40456 demo.arm demo.imu/imu_sample"})
    static final class Send implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RegionOptionsMixin region;

        @Mixin
        Common common;

        @Mixin
        PlacementOptionsMixin placement;

        @Option(names = "--to", paramLabel = "HOST:PORT", description = "The receiving bridge's address (unicast).")
        String to;

        @Mixin
        IdleOptionMixin idle;

        @Parameters(arity = "1..*", paramLabel = "REGION[/RECORD]", description = "What to forward: a region "
                + "(every record) or one record.")
        List<String> targets = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            String channel = channel(spec, common, to, "--to");
            if (channel == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "where to? give --to HOST:PORT or --channel URI");
            }
            for (String t : targets) {
                int slash = t.indexOf('/');
                RegionDirectory.checkName(slash < 0 ? t : t.substring(0, slash));
            }
            SenderConfig config;
            try {
                config = SenderConfig.of("send", targets, channel, common.stream, region.options())
                        .withMaxPark(common.maxPark()).withPlacement(placement.placement())
                        .withIdle(BridgeIdle.of(idle.name()));
            } catch (BridgeException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            SenderBridge[] bridge = new SenderBridge[1];
            PrintWriter err = spec.commandLine().getErr();
            return runUntilStopped(common, config.idle(), err, transport -> {
                bridge[0] = SenderBridge.start(config, transport, log(err)); // its thread places itself first
                placement.confirm("bridge send", "the bridge thread", err);
                return bridge[0];
            }, () -> bridge[0] == null ? null : bridge[0].failure());
        }
    }

    @Command(name = "receive", description =
            {"Recreates the regions a sending bridge forwards and republishes their samples here.",
            "Statistics of each link go to the region MIRROR.bridge (schema bridge_stats).",
            "Example: shmtel bridge receive --listen 0.0.0.0:40456 --prefix board."})
    static final class Receive implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RegionOptionsMixin region;

        @Mixin
        Common common;

        @Mixin
        PlacementOptionsMixin placement;

        @Option(names = "--listen", paramLabel = "HOST:PORT",
                description = "Local address to receive on (default: 0.0.0.0:" + DEFAULT_PORT + ").")
        String listen;

        @Option(names = "--prefix", defaultValue = "", paramLabel = "P",
                description = "Name each mirror P + the source region's name (default: the same name).")
        String prefix;

        @Option(names = "--unreliable", description = "Do not repair losses: a lost sample stays lost (counted as "
                + "lost_link) and never delays newer ones. Default: the transport retransmits, in order.")
        boolean unreliable;

        @Option(names = "--remove-on-exit", description = "Remove the mirrors and their .bridge regions on exit.")
        boolean removeOnExit;

        @Mixin
        IdleOptionMixin idle;

        @Override
        public Integer call() throws Exception {
            String channel = channel(spec, common, listen, "--listen");
            if (channel == null) {
                channel = "aeron:udp?endpoint=0.0.0.0:" + DEFAULT_PORT;
            }
            if (!prefix.isEmpty()) {
                RegionDirectory.checkName(prefix + "x");
            }
            ReceiverConfig config = ReceiverConfig.of("receive", channel, common.stream, prefix, region.options())
                    .withReliable(!unreliable).withRemoveOnExit(removeOnExit).withMaxPark(common.maxPark())
                    .withPlacement(placement.placement()).withIdle(BridgeIdle.of(idle.name()));
            ReceiverBridge[] bridge = new ReceiverBridge[1];
            PrintWriter err = spec.commandLine().getErr();
            return runUntilStopped(common, config.idle(), err, transport -> {
                bridge[0] = ReceiverBridge.start(config, transport, log(err)); // its thread places itself first
                placement.confirm("bridge receive", "the bridge thread", err);
                return bridge[0];
            }, () -> bridge[0] == null ? null : bridge[0].failure());
        }
    }
}
