package io.shmtel.tools;

import io.shmtel.core.Clocks;
import io.shmtel.core.Subscriber;
import io.shmtel.core.WaitSet;
import io.shmtel.core.idle.IdleStrategy;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.view.DynamicView;
import io.shmtel.foxglove.MessageEncoding;
import io.shmtel.foxglove.wellknown.WellKnownEncoder;
import io.shmtel.foxglove.wellknown.WellKnownSchemas;
import io.shmtel.schema.InputFiles;
import io.shmtel.schema.gen.JsonSchemaGenerator;
import io.shmtel.schema.layout.Fingerprint;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.wellknown.WellKnownDef;
import io.shmtel.tools.mcap.McapWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

@Command(name = "record", description =
        {"Records every sample of records into an MCAP file, until --duration or Ctrl-C.",
        "Stream readers count and report lost samples. One channel per region/record, JSON messages with the"
                + " record's JSON Schema embedded, so Foxglove and PlotJuggler open it; the shmtel schema travels in "
                        + "the"
                + " channel metadata for replay.",
        "Example: shmtel record demo.arm demo.imu -o run.mcap --duration 10"})
final class RecordCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RegionOptionsMixin region;

    @Mixin
    MemoryOptionsMixin memory;

    @Mixin
    IdleOptionMixin idleOption;

    @Mixin
    PlacementOptionsMixin placement;

    @Parameters(arity = "1..*", paramLabel = "REGION[/RECORD]",
            description = "What to record (a region: all its records).")
    List<String> targets;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.mcap",
            description = "The MCAP file to write.")
    Path output;

    @Option(names = "--duration", paramLabel = "S", converter = OptionValues.Seconds.class,
            description = "Stop after S seconds (default: Ctrl-C).")
    Double durationSeconds;

    /** One recorded record: its subscriber, view and channel, and the channels of its well-known messages. */
    record Channel(Subscriber subscriber, DynamicView view, int id, List<Derived> derived) {}

    /** A well-known message of a record (its schema's {@code "wellKnown"}): its encoder and channel. */
    record Derived(WellKnownEncoder encoder, int id) {}

    /** The channel metadata key that marks a well-known channel (replay skips it: record derives it again). */
    static final String DERIVED_KEY = "shmtel.wellKnown";

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        RegionOptions options = memory.apply(region.options());
        placement.apply("record", err); // this thread reads every channel and writes the file
        List<Channel> channels = new ArrayList<>();
        long samples = 0;
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = null;
        McapWriter mcap = open(output);
        try {
            for (String target : targets) {
                int slash = target.indexOf('/');
                String regionName = slash < 0 ? target : target.substring(0, slash);
                try (Region r = Region.open(regionName, options)) {
                    for (RecordLayout rec : r.layout().records()) {
                        if (slash >= 0 && !rec.name().equals(target.substring(slash + 1))) {
                            continue;
                        }
                        int schemaId = mcap.addSchema(r.layout().schemaName() + "." + rec.name(), "jsonschema",
                                JsonSchemaGenerator.recordSchema(r.layout(), rec).getBytes(StandardCharsets.UTF_8));
                        int channelId = mcap.addChannel(schemaId, regionName + "/" + rec.name(), "json", Map.of(
                                "shmtel.region", regionName, "shmtel.record", rec.name(),
                                "shmtel.fingerprint", Fingerprint.hex(rec.fingerprint()),
                                "shmtel.schema", r.layout().canonicalJson()));
                        List<Derived> derived = wellKnown(mcap, regionName, rec);
                        Subscriber s = Subscriber.open(regionName, rec.name(), r.layout(), options);
                        s.seekToNewest();
                        channels.add(new Channel(s, new DynamicView(rec), channelId, derived));
                    }
                }
                if (slash >= 0 && channels.stream().noneMatch(c -> c.subscriber().regionName().equals(regionName))) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "region \"" + regionName
                            + "\" has no record \"" + target.substring(slash + 1) + "\"");
                }
            }
            mcap.flush(); // the file is an MCAP from here on, whatever happens
            IdleStrategy idle = idleOption.strategy();
            WaitSet waitSet = new WaitSet();
            channels.forEach(c -> waitSet.add(c.subscriber()));
            boolean[] stop = {false};
            hook = new Thread(() -> {
                stop[0] = true;
                waitSet.wakeup(); // out of a blocking sleep now
                try {
                    finished.await(10, TimeUnit.SECONDS); // let the file be finished before the JVM exits
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "shmtel-record-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            int derived = channels.stream().mapToInt(c -> c.derived().size()).sum();
            err.printf("recording %d channel%s%s into %s%s%n", channels.size(), channels.size() == 1 ? "" : "s",
                    derived == 0 ? "" : " (and " + derived + " well-known)", output,
                    durationSeconds == null ? "; Ctrl-C to stop" : " for " + durationSeconds + " s");
            err.flush();
            long epochOffsetNs = Clocks.monotonicToEpochOffsetNs(); // for viewers
            long deadline = durationSeconds == null ? Long.MAX_VALUE : System.nanoTime()
                    + (long) (durationSeconds * 1e9);
            long nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            StringBuilder json = new StringBuilder(256);
            // A fault on the mapping of a region truncated under record (SIGBUS, raised by the JVM at a later
            // instruction) ends the loop; the region's subscriber drops it (CORRUPT, said in the log) and record goes
            // on.
            while (true) {
                try {
                    while (!stop[0] && System.nanoTime() - deadline < 0) {
                        boolean any = false;
                        for (Channel c : channels) {
                            while (c.subscriber().poll(c.view())) {
                                json.setLength(0);
                                c.view().appendJsonFields(json.append('{')).append('}');
                                byte[] data = json.toString().getBytes(StandardCharsets.UTF_8);
                                long now = System.nanoTime();
                                long t = c.view().timestampNs() + epochOffsetNs;
                                mcap.addMessage(c.id(), c.view().sampleIndex(), now + epochOffsetNs, t, data,
                                        data.length);
                                for (Derived d : c.derived()) {
                                    byte[] m = d.encoder().encode(c.view(), t);
                                    mcap.addMessage(d.id(), c.view().sampleIndex(), now + epochOffsetNs, t, m,
                                            m.length);
                                }
                                samples++;
                                any = true;
                            }
                        }
                        if (any) {
                            idle.reset();
                        } else {
                            // Wake at least once a second for the progress line and the stop flag.
                            idle.idle(waitSet, Math.min(nextProgress - System.nanoTime(),
                                    deadline - System.nanoTime()));
                        }
                        if (System.nanoTime() - nextProgress > 0) {
                            nextProgress += TimeUnit.SECONDS.toNanos(1);
                            mcap.flush(); // into the file at least once a second: a full disk shows now, not at the end
                            err.printf("recording: %d samples, %s written, %d lost%n", samples,
                                    RegionSummary.formatBytes(mcap.flushedBytes()), lost(channels));
                            err.flush();
                        }
                    }
                    break;
                } catch (InternalError e) {
                    if (Region.truncatedMappingFault(e) == null) {
                        throw e;
                    }
                }
            }
            mcap.close();
        } catch (IOException e) {
            if (mcap.failure() == null) {
                throw e;
            }
            throw writeFailed(output, mcap, e);
        } finally {
            try {
                mcap.close(); // after another error: the file is finished (or salvaged) all the same
            } catch (IOException e) {
                // that other error is the one reported
            }
            channels.forEach(c -> c.subscriber().close());
            finished.countDown();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the hook is waiting for us
                }
            }
        }
        long lost = lost(channels);
        err.printf("recorded %d samples into %s (%s), %d lost%s%n", samples, output,
                RegionSummary.formatBytes(Files.size(output)), lost,
                lost > 0 ? " (the recorder fell behind the writers: record fewer records, or give the rings more depth)"
                        : "");
        return ExitCodes.OK;
    }

    /**
     * A channel per well-known mapping of the record (issue 27), beside its own: JSON with Foxglove's schema name
     * and JSON schema, so Foxglove's 3D panel and PlotJuggler read it as that type.
     */
    private static List<Derived> wellKnown(McapWriter mcap, String regionName, RecordLayout rec) throws IOException {
        List<Derived> derived = new ArrayList<>();
        List<String> suffixes = WellKnownSchemas.suffixes(rec);
        for (int m = 0; m < rec.wellKnown().size(); m++) {
            WellKnownDef def = rec.wellKnown().get(m);
            int schemaId = mcap.addSchema(WellKnownSchemas.schemaName(def.type(), MessageEncoding.JSON), "jsonschema",
                    WellKnownSchemas.schema(def.type(), MessageEncoding.JSON).getBytes(StandardCharsets.UTF_8));
            int id = mcap.addChannel(schemaId, WellKnownSchemas.topic(regionName, rec.name(), suffixes.get(m)),
                    "json", Map.of("shmtel.region", regionName, "shmtel.record", rec.name(), DERIVED_KEY,
                            def.type().typeName()));
            derived.add(new Derived(WellKnownEncoder.create(rec, def, MessageEncoding.JSON), id));
        }
        return derived;
    }

    /** Opens the output, or says in one line why it cannot be written (exit 3). */
    private static McapWriter open(Path output) throws OutputException {
        try {
            return new McapWriter(output, "shmtel record");
        } catch (IOException e) {
            String reason;
            if (Files.isDirectory(output)) {
                reason = "is a directory: give a file name, e.g. " + output.resolve("run.mcap");
            } else if (e instanceof NoSuchFileException) {
                Path parent = output.toAbsolutePath().getParent();
                reason = "no such directory: " + parent + " (create it first)";
            } else if (e instanceof AccessDeniedException) {
                reason = "permission denied (the directory or the file is not writable)";
            } else {
                reason = InputFiles.reason(e);
            }
            throw new OutputException("cannot write " + output + ": " + reason, e);
        }
    }

    /** A write failed (a full disk): the file is salvaged and the message says what it keeps. */
    private static OutputException writeFailed(Path output, McapWriter mcap, IOException e) {
        McapWriter.Salvage kept = mcap.salvage();
        String after = kept.bytesBeforeFailure() > 0 ? " after " + kept.bytesBeforeFailure() + " bytes" : "";
        String what = kept.readable()
                ? "the file keeps the " + kept.messages() + " samples written before the failure (" + kept.bytes()
                        + " bytes), a readable MCAP without its index"
                : "the file is not a finished MCAP (truncated"
                        + (kept.bytes() > 0 ? " at " + kept.bytes() + " bytes" : "") + "; replay refuses it)";
        return new OutputException("cannot write " + output + ": " + InputFiles.reason(e) + after
                + "; recording stopped at " + mcap.messageCount() + " samples; " + what, e);
    }

    private static long lost(List<Channel> channels) {
        return channels.stream().mapToLong(c -> c.subscriber().lostSamples()).sum();
    }
}
