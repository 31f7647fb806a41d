package io.shmtel.tools;

import io.shmtel.core.region.RegionDirectory;
import io.shmtel.foxglove.FoxgloveServer;
import io.shmtel.foxglove.MessageEncoding;
import io.shmtel.foxglove.ServerConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "serve", description =
        {"Serves regions live over the Foxglove WebSocket protocol, with a built-in plotting page.",
        "The WebSocket and the page share one port; PlotJuggler's Foxglove client connects too. One channel per"
                + " region/record, JSON messages with the"
                + " record's JSON Schema (units and descriptions), at most --max-rate messages a second per channel "
                        + "(then"
                + " the newest sample at that rate). Regions that appear, go, or get a new writer are advertised,"
                + " withdrawn and advertised again; a record once it has published (--all-records: at once). Listens "
                        + "on loopback unless --bind says otherwise.",
        "Example: shmtel serve, then open http://127.0.0.1:8765/ or Foxglove on ws://127.0.0.1:8765"})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RegionOptionsMixin region;

    @Mixin
    MemoryOptionsMixin memory;

    @Mixin
    IdleOptionMixin idle;

    @Parameters(arity = "0..*", paramLabel = "REGION[/RECORD]",
            description = "What to serve (default: every region of the directory, as they come and go).")
    List<String> targets = new ArrayList<>();

    @Option(names = "--port", defaultValue = "8765", paramLabel = "PORT", converter = OptionValues.Port.class,
            description = "TCP port for WebSocket and the page (default: ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(names = "--bind", defaultValue = ServerConfig.LOOPBACK, paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only). Another address "
                    + "exposes the telemetry to the network, without authentication; it is logged.")
    String bind;

    @Option(names = "--max-rate", defaultValue = "1000", paramLabel = "HZ", converter = OptionValues.Rate.class,
            description = "Most messages a second per channel and client (default: ${DEFAULT-VALUE}); faster "
                    + "records are decimated to their newest sample. 0: every sample.")
    double maxRateHz;

    @Option(names = "--encoding", defaultValue = "json", paramLabel = "json|cdr", converter = EncodingConverter.class,
            description = "Message encoding (default: ${DEFAULT-VALUE}): json with JSON Schemas (Foxglove, the page), "
                    + "or cdr, ROS 2 CDR with ros2msg definitions, for clients that take only ROS 2 data "
                            + "(PlotJuggler's "
                    + "Foxglove client). The page needs json.")
    MessageEncoding encoding;

    static final class EncodingConverter implements CommandLine.ITypeConverter<MessageEncoding> {
        @Override
        public MessageEncoding convert(String value) {
            return switch (value) {
                case "json" -> MessageEncoding.JSON;
                case "cdr" -> MessageEncoding.CDR;
                default -> throw new CommandLine.TypeConversionException("\"" + value
                        + "\" is not an encoding: json or cdr");
            };
        }
    }

    @Option(names = "--duration", paramLabel = "S", converter = OptionValues.Seconds.class,
            description = "Stop after S seconds (default: Ctrl-C).")
    Double durationSeconds;

    @Option(names = "--all-records", description = "Advertise every record of a region at once; by default a record "
            + "becomes a channel once it has published a sample, so the records of a schema that a region's writer "
            + "never fills are left out. A REGION/RECORD named is advertised either way.")
    boolean allRecords;

    @Option(names = "--allow-origin", paramLabel = "ORIGIN", description = {"Also let web pages of ORIGIN"
            + " (scheme://host[:port], e.g. https://viewer.example.com; * for any) open a WebSocket; repeatable. By"
            + " default only clients without an Origin header (Foxglove desktop, programs), this server's own page and"
            + " Foxglove's web app (https://app.foxglove.dev) may: a page of another site is refused (403)."})
    List<String> allowedOrigins = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        for (String t : targets) {
            int slash = t.indexOf('/');
            RegionDirectory.checkName(slash < 0 ? t : t.substring(0, slash));
            if (slash >= 0 && (slash == t.length() - 1 || t.indexOf('/', slash + 1) >= 0)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "\"" + t + "\" is not REGION or REGION/RECORD");
            }
        }
        ServerConfig config;
        try {
            config = ServerConfig.defaults(memory.apply(region.options())).withBind(bind).withPort(port)
                    .withMaxRateHz(maxRateHz).withEncoding(encoding)
                    .withIdle(idle.name())
                    .withTargets(targets).withAllRecords(allRecords).withAllowedOrigins(allowedOrigins);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (FoxgloveServer server = FoxgloveServer.start(config, line -> {
            err.println(line);
            err.flush();
        })) {
            Thread hook = new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "shmtel-serve-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                if (durationSeconds == null) {
                    stopped.await();
                } else {
                    stopped.await((long) (durationSeconds * 1000), TimeUnit.MILLISECONDS);
                }
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the hook closes the server
                }
            }
        }
        return ExitCodes.OK;
    }

}
